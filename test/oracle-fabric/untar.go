// Untar mode, judged by Fabric's own extraction (reference §2 CODE-01..03).
//
// Mode:
//
//	untar  input = code.tar.gz bytes. Calls externalbuilder.Untar on a fresh temp dir; error is
//	       Untar's error text with the temp dir shown as <dst> (the text that follows "could not
//	       untar source package: " in the peer). result.tree lists what Untar created, sorted:
//	       "<path> <d|f> <mode octal> <size> <sha256>" — the listing is this oracle's own code
//	       (the same listing as test/oracle's), not Fabric's.
package main

import (
	"ccaas-conformance/oracle/oracleio"
	"github.com/hyperledger/fabric/core/container/externalbuilder"
)

func init() {
	register("untar", oracleio.UntarJudge(externalbuilder.Untar))
}
