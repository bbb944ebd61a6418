// Untar mode of the oracle: what the peer's external-builder path does with code.tar.gz when it
// creates a build context (reference §2 CODE-01..03): gzip + tar, each name checked with
// filepath.Clean (no absolute or escaping path), directories created 0700, regular files created
// (parents 0700) with O_CREATE|O_RDWR and the header's mode, no truncation, other types refused.
// Written for this oracle from the documented behaviour; it contains no Fabric code.
//
// Mode:
//
//	untar  input = code.tar.gz bytes. Extracts into a fresh temp dir; error is the inner text
//	       (as it follows "could not untar source package: "), with the temp dir shown as <dst>.
//	       result.tree lists what was created: "<path> <d|f> <mode octal> <size> <sha256>" sorted.
package main

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"ccaas-conformance/oracle/oracleio"
)

func insideDst(name string) bool {
	c := filepath.Clean(name)
	if filepath.IsAbs(c) {
		return false
	}
	return !(c == ".." || strings.HasPrefix(c, ".."+string(filepath.Separator)))
}

func extractCode(src io.Reader, dst string) error {
	zr, err := gzip.NewReader(src)
	if err != nil {
		return err
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("could not get next tar element: %w", err)
		}
		if !insideDst(hdr.Name) {
			return fmt.Errorf("tar contains the absolute or escaping path '%s'", hdr.Name)
		}
		target := filepath.Join(dst, hdr.Name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o700); err != nil {
				return fmt.Errorf("could not create directory '%s': %w", hdr.Name, err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
				return fmt.Errorf("could not create directory '%s': %w", filepath.Dir(hdr.Name), err)
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_RDWR, os.FileMode(hdr.Mode))
			if err != nil {
				return fmt.Errorf("could not create file '%s': %w", hdr.Name, err)
			}
			_, cerr := io.Copy(f, tr)
			f.Close()
			if cerr != nil {
				return cerr
			}
		default:
			return fmt.Errorf("invalid file type '%v' contained in archive for file '%s'", hdr.Typeflag, hdr.Name)
		}
	}
}

func init() {
	register("untar", oracleio.UntarJudge(extractCode))
}
