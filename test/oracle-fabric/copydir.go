// CopyDir mode: the peer's own persistence copy of the builder's output
// (core/container/externalbuilder/copy.go, reference BLD-09), on a source tree the test built.
//
// Mode:
//
//	copydir  args.src, args.dst: paths (dst must not exist, its parent must). Calls
//	         externalbuilder.CopyDir; error is CopyDir's error text with dst shown as <dst>.
//	         result.exists says whether dst exists afterwards (CopyDir removes it on an error);
//	         result.tree lists it, sorted: "<path> d <mode>", "<path> f <mode> <size> <sha256>",
//	         "<path> l <target>", "<path> ? <mode>" (the listing is this oracle's own code).
package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"

	"ccaas-conformance/oracle/oracleio"
	"github.com/hyperledger/fabric/core/container/externalbuilder"
)

func init() {
	register("copydir", judgeCopyDir)
}

func judgeCopyDir(req Request) Verdict {
	src, dst := req.Args["src"], req.Args["dst"]
	if src == "" || dst == "" {
		return Verdict{Error: "oracle-fabric: copydir needs args.src and args.dst"}
	}
	err := externalbuilder.CopyDir(peerLogger(), src, dst)
	_, statErr := os.Lstat(dst)
	result := map[string]any{"exists": statErr == nil, "tree": copyListing(dst)}
	if err != nil {
		return Verdict{Error: strings.ReplaceAll(err.Error(), dst, "<dst>"), Result: result}
	}
	return Verdict{OK: true, Result: result}
}

// copyListing lists every entry under root with its kind, permission bits and content (or target).
func copyListing(root string) []string {
	return oracleio.ListTree(root, func(rel, p string, st *syscall.Stat_t) string {
		if st == nil {
			return rel + " ? 0"
		}
		mode := st.Mode & 0o7777
		switch st.Mode & syscall.S_IFMT {
		case syscall.S_IFDIR:
			return fmt.Sprintf("%s d %o", rel, mode)
		case syscall.S_IFLNK:
			target, _ := os.Readlink(p)
			return fmt.Sprintf("%s l %s", rel, target)
		case syscall.S_IFREG:
			return fmt.Sprintf("%s f %o %d %s", rel, mode, st.Size, oracleio.FileSum(p))
		default:
			return fmt.Sprintf("%s ? %o", rel, mode)
		}
	})
}
