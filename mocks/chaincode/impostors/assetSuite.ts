import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProposalResult } from '../../../src/peer/endorser.js';
import { startLive, type LiveChaincode } from './live.js';

/**
 * The asset contract's checks, shared by the Node and Java shim tests: every request type the
 * contract uses, answered by the mock peer from its ledger, against a real shim server.
 */

const text = (r: ProposalResult): string => Buffer.from(r.response.payload).toString('utf8');

export interface ShimTraits {
  /** How the shim reports an ERROR reply of the peer to the client (the contract's Response message). */
  readonly peerErrorMessage: RegExp;
}

export function assetSuite(title: string, command: () => string, skip: () => string | null, traits: ShimTraits): void {
describe(title, { skip: skip() ?? false }, () => {
  let cc: LiveChaincode;
  let other: LiveChaincode;
  const ch = 'mychannel';
  const invoke = (fn: string, args: string[], commit = true, extra: { transient?: Map<string, Uint8Array>; mspId?: string } = {}): Promise<ProposalResult> =>
    cc.peer.propose({ channelId: ch, chaincodeName: 'asset', args: [fn, ...args].map((a) => Buffer.from(a)), creator: cc.peer.msp.user('User1'), commit, ...(extra.transient ? { transient: extra.transient } : {}) });

  before(async () => {
    cc = await startLive(command(), { collections: [{ name: 'assetCollection', memberOrgs: ['Org1MSP'] }] });
    assert.equal(cc.register.kind, 'registered');
    // the callee is a second server on the same mock peer: its definition and stream join the caller's peer
    other = await startLive(command(), { label: 'other', attachTo: cc.peer });
    assert.equal(other.register.kind, 'registered');
  });
  after(async () => {
    await other?.stop();
    await cc?.stop();
  });

  it('calls a second chaincode with the same txid, in the same simulation', async () => {
    cc.peer.ledger.seed(ch, 'other', 'o1', Buffer.from(JSON.stringify({ id: 'o1', value: 'green', owner: 'Org1MSP' })));
    const r = await invoke('CallOther', ['other', 'ReadAsset', 'o1'], true);
    assert.equal(r.response.status, 200, r.response.message);
    assert.equal(JSON.parse(text(r)).value, 'green');
    const w = await invoke('CallOther', ['other', 'DeleteAsset', 'o1'], true);
    assert.equal(w.response.status, 200, w.response.message);
    assert.equal(cc.peer.ledger.get(ch, 'other', 'o1'), undefined, 'the callee\'s delete is committed with the caller\'s transaction');
  });

  it('creates, reads, updates and deletes with events and commits only endorsed transactions', async () => {
    const c = await invoke('CreateAsset', ['a1', 'blue']);
    assert.equal(c.response.status, 200, c.response.message);
    assert.deepEqual(JSON.parse(text(c)), { id: 'a1', value: 'blue', owner: 'Org1MSP' });
    assert.equal(c.event?.name, 'AssetCreated');
    assert.ok(c.committed);
    const dup = await invoke('CreateAsset', ['a1', 'x']);
    assert.equal(dup.response.status, 500);
    assert.match(dup.response.message, /asset a1 already exists/);
    assert.equal(dup.committed, false);
    const rd = await invoke('ReadAsset', ['a1'], false);
    assert.equal(JSON.parse(text(rd)).value, 'blue');
    await invoke('DeleteAsset', ['a1']);
    assert.equal(cc.peer.ledger.get(ch, 'asset', 'a1'), undefined);
  });

  it('pages a range of 250 keys through QUERY_STATE_NEXT, and paginates with bookmarks', async () => {
    for (let i = 0; i < 250; i++) cc.peer.ledger.seed(ch, 'asset', `r${String(i).padStart(3, '0')}`, Buffer.from(String(i)));
    const all = await invoke('GetAssetsByRange', ['r', 's'], false);
    assert.equal(all.response.status, 200, all.response.message);
    assert.equal((JSON.parse(text(all)) as unknown[]).length, 250);
    assert.equal(cc.handler.requestCounts.get('QUERY_STATE_NEXT'), 2);
    const page = await invoke('GetAssetsByRangeWithPagination', ['r', 's', '2', 'r100'], false);
    assert.deepEqual(JSON.parse(text(page)), { records: [{ key: 'r100', value: '100' }, { key: 'r101', value: '101' }], fetchedRecordsCount: 2, bookmark: 'r102' });
  });

  it('stores private data from transient input and serves its hash', async () => {
    const p = await invoke('PutPrivateAsset', ['assetCollection', 'p1'], true, { transient: new Map([['value', Buffer.from('secret')]]) });
    assert.equal(p.response.status, 200, p.response.message);
    const r = await invoke('ReadPrivateAsset', ['assetCollection', 'p1'], false);
    assert.equal(text(r), 'secret');
    const h = await invoke('ReadPrivateAssetHash', ['assetCollection', 'p1'], false);
    assert.equal(text(h), '2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b');
  });

  it('answers history with the newest modification first', async () => {
    await invoke('CreateAsset', ['h1', 'blue']);
    await invoke('UpdateAsset', ['h1', 'red']);
    const h = await invoke('GetAssetHistory', ['h1'], false);
    const items = JSON.parse(text(h)) as Array<{ value: string }>;
    assert.equal(items.length, 2);
    assert.equal(JSON.parse(items[0]?.value ?? '{}').value, 'red');
  });

  it('reports a rich query on LevelDB with the ledger\'s own text', async () => {
    const q = await invoke('QueryAssets', ['{"selector":{}}'], false);
    assert.equal(q.response.status, 500);
    assert.match(q.response.message, traits.peerErrorMessage);
  });
});
}
