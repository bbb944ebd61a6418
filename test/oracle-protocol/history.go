package main

// The history database for the asset feature's "History of a key" (issue 14 item 4): Fabric's
// own history DB (core/ledger/kvledger/history) over goleveldb, answering from Fabric's own block
// store (common/ledger/blkstorage), both in a temporary directory of the run. The oracle commits
// simulation results straight to the state database, so for the history it also builds what a
// real peer would have committed: for each committed transaction a block holding one endorser
// transaction, made with Fabric's protoutil as a client and endorser make it
// (CreateProposalResponse with the simulation's public results, CreateSignedTx over the client's
// proposal, so the envelope carries the proposal's channel header with its txid and timestamp),
// marked VALID, chained onto the previous block (block 0 is an empty genesis block), added to the
// block store and committed to the history DB. The endorser's and the client's signatures on the
// envelope are placeholders: neither the block store nor the history DB checks them.

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/hyperledger/fabric/common/ledger/blkstorage"
	"github.com/hyperledger/fabric/core/common/ccprovider"
	"github.com/hyperledger/fabric/core/ledger"
	"github.com/hyperledger/fabric/core/ledger/kvledger/history"
	"github.com/hyperledger/fabric/protoutil"
)

type historyDB struct {
	dir      string
	blocks   *blkstorage.BlockStoreProvider
	store    *blkstorage.BlockStore
	dbs      *history.DBProvider
	db       *history.DB
	qe       ledger.HistoryQueryExecutor
	prevHash []byte
	next     uint64
}

func newHistoryDB() (*historyDB, error) {
	dir, err := os.MkdirTemp("", "oracle-protocol-history-")
	if err != nil {
		return nil, err
	}
	h := &historyDB{dir: dir}
	fail := func(err error) (*historyDB, error) {
		h.close()
		return nil, err
	}
	index := &blkstorage.IndexConfig{AttrsToIndex: []blkstorage.IndexableAttr{
		blkstorage.IndexableAttrBlockHash, blkstorage.IndexableAttrBlockNum, blkstorage.IndexableAttrTxID, blkstorage.IndexableAttrBlockNumTranNum,
	}}
	if h.blocks, err = blkstorage.NewProvider(blkstorage.NewConf(filepath.Join(dir, "chains"), 64*1024*1024), index, disabledMetrics()); err != nil {
		return fail(err)
	}
	if h.store, err = h.blocks.Open("history"); err != nil {
		return fail(err)
	}
	if h.dbs, err = history.NewDBProvider(filepath.Join(dir, "historyLeveldb")); err != nil {
		return fail(err)
	}
	h.db = h.dbs.GetDBHandle("history")
	if h.qe, err = h.db.NewQueryExecutor(h.store); err != nil {
		return fail(err)
	}
	if err := h.add(nil); err != nil {
		return fail(err)
	}
	return h, nil
}

func (h *historyDB) close() {
	if h.blocks != nil {
		h.blocks.Close()
	}
	if h.dbs != nil {
		h.dbs.Close()
	}
	os.RemoveAll(h.dir)
}

// add commits the next block with these envelopes, every one VALID.
func (h *historyDB) add(envelopes [][]byte) error {
	b := protoutil.NewBlock(h.next, h.prevHash)
	b.Data.Data = envelopes
	b.Header.DataHash = blockDataHash(b.Data)
	b.Metadata.Metadata[txFilterIndex] = make([]byte, len(envelopes)) // 0: TxValidationCode VALID
	if err := h.store.AddBlock(b); err != nil {
		return err
	}
	if err := h.db.Commit(b); err != nil {
		return err
	}
	h.prevHash = protoutil.BlockHeaderHash(b.Header)
	h.next++
	return nil
}

// placeholderSigner stands for the client and the endorser: it serializes as the proposal's creator.
type placeholderSigner struct{ creator []byte }

func (s placeholderSigner) Sign([]byte) ([]byte, error) { return []byte("signature"), nil }
func (s placeholderSigner) Serialize() ([]byte, error)  { return s.creator, nil }

// record commits the transaction (its client's proposal and its public simulation results) as the next block.
func (h *historyDB) record(params *ccprovider.TransactionParams, namespace string, pubResults []byte) error {
	if params.Proposal == nil {
		return errors.New("the history database needs the transaction's proposal")
	}
	hdr, err := protoutil.UnmarshalHeader(params.Proposal.Header)
	if err != nil {
		return err
	}
	shdr, err := protoutil.UnmarshalSignatureHeader(hdr.SignatureHeader)
	if err != nil {
		return err
	}
	signer := placeholderSigner{creator: shdr.Creator}
	resp, err := protoutil.CreateProposalResponse(params.Proposal.Header, params.Proposal.Payload, &pbResponse{Status: 200}, pubResults, nil, &pbChaincodeID{Name: namespace}, signer)
	if err != nil {
		return err
	}
	env, err := protoutil.CreateSignedTx(params.Proposal, signer, resp)
	if err != nil {
		return err
	}
	b, err := marshal(env)
	if err != nil {
		return err
	}
	return h.add([][]byte{b})
}
