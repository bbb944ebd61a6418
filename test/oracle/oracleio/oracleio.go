// Package oracleio is the line protocol both differential oracles speak (test/oracle, our Go
// replica, and test/oracle-fabric, which calls Fabric's own code): one JSON Request per line on
// stdin, one JSON Verdict per line on stdout. Each mode registers its judge from its own file.
package oracleio

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// Request is one case to judge. Input is the raw bytes under test (base64 in JSON).
type Request struct {
	Mode  string            `json:"mode"`
	Input []byte            `json:"input"`
	Args  map[string]string `json:"args,omitempty"`
}

// Verdict is what the peer (or the built-in ccaas builder) concluded.
type Verdict struct {
	OK     bool           `json:"ok"`
	Error  string         `json:"error,omitempty"`
	Panic  string         `json:"panic,omitempty"`
	Result map[string]any `json:"result,omitempty"`
}

var handlers = map[string]func(Request) Verdict{}

// Register adds a mode; a mode registered twice is a programming error.
func Register(mode string, h func(Request) Verdict) {
	if _, dup := handlers[mode]; dup {
		panic("duplicate oracle mode " + mode)
	}
	handlers[mode] = h
}

// judge runs one mode; a panic inside the judged code (e.g. a nil dereference) becomes the verdict.
func judge(req Request) (v Verdict) {
	h, ok := handlers[req.Mode]
	if !ok {
		return Verdict{Error: fmt.Sprintf("oracle: unknown mode %q", req.Mode)}
	}
	defer func() {
		if r := recover(); r != nil {
			v = Verdict{Panic: fmt.Sprint(r)}
		}
	}()
	return h(req)
}

// Serve answers requests from stdin until it ends; a malformed request or a failed write exits 2.
func Serve() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	enc := json.NewEncoder(out)
	dec := json.NewDecoder(in)
	for {
		var req Request
		if err := dec.Decode(&req); err != nil {
			if err.Error() == "EOF" {
				return
			}
			fmt.Fprintln(os.Stderr, "oracle: bad request:", err)
			os.Exit(2)
		}
		if err := enc.Encode(judge(req)); err != nil {
			fmt.Fprintln(os.Stderr, "oracle: write:", err)
			os.Exit(2)
		}
		out.Flush()
	}
}

// TreeListing describes every path under root (excluding root), sorted:
// "<path> <d|f|?> <mode octal> <size> <sha256 or ->".
func TreeListing(root string) []string {
	return ListTree(root, func(rel, p string, st *syscall.Stat_t) string {
		if st == nil {
			return rel + " ? 0 0 -"
		}
		mode := st.Mode & 0o7777
		if st.Mode&syscall.S_IFMT == syscall.S_IFDIR {
			return fmt.Sprintf("%s d %o 0 -", rel, mode)
		}
		return fmt.Sprintf("%s f %o %d %s", rel, mode, st.Size, FileSum(p))
	})
}

// ListTree walks root (excluding root itself) and returns line(rel, path, lstat) for every
// entry, sorted; the lstat is nil when it failed.
func ListTree(root string, line func(rel, p string, st *syscall.Stat_t) string) []string {
	lines := []string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		var st syscall.Stat_t
		if e := syscall.Lstat(p, &st); e != nil {
			lines = append(lines, line(rel, p, nil))
			return nil
		}
		lines = append(lines, line(rel, p, &st))
		return nil
	})
	sort.Strings(lines)
	return lines
}

// FileSum is the hex sha256 of a file's content (following links), or "-" when it cannot be read.
func FileSum(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return "-"
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// UntarJudge is the `untar` mode over an extraction function: the code.tar.gz bytes are
// extracted into a fresh temp dir; the error text shows that dir as <dst> (the text that follows
// "could not untar source package: " in the peer), and result.tree lists what was created.
func UntarJudge(extract func(r io.Reader, dst string) error) func(Request) Verdict {
	return func(req Request) Verdict {
		dst, err := os.MkdirTemp("", "oracle-untar-")
		if err != nil {
			return Verdict{Error: "oracle: " + err.Error()}
		}
		defer os.RemoveAll(dst)
		xerr := extract(bytes.NewReader(req.Input), dst)
		result := map[string]any{"tree": TreeListing(dst)}
		if xerr != nil {
			return Verdict{Error: strings.ReplaceAll(xerr.Error(), dst, "<dst>"), Result: result}
		}
		return Verdict{OK: true, Result: result}
	}
}
