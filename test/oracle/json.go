// JSON, duration and connection.json modes of the oracle: Go's own encoding/json and time
// packages applied the way the Fabric peer applies them (reference §1 PKG-05, §4 CONN-02..07).
// The types below are written for this oracle from the documented behaviour; they are not Fabric's.
//
// Modes:
//
//	metadata    json.Unmarshal(input, &ChaincodePackageMetadata{}) → error text, or the three strings.
//	connection  json.Unmarshal(input, &ptr) with ptr := &ChaincodeServerUserData{} (pointer to pointer),
//	            then the peer's ChaincodeServerInfo validation. args.path names the file in errors.
//	            A top-level null panics like the peer does (nil dereference).
//	duration    time.ParseDuration(string(input)) → nanoseconds as a decimal string.
//	config      json.Unmarshal(input, &map[string]interface{}) → error text (CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG).
//	go-isprint  the code-point ranges where strconv.IsPrint is true (checks our generated table).
//
// Package names: the peer's types live in packages `persistence` and `externalbuilder`; a single
// main program cannot declare those, so Go prints `main.<Type>` in top-level type errors. The oracle
// replaces exactly that qualified type name with the peer's, so verdicts carry the peer's text.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
)

type ChaincodePackageMetadata struct {
	Type  string `json:"type"`
	Path  string `json:"path"`
	Label string `json:"label"`
}

// Duration behaves like the peer's dial_timeout type: a JSON number is nanoseconds (float64
// converted to time.Duration), a JSON string is a Go duration, anything else is rejected.
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if f, ok := v.(float64); ok {
		*d = Duration(time.Duration(f))
		return nil
	}
	if s, ok := v.(string); ok {
		parsed, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(parsed)
		return nil
	}
	return errors.New("invalid duration")
}

type ChaincodeServerUserData struct {
	Address            string   `json:"address"`
	Domain             string   `json:"domain"`
	DialTimeout        Duration `json:"dial_timeout"`
	TLSRequired        bool     `json:"tls_required"`
	ClientAuthRequired bool     `json:"client_auth_required"`
	ClientKey          string   `json:"client_key"`
	ClientCert         string   `json:"client_cert"`
	RootCert           string   `json:"root_cert"`
}

// peerTypeName maps the oracle's main.<Type> to the peer's package-qualified name.
func peerTypeName(err error, v any, pkg string) string {
	t := reflect.TypeOf(v).String()
	return strings.ReplaceAll(err.Error(), t, pkg+"."+t[strings.IndexByte(t, '.')+1:])
}

func judgeMetadata(req Request) Verdict {
	var m ChaincodePackageMetadata
	if err := json.Unmarshal(req.Input, &m); err != nil {
		return Verdict{Error: peerTypeName(err, m, "persistence")}
	}
	return Verdict{OK: true, Result: map[string]any{"type": m.Type, "path": m.Path, "label": m.Label}}
}

// serverInfo follows the peer's order of checks after decoding (CONN-07).
func serverInfo(c *ChaincodeServerUserData) (map[string]any, error) {
	if c.Address == "" {
		return nil, errors.New("chaincode address not provided")
	}
	dial := time.Duration(c.DialTimeout)
	if dial == 0 {
		dial = 3 * time.Second
	}
	info := map[string]any{"address": c.Address, "dialTimeoutNanos": strconv.FormatInt(int64(dial), 10), "tls": false}
	if !c.TLSRequired {
		return info, nil
	}
	if c.ClientAuthRequired && c.ClientKey == "" {
		return nil, errors.New("chaincode tls key not provided")
	}
	if c.ClientAuthRequired && c.ClientCert == "" {
		return nil, errors.New("chaincode tls cert not provided")
	}
	if c.RootCert == "" {
		return nil, errors.New("chaincode tls root cert not provided")
	}
	info["tls"] = true
	info["rootCert"] = c.RootCert
	info["clientAuth"] = c.ClientAuthRequired
	if c.ClientAuthRequired {
		info["clientCert"] = c.ClientCert
		info["clientKey"] = c.ClientKey
		info["serverNameOverride"] = c.Domain
	}
	return info, nil
}

func judgeConnection(req Request) Verdict {
	path := req.Args["path"]
	data := &ChaincodeServerUserData{}
	if err := json.Unmarshal(req.Input, &data); err != nil {
		return Verdict{Error: fmt.Sprintf("malformed chaincode info at '%s': %s", path, peerTypeName(err, *new(ChaincodeServerUserData), "externalbuilder"))}
	}
	info, err := serverInfo(data) // a nil data panics here, as in the peer
	if err != nil {
		return Verdict{Error: err.Error()}
	}
	info["userData"] = map[string]any{
		"address": data.Address, "domain": data.Domain, "dialTimeoutNanos": strconv.FormatInt(int64(data.DialTimeout), 10),
		"tlsRequired": data.TLSRequired, "clientAuthRequired": data.ClientAuthRequired,
		"clientKey": data.ClientKey, "clientCert": data.ClientCert, "rootCert": data.RootCert,
	}
	return Verdict{OK: true, Result: info}
}

func judgeDuration(req Request) Verdict {
	d, err := time.ParseDuration(string(req.Input))
	if err != nil {
		return Verdict{Error: err.Error()}
	}
	return Verdict{OK: true, Result: map[string]any{"nanos": strconv.FormatInt(int64(d), 10)}}
}

func judgeConfig(req Request) Verdict {
	var cfg map[string]interface{}
	if err := json.Unmarshal(req.Input, &cfg); err != nil {
		return Verdict{Error: err.Error()}
	}
	return Verdict{OK: true, Result: map[string]any{"nil": cfg == nil, "keys": len(cfg)}}
}

func judgeIsPrint(Request) Verdict {
	return Verdict{OK: true, Result: map[string]any{"ranges": runeRanges(strconv.IsPrint)}}
}

// jsonFoldRune is encoding/json's key folding of one rune: the smallest rune of its SimpleFold orbit.
func jsonFoldRune(r rune) rune {
	for {
		next := unicode.SimpleFold(r)
		if next <= r {
			return next
		}
		r = next
	}
}

func judgeFold(Request) Verdict {
	var pairs []any
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if f := jsonFoldRune(r); f != r {
			pairs = append(pairs, r, f)
		}
	}
	return Verdict{OK: true, Result: map[string]any{"pairs": pairs}}
}

func init() {
	register("metadata", judgeMetadata)
	register("connection", judgeConnection)
	register("duration", judgeDuration)
	register("config", judgeConfig)
	register("go-isprint", judgeIsPrint)
	register("go-fold", judgeFold)
}
