// Modes reproducing the built-in ccaas builder's build step on connection.json with Go's own
// encoding/json and text/template (reference §4 CONN-10). Written for this oracle from the
// documented behaviour, not taken from Fabric.
//
// Modes:
//
//	ccaas-build-connection  input = connection.json bytes, args.config = CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG
//	                        ("" or absent = unset). ok → result.output (the rewritten file);
//	                        error → the text the builder prints after "::Error: ".
//	template                input = one template text, args.config as above: the string execTempl
//	                        returns, or its error.
//	go-alnum                the code-point ranges of unicode.IsLetter and unicode.IsDigit.
//	sprintf-float           input = a fmt format, args.bits = a float64's bits in hex (any double,
//	                        NaN and infinities too, which no template can write): fmt.Sprintf's result.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"text/template"
	"unicode"
	"unicode/utf8"
)

// connection is the builder's own view of connection.json: no domain, dial_timeout a string.
// It must be named `connection` in package main, as in the builder, for identical error texts.
type connection struct {
	Address     string `json:"address"`
	DialTimeout string `json:"dial_timeout"`
	TLS         bool   `json:"tls_required"`
	ClientAuth  bool   `json:"client_auth_required"`
	RootCert    string `json:"root_cert"`
	ClientKey   string `json:"client_key"`
	ClientCert  string `json:"client_cert"`
}

func render(cfg map[string]interface{}, text string) (string, error) {
	t, err := template.New("").Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, cfg); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func builderConfig(req Request) (map[string]interface{}, error) {
	var cfg map[string]interface{}
	if s := req.Args["config"]; s != "" {
		if err := json.Unmarshal([]byte(s), &cfg); err != nil {
			return nil, fmt.Errorf("Failed to unmarshal %s", err)
		}
	}
	return cfg, nil
}

func rewrite(req Request) ([]byte, error) {
	var in connection
	if err := json.Unmarshal(req.Input, &in); err != nil {
		return nil, err
	}
	cfg, err := builderConfig(req)
	if err != nil {
		return nil, err
	}
	var out connection
	type step struct {
		label string
		src   string
		dst   *string
	}
	steps := []step{{"Address", in.Address, &out.Address}, {"DialTimeout", in.DialTimeout, &out.DialTimeout}}
	if in.TLS {
		out.TLS, out.ClientAuth = true, in.ClientAuth
		steps = append(steps, step{"RootCert", in.RootCert, &out.RootCert}, step{"ClientKey", in.ClientKey, &out.ClientKey},
			step{"ClientCert", in.ClientCert, &out.ClientCert})
	}
	for _, s := range steps {
		v, err := render(cfg, s.src)
		if err != nil {
			return nil, fmt.Errorf("Failed to parse the %s field template: %s", s.label, err)
		}
		*s.dst = v
	}
	return json.Marshal(out)
}

func judgeCcaasBuild(req Request) Verdict {
	b, err := rewrite(req)
	if err != nil {
		return Verdict{Error: err.Error()}
	}
	return Verdict{OK: true, Result: map[string]any{"output": string(b)}}
}

func judgeTemplate(req Request) Verdict {
	var cfg map[string]interface{}
	if s := req.Args["config"]; s != "" {
		if err := json.Unmarshal([]byte(s), &cfg); err != nil {
			return Verdict{Error: "config: " + err.Error()}
		}
	}
	out, err := render(cfg, string(req.Input))
	if err != nil {
		return Verdict{Error: err.Error()}
	}
	return Verdict{OK: true, Result: map[string]any{"output": out}}
}

func runeRanges(f func(rune) bool) []any {
	var ranges []any
	in := false
	var lo rune
	for r := rune(0); r <= utf8.MaxRune+1; r++ {
		p := r <= utf8.MaxRune && f(r)
		if p && !in {
			lo, in = r, true
		} else if !p && in {
			ranges = append(ranges, lo, r-1)
			in = false
		}
	}
	return ranges
}

func judgeAlnum(Request) Verdict {
	return Verdict{OK: true, Result: map[string]any{"letter": runeRanges(unicode.IsLetter), "digit": runeRanges(unicode.IsDigit)}}
}

func judgeSprintfFloat(req Request) Verdict {
	bits, err := strconv.ParseUint(req.Args["bits"], 16, 64)
	if err != nil {
		return Verdict{Error: "bits: " + err.Error()}
	}
	out := fmt.Sprintf(string(req.Input), math.Float64frombits(bits))
	return Verdict{OK: true, Result: map[string]any{"output": out}}
}

func init() {
	register("ccaas-build-connection", judgeCcaasBuild)
	register("template", judgeTemplate)
	register("go-alnum", judgeAlnum)
	register("sprintf-float", judgeSprintfFloat)
}
