// Command oracle-fabric is the second differential oracle of ccaas-conformance: the same line
// protocol as test/oracle (one JSON request per line on stdin, one JSON verdict per line on
// stdout), but each mode calls the Fabric peer's OWN functions, built from local mirrors of the
// Fabric repositories (see go.mod: the replace directives point at ./.mirror/<name>, extracted at
// pinned commits by test/support/fabric.ts). No Fabric code lives in this directory: these files
// only call it. Where a mode must report a fact Fabric's API does not expose, the file says so.
//
// Verdicts are shaped exactly like test/oracle's modes of the same name, so one TypeScript
// property can compare against either oracle.
package main

import (
	"io"

	"ccaas-conformance/oracle/oracleio"
	"github.com/hyperledger/fabric-lib-go/common/flogging"
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
	flogging.Init(flogging.Config{LogSpec: "fatal", Writer: io.Discard})
	oracleio.Serve()
}
