package main

// The history database for the asset feature's "History of a key" (issue 14 item 4): a small
// fake of ledger.HistoryQueryExecutor, fed by the oracle's commits. Fabric's own history DB
// (core/ledger/kvledger/history) indexes committed *blocks* and answers from the block store
// (common/ledger/blkstorage), reading each modification's value and timestamp back out of the
// transaction envelope; the oracle commits simulation results straight to the state database
// and builds no blocks or envelopes, so there is nothing for it to index. The fake answers what
// that pair answers for a chain of valid endorser transactions: one KeyModification per public
// write of a committed transaction, newest first, with the transaction's ID, the value as
// written (none for a delete), IsDelete, and the timestamp of the transaction's channel header
// (the client's proposal header, which the transaction envelope carries).

import (
	"sync"

	commonledger "github.com/hyperledger/fabric/common/ledger"
	"github.com/hyperledger/fabric/protoutil"
)

type historyLog struct {
	mu   sync.Mutex
	mods map[string][]*keyModification // oldest first
}

func newHistoryLog() *historyLog { return &historyLog{mods: map[string][]*keyModification{}} }

// record: the public writes of one committed transaction. proposalHeader: the Proposal's Header
// bytes (nil when the transaction had no proposal: then no timestamp).
func (l *historyLog) record(txid string, proposalHeader []byte, writes []Write) {
	km := func(w Write) *keyModification {
		m := &keyModification{TxId: txid, IsDelete: w.IsDelete}
		if !w.IsDelete {
			m.Value = w.Value
		}
		if hdr, err := protoutil.UnmarshalHeader(proposalHeader); err == nil && proposalHeader != nil {
			if chdr, err := protoutil.UnmarshalChannelHeader(hdr.ChannelHeader); err == nil {
				m.Timestamp = chdr.Timestamp
			}
		}
		return m
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, w := range writes {
		k := w.Namespace + "\x00" + w.Key
		l.mods[k] = append(l.mods[k], km(w))
	}
}

// GetHistoryForKey implements ledger.HistoryQueryExecutor.
func (l *historyLog) GetHistoryForKey(namespace, key string) (commonledger.ResultsIterator, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	mods := l.mods[namespace+"\x00"+key]
	out := make([]*keyModification, 0, len(mods))
	for i := len(mods) - 1; i >= 0; i-- {
		out = append(out, mods[i])
	}
	return &kmIterator{mods: out}, nil
}

type kmIterator struct {
	mods []*keyModification
	i    int
}

func (it *kmIterator) Next() (commonledger.QueryResult, error) {
	if it.i >= len(it.mods) {
		return nil, nil
	}
	it.i++
	return it.mods[it.i-1], nil
}
func (it *kmIterator) Close() {}
