//go:build !fabric25

// What differs in Fabric 3.x (v3.1.5): protos from fabric-protos-go-apiv2, loggers and metrics
// from fabric-lib-go, and the Handler's runtime parameters sent in READY.
package main

import (
	"context"
	"io"

	"github.com/hyperledger/fabric-lib-go/common/flogging"
	"github.com/hyperledger/fabric-lib-go/common/metrics"
	"github.com/hyperledger/fabric-lib-go/common/metrics/disabled"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/hyperledger/fabric/core/chaincode"
	"github.com/hyperledger/fabric/core/container/ccintf"
	ledgermock "github.com/hyperledger/fabric/core/ledger/mock"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

const release = "3.1"

func disabledMetrics() metrics.Provider { return &disabled.Provider{} }

func silenceLogs() {
	flogging.Init(flogging.Config{LogSpec: "fatal", Writer: io.Discard})
}

func setRuntimeParams(h *chaincode.Handler, r *Run) {
	h.UseWriteBatch = r.RuntimeParams.UseWriteBatch
	h.MaxSizeWriteBatch = r.RuntimeParams.MaxSizeWriteBatch
	h.UseGetMultipleKeys = r.RuntimeParams.UseGetMultipleKeys
	h.MaxSizeGetMultipleKeys = r.RuntimeParams.MaxSizeGetMultipleKeys
}

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
