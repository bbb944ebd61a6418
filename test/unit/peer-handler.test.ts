import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MessageType as T,
  decodeGetStateMultipleResult,
  decodeQueryResponse,
  encodeChaincodeId,
  encodeChaincodeSpec,
  encodeGetState,
  encodeGetStateByRange,
  encodeGetStateMultiple,
  encodePutState,
  encodeQueryStateId,
  encodeResponse,
  encodeWriteBatchState,
  type ChaincodeMsg,
  decodeSignedProposal,
} from '../../src/peer/codec.js';
import { buildProposal } from '../../src/peer/proposal.js';
import { MockPeer, type MockPeerConfig } from '../../src/peer/mockPeer.js';
import { MISROUTED_GRACE_MS } from '../../src/peer/handler.js';
import { memoryStreams, type MemoryChaincodeEnd } from '../../src/peer/stream.js';
import { PEER } from '../../src/config/defaults.js';

/** The peer handler against an in-process chaincode: request handling rules beyond the §9.4 vectors. */

const CH = 'mychannel';
const PKG = 'cc:0000';
const enc = (s: string): Uint8Array => Buffer.from(s);
const txt = (u: Uint8Array): string => Buffer.from(u).toString();

async function setup(cfg: Partial<MockPeerConfig> = {}): Promise<{ peer: MockPeer; cc: MemoryChaincodeEnd; handler: ReturnType<MockPeer['attach']> }> {
  const peer = new MockPeer({ channels: [CH], runtimeParams: PEER.runtimeParams, executeTimeoutMs: 2_000, ...cfg });
  peer.define({ name: 'cc', packageId: PKG, version: '1', initRequired: false, collections: [{ name: 'c1', memberOrgs: ['Org1MSP'], memberOnlyRead: true, memberOnlyWrite: true }] });
  const { peer: ps, chaincode } = memoryStreams();
  const handler = peer.attach(ps, PKG);
  chaincode.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG), txid: '', channelId: '' });
  assert.equal((await chaincode.next())?.type, T.REGISTERED);
  assert.equal((await chaincode.next())?.type, T.READY);
  return { peer, cc: chaincode, handler };
}

async function ask(cc: MemoryChaincodeEnd, tx: ChaincodeMsg, type: number, payload: Uint8Array): Promise<ChaincodeMsg> {
  cc.send({ type, payload, txid: tx.txid, channelId: tx.channelId });
  const r = await cc.next();
  assert.ok(r, 'a reply');
  assert.equal(r.txid, tx.txid, 'replies echo the txid');
  assert.equal(r.channelId, tx.channelId, 'replies echo the channel');
  return r;
}

function done(cc: MemoryChaincodeEnd, tx: ChaincodeMsg, status = 200): void {
  cc.send({ type: T.COMPLETED, payload: encodeResponse({ status, message: '', payload: new Uint8Array() }), txid: tx.txid, channelId: tx.channelId });
}

describe('peer handler (in-process chaincode)', () => {
  it('sends nothing after READY unless asked (no KEEPALIVE by default)', async () => {
    const { cc } = await setup();
    assert.equal(await cc.next(300), null);
  });

  it('holds REGISTERED/READY while beforeRegistered runs; messages meanwhile are handled after, in order', async () => {
    const peer = new MockPeer({ channels: [CH], runtimeParams: PEER.runtimeParams, executeTimeoutMs: 2_000 });
    const { peer: ps, chaincode } = memoryStreams();
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const handler = peer.attach(ps, PKG, undefined, () => held);
    chaincode.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG), txid: '', channelId: '' });
    chaincode.send({ type: T.KEEPALIVE, payload: new Uint8Array(), txid: '', channelId: '' });
    chaincode.send({ type: T.GET_STATE, payload: encodeGetState('k'), txid: 't1', channelId: CH });
    assert.equal(await chaincode.next(200), null, 'no reply while held');
    assert.equal(await handler.awaitRegister(50).then((o) => o.kind), 'timeout', 'not registered while held');
    release();
    assert.equal((await chaincode.next())?.type, T.REGISTERED);
    assert.equal((await chaincode.next())?.type, T.READY);
    assert.equal((await handler.awaitRegister(1_000)).kind, 'registered');
    // the GET_STATE queued during the hold is handled in the ready state: no context for t1
    const r = await chaincode.next();
    assert.equal(r?.type, T.ERROR);
    assert.equal(r?.txid, 't1');
  });

  it('a stream that ends while REGISTER is held is never answered', async () => {
    const peer = new MockPeer({ channels: [CH], runtimeParams: PEER.runtimeParams, executeTimeoutMs: 2_000 });
    const { peer: ps, chaincode } = memoryStreams();
    let release = (): void => undefined;
    const handler = peer.attach(ps, PKG, undefined, () => new Promise<void>((r) => (release = r)));
    chaincode.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG), txid: '', channelId: '' });
    await new Promise((r) => setTimeout(r, 20));
    handler.close();
    release();
    assert.equal((await handler.awaitRegister(100)).kind, 'ended');
    assert.equal(await chaincode.next(100), null);
  });

  it('truncates unpaginated results at ledger.state.totalQueryLimit, 100 per batch', async () => {
    const { peer, cc } = await setup({ totalQueryLimit: 150 });
    for (let i = 0; i < 250; i++) peer.ledger.seed(CH, 'cc', `k${String(i).padStart(3, '0')}`, enc('v'));
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: false });
    const tx = await cc.next();
    assert.ok(tx && tx.type === T.TRANSACTION);
    const first = decodeQueryResponse((await ask(cc, tx, T.GET_STATE_BY_RANGE, encodeGetStateByRange('', ''))).payload);
    assert.ok(first);
    assert.deepEqual([first.results.length, first.hasMore], [100, true]);
    const second = decodeQueryResponse((await ask(cc, tx, T.QUERY_STATE_NEXT, encodeQueryStateId(first.id))).payload);
    assert.deepEqual([second?.results.length, second?.hasMore], [50, false]);
    const gone = await ask(cc, tx, T.QUERY_STATE_NEXT, encodeQueryStateId(first.id));
    assert.equal(txt(gone.payload), `QUERY_STATE_NEXT failed: transaction ID: ${tx.txid}: query iterator not found`, 'released when has_more became false');
    done(cc, tx);
    assert.equal((await p).response.status, 200);
  });

  it('answers GET_STATE_MULTIPLE, checks collection membership, and gives hashes without a permission check', async () => {
    const { peer, cc } = await setup();
    peer.ledger.seed(CH, 'cc', 'a', enc('A'));
    const outsider = new MockPeer({ channels: [CH], runtimeParams: PEER.runtimeParams, executeTimeoutMs: 2_000 }).msp; // another org's MSP
    void outsider;
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: true });
    const tx = await cc.next();
    assert.ok(tx);
    const multi = decodeGetStateMultipleResult((await ask(cc, tx, T.GET_STATE_MULTIPLE, encodeGetStateMultiple(['a', 'missing']))).payload);
    assert.deepEqual(multi?.map(txt), ['A', '']);
    assert.equal((await ask(cc, tx, T.PUT_STATE, encodePutState('p', enc('secret'), 'c1'))).type, T.RESPONSE);
    const unknown = await ask(cc, tx, T.GET_STATE, encodeGetState('p', 'nope'));
    assert.equal(txt(unknown.payload), `GET_STATE failed: transaction ID: ${tx.txid}: collection ${CH}/cc/nope could not be found`);
    done(cc, tx);
    assert.ok((await p).committed);
    assert.equal(txt(peer.ledger.getPrivate(CH, 'cc', 'c1', 'p')?.value ?? new Uint8Array()), 'secret');
  });

  it('keeps the transaction\'s channel header timestamp in the key history, not the commit time (issue 14: Fabric\'s history reads it from the envelope)', async () => {
    const { peer, cc } = await setup();
    const when = new Date('2021-02-03T04:05:06.789Z');
    const signed = buildProposal({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], isInit: false, creator: peer.msp.user('U') }, when);
    assert.equal(decodeSignedProposal(signed.signedProposal)?.timestamp?.toISOString(), when.toISOString());
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: true, signed });
    const tx = await cc.next();
    assert.ok(tx);
    assert.equal((await ask(cc, tx, T.PUT_STATE, encodePutState('h', enc('v')))).type, T.RESPONSE);
    done(cc, tx);
    assert.ok((await p).committed);
    assert.deepEqual(peer.ledger.historyOf(CH, 'cc', 'h').map((m) => [m.txId, m.timestamp.toISOString()]), [[signed.txId, when.toISOString()]]);
  });

  it('refuses private data to a non-member, but serves the hash', async () => {
    const { peer, cc } = await setup();
    const w = peer.ledger.newTxSimulator(CH, 'seed');
    w.setPrivateData('cc', 'c1', 'p', enc('secret'));
    peer.ledger.commit(w.results());
    const org2 = new (await import('../../src/peer/identity.js')).TestMsp('Org2MSP');
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: org2.user('bob'), commit: false });
    const tx = await cc.next();
    assert.ok(tx);
    const r = await ask(cc, tx, T.GET_STATE, encodeGetState('p', 'c1'));
    assert.equal(txt(r.payload), `GET_STATE failed: transaction ID: ${tx.txid}: tx creator does not have read access permission on privatedata in chaincodeName:cc collectionName: c1`);
    const h = await ask(cc, tx, T.GET_PRIVATE_DATA_HASH, encodeGetState('p', 'c1'));
    assert.equal(h.type, T.RESPONSE);
    assert.equal(h.payload.length, 32);
    done(cc, tx);
    await p;
  });

  it('applies the CouchDB key rules to PUT_STATE, including keys that are not UTF-8 on the wire', async () => {
    const { cc, peer } = await setup({ stateDb: 'couchdb' });
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: false });
    const tx = await cc.next();
    assert.ok(tx);
    assert.equal(txt((await ask(cc, tx, T.PUT_STATE, encodePutState('_x', enc('v')))).payload), `PUT_STATE failed: transaction ID: ${tx.txid}: invalid key [_x], cannot begin with "_"`);
    // PutState{key: 0xff 0xfe, value: "v"} written by hand: field 1 with invalid UTF-8
    const raw = Uint8Array.of(0x0a, 0x02, 0xff, 0xfe, 0x12, 0x01, 0x76);
    assert.equal(txt((await ask(cc, tx, T.PUT_STATE, raw)).payload), `PUT_STATE failed: transaction ID: ${tx.txid}: invalid key [fffe], must be a UTF-8 string`);
    done(cc, tx);
    await p;
  });

  it('keeps the records of a batch before a failing one, and commits them with the transaction', async () => {
    const { peer, cc } = await setup();
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: true });
    const tx = await cc.next();
    assert.ok(tx);
    const r = await ask(cc, tx, T.WRITE_BATCH_STATE, encodeWriteBatchState([
      { key: 'w1', value: enc('1'), collection: '', metadata: null, type: T.PUT_STATE },
      { key: 'w2', value: new Uint8Array(), collection: '', metadata: null, type: T.PURGE_PRIVATE_DATA },
      { key: 'w3', value: enc('3'), collection: '', metadata: null, type: T.PUT_STATE },
    ]));
    assert.equal(txt(r.payload), `WRITE_BATCH_STATE failed: transaction ID: ${tx.txid}: only applicable for private data`);
    done(cc, tx);
    await p;
    assert.equal(txt(peer.ledger.get(CH, 'cc', 'w1')?.value ?? new Uint8Array()), '1');
    assert.equal(peer.ledger.get(CH, 'cc', 'w3'), undefined);
  });

  it('after the execute timeout the context is gone: late requests get no ledger context, a late COMPLETED is dropped', async () => {
    const { peer, cc } = await setup({ executeTimeoutMs: 1_000 });
    const res = await Promise.all([peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: true }), cc.next()]);
    const [r, tx] = res;
    assert.ok(tx);
    assert.equal(r.peerError, `error in simulation: failed to execute transaction ${r.txId}: error sending: timeout expired while executing transaction`);
    assert.equal(txt((await ask(cc, tx, T.GET_STATE, encodeGetState('k'))).payload), `GET_STATE failed: transaction ID: ${tx.txid}: no ledger context`);
    done(cc, tx);
    assert.equal(await cc.next(200), null);
  });

  it('fails waiting executions with chaincode stream terminated when the stream ends', async () => {
    const { peer, cc, handler } = await setup();
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: true });
    assert.ok(await cc.next());
    cc.end('14 UNAVAILABLE: Connection dropped');
    const r = await p;
    assert.equal(r.peerError, `error in simulation: failed to execute transaction ${r.txId}: error sending: chaincode stream terminated`);
    assert.ok(handler.isEnded);
    assert.equal(peer.registry.handler(PKG), undefined, 'deregistered: the next invocation relaunches');
  });

  it('INVOKE_CHAINCODE to a channel the peer has not joined, or an undefined chaincode', async () => {
    const { peer, cc } = await setup();
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: true });
    const tx = await cc.next();
    assert.ok(tx);
    assert.equal(txt((await ask(cc, tx, T.INVOKE_CHAINCODE, encodeChaincodeSpec('other/elsewhere', [enc('x')]))).payload), `INVOKE_CHAINCODE failed: transaction ID: ${tx.txid}: failed to find ledger for channel: elsewhere`);
    assert.equal(
      txt((await ask(cc, tx, T.INVOKE_CHAINCODE, encodeChaincodeSpec('other:1.0', [enc('x')]))).payload),
      `INVOKE_CHAINCODE failed: transaction ID: ${tx.txid}: execute failed: invalid invocation: [channel ${CH}] failed to get chaincode container info for other: chaincode other not found`,
    );
    done(cc, tx);
    await p;
  });
  it('drops a completion that matches no transaction (PROTO-08), names the field, and with a conformance run\'s grace ends the wait as the peer\'s timeout without waiting it out', async () => {
    const { peer, cc, handler } = await setup({ executeTimeoutMs: 300_000, misroutedGraceMs: MISROUTED_GRACE_MS });
    const started = performance.now();
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: false });
    const tx = await cc.next();
    assert.ok(tx && tx.type === T.TRANSACTION);
    const wrongTxid = `${tx.txid.slice(0, -1)}${tx.txid.endsWith('0') ? '1' : '0'}`;
    cc.send({ type: T.ERROR, payload: enc('boom'), txid: wrongTxid, channelId: CH });
    const r = await p;
    assert.match(r.peerError ?? '', /timeout expired while executing transaction$/);
    assert.ok(performance.now() - started < 60_000, 'not the 300 s executetimeout');
    assert.deepEqual(handler.misroutedFor(tx.txid), { type: 'ERROR', txid: wrongTxid, channelId: CH, meant: { txid: tx.txid, channelId: CH }, mismatched: ['txid'], ms: handler.misroutedFor(tx.txid)?.ms });
  });

  it('without a grace, a dropped completion leaves the transaction waiting as Fabric\'s Handler does: a later matching one completes it', async () => {
    const { peer, cc, handler } = await setup({ executeTimeoutMs: 300_000 });
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: false });
    const tx = await cc.next();
    assert.ok(tx && tx.type === T.TRANSACTION);
    cc.send({ type: T.ERROR, payload: enc('stray'), txid: `${tx.txid}x`, channelId: CH });
    // well past the grace a conformance run would give: still waiting
    await new Promise((r) => setTimeout(r, MISROUTED_GRACE_MS * 3));
    done(cc, tx);
    assert.equal((await p).response.status, 200);
    assert.deepEqual(handler.misroutedFor(tx.txid)?.mismatched, ['txid']);
  });

  it('a matching completion right after a misrouted one still completes the transaction', async () => {
    const { peer, cc, handler } = await setup({ executeTimeoutMs: 300_000, misroutedGraceMs: MISROUTED_GRACE_MS });
    const p = peer.propose({ channelId: CH, chaincodeName: 'cc', args: [enc('f')], creator: peer.msp.user('U'), commit: false });
    const tx = await cc.next();
    assert.ok(tx && tx.type === T.TRANSACTION);
    cc.send({ type: T.COMPLETED, payload: encodeResponse({ status: 200, message: '', payload: new Uint8Array() }), txid: tx.txid, channelId: 'other' });
    done(cc, tx);
    assert.equal((await p).response.status, 200);
    assert.deepEqual(handler.misroutedFor(tx.txid)?.mismatched, ['channel_id']);
  });
});
