import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { privateHash, WorldState } from '../../src/ledger/worldState.js';

/** The transaction simulator and the committed world state (txmgr tx_simulator.go rules). */

const b = (s: string): Uint8Array => Buffer.from(s);
const s = (u: Uint8Array | undefined): string | undefined => (u ? Buffer.from(u).toString() : undefined);
const CH = 'mychannel';

describe('TxSimulator', () => {
  it('reads committed state only, never the transaction\'s own writes, and commits atomically', () => {
    const w = new WorldState();
    w.seed(CH, 'cc', 'k', b('old'));
    const sim = w.newTxSimulator(CH, 'tx1');
    assert.equal(sim.setState('cc', 'k', b('new')), null);
    assert.equal(s(sim.getState('cc', 'k')), 'old');
    assert.equal(s(w.get(CH, 'cc', 'k')?.value), 'old', 'nothing is visible before commit');
    w.commit(sim.results());
    assert.equal(s(w.get(CH, 'cc', 'k')?.value), 'new');
    assert.deepEqual(w.historyOf(CH, 'cc', 'k').map((m) => m.txId), ['seed', 'tx1']);
  });

  it('enforces the read-only rules of paginated and private-data queries', () => {
    const w = new WorldState();
    w.defineCollections(CH, 'cc', [{ name: 'c1', memberOrgs: ['Org1MSP'], memberOnlyRead: true, memberOnlyWrite: true }]);
    const a = w.newTxSimulator(CH, 'txa');
    assert.ok(a.getStateRangeScanIteratorWithPagination('cc', '', '', 2).ok);
    assert.equal(a.setState('cc', 'k', b('v')), 'txid [txa]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed');
    const c = w.newTxSimulator(CH, 'txc');
    assert.equal(c.setState('cc', 'k', b('v')), null);
    const r = c.getStateRangeScanIteratorWithPagination('cc', '', '', 2);
    assert.equal(r.ok ? '' : r.error, 'txid [txc]: unsuppored transaction. Paginated queries are supported only in a read-only transaction');
    const p = c.getPrivateDataRangeScanIterator('cc', 'c1', '', '');
    assert.equal(p.ok ? '' : p.error, 'txid [txc]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction');
    const d = w.newTxSimulator(CH, 'txd');
    assert.ok(d.getPrivateDataRangeScanIterator('cc', 'c1', '', '').ok);
    assert.equal(d.setState('cc', 'k', b('v')), 'txid [txd]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed');
  });

  it('keeps private values on this peer and their SHA-256 hashes; undefined collections are refused', () => {
    const w = new WorldState();
    w.defineCollections(CH, 'cc', [{ name: 'c1', memberOrgs: ['Org1MSP'], memberOnlyRead: true, memberOnlyWrite: true }]);
    const sim = w.newTxSimulator(CH, 'tx');
    assert.equal(sim.setPrivateData('cc', 'c1', 'p', b('secret')), null);
    assert.equal(sim.setPrivateData('cc', 'nope', 'p', b('x')), 'collection [nope] not defined in the collection config for chaincode [cc]');
    w.commit(sim.results());
    const r = w.newTxSimulator(CH, 'tx2');
    const h = r.getPrivateDataHash('cc', 'c1', 'p');
    assert.ok(h.ok);
    assert.deepEqual(Buffer.from(h.value ?? new Uint8Array()), Buffer.from(privateHash('secret')));
    const v = r.getPrivateData('cc', 'c1', 'p');
    assert.equal(v.ok ? s(v.value) : v.error, 'secret');
    assert.equal(w.get(CH, 'cc', 'p'), undefined, 'private data is not in the public state');
  });

  it('ranges in byte order with an exclusive end; paginated bookmarks are the next key', () => {
    const w = new WorldState();
    for (const k of ['b', 'a', 'c', 'd', 'é']) w.seed(CH, 'cc', k, b(k));
    const sim = w.newTxSimulator(CH, 'tx');
    const it = sim.getStateRangeScanIterator('cc', 'a', 'd');
    assert.ok(it.ok);
    const got: string[] = [];
    for (let x = it.value.next(); x; x = it.value.next()) if (x.kind === 'kv') got.push(x.key);
    assert.deepEqual(got, ['a', 'b', 'c']);
    const pg = w.newTxSimulator(CH, 'tx2').getStateRangeScanIteratorWithPagination('cc', 'b', '', 2);
    assert.ok(pg.ok);
    pg.value.next();
    pg.value.next();
    assert.equal(pg.value.next(), null);
    assert.equal(pg.value.bookmark(), 'd');
    assert.deepEqual(w.keys(CH, 'cc'), ['a', 'b', 'c', 'd', 'é']);
  });

  it('LevelDB refuses rich queries with the ledger\'s text; CouchDB runs them over re-marshalled JSON', () => {
    const w = new WorldState();
    w.seed(CH, 'cc', 'k', b('{"b":1,"a":2}'));
    const q = w.newTxSimulator(CH, 'tx').executeQuery('cc', '{"selector":{}}');
    assert.equal(q.ok ? '' : q.error, 'ExecuteQuery not supported for leveldb');
    const qp = w.newTxSimulator(CH, 'tx').executeQueryWithPagination('cc', '{"selector":{}}', '', 5);
    assert.equal(qp.ok ? '' : qp.error, 'ExecuteQueryWithMetadata not supported for leveldb');
    const c = new WorldState({ stateDb: 'couchdb' });
    c.seed(CH, 'cc', 'k', b('{"b":1,"a":2}'));
    assert.equal(s(c.get(CH, 'cc', 'k')?.value), '{"a":2,"b":1}');
    assert.equal(s(c.historyOf(CH, 'cc', 'k')[0]?.value), '{"b":1,"a":2}', 'history keeps the bytes as written');
    const r = c.newTxSimulator(CH, 'tx').executeQuery('cc', '{"selector":{"a":2},"fields":["b"]}');
    assert.ok(r.ok);
    const item = r.value.next();
    assert.equal(item?.kind === 'kv' ? s(item.value) : '', '{"b":1}');
    assert.equal(c.newTxSimulator(CH, 'tx').setState('cc', '_bad', b('x')), 'invalid key [_bad], cannot begin with "_"');
  });

  it('history is newest first and can be switched off', () => {
    const w = new WorldState({ historyEnabled: false });
    w.seed(CH, 'cc', 'k', b('1'));
    const h = w.newTxSimulator(CH, 'tx').getHistoryForKey('cc', 'k');
    assert.equal(h.ok ? '' : h.error, 'history database is not enabled');
    const on = new WorldState();
    on.seed(CH, 'cc', 'k', b('1'));
    const sim = on.newTxSimulator(CH, 'tx2');
    sim.setState('cc', 'k', null);
    on.commit(sim.results());
    const it = on.newTxSimulator(CH, 'tx3').getHistoryForKey('cc', 'k');
    assert.ok(it.ok);
    const first = it.value.next();
    assert.ok(first?.kind === 'km' && first.isDelete && first.txId === 'tx2');
  });
  describe('what Fabric\'s own txmgr does, found by the protocol oracle (test/property/protocol-oracle.test.ts)', () => {
    it('an empty value written with SetState is a delete in the write set (KVWrite.IsDelete = len(value) == 0)', () => {
      const w = new WorldState();
      w.seed(CH, 'cc', 'k', b('old'));
      const sim = w.newTxSimulator(CH, 'tx1');
      assert.equal(sim.setState('cc', 'k', b('')), null);
      assert.equal(sim.results().writes.get('cc')?.get('k'), null);
      w.commit(sim.results());
      assert.equal(w.get(CH, 'cc', 'k'), undefined, 'committed as a delete');
    });

    it('a later metadata write of a key replaces the earlier one in the write set', () => {
      const sim = new WorldState().newTxSimulator(CH, 'tx1');
      assert.equal(sim.setStateMetadata('cc', 'k', new Map([['VALIDATION_PARAMETER', b('p')]])), null);
      assert.equal(sim.setStateMetadata('cc', 'k', new Map([['', b('')]])), null);
      assert.deepEqual([...(sim.results().metadataWrites.get('cc')?.get('k') ?? new Map()).keys()], ['']);
    });

    it('the empty collection name passes the collection check (the cached config marks its namespace with it)', () => {
      const w = new WorldState();
      const sim = w.newTxSimulator(CH, 'tx1');
      assert.equal(sim.validateCollName('cc', ''), null);
      assert.deepEqual(sim.getPrivateDataHash('cc', '', 'k'), { ok: true, value: undefined });
      assert.equal(sim.validateCollName('cc', 'c1'), 'collection [c1] not defined in the collection config for chaincode [cc]');
    });
  });
});
