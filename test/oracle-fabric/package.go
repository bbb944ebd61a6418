// Package-install mode, judged by Fabric's own install path (reference §1 PKG-01..11, PKG-13).
//
// Mode:
//
//	package  input = the package file bytes. Result (the shape of test/oracle's `package`):
//	         error        what lifecycle.ExternalFunctions.InstallChaincode returns when it refuses
//	                      the package before building it, or "" when install goes on to build;
//	         calcError    what `calculatepackageid` reports: persistence.ParseChaincodePackage's
//	                      error with the message its caller (internal/peer/lifecycle/chaincode
//	                      PackageIDCalculator.PackageID, internal to Fabric) adds;
//	         label, type  of the metadata ParseChaincodePackage returned;
//	         packageId    persistence.PackageID(label, bytes) once ParseChaincodePackage passed;
//	         lastCodeSha256       the code package ParseChaincodePackage returned (the DB scan's input);
//	         firstMetadataSha256 / firstCodeSha256   what the external builder receives: the bytes
//	                      container.Router.Build hands its ExternalBuilder, read back from the
//	                      package as InstallChaincode's persistence.Store saved it;
//	         buildInputError      (Fabric oracle only) the install error when Router.Build could
//	                      not even read its input back (FallbackPackageLocator.GetChaincodePackage
//	                      decodes the FIRST metadata.json with a json.Decoder), an error the
//	                      peer raises after the install parse, at build time.
//
// Fabric functions called: lifecycle.ExternalFunctions.InstallChaincode with the peer's own
// wiring (internal/peer/node/start.go): persistence.ChaincodePackageParser{ccprovider.
// PersistenceAdapter(ccprovider.MetadataAsTarEntries)}, persistence.NewStore on a temp dir,
// container.BuildRegistry, and container.Router{PackageProvider: persistence.FallbackPackageLocator}
// as the chaincode builder, whose ExternalBuilder here only records its input (no build runs).
//
// Computed here, not by Fabric (its API cannot expose them), the way test/oracle computes them:
// `label`/`type` are omitted when the outer gzip header is unreadable (ParseChaincodePackage then
// returns an empty, never-decoded metadata); `lastCodeSha256` and the `first*` hashes are reported
// only when Fabric hands those bytes out (a successful parse, a reached build), where test/oracle
// also reports them for refused packages.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"

	"github.com/hyperledger/fabric/core/chaincode/lifecycle"
	"github.com/hyperledger/fabric/core/chaincode/persistence"
	"github.com/hyperledger/fabric/core/common/ccprovider"
	"github.com/hyperledger/fabric/core/container"
	"github.com/pkg/errors"
)

// installParseMessage is the message InstallChaincode and calculatepackageid put before a parse error.
const installParseMessage = "could not parse as a chaincode install package"

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// builderInput is what container.Router.Build handed the external builder.
type builderInput struct {
	received bool
	metadata []byte
	code     []byte
}

// recordingExternalBuilder stands where the peer's external builders stand behind Router.Build:
// it keeps the metadata bytes and reads the code stream, then reports a built (not started) instance.
type recordingExternalBuilder struct{ got *builderInput }

func (r recordingExternalBuilder) Build(_ string, metadata []byte, code io.Reader) (container.Instance, error) {
	b, err := io.ReadAll(code)
	if err != nil {
		return nil, errors.WithMessage(err, "oracle-fabric: reading the code stream")
	}
	*r.got = builderInput{received: true, metadata: append([]byte{}, metadata...), code: b}
	return container.UninitializedInstance{}, nil
}

// buildReached marks that InstallChaincode went on to build, then builds through the Router.
type buildReached struct {
	router  *container.Router
	reached bool
}

func (b *buildReached) Build(ccid string) error {
	b.reached = true
	return b.router.Build(ccid)
}

func judgePackage(req Request) Verdict {
	result := map[string]any{}

	// calculatepackageid: the parse without the DB scan.
	md, code, perr := persistence.ParseChaincodePackage(req.Input)
	if _, gzErr := gzip.NewReader(bytes.NewReader(req.Input)); md != nil && gzErr == nil {
		result["label"] = md.Label
		result["type"] = md.Type
	}
	packageID := ""
	if perr != nil {
		result["calcError"] = errors.WithMessage(perr, installParseMessage).Error()
	} else {
		packageID = persistence.PackageID(md.Label, req.Input)
		result["packageId"] = packageID
		result["lastCodeSha256"] = hexSum(code)
	}

	// install: the parse with the DB scan, the save, then the build.
	store, err := os.MkdirTemp("", "oracle-fabric-store-")
	if err != nil {
		return Verdict{Error: "oracle-fabric: " + err.Error()}
	}
	defer os.RemoveAll(store)
	capture := &builderInput{}
	builder := &buildReached{router: &container.Router{
		ExternalBuilder: recordingExternalBuilder{got: capture},
		PackageProvider: &persistence.FallbackPackageLocator{
			ChaincodePackageLocator: &persistence.ChaincodePackageLocator{ChaincodeDir: store},
		},
	}}
	ef := &lifecycle.ExternalFunctions{
		Resources: &lifecycle.Resources{
			ChaincodeStore: persistence.NewStore(store),
			PackageParser: &persistence.ChaincodePackageParser{
				MetadataProvider: ccprovider.PersistenceAdapter(ccprovider.MetadataAsTarEntries),
			},
		},
		ChaincodeBuilder: builder,
		BuildRegistry:    &container.BuildRegistry{},
	}
	installed, ierr := ef.InstallChaincode(req.Input)
	if !builder.reached {
		if ierr == nil {
			return Verdict{Error: "oracle-fabric: InstallChaincode neither built nor failed"}
		}
		return Verdict{Error: ierr.Error(), Result: result}
	}
	if ierr != nil {
		result["buildInputError"] = ierr.Error()
	} else if installed.PackageID != packageID {
		return Verdict{Error: "oracle-fabric: InstallChaincode saved " + installed.PackageID + " but PackageID computes " + packageID}
	}
	if capture.received {
		result["firstMetadataSha256"] = hexSum(capture.metadata)
		result["firstCodeSha256"] = hexSum(capture.code)
	}
	return Verdict{OK: true, Result: result}
}

func init() {
	register("package", judgePackage)
}
