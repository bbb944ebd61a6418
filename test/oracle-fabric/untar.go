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
	"bytes"
	"os"
	"strings"

	"ccaas-conformance/oracle/oracleio"
	"github.com/hyperledger/fabric/core/container/externalbuilder"
)

func judgeUntar(req Request) Verdict {
	dst, err := os.MkdirTemp("", "oracle-fabric-untar-")
	if err != nil {
		return Verdict{Error: "oracle-fabric: " + err.Error()}
	}
	defer os.RemoveAll(dst)
	xerr := externalbuilder.Untar(bytes.NewReader(req.Input), dst)
	result := map[string]any{"tree": oracleio.TreeListing(dst)}
	if xerr != nil {
		return Verdict{Error: strings.ReplaceAll(xerr.Error(), dst, "<dst>"), Result: result}
	}
	return Verdict{OK: true, Result: result}
}

func init() {
	register("untar", judgeUntar)
}
