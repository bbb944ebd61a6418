//go:build fabric2_5

// The protos the issue-14 extensions (private.go, mango.go, history.go) use, from Fabric 2.5's
// fabric-protos-go: the other files name them only through these aliases.
package main

import (
	cb "github.com/hyperledger/fabric-protos-go/common"
	"github.com/hyperledger/fabric-protos-go/ledger/queryresult"
	mspproto "github.com/hyperledger/fabric-protos-go/msp"
	pb "github.com/hyperledger/fabric-protos-go/peer"
	"github.com/hyperledger/fabric/bccsp"
	"github.com/hyperledger/fabric/bccsp/sw"
	"github.com/hyperledger/fabric/protoutil"
	"github.com/hyperledger/fabric-protos-go/ledger/rwset/kvrwset"
)

type (
	staticCollectionConfig   = pb.StaticCollectionConfig
	collectionConfigPackage  = pb.CollectionConfigPackage
	mspPrincipal             = mspproto.MSPPrincipal
	kvResult                 = queryresult.KV
	keyModification          = queryresult.KeyModification
	pbResponse               = pb.Response
	pbChaincodeID            = pb.ChaincodeID
	mspSerializedIdentityArg = mspproto.SerializedIdentity
)

const principalRole = mspproto.MSPPrincipal_ROLE

// txFilterIndex: the block metadata slot of the transactions' validation codes.
const txFilterIndex = cb.BlockMetadataIndex_TRANSACTIONS_FILTER

func blockDataHash(d *cb.BlockData) []byte { return protoutil.BlockDataHash(d) }

func newCollectionConfigPackage(statics []*pb.StaticCollectionConfig) *pb.CollectionConfigPackage {
	p := &pb.CollectionConfigPackage{}
	for _, s := range statics {
		p.Config = append(p.Config, &pb.CollectionConfig{Payload: &pb.CollectionConfig_StaticCollectionConfig{StaticCollectionConfig: s}})
	}
	return p
}

func memberOrgsPolicy(orgs []string) *pb.CollectionPolicyConfig {
	return &pb.CollectionPolicyConfig{Payload: &pb.CollectionPolicyConfig_SignaturePolicy{SignaturePolicy: signedByAnyMember(orgs)}}
}

// creatorOf: the MSP ID and certificate of a serialized identity.
func creatorOf(b []byte) (string, []byte, error) {
	sid := &mspproto.SerializedIdentity{}
	if err := unmarshal(b, sid); err != nil {
		return "", nil, err
	}
	return sid.Mspid, sid.IdBytes, nil
}

// memberRoleOf: the MSP ID of a ROLE principal naming the MEMBER (or PEER/CLIENT...) role.
func roleOf(p *mspproto.MSPPrincipal) (string, string, error) {
	r := &mspproto.MSPRole{}
	if err := unmarshal(p.Principal, r); err != nil {
		return "", "", err
	}
	return r.MspIdentifier, r.Role.String(), nil
}

// cryptoProvider: the software BCCSP an MSP verifies with (no keys of its own).
func cryptoProvider() (bccsp.BCCSP, error) {
	return sw.NewDefaultSecurityLevelWithKeystore(sw.NewDummyKeyStore())
}

// kvVersion: the rwset proto's version (block, transaction); rwsetutil.NewVersion, Fabric's public
// conversion, turns it into the committed height a batch takes (its type lives in an internal
// package, so the oracle never names it).
type kvVersion = kvrwset.Version
