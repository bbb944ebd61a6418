//go:build fabric2_5

// What differs in Fabric 2.5 (v2.5.16): protos from fabric-protos-go, loggers and metrics from
// fabric's own common/ packages, and no runtime parameters (READY has no payload).
package main

import (
	"context"
	"io"

	"github.com/golang/protobuf/proto"
	pb "github.com/hyperledger/fabric-protos-go/peer"
	"github.com/hyperledger/fabric/common/flogging"
	"github.com/hyperledger/fabric/common/metrics"
	"github.com/hyperledger/fabric/common/metrics/disabled"
	"github.com/hyperledger/fabric/core/chaincode"
	"github.com/hyperledger/fabric/core/common/ccprovider"
	"github.com/hyperledger/fabric/core/container/ccintf"
	ledgermock "github.com/hyperledger/fabric/core/ledger/mock"
	"google.golang.org/grpc"
)

const release = "2.5"

func disabledMetrics() metrics.Provider { return &disabled.Provider{} }

func silenceLogs() {
	flogging.Init(flogging.Config{LogSpec: "fatal", Writer: io.Discard})
}

// setRuntimeParams: a 2.5 Handler has none.
func setRuntimeParams(h *chaincode.Handler, r *Run) {}

func connect(ctx context.Context, conn *grpc.ClientConn) (ccintf.ChaincodeStream, error) {
	return pb.NewChaincodeClient(conn).Connect(ctx)
}

func transactionMessage(tx Tx) *pb.ChaincodeMessage {
	t := pb.ChaincodeMessage_TRANSACTION
	if tx.Init {
		t = pb.ChaincodeMessage_INIT
	}
	payload, _ := marshal(&pb.ChaincodeInput{Args: tx.Args, IsInit: tx.Init})
	return &pb.ChaincodeMessage{Type: t, Payload: payload, Txid: tx.Txid, ChannelId: tx.Channel}
}

func messageTypeAndPayload(m *pb.ChaincodeMessage) (string, []byte) {
	return m.Type.String(), m.Payload
}

func marshal(m proto.Message) ([]byte, error) { return proto.Marshal(m) }

func noExplicitCollections(p *ledgermock.DeployedChaincodeInfoProvider) {
	p.AllCollectionsConfigPkgReturns(&pb.CollectionConfigPackage{}, nil)
}
func unmarshal(b []byte, m proto.Message) error { return proto.Unmarshal(b, m) }

// recordingStream records every message the Handler sends and receives.
type recordingStream struct {
	ccintf.ChaincodeStream
	rec *recorder
}

func record(rec *recorder, dir string, m *pb.ChaincodeMessage) {
	var prop []byte
	if m.Proposal != nil {
		prop, _ = marshal(m.Proposal)
	}
	rec.add(Msg{Dir: dir, Type: m.Type.String(), Txid: m.Txid, Channel: m.ChannelId, Payload: m.Payload, Proposal: prop})
}

func (s recordingStream) Send(m *pb.ChaincodeMessage) error {
	record(s.rec, "peer→cc", m)
	return s.ChaincodeStream.Send(m)
}

func (s recordingStream) Recv() (*pb.ChaincodeMessage, error) {
	m, err := s.ChaincodeStream.Recv()
	if err == nil {
		record(s.rec, "cc→peer", m)
	}
	return m, err
}

func recording(s ccintf.ChaincodeStream, rec *recorder) ccintf.ChaincodeStream {
	return recordingStream{ChaincodeStream: s, rec: rec}
}

// setProposal: the SignedProposal and its Proposal, as the endorser puts them in TransactionParams.
func setProposal(p *ccprovider.TransactionParams, b []byte) error {
	sp := &pb.SignedProposal{}
	if err := unmarshal(b, sp); err != nil {
		return err
	}
	prop := &pb.Proposal{}
	if err := unmarshal(sp.ProposalBytes, prop); err != nil {
		return err
	}
	p.SignedProp, p.Proposal = sp, prop
	return nil
}

// responseStatus: the chaincode's Response status in a COMPLETED payload (500 when undecodable).
func responseStatus(payload []byte) int32 {
	r := &pb.Response{}
	if err := unmarshal(payload, r); err != nil {
		return 500
	}
	return r.Status
}
