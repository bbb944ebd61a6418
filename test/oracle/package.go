// Package-install mode of the oracle: what the peer's `_lifecycle InstallChaincode` does with the
// bytes of a chaincode package before building it (reference §1 PKG-01..08, PKG-11, PKG-13),
// reproduced with Go's own compress/gzip, archive/tar, encoding/json and regexp. Written for this
// oracle from the documented behaviour; it contains no Fabric code.
//
// Mode:
//
//	package  input = the package file bytes. Result:
//	         error        the full client-visible install error ("could not parse as a chaincode
//	                      install package: ...") or "" when install would go on to build;
//	         calcError    what `calculatepackageid` reports (the parse without the DB scan);
//	         label        label of the last metadata.json (when decoded);
//	         packageId    "<label>:<sha256>" once the label passed (even if the DB scan fails);
//	         firstMetadataSha256 / firstCodeSha256   the entries the builders receive;
//	         lastCodeSha256                          the entry the DB scan reads.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

var labelPattern = regexp.MustCompile(`^[[:alnum:]][[:alnum:]_.+-]*$`)

type installParse struct {
	meta      *ChaincodePackageMetadata
	code      []byte
	firstMeta []byte
	firstCode []byte
	lastCode  []byte
	gotLabel  bool
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// parseInstallPackage walks the outer gzip+tar exactly as the install parse does.
func parseInstallPackage(pkg []byte) (*installParse, error) {
	out := &installParse{}
	zr, err := gzip.NewReader(bytes.NewBuffer(pkg))
	if err != nil {
		return out, fmt.Errorf("error reading as gzip stream: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, fmt.Errorf("error inspecting next tar header: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return out, fmt.Errorf("tar entry %s is not a regular file, type %v", hdr.Name, hdr.Typeflag)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			return out, fmt.Errorf("could not read %s from tar: %w", hdr.Name, err)
		}
		switch hdr.Name {
		case "metadata.json":
			if out.firstMeta == nil {
				out.firstMeta = body
			}
			m := &ChaincodePackageMetadata{}
			out.meta = m
			if err := json.Unmarshal(body, m); err != nil {
				return out, fmt.Errorf("could not unmarshal %s as json: %s", "metadata.json", peerTypeName(err, *m, "persistence"))
			}
		case "code.tar.gz":
			if out.firstCode == nil {
				out.firstCode = body
			}
			out.code = body
			out.lastCode = body
		}
	}
	if out.code == nil {
		return out, errors.New("did not find a code package inside the package")
	}
	if out.meta == nil {
		return out, errors.New("did not find any package metadata (missing metadata.json)")
	}
	out.gotLabel = true
	if !labelPattern.MatchString(out.meta.Label) {
		return out, fmt.Errorf("invalid label '%s'. Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics", out.meta.Label)
	}
	return out, nil
}

// dbArtifacts copies the META-INF/statedb/ entries of a code package into a new tar, as install does.
func dbArtifacts(code []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(code))
	if err != nil {
		return err
	}
	var sink bytes.Buffer
	tw := tar.NewWriter(&sink)
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if !strings.HasPrefix(hdr.Name, "META-INF/statedb/") {
			continue
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return err
		}
	}
	return tw.Close()
}

const parsePrefix = "could not parse as a chaincode install package: "

func judgePackage(req Request) Verdict {
	result := map[string]any{}
	p, err := parseInstallPackage(req.Input)
	if p.meta != nil {
		result["label"] = p.meta.Label
		result["type"] = p.meta.Type
	}
	if p.firstMeta != nil {
		result["firstMetadataSha256"] = hexSum(p.firstMeta)
	}
	if p.firstCode != nil {
		result["firstCodeSha256"] = hexSum(p.firstCode)
		result["lastCodeSha256"] = hexSum(p.lastCode)
	}
	if err != nil {
		result["calcError"] = parsePrefix + err.Error()
		return Verdict{Error: parsePrefix + err.Error(), Result: result}
	}
	result["packageId"] = p.meta.Label + ":" + hexSum(req.Input)
	if err := dbArtifacts(p.code); err != nil {
		return Verdict{Error: parsePrefix + "error retrieving DB artifacts from code package: " + err.Error(), Result: result}
	}
	return Verdict{OK: true, Result: result}
}

func init() {
	register("package", judgePackage)
}
