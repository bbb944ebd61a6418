// Command oracle-protocol runs Fabric's own peer side of the chaincode stream against a chaincode
// server: core/chaincode's Handler (ProcessStream, HandleRegister, Execute and every request
// handler) with Fabric's HandlerRegistry, TransactionContexts, ActiveTransactions and
// QueryResponseGenerator, over a real gRPC Connect stream it dials, with the state the handler
// reads kept by Fabric's own transaction manager (txmgr.LockBasedTxMgr over a
// privacyenabledstate DB on goleveldb, in a temporary directory). Only what Fabric's own tests
// fake is faked, with Fabric's own counterfeiter fakes (core/chaincode/mock, core/ledger/mock):
// the channel's application config and capabilities, the ACL provider, the ledger getter and the
// deployed-chaincode info provider.
//
// It is a Go module requiring github.com/hyperledger/fabric at each pinned release (go.mod for
// 3.1, go.2.5.mod for 2.5; see README.md): the two release files (release_25.go, release_31.go)
// hold everything that differs between the releases' APIs.
//
// Line protocol: one JSON Run per line on stdin, one JSON Outcome per line on stdout.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric/common/util"
	"github.com/hyperledger/fabric/core/chaincode"
	"github.com/hyperledger/fabric/core/chaincode/fake"
	"github.com/hyperledger/fabric/core/chaincode/mock"
	"github.com/hyperledger/fabric/core/common/ccprovider"
	"github.com/hyperledger/fabric/core/ledger"
	"github.com/hyperledger/fabric/core/ledger/kvledger/bookkeeping"
	"github.com/hyperledger/fabric/core/ledger/kvledger/txmgmt/privacyenabledstate"
	"github.com/hyperledger/fabric/core/ledger/kvledger/txmgmt/rwsetutil"
	"github.com/hyperledger/fabric/core/ledger/kvledger/txmgmt/txmgr"
	ledgermock "github.com/hyperledger/fabric/core/ledger/mock"
	"github.com/hyperledger/fabric/core/scc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Seed is one committed public state entry.
type Seed struct {
	Namespace string `json:"namespace"`
	Key       string `json:"key"`
	Value     []byte `json:"value"`
}

// Tx is one execution the peer starts (Handler.Execute).
type Tx struct {
	Txid      string   `json:"txid"`
	Channel   string   `json:"channel"`
	Init      bool     `json:"init"`
	Args      [][]byte `json:"args"`
	TimeoutMs int      `json:"timeoutMs"`
	// SignedProposal: the client's SignedProposal bytes (as the endorser passes it in
	// TransactionParams); Handler.Execute puts it in the message's proposal field. Optional.
	SignedProposal []byte `json:"signedProposal,omitempty"`
	// Commit: after a COMPLETED response with status < 400 (the endorser's ERRORTHRESHOLD), the
	// public write set is committed as the next block, so later transactions read it.
	Commit bool `json:"commit,omitempty"`
}

// Msg is one ChaincodeMessage on the stream, as the peer's side sent ("peer→cc") or received ("cc→peer") it.
type Msg struct {
	Dir      string `json:"dir"`
	Type     string `json:"type"`
	Txid     string `json:"txid"`
	Channel  string `json:"channel"`
	Payload  []byte `json:"payload,omitempty"`
	Proposal []byte `json:"proposal,omitempty"`
}

// recorder keeps every message of one stream in order (Send and Recv run on different goroutines).
type recorder struct {
	mu   sync.Mutex
	msgs []Msg
}

func (r *recorder) add(m Msg) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
}

func (r *recorder) all() []Msg {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Msg{}, r.msgs...)
}

// Run is one stream: dial, register, execute each transaction in turn, close.
type Run struct {
	Address           string `json:"address"`
	PackageID         string `json:"packageId"`
	Namespace         string `json:"namespace"`
	Seed              []Seed `json:"seed"`
	Txs               []Tx   `json:"txs"`
	RegisterTimeoutMs int    `json:"registerTimeoutMs"`
	TotalQueryLimit   int    `json:"totalQueryLimit"`
	// KeyLevelEndorsement and PurgePvtData: the channel's application capabilities (V1_3, V2_5).
	KeyLevelEndorsement bool `json:"keyLevelEndorsement"`
	PurgePvtData        bool `json:"purgePvtData"`
	RuntimeParams       struct {
		UseWriteBatch          bool   `json:"useWriteBatch"`
		MaxSizeWriteBatch      uint32 `json:"maxSizeWriteBatch"`
		UseGetMultipleKeys     bool   `json:"useGetMultipleKeys"`
		MaxSizeGetMultipleKeys uint32 `json:"maxSizeGetMultipleKeys"`
	} `json:"runtimeParams"`
	// Record: keep the stream's transcript in the Outcome.
	Record bool `json:"record,omitempty"`
	Extensions
}

// Write is one entry of a transaction's public write set.
type Write struct {
	Namespace string `json:"namespace"`
	Key       string `json:"key"`
	Value     []byte `json:"value,omitempty"`
	IsDelete  bool   `json:"isDelete"`
}

// TxOutcome is what Handler.Execute returned, and what the simulation wrote.
type TxOutcome struct {
	Txid    string  `json:"txid"`
	Type    string  `json:"type,omitempty"`
	Payload []byte  `json:"payload,omitempty"`
	Error   string  `json:"error,omitempty"`
	Writes  []Write `json:"writes"`
	// MetadataWrites: key → metakey → value, as SetStateMetadata recorded them.
	MetadataWrites []Write `json:"metadataWrites"`
}

// Outcome of one Run.
type Outcome struct {
	Register  string      `json:"register"`
	Txs       []TxOutcome `json:"txs"`
	StreamEnd string      `json:"streamEnd"`
	Fault     string      `json:"fault,omitempty"`
	Release   string      `json:"release"`
	// Transcript: every ChaincodeMessage of the stream, in order (only when the Run asks for it).
	Transcript []Msg `json:"transcript,omitempty"`
}

// notRun: the outcome of a transaction after the stream ended (compared verbatim with the mock peer's).
const notRun = "not run: the stream has ended; the peer would launch the chaincode again"

type env struct {
	dir      string
	provider *privacyenabledstate.DBProvider
	runs     atomic.Int64
}

func newEnv() (*env, error) {
	dir, err := os.MkdirTemp("", "oracle-protocol-")
	if err != nil {
		return nil, err
	}
	bk, err := bookkeeping.NewProvider(dir + "/bookkeeper")
	if err != nil {
		return nil, err
	}
	p, err := privacyenabledstate.NewDBProvider(bk, disabledMetrics(), &ledgermock.HealthCheckRegistry{},
		&privacyenabledstate.StateDBConfig{StateDBConfig: &ledger.StateDBConfig{StateDatabase: ledger.GoLevelDB}, LevelDBPath: dir + "/statedb"},
		[]string{"lscc", "_lifecycle"})
	if err != nil {
		return nil, err
	}
	return &env{dir: dir, provider: p}, nil
}

// ledgerFor: a fresh channel ledger (its own ledger ID in the one state database) seeded as block 1.
func (e *env) ledgerFor(r *Run) (*txmgr.LockBasedTxMgr, *privacyenabledstate.DB, error) {
	id := fmt.Sprintf("run%d", e.runs.Add(1))
	db, err := e.provider.GetDBHandle(id, nil)
	if err != nil {
		return nil, nil, err
	}
	bk, err := bookkeeping.NewProvider(e.dir + "/bk-" + id)
	if err != nil {
		return nil, nil, err
	}
	// A chaincode defined through _lifecycle always has a collection config package (at least its
	// implicit org collections), so an unknown collection is InvalidCollNameError, never
	// CollConfigNotDefinedError: the fake answers an empty, non-nil package.
	ccInfo := &ledgermock.DeployedChaincodeInfoProvider{}
	noExplicitCollections(ccInfo)
	configureLedgerCollections(ccInfo, r)
	mgr, err := txmgr.NewLockBasedTxMgr(&txmgr.Initializer{
		LedgerID:            id,
		DB:                  db,
		BookkeepingProvider: bk,
		CCInfoProvider:      ccInfo,
		HashFunc:            rwsetutil.HashFunc(hashFunc),
	})
	if err != nil {
		return nil, nil, err
	}
	if seed := extendedSeed(r); len(seed) > 0 {
		batch := privacyenabledstate.NewUpdateBatch()
		for i, s := range seed {
			batch.PubUpdates.Put(s.Namespace, s.Key, s.Value, rwsetutil.NewVersion(&kvVersion{BlockNum: 1, TxNum: uint64(i)}))
		}
		if err := db.ApplyPrivacyAwareUpdates(batch, rwsetutil.NewVersion(&kvVersion{BlockNum: 1, TxNum: uint64(len(seed))})); err != nil {
			return nil, nil, err
		}
	}
	return mgr, db, nil
}

func (e *env) run(r *Run) (out Outcome) {
	out.Release = release
	out.Txs = []TxOutcome{}
	mgr, db, err := e.ledgerFor(r)
	if err != nil {
		out.Fault = "ledger: " + err.Error()
		return out
	}
	defer mgr.Shutdown()

	registry := chaincode.NewHandlerRegistry(false)
	launch, _ := registry.Launching(r.PackageID)

	caps := &mock.ApplicationCapabilities{}
	caps.KeyLevelEndorsementReturns(r.KeyLevelEndorsement)
	caps.PurgePvtDataReturns(r.PurgePvtData)
	appConfig := &mock.ApplicationConfig{}
	appConfig.CapabilitiesReturns(caps)
	appConfigRetriever := &fake.ApplicationConfigRetriever{}
	appConfigRetriever.GetApplicationConfigReturns(appConfig, true)

	h := &chaincode.Handler{
		Registry:               registry,
		ACLProvider:            &mock.ACLProvider{},
		TXContexts:             &contexts{ContextRegistry: chaincode.NewTransactionContexts(), made: map[string]*chaincode.TransactionContext{}},
		ActiveTransactions:     chaincode.NewActiveTransactions(),
		BuiltinSCCs:            scc.BuiltinSCCs{"lscc": {}, "cscc": {}, "qscc": {}, "_lifecycle": {}},
		QueryResponseBuilder:   &chaincode.QueryResponseGenerator{MaxResultLimit: 100},
		UUIDGenerator:          chaincode.UUIDGeneratorFunc(util.GenerateUUID),
		LedgerGetter:           &mock.LedgerGetter{},
		DeployedCCInfoProvider: &ledgermock.DeployedChaincodeInfoProvider{},
		AppConfig:              appConfigRetriever,
		Metrics:                chaincode.NewHandlerMetrics(disabledMetrics()),
		TotalQueryLimit:        r.TotalQueryLimit,
		Invoker:                &mock.Invoker{},
	}
	setRuntimeParams(h, r)
	x, fault := extend(h, registry, r, mgr)
	if fault != "" {
		out.Fault = fault
		return out
	}
	defer x.close()

	conn, err := grpc.NewClient(r.Address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		out.Fault = "dial: " + err.Error()
		return out
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := connect(ctx, conn)
	if err != nil {
		out.Fault = "connect: " + err.Error()
		return out
	}
	if r.Record {
		rec := &recorder{}
		stream = recording(stream, rec)
		defer func() { out.Transcript = rec.all() }()
	}
	// As extcc.ExternalChaincodeRuntime.Stream does: when the handler returns, the connection closes.
	done := make(chan error, 1)
	go func() {
		err := h.ProcessStream(stream)
		conn.Close()
		done <- err
	}()
	ended := func(err error) {
		out.StreamEnd = "EOF"
		if err != nil && err.Error() != "EOF" {
			out.StreamEnd = err.Error()
		}
	}

	regTimeout := time.Duration(r.RegisterTimeoutMs) * time.Millisecond
	if regTimeout <= 0 {
		regTimeout = 5 * time.Second
	}
	select {
	case <-launch.Done():
		if err := launch.Err(); err != nil {
			out.Register = "error: " + err.Error()
		} else {
			out.Register = "registered"
		}
	case err := <-done:
		out.Register = "ended"
		ended(err)
		return out
	case <-time.After(regTimeout):
		out.Register = "timeout"
	}
	if out.Register != "registered" {
		// the launch gave up waiting: the peer closes the connection
		cancel()
		<-done
		out.StreamEnd = "closed by the peer"
		return out
	}

	terminated := false
	block := uint64(1) // block 1 holds the seed
	for _, tx := range r.Txs {
		if terminated {
			// the handler has deregistered: a real peer's next invocation launches the chaincode
			// again (ChaincodeSupport.Launch) instead of using this stream
			out.Txs = append(out.Txs, TxOutcome{Txid: tx.Txid, Error: notRun, Writes: []Write{}, MetadataWrites: []Write{}})
			continue
		}
		block++
		o := execute(h, mgr, db, block, r.Namespace, tx, x)
		terminated = terminated || o.Error == chaincode.ErrorStreamTerminated
		out.Txs = append(out.Txs, o)
	}
	if terminated {
		// the handler has returned (or is returning): wait for its error
		ended(<-done)
		return out
	}
	// The peer ends the stream when it is done with the chaincode (the connection closes).
	select {
	case err := <-done:
		ended(err)
	default:
		cancel()
		<-done
		out.StreamEnd = "closed by the peer"
	}
	return out
}

func execute(h *chaincode.Handler, mgr *txmgr.LockBasedTxMgr, db *privacyenabledstate.DB, block uint64, namespace string, tx Tx, x *runExtras) TxOutcome {
	o := TxOutcome{Txid: tx.Txid, Writes: []Write{}, MetadataWrites: []Write{}}
	sim, err := mgr.NewTxSimulator(tx.Txid)
	if err != nil {
		o.Error = "simulator: " + err.Error()
		return o
	}
	defer sim.Done()
	params := &ccprovider.TransactionParams{TxID: tx.Txid, ChannelID: tx.Channel, TXSimulator: sim}
	if len(tx.SignedProposal) > 0 {
		if err := setProposal(params, tx.SignedProposal); err != nil {
			o.Error = "proposal: " + err.Error()
			return o
		}
	}
	x.prepare(params)
	timeout := time.Duration(tx.TimeoutMs) * time.Millisecond
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	resp, err := h.Execute(params, namespace, transactionMessage(tx), timeout)
	h.TXContexts.(*contexts).settle(tx.Channel, tx.Txid)
	if err != nil {
		o.Error = err.Error()
	}
	if resp != nil {
		o.Type, o.Payload = messageTypeAndPayload(resp)
	}
	sim.Done()
	res, err := sim.GetTxSimulationResults()
	if err != nil {
		o.Error += " | results: " + err.Error()
		return o
	}
	if res.PubSimulationResults != nil {
		set, err := rwsetutil.TxRwSetFromProtoMsg(res.PubSimulationResults)
		if err != nil {
			o.Error += " | results: " + err.Error()
			return o
		}
		for _, ns := range set.NsRwSets {
			if ns.KvRwSet == nil {
				continue
			}
			for _, w := range ns.KvRwSet.Writes {
				o.Writes = append(o.Writes, Write{Namespace: ns.NameSpace, Key: w.Key, Value: w.Value, IsDelete: w.IsDelete})
			}
			for _, m := range ns.KvRwSet.MetadataWrites {
				for _, e := range m.Entries {
					o.MetadataWrites = append(o.MetadataWrites, Write{Namespace: ns.NameSpace, Key: m.Key + "\x00" + e.Name, Value: e.Value})
				}
			}
		}
	}
	if tx.Commit && o.Error == "" && o.Type == "COMPLETED" && responseStatus(o.Payload) < 400 {
		batch := privacyenabledstate.NewUpdateBatch()
		for i, w := range o.Writes {
			if w.IsDelete {
				batch.PubUpdates.Delete(w.Namespace, w.Key, rwsetutil.NewVersion(&kvVersion{BlockNum: block, TxNum: uint64(i)}))
			} else {
				batch.PubUpdates.Put(w.Namespace, w.Key, w.Value, rwsetutil.NewVersion(&kvVersion{BlockNum: block, TxNum: uint64(i)}))
			}
		}
		pvt, err := privateWrites(res)
		if err != nil {
			o.Error = "commit: " + err.Error()
			return o
		}
		for i, w := range pvt {
			v := rwsetutil.NewVersion(&kvVersion{BlockNum: block, TxNum: uint64(len(o.Writes) + i)})
			switch {
			case w.IsDelete:
				batch.HashUpdates.Delete(w.Namespace, w.Collection, w.KeyHash, v)
			default:
				batch.HashUpdates.Put(w.Namespace, w.Collection, w.KeyHash, w.ValueHash, v)
			}
			if w.HasPrivate && w.IsDelete {
				batch.PvtUpdates.Delete(w.Namespace, w.Collection, w.Key, v)
			} else if w.HasPrivate {
				batch.PvtUpdates.Put(w.Namespace, w.Collection, w.Key, w.Value, v)
			}
		}
		if err := db.ApplyPrivacyAwareUpdates(batch, rwsetutil.NewVersion(&kvVersion{BlockNum: block, TxNum: uint64(len(o.Writes))})); err != nil {
			o.Error = "commit: " + err.Error()
		} else if e := x.committed(params, namespace, res); e != "" {
			o.Error = "commit: " + e
		}
	}
	return o
}

// contexts is Fabric's TransactionContexts, remembering the context each execution was given.
//
// Handler.Notify hands the chaincode's COMPLETED or ERROR to Execute and only then closes the
// transaction's query iterators (TransactionContext.CloseQueryIterators), on the stream's
// goroutine, while Execute's caller goes on to the simulator's Done, which closes the same
// iterators (the query helper keeps them too). goleveldb's iterators do not survive two
// concurrent Releases (a nil dereference in dbIter.Release, met once in 1,000 generated scripts
// that left an iterator open). The peer's endorser has the same window, only wider apart; here
// settle closes the iterators under the context's own lock right after Execute returns, so both
// later closes find them released. The iterators are closed either way: nothing the chaincode
// or the results see changes.
type contexts struct {
	chaincode.ContextRegistry
	mu   sync.Mutex
	made map[string]*chaincode.TransactionContext
}

func (c *contexts) Create(p *ccprovider.TransactionParams) (*chaincode.TransactionContext, error) {
	t, err := c.ContextRegistry.Create(p)
	if err == nil {
		c.mu.Lock()
		c.made[p.ChannelID+"\x00"+p.TxID] = t
		c.mu.Unlock()
	}
	return t, err
}

// settle closes the query iterators of the execution that just returned (see contexts).
func (c *contexts) settle(channel, txid string) {
	c.mu.Lock()
	t := c.made[channel+"\x00"+txid]
	delete(c.made, channel+"\x00"+txid)
	c.mu.Unlock()
	if t != nil {
		t.CloseQueryIterators()
	}
}

func hashFunc(data []byte) ([]byte, error) {
	h := sha256.Sum256(data)
	return h[:], nil
}

func main() {
	silenceLogs()
	e, err := newEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle-protocol:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(e.dir)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<28)
	w := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		var r Run
		var out Outcome
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			out = Outcome{Fault: "request: " + err.Error(), Release: release, Txs: []TxOutcome{}}
		} else {
			out = e.run(&r)
		}
		b, _ := json.Marshal(out)
		w.Write(b)
		w.WriteByte('\n')
		w.Flush()
	}
	e.provider.Close()
}

