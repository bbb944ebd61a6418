// Command oracle is the differential oracle of ccaas-conformance: a Go program that reproduces,
// with Go's own standard library (encoding/json, archive/tar, compress/gzip, time, text/template),
// the steps of the Fabric peer that judge a chaincode package, a code archive and a
// connection.json. The TypeScript harness must agree with it on every input.
//
// It is written for this project from the behaviour documented in the rule catalogue; it contains
// no Fabric code. It reads one JSON request per line on stdin and writes one JSON verdict per line.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// Request is one case to judge. Input is the raw bytes under test (base64 in JSON).
type Request struct {
	Mode  string            `json:"mode"`
	Input []byte            `json:"input"`
	Args  map[string]string `json:"args,omitempty"`
}

// Verdict is what the peer (or the built-in ccaas builder) would conclude.
type Verdict struct {
	OK     bool           `json:"ok"`
	Error  string         `json:"error,omitempty"`
	Panic  string         `json:"panic,omitempty"`
	Result map[string]any `json:"result,omitempty"`
}

// handlers maps a mode to its judge; each mode registers itself from its own file.
var handlers = map[string]func(Request) Verdict{}

func register(mode string, h func(Request) Verdict) {
	if _, dup := handlers[mode]; dup {
		panic("duplicate oracle mode " + mode)
	}
	handlers[mode] = h
}

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

func main() {
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
