// Command oracle-fabric is the second differential oracle of ccaas-conformance: the same line
// protocol as test/oracle (one JSON request per line on stdin, one JSON verdict per line on
// stdout), but each mode calls the Fabric peer's OWN functions, at a pinned release: go.mod (3.1,
// the default) and go.2.5.mod (2.5 LTS, built with -modfile=go.2.5.mod -tags fabric2_5) require
// github.com/hyperledger/fabric at the release tag's commit, resolved like any Go module
// (mocks/mirrors.ts can serve them from local mirrors). No Fabric code lives in this directory:
// these files only call it. Where a mode must report a fact Fabric's API does not expose, the file says so.
//
// Verdicts are shaped exactly like test/oracle's modes of the same name, so one TypeScript
// property can compare against either oracle.
package main

import (
	"ccaas-conformance/oracle/oracleio"
)

// The protocol's types and registration, under the names the mode files use.
type (
	Request = oracleio.Request
	Verdict = oracleio.Verdict
)

func register(mode string, h func(Request) Verdict) { oracleio.Register(mode, h) }

func main() {
	// The peer's loggers (persistence warns about unexpected entries, ccprovider logs gzip
	// failures, lifecycle logs installs) say nothing a verdict does not: keep stderr for faults.
	silencePeerLoggers()
	oracleio.Serve()
}
