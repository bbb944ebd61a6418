package main

// Private data for the asset feature (issue 14 item 4): the chaincode definition's collections,
// answered by Fabric's own counterfeiter fake of ledger.DeployedChaincodeInfoProvider (as
// _lifecycle would answer for a committed definition), and the channel's identity deserializer
// the Handler's collection store (Fabric's privdata.SimpleCollectionStore, built by
// Handler.Execute) evaluates the collection's member policy with (Fabric's cauthdsl evaluation).
// The deserializer is a small fake, as Fabric's privdata tests use one: it reads the
// SerializedIdentity, verifies ECDSA signatures with the certificate's key (low-S only, as
// bccsp's verifier), and satisfies a ROLE
// principal when the identity's MSP ID is the principal's (what an MSP without NodeOUs answers
// for MEMBER); it does not validate the certificate chain.

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/hyperledger/fabric/common/policydsl"
	"github.com/hyperledger/fabric/core/common/privdata"
	"github.com/hyperledger/fabric/core/ledger"
	ledgermock "github.com/hyperledger/fabric/core/ledger/mock"
	"github.com/hyperledger/fabric/msp"
)

// CollectionDef is one collection of the chaincode definition (Run.Namespace's).
type CollectionDef struct {
	Name            string   `json:"name"`
	Members         []string `json:"members"`
	MemberOnlyRead  bool     `json:"memberOnlyRead"`
	MemberOnlyWrite bool     `json:"memberOnlyWrite"`
}

var signedByAnyMember = policydsl.SignedByAnyMember

// configureCollections: the definition of `namespace` declares `defs`; any other chaincode none.
func configureCollections(p *ledgermock.DeployedChaincodeInfoProvider, namespace string, defs []CollectionDef) {
	statics := []*staticCollectionConfig{}
	for _, d := range defs {
		statics = append(statics, &staticCollectionConfig{
			Name:              d.Name,
			MemberOrgsPolicy:  memberOrgsPolicy(d.Members),
			RequiredPeerCount: 0,
			MaximumPeerCount:  1,
			MemberOnlyRead:    d.MemberOnlyRead,
			MemberOnlyWrite:   d.MemberOnlyWrite,
		})
	}
	pkg := newCollectionConfigPackage(statics)
	p.AllCollectionsConfigPkgStub = func(_, cc string, _ ledger.SimpleQueryExecutor) (*collectionConfigPackage, error) {
		if cc == namespace {
			return pkg, nil
		}
		return newCollectionConfigPackage(nil), nil
	}
	p.CollectionInfoStub = func(_, cc, coll string, _ ledger.SimpleQueryExecutor) (*staticCollectionConfig, error) {
		if cc == namespace {
			for _, s := range statics {
				if s.Name == coll {
					return s, nil
				}
			}
		}
		return nil, nil
	}
}

// identityDeserializers: the channel's deserializer for every channel.
func identityDeserializers() privdata.IdentityDeserializerFactoryFunc {
	return func(string) msp.IdentityDeserializer { return deserializer{} }
}

type deserializer struct{}

func (deserializer) DeserializeIdentity(b []byte) (msp.Identity, error) {
	mspID, certPEM, err := creatorOf(b)
	if err != nil {
		return nil, fmt.Errorf("could not deserialize a SerializedIdentity: %w", err)
	}
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return nil, fmt.Errorf("could not decode the PEM structure")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parseCertificate failed: %w", err)
	}
	return &identity{mspID: mspID, cert: cert, raw: b}, nil
}

func (deserializer) IsWellFormed(*mspSerializedIdentityArg) error { return nil }

type identity struct {
	mspID string
	cert  *x509.Certificate
	raw   []byte
}

func (i *identity) ExpiresAt() time.Time { return i.cert.NotAfter }
func (i *identity) GetIdentifier() *msp.IdentityIdentifier {
	h := sha256.Sum256(i.cert.Raw)
	return &msp.IdentityIdentifier{Mspid: i.mspID, Id: hex.EncodeToString(h[:])}
}
func (i *identity) GetMSPIdentifier() string                    { return i.mspID }
func (i *identity) Validate() error                             { return nil }
func (i *identity) GetOrganizationalUnits() []*msp.OUIdentifier { return nil }
func (i *identity) Anonymous() bool                             { return false }
func (i *identity) Serialize() ([]byte, error)                  { return i.raw, nil }

func (i *identity) Verify(msg, sig []byte) error {
	key, ok := i.cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Errorf("not an ECDSA key")
	}
	// as bccsp/sw verifyECDSA: only low-S signatures
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sig, &rs); err != nil || rs.S == nil {
		return fmt.Errorf("failed unmashalling signature")
	}
	if rs.S.Cmp(new(big.Int).Rsh(key.Curve.Params().N, 1)) > 0 {
		return fmt.Errorf("Invalid S. Must be smaller than half the order")
	}
	d := sha256.Sum256(msg)
	if !ecdsa.VerifyASN1(key, d[:], sig) {
		return fmt.Errorf("the signature is invalid")
	}
	return nil
}

func (i *identity) SatisfiesPrincipal(p *mspPrincipal) error {
	if p.PrincipalClassification != principalRole {
		return fmt.Errorf("invalid principal type %d", int32(p.PrincipalClassification))
	}
	mspID, role, err := roleOf(p)
	if err != nil {
		return err
	}
	if mspID != i.mspID {
		return fmt.Errorf("the identity is a member of a different MSP (expected %s, got %s)", mspID, i.mspID)
	}
	if role != "MEMBER" {
		return fmt.Errorf("this fake satisfies only MEMBER roles, not %s", role)
	}
	return nil
}

// MSPDef is an organisation of the channel: its MSP ID, its root CA certificate and an admin's
// certificate (PEM; a channel MSP without NodeOUs must declare its administrators).
type MSPDef struct {
	ID        string `json:"id"`
	RootCert  string `json:"rootCert"`
	AdminCert string `json:"adminCert"`
}

// channelMSPs: the channel's MSP manager, Fabric's own (msp.NewMSPManager over bccsp MSPs set up
// from each organisation's root CA as a verifying MSP, version 1.4.3, no NodeOUs), as the
// channel config would give it; the identity deserializer of the channel.
func channelMSPs(defs []MSPDef) (msp.MSPManager, error) {
	dir, err := os.MkdirTemp("", "oracle-protocol-msp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	csp, err := cryptoProvider()
	if err != nil {
		return nil, err
	}
	msps := []msp.MSP{}
	for i, d := range defs {
		orgDir := filepath.Join(dir, fmt.Sprintf("org%d", i))
		if err := os.MkdirAll(filepath.Join(orgDir, "cacerts"), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(orgDir, "cacerts", "ca.pem"), []byte(d.RootCert), 0o644); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Join(orgDir, "admincerts"), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(orgDir, "admincerts", "admin.pem"), []byte(d.AdminCert), 0o644); err != nil {
			return nil, err
		}
		conf, err := msp.GetVerifyingMspConfig(orgDir, d.ID, "bccsp")
		if err != nil {
			return nil, fmt.Errorf("MSP %s: %w", d.ID, err)
		}
		m, err := msp.New(&msp.BCCSPNewOpts{NewBaseOpts: msp.NewBaseOpts{Version: msp.MSPv1_4_3}}, csp)
		if err != nil {
			return nil, err
		}
		if err := m.Setup(conf); err != nil {
			return nil, fmt.Errorf("MSP %s: %w", d.ID, err)
		}
		msps = append(msps, m)
	}
	mgr := msp.NewMSPManager()
	if err := mgr.Setup(msps); err != nil {
		return nil, err
	}
	return mgr, nil
}
