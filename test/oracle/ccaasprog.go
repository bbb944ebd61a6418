// Mode reproducing the three programs of the built-in ccaas builder (detect, build, release)
// with Go's own encoding/json, text/template, log, os and path/filepath, written for this oracle
// from the behaviour described in the reference (§3 BLD-15, §4 CONN-10), not taken from Fabric or
// from the builder's copy library.
//
//	ccaas-program  args.program = detect | build | release
//	               args.argv    = JSON array: the program's arguments (os.Args[1:])
//	               args.config  = CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG ("" = unset)
//	               The program runs in this process on the real file system.
//	               result: {code, stdout, stderr} exactly as the program would exit and print.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/template"
)

// withMessage formats like errors.WithMessage: "<msg>: <cause>".
func withMessage(cause error, msg string) error {
	return fmt.Errorf("%s: %w", msg, cause)
}

// --- the directory copy the builder uses (default options): written from its behaviour ---

func cpMkdirAllPerm(path string, perm fs.FileMode) error { return os.MkdirAll(path, perm) }

func cpTree(src, dest string) error {
	info, err := os.Lstat(src)
	if err != nil {
		return err
	}
	return cpAny(src, dest, info)
}

func cpAny(src, dest string, info fs.FileInfo) error {
	mode := info.Mode()
	switch {
	case mode&fs.ModeDevice != 0:
		return nil // devices are skipped without a word
	case mode&fs.ModeSymlink != 0:
		return cpLink(src, dest)
	case info.IsDir():
		return cpDir(src, dest, info)
	case mode&fs.ModeNamedPipe != 0:
		if err := cpMkdirAllPerm(filepath.Dir(dest), 0o777); err != nil {
			return err
		}
		return syscall.Mkfifo(dest, uint32(mode))
	default:
		return cpFile(src, dest, info)
	}
}

func cpFile(src, dest string, info fs.FileInfo) (err error) {
	in, err := os.Open(src)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	defer func() {
		if cerr := in.Close(); err == nil {
			err = cerr
		}
	}()
	if err = cpMkdirAllPerm(filepath.Dir(dest), 0o777); err != nil {
		return err
	}
	out, err := os.Create(dest)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_ = os.Chmod(dest, info.Mode()) // its error is overwritten by the copy's result
	_, err = io.Copy(out, in)
	return err
}

func cpDir(src, dest string, info fs.FileInfo) (err error) {
	if _, serr := os.Stat(dest); serr != nil && !os.IsNotExist(serr) {
		return serr
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	defer func() {
		if cerr := os.Chmod(dest, info.Mode()); err == nil {
			err = cerr
		}
	}()
	entries, err := os.ReadDir(src)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	infos := make([]fs.FileInfo, 0, len(entries))
	for _, e := range entries {
		i, err := e.Info()
		if err != nil {
			return err
		}
		infos = append(infos, i)
	}
	sort.SliceStable(infos, func(a, b int) bool { return infos[a].Name() < infos[b].Name() })
	for _, i := range infos {
		if err := cpAny(filepath.Join(src, i.Name()), filepath.Join(dest, i.Name()), i); err != nil {
			return err
		}
	}
	return nil
}

func cpLink(src, dest string) error {
	target, err := os.Readlink(src)
	if err != nil {
		if os.IsNotExist(err) {
			return os.Symlink(src, dest)
		}
		return err
	}
	if _, err := os.Lstat(dest); err == nil {
		if err := os.Remove(dest); err != nil {
			return err
		}
	}
	return os.Symlink(target, dest)
}

// --- the three programs ---

type progOut struct {
	stdout bytes.Buffer
	stderr bytes.Buffer
	logger *log.Logger
}

func newProgOut() *progOut {
	p := &progOut{}
	p.logger = log.New(&p.stderr, "", 0)
	return p
}

func progDetect(argv []string, p *progOut) int {
	type chaincodeMetadata struct {
		Type string `json:"type"`
	}
	p.logger.Println("::Detect")
	run := func() error {
		if len(argv) < 2 {
			return errors.New("too few arguments")
		}
		metadataFile := filepath.Join(argv[1], "metadata.json")
		if _, err := os.Stat(metadataFile); err != nil {
			return withMessage(err, fmt.Sprintf("%s not found ", metadataFile))
		}
		b, err := os.ReadFile(metadataFile)
		if err != nil {
			return withMessage(err, fmt.Sprintf("%s not readable", metadataFile))
		}
		var md chaincodeMetadata
		if err := json.Unmarshal(b, &md); err != nil {
			return withMessage(err, "Unable to parse the metadata.json file")
		}
		if strings.ToLower(md.Type) != "ccaas" {
			return fmt.Errorf("chaincode type not supported: %s", md.Type)
		}
		return nil
	}
	if err := run(); err != nil {
		p.logger.Printf("::Error: %v\n", err)
		return 1
	}
	p.logger.Printf("::Type detected as ccaas")
	return 0
}

func progBuild(argv []string, cfgString string, p *progOut) int {
	type chaincodeMetadata struct {
		Type string `json:"type"`
	}
	tmpl := func(cfg map[string]interface{}, text string) (string, error) {
		t, err := template.New("").Option("missingkey=error").Parse(text)
		if err != nil {
			fmt.Fprintf(&p.stdout, "Failed to parse the template: %s", err)
			return "", err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, cfg); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	p.logger.Println("::Build")
	run := func() error {
		if len(argv) < 3 {
			return errors.New("incorrect number of arguments")
		}
		src, mdDir, outDir := argv[0], argv[1], argv[2]
		connSrc := filepath.Join(src, "/connection.json")
		mdFile := filepath.Clean(filepath.Join(mdDir, "metadata.json"))
		connDest := filepath.Join(outDir, "/connection.json")
		metaInfSrc := filepath.Join(src, "META-INF")
		metaInfDest := filepath.Join(outDir, "META-INF")

		if _, err := os.Stat(mdFile); err != nil {
			return withMessage(err, fmt.Sprintf("%s not found ", mdFile))
		}
		b, err := os.ReadFile(mdFile)
		if err != nil {
			return withMessage(err, fmt.Sprintf("%s file not readable", mdFile))
		}
		var md chaincodeMetadata
		if err := json.Unmarshal(b, &md); err != nil {
			return withMessage(err, "Unable to parse JSON")
		}
		if strings.ToLower(md.Type) != "ccaas" {
			return fmt.Errorf("chaincode type should be ccaas, it is %s", md.Type)
		}
		if err := cpTree(mdDir, outDir); err != nil {
			return fmt.Errorf("failed to copy build metadata folder: %s", err)
		}
		if _, err := os.Stat(metaInfSrc); !os.IsNotExist(err) {
			if err := cpTree(metaInfSrc, metaInfDest); err != nil {
				return fmt.Errorf("failed to copy build META-INF folder: %s", err)
			}
		}
		fi, err := os.Stat(connSrc)
		if err != nil {
			return withMessage(err, fmt.Sprintf("%s not found ", connSrc))
		}
		cb, err := os.ReadFile(connSrc)
		if err != nil {
			return err
		}
		var in connection
		if err := json.Unmarshal(cb, &in); err != nil {
			return err
		}
		var cfg map[string]interface{}
		if cfgString != "" {
			if err := json.Unmarshal([]byte(cfgString), &cfg); err != nil {
				return fmt.Errorf("Failed to unmarshal %s", err)
			}
		}
		out := connection{}
		if out.Address, err = tmpl(cfg, in.Address); err != nil {
			return fmt.Errorf("Failed to parse the Address field template: %s", err)
		}
		if out.DialTimeout, err = tmpl(cfg, in.DialTimeout); err != nil {
			return fmt.Errorf("Failed to parse the DialTimeout field template: %s", err)
		}
		if in.TLS {
			out.TLS = true
			out.ClientAuth = in.ClientAuth
			if out.RootCert, err = tmpl(cfg, in.RootCert); err != nil {
				return fmt.Errorf("Failed to parse the RootCert field template: %s", err)
			}
			if out.ClientKey, err = tmpl(cfg, in.ClientKey); err != nil {
				return fmt.Errorf("Failed to parse the ClientKey field template: %s", err)
			}
			if out.ClientCert, err = tmpl(cfg, in.ClientCert); err != nil {
				return fmt.Errorf("Failed to parse the ClientCert field template: %s", err)
			}
		}
		ob, err := json.Marshal(out)
		if err != nil {
			return fmt.Errorf("failed to marshal updated connection.json file: %s", err)
		}
		return os.WriteFile(connDest, ob, fi.Mode())
	}
	if err := run(); err != nil {
		p.logger.Printf("::Error: %v\n", err)
		return 1
	}
	p.logger.Printf("::Build phase completed")
	return 0
}

func progRelease(argv []string, p *progOut) int {
	p.logger.Println("::Release")
	copyFile := func(src, dst string) error {
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(dst)
		if err != nil {
			return err
		}
		defer out.Close()
		if _, err := io.Copy(out, in); err != nil {
			return err
		}
		return out.Close()
	}
	run := func() error {
		if len(argv) < 2 {
			return errors.New("incorrect number of arguments")
		}
		bld, rel := argv[0], argv[1]
		connSrc := filepath.Join(bld, "/connection.json")
		connDir := filepath.Join(rel, "chaincode/server/")
		connDest := filepath.Join(rel, "chaincode/server/connection.json")
		statedb := filepath.Join(bld, "META-INF/statedb")
		statedbDest := filepath.Join(rel, "statedb")
		if _, err := os.Stat(statedb); !os.IsNotExist(err) {
			if err := cpTree(statedb, statedbDest); err != nil {
				return fmt.Errorf("failed to copy metadataDir directory folder: %s", err)
			}
		}
		if _, err := os.Stat(connSrc); err != nil {
			return fmt.Errorf("connection.json not found in source folder: %s", err)
		}
		if err := os.MkdirAll(connDir, 0o750); err != nil {
			return fmt.Errorf("failed to create target folder for connection.json: %s", err)
		}
		return copyFile(connSrc, connDest)
	}
	if err := run(); err != nil {
		p.logger.Printf("::Error: %v\n", err)
		return 1
	}
	p.logger.Printf("::Release phase completed")
	return 0
}

func judgeCcaasProgram(req Request) Verdict {
	var argv []string
	if err := json.Unmarshal([]byte(req.Args["argv"]), &argv); err != nil {
		return Verdict{Error: "oracle: args.argv must be a JSON array of strings: " + err.Error()}
	}
	p := newProgOut()
	var code int
	switch req.Args["program"] {
	case "detect":
		code = progDetect(argv, p)
	case "build":
		code = progBuild(argv, req.Args["config"], p)
	case "release":
		code = progRelease(argv, p)
	default:
		return Verdict{Error: "oracle: unknown ccaas program " + req.Args["program"]}
	}
	return Verdict{OK: code == 0, Result: map[string]any{"code": code, "stdout": p.stdout.String(), "stderr": p.stderr.String()}}
}

func init() {
	register("ccaas-program", judgeCcaasProgram)
}
