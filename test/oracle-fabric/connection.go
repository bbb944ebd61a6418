// Connection mode, judged by Fabric's own connection.json reading (reference §4 CONN-02..07).
//
// Mode:
//
//	connection  input = connection.json bytes; args.path = the path the peer would name in errors.
//	            Writes the bytes to <temp release dir>/chaincode/server/connection.json and calls
//	            externalbuilder.Instance{ReleaseDir: <temp>}.ChaincodeServerInfo(), the method the
//	            peer calls after `release`; the temp file's path in its errors is replaced by
//	            args.path. A top-level null makes Fabric dereference a nil pointer: the panic comes
//	            back as the verdict's "panic", as in test/oracle.
//	            Result (the shape of test/oracle's `connection`): address, dialTimeoutNanos, tls, and
//	            with TLS rootCert, clientAuth, with client auth clientCert, clientKey,
//	            serverNameOverride, all read from the *ccintf.ChaincodeServerInfo Fabric returned.
//	            userData is not returned by Fabric: it is json.Unmarshal of the same bytes into
//	            Fabric's own externalbuilder.ChaincodeServerUserData (pointer to pointer, as the
//	            method does), so the decoding is still Fabric's types and Duration.UnmarshalJSON.
//	            userData.domain is absent under 2.5, whose type has no such field (and whose
//	            ChaincodeServerInfo sets no serverNameOverride).
package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hyperledger/fabric/core/container/externalbuilder"
)

func judgeConnection(req Request) Verdict {
	release, err := os.MkdirTemp("", "oracle-fabric-release-")
	if err != nil {
		return Verdict{Error: "oracle-fabric: " + err.Error()}
	}
	defer os.RemoveAll(release)
	instance := &externalbuilder.Instance{ReleaseDir: release}
	dir := instance.ChaincodeServerReleaseDir()
	file := filepath.Join(dir, "connection.json")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Verdict{Error: "oracle-fabric: " + err.Error()}
	}
	if err := os.WriteFile(file, req.Input, 0o600); err != nil {
		return Verdict{Error: "oracle-fabric: " + err.Error()}
	}

	info, ierr := instance.ChaincodeServerInfo() // a top-level null panics in here, as in the peer
	if ierr != nil {
		return Verdict{Error: strings.ReplaceAll(ierr.Error(), file, req.Args["path"])}
	}
	if info == nil {
		return Verdict{Error: "oracle-fabric: ChaincodeServerInfo found no connection.json"}
	}

	data := &externalbuilder.ChaincodeServerUserData{}
	if err := json.Unmarshal(req.Input, &data); err != nil || data == nil {
		return Verdict{Error: "oracle-fabric: Fabric accepted a document its own type does not decode"}
	}

	cc := info.ClientConfig
	tls := cc.SecOpts.UseTLS
	result := map[string]any{"address": info.Address, "dialTimeoutNanos": strconv.FormatInt(int64(cc.DialTimeout), 10), "tls": tls}
	if tls {
		if len(cc.SecOpts.ServerRootCAs) != 1 {
			return Verdict{Error: "oracle-fabric: expected one root CA from ChaincodeServerInfo"}
		}
		result["rootCert"] = string(cc.SecOpts.ServerRootCAs[0])
		result["clientAuth"] = cc.SecOpts.RequireClientCert
		if cc.SecOpts.RequireClientCert {
			result["clientCert"] = string(cc.SecOpts.Certificate)
			result["clientKey"] = string(cc.SecOpts.Key)
			result["serverNameOverride"] = cc.SecOpts.ServerNameOverride
		}
	}
	userData := map[string]any{
		"address": data.Address, "dialTimeoutNanos": strconv.FormatInt(int64(data.DialTimeout), 10),
		"tlsRequired": data.TLSRequired, "clientAuthRequired": data.ClientAuthRequired,
		"clientKey": data.ClientKey, "clientCert": data.ClientCert, "rootCert": data.RootCert,
	}
	if domain, ok := userDomain(data); ok {
		userData["domain"] = domain // 3.x only: 2.5's type has no domain field
	}
	result["userData"] = userData
	return Verdict{OK: true, Result: result}
}

func init() {
	register("connection", judgeConnection)
}
