package main

// What a Run may ask for beyond the generated scripts, for the asset feature's scenarios
// (issue 14 item 4): the chaincode definition's private data collections (private.go), a
// CouchDB state database (mango.go, a fake), a history database (history.go), and
// second chaincodes for INVOKE_CHAINCODE. A second chaincode runs behind its own Fabric Handler
// on its own stream, registered in the same HandlerRegistry, and the calling Handler's Invoker is
// Fabric's own ChaincodeSupport (Invoke: CheckInvocation, Launch finding the registered handler,
// execute), with a counterfeiter fake of its Lifecycle (core/chaincode/mock.Lifecycle) answering
// the definitions, and a Launcher that launches nothing (every callee is already registered).

import (
	"context"
	"fmt"
	"time"

	"github.com/hyperledger/fabric/core/chaincode"
	"github.com/hyperledger/fabric/core/chaincode/extcc"
	"github.com/hyperledger/fabric/core/chaincode/lifecycle"
	"github.com/hyperledger/fabric/core/chaincode/mock"
	"github.com/hyperledger/fabric/core/common/ccprovider"
	"github.com/hyperledger/fabric/core/common/privdata"
	"github.com/hyperledger/fabric/core/ledger"
	"github.com/hyperledger/fabric/core/ledger/kvledger/txmgmt/rwsetutil"
	ledgermock "github.com/hyperledger/fabric/core/ledger/mock"
	"github.com/hyperledger/fabric/msp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Extensions are optional Run fields.
type Extensions struct {
	// Collections of the chaincode definition of Run.Namespace (none: no explicit collections).
	Collections []CollectionDef `json:"collections,omitempty"`
	// StateDatabase "couchdb": rich queries are answered by the CouchDB fake.
	StateDatabase string `json:"stateDatabase,omitempty"`
	// History: a history database (the fake), fed by the Run's commits.
	History bool `json:"history,omitempty"`
	// MSPs: the channel's organisations; with none, collection membership is judged by the
	// identity fake of private.go.
	MSPs []MSPDef `json:"msps,omitempty"`
	// Callees: other chaincodes defined on the channel, each a running server.
	Callees []Callee `json:"callees,omitempty"`
}

// Callee is a second chaincode: its definition's name, the package ID its server registers
// with, and the server's address.
type Callee struct {
	Name      string `json:"name"`
	PackageID string `json:"packageId"`
	Address   string `json:"address"`
	// Seed is committed with the Run's seed (namespace Name).
	Seed []Seed `json:"seed,omitempty"`
}

// ExecuteTimeout of the ChaincodeSupport that runs callees (chaincode.executetimeout).
const calleeExecuteTimeout = 20 * time.Second

type runExtras struct {
	ext     *Extensions
	history *historyDB
	mgr     committedReader
	closers []func()
}

func (x *runExtras) close() {
	for i := len(x.closers) - 1; i >= 0; i-- {
		x.closers[i]()
	}
}

// configureLedgerCollections: the txmgr's view of the definition's collections.
func configureLedgerCollections(ccInfo *ledgermock.DeployedChaincodeInfoProvider, r *Run) {
	if len(r.Collections) > 0 {
		configureCollections(ccInfo, r.Namespace, r.Collections)
	}
}

// extendedSeed: the Run's seed and its callees' seeds.
func extendedSeed(r *Run) []Seed {
	seed := append([]Seed{}, r.Seed...)
	for _, c := range r.Callees {
		for _, s := range c.Seed {
			seed = append(seed, Seed{Namespace: c.Name, Key: s.Key, Value: s.Value})
		}
	}
	return seed
}

type noLauncher struct{}

func (noLauncher) Launch(ccid string, _ extcc.StreamHandler) error {
	return fmt.Errorf("the oracle launches no chaincode: %s is not running", ccid)
}
func (noLauncher) Stop(string) error { return nil }

// extend wires the extensions into h (not yet processing its stream): returns a fault text on failure.
func extend(h *chaincode.Handler, registry *chaincode.HandlerRegistry, r *Run, mgr committedReader) (*runExtras, string) {
	x := &runExtras{ext: &r.Extensions, mgr: mgr}
	if r.History {
		hdb, err := newHistoryDB()
		if err != nil {
			return nil, "history database: " + err.Error()
		}
		x.history = hdb
		x.closers = append(x.closers, hdb.close)
	}
	if len(r.Collections) > 0 {
		ccInfo := &ledgermock.DeployedChaincodeInfoProvider{}
		configureCollections(ccInfo, r.Namespace, r.Collections)
		h.DeployedCCInfoProvider = ccInfo
		h.IDDeserializerFactory = identityDeserializers()
		if len(r.MSPs) > 0 {
			mgr, err := channelMSPs(r.MSPs)
			if err != nil {
				x.close()
				return nil, "channel MSPs: " + err.Error()
			}
			h.IDDeserializerFactory = privdata.IdentityDeserializerFactoryFunc(func(string) msp.IdentityDeserializer { return mgr })
		}
	}
	if len(r.Callees) == 0 {
		return x, ""
	}
	defs := map[string]string{r.Namespace: r.PackageID}
	for _, c := range r.Callees {
		defs[c.Name] = c.PackageID
	}
	lc := &mock.Lifecycle{}
	lc.ChaincodeEndorsementInfoStub = func(_, name string, _ ledger.SimpleQueryExecutor) (*lifecycle.ChaincodeEndorsementInfo, error) {
		if pkg, ok := defs[name]; ok {
			return &lifecycle.ChaincodeEndorsementInfo{Version: "1.0", ChaincodeID: pkg}, nil
		}
		return nil, fmt.Errorf("chaincode %s not found", name)
	}
	cs := &chaincode.ChaincodeSupport{HandlerRegistry: registry, Lifecycle: lc, Launcher: noLauncher{}, ExecuteTimeout: calleeExecuteTimeout}
	h.Invoker = cs
	for _, c := range r.Callees {
		launch, _ := registry.Launching(c.PackageID)
		// the callee's Handler: the caller's configuration, its own transaction state
		callee := &chaincode.Handler{
			Keepalive:              h.Keepalive,
			TotalQueryLimit:        h.TotalQueryLimit,
			Invoker:                cs,
			Registry:               registry,
			ACLProvider:            h.ACLProvider,
			TXContexts:             chaincode.NewTransactionContexts(),
			ActiveTransactions:     chaincode.NewActiveTransactions(),
			BuiltinSCCs:            h.BuiltinSCCs,
			QueryResponseBuilder:   h.QueryResponseBuilder,
			LedgerGetter:           h.LedgerGetter,
			IDDeserializerFactory:  h.IDDeserializerFactory,
			DeployedCCInfoProvider: h.DeployedCCInfoProvider,
			UUIDGenerator:          h.UUIDGenerator,
			AppConfig:              h.AppConfig,
			Metrics:                h.Metrics,
		}
		setRuntimeParams(callee, r)
		conn, err := grpc.NewClient(c.Address, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			x.close()
			return nil, "dial " + c.Name + ": " + err.Error()
		}
		ctx, cancel := context.WithCancel(context.Background())
		stream, err := connect(ctx, conn)
		if err != nil {
			cancel()
			conn.Close()
			x.close()
			return nil, "connect " + c.Name + ": " + err.Error()
		}
		done := make(chan struct{})
		go func() {
			callee.ProcessStream(stream)
			close(done)
		}()
		x.closers = append(x.closers, func() {
			cancel()
			conn.Close()
			<-done
		})
		select {
		case <-launch.Done():
			if err := launch.Err(); err != nil {
				x.close()
				return nil, "register " + c.Name + ": " + err.Error()
			}
		case <-time.After(20 * time.Second):
			x.close()
			return nil, "register " + c.Name + ": timeout"
		}
	}
	return x, ""
}

// prepare: the transaction's parameters as the extensions' peer would give them.
func (x *runExtras) prepare(params *ccprovider.TransactionParams) {
	if x.history != nil {
		params.HistoryQueryExecutor = x.history.qe
	}
	if x.ext.StateDatabase == "couchdb" {
		params.TXSimulator = couchSimulator{TxSimulator: params.TXSimulator, committed: x.mgr, txid: params.TxID}
	}
}

// committed: after the transaction's writes were committed to the state database (an error text, or "").
func (x *runExtras) committed(params *ccprovider.TransactionParams, namespace string, res *ledger.TxSimulationResults) string {
	if x.history == nil {
		return ""
	}
	pub, err := res.GetPubSimulationBytes()
	if err == nil {
		err = x.history.record(params, namespace, pub)
	}
	if err != nil {
		return "history: " + err.Error()
	}
	return ""
}

// pvtWrite is one private write as a committed block applies it: the hashed write (from the
// public results' hashed read-write set) and, on a member peer, the private value.
type pvtWrite struct {
	Namespace, Collection string
	KeyHash, ValueHash    []byte
	Key                   string
	Value                 []byte
	IsDelete              bool
	HasPrivate            bool
}

// privateWrites: the transaction's private writes (hashed writes in order, each with its value
// from the private results when this peer has it).
func privateWrites(res *ledger.TxSimulationResults) ([]pvtWrite, error) {
	out := []pvtWrite{}
	if res.PubSimulationResults == nil {
		return out, nil
	}
	pub, err := rwsetutil.TxRwSetFromProtoMsg(res.PubSimulationResults)
	if err != nil {
		return nil, err
	}
	values := map[string]Write{}
	if res.PvtSimulationResults != nil {
		pvt, err := rwsetutil.TxPvtRwSetFromProtoMsg(res.PvtSimulationResults)
		if err != nil {
			return nil, err
		}
		for _, ns := range pvt.NsPvtRwSet {
			for _, coll := range ns.CollPvtRwSets {
				if coll.KvRwSet == nil {
					continue
				}
				for _, w := range coll.KvRwSet.Writes {
					h, _ := hashFunc([]byte(w.Key))
					values[ns.NameSpace+"\x00"+coll.CollectionName+"\x00"+string(h)] = Write{Key: w.Key, Value: w.Value, IsDelete: w.IsDelete}
				}
			}
		}
	}
	for _, ns := range pub.NsRwSets {
		for _, coll := range ns.CollHashedRwSets {
			if coll.HashedRwSet == nil {
				continue
			}
			for _, w := range coll.HashedRwSet.HashedWrites {
				p := pvtWrite{Namespace: ns.NameSpace, Collection: coll.CollectionName, KeyHash: w.KeyHash, ValueHash: w.ValueHash, IsDelete: w.IsDelete}
				if v, ok := values[ns.NameSpace+"\x00"+coll.CollectionName+"\x00"+string(w.KeyHash)]; ok {
					p.Key, p.Value, p.HasPrivate = v.Key, v.Value, true
				}
				out = append(out, p)
			}
		}
	}
	return out, nil
}
