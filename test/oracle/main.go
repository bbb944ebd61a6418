// Command oracle is the differential oracle of ccaas-conformance: a Go program that reproduces,
// with Go's own standard library (encoding/json, archive/tar, compress/gzip, time, text/template),
// the steps of the Fabric peer that judge a chaincode package, a code archive and a
// connection.json. The TypeScript harness must agree with it on every input.
//
// It is written for this project from the behaviour documented in the rule catalogue; it contains
// no Fabric code. It reads one JSON request per line on stdin and writes one JSON verdict per line.
package main

import "ccaas-conformance/oracle/oracleio"

// The protocol's types and registration, under the names the mode files use.
type (
	Request = oracleio.Request
	Verdict = oracleio.Verdict
)

func register(mode string, h func(Request) Verdict) { oracleio.Register(mode, h) }

func main() { oracleio.Serve() }
