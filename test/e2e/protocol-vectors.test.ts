import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startImpostor, type ImpostorConn, type Script } from '../../mocks/chaincode/impostors/server.js';
import { packageIdFor, peerConfig } from '../../mocks/chaincode/impostors/live.js';
import { dial } from '../../src/dial/connect.js';
import {
  MessageType as T,
  decodeChaincodeMessage,
  decodeQueryResponse,
  decodeQueryResponseMetadata,
  decodeKV,
  encodeChaincodeId,
  encodeChaincodeSpec,
  encodeGetState,
  encodeGetStateByRange,
  encodeGetStateMetadata,
  encodePutState,
  encodePutStateMetadata,
  encodeQueryMetadata,
  encodeQueryStateId,
  encodeResponse,
  encodeDelState,
  encodeWriteBatchState,
  messageBytes,
  type ChaincodeMsg,
} from '../../src/peer/codec.js';
import type { PeerHandler } from '../../src/peer/handler.js';
import { MockPeer, type MockPeerConfig } from '../../src/peer/mockPeer.js';

/**
 * Every stream and protocol vector of the reference (§9.4 S1–S29) against impostor servers that
 * misbehave exactly as the vector says, dialled by the mock peer over real gRPC.
 */

const CH = 'mychannel';
const NAME = 'asset';
const PKG = packageIdFor(NAME);
const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const txt = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const hexOf = (m: ChaincodeMsg): string => Buffer.from(messageBytes(m)).toString('hex');

async function register(c: ImpostorConn, name = PKG): Promise<void> {
  c.send({ type: T.REGISTER, payload: encodeChaincodeId(name) });
  assert.ok(await c.nextOf(T.READY), 'READY after a good REGISTER');
}

function complete(c: ImpostorConn, tx: ChaincodeMsg, status = 200, payload = '', message = ''): void {
  c.send({ type: T.COMPLETED, txid: tx.txid, channelId: tx.channelId, payload: encodeResponse({ status, message, payload: enc(payload) }) });
}

/** A request from the chaincode and the peer's answer to it. */
async function ask(c: ImpostorConn, tx: ChaincodeMsg, type: number, payload: Uint8Array): Promise<ChaincodeMsg> {
  c.send({ type, payload, txid: tx.txid, channelId: tx.channelId });
  const r = await c.next(5_000);
  assert.ok(r, `an answer to ${type}`);
  return r;
}

function errText(m: ChaincodeMsg): string {
  assert.equal(m.type, T.ERROR, `expected ERROR, got type ${m.type}: ${txt(m.payload)}`);
  return txt(m.payload);
}

interface Rig {
  readonly peer: MockPeer;
  readonly handler: PeerHandler;
  readonly conns: ImpostorConn[];
  invoke(args?: string[], o?: { isInit?: boolean; commit?: boolean }): ReturnType<MockPeer['propose']>;
  stop(): Promise<void>;
}

async function rig(script: Script, cfg: Partial<MockPeerConfig> = {}, o: { initRequired?: boolean; peer?: MockPeer } = {}): Promise<Rig> {
  const imp = await startImpostor(script);
  const peer = o.peer ?? new MockPeer(peerConfig({ executeTimeoutMs: 3_000, ...cfg }));
  if (!peer.definition(NAME)) peer.define({ name: NAME, packageId: PKG, version: '1.0', initRequired: o.initRequired ?? false, collections: [{ name: 'c1', memberOrgs: ['Org1MSP'], memberOnlyRead: true, memberOnlyWrite: true }] });
  const d = await dial({ address: imp.address, dialTimeoutMs: 5_000, tls: null });
  assert.ok(d.ok, 'dial the impostor');
  const handler = peer.attach(d.dialed.stream, PKG);
  return {
    peer,
    handler,
    conns: imp.connections,
    invoke: (args = ['fn'], x = {}) => peer.propose({ channelId: CH, chaincodeName: NAME, args: args.map(enc), isInit: x.isInit ?? false, creator: peer.msp.user('User1'), commit: x.commit ?? true }),
    stop: async () => {
      d.dialed.close();
      await imp.stop();
    },
  };
}

describe('§9.4 stream and protocol vectors (impostor servers)', () => {
  it('S1: REGISTER with the package ID gets REGISTERED (08 02) then READY with the runtime params, bytes as computed', async () => {
    for (const [params, readyHex] of [
      [{ useWriteBatch: true, maxSizeWriteBatch: 1000, useGetMultipleKeys: true, maxSizeGetMultipleKeys: 1000 }, '08041a0a080110e807180120e807'],
      [{ useWriteBatch: false, maxSizeWriteBatch: 1000, useGetMultipleKeys: false, maxSizeGetMultipleKeys: 1000 }, '08041a0610e80720e807'],
    ] as const) {
      let seen: string[] = [];
      const r = await rig(async (c) => {
        c.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG) });
        const a = await c.next();
        const b = await c.next();
        seen = [a, b].map((m) => (m ? hexOf(m) : 'none'));
      }, { runtimeParams: params });
      const o = await r.handler.awaitRegister(3_000);
      assert.equal(o.kind, 'registered');
      await new Promise((res) => setTimeout(res, 50));
      assert.deepEqual(seen, ['0802', readyHex]);
      assert.equal(r.handler.state, 'ready');
      await r.stop();
    }
  });

  it('S2: REGISTER with the label only: no reply, the peer would time out; judged in milliseconds; stream left open', async () => {
    const r = await rig(async (c) => {
      c.send({ type: T.REGISTER, payload: encodeChaincodeId(NAME) });
      assert.equal(await c.next(300), null, 'no reply to a wrong REGISTER');
    });
    const t0 = performance.now();
    const o = await r.handler.awaitRegister(3_000);
    assert.equal(o.kind, 'wrong-name');
    assert.ok(performance.now() - t0 < 2_500, 'judged at once, not at the 3 s deadline');
    assert.equal(o.kind === 'wrong-name' ? o.peerError : '', `peer will not accept external chaincode connection ${NAME} (except in dev mode)`);
    await new Promise((res) => setTimeout(res, 400));
    assert.equal(r.conns[0]?.isEnded, false, 'the peer leaves the stream open');
    assert.equal(r.handler.state, 'created');
    await r.stop();
  });

  it('S3: an undecodable REGISTER (ff) is ignored and a correct one after it is accepted', async () => {
    const r = await rig(async (c) => {
      c.send({ type: T.REGISTER, payload: Uint8Array.of(0xff) });
      assert.equal(await c.next(200), null);
      await register(c);
    });
    assert.equal((await r.handler.awaitRegister(3_000)).kind, 'undecodable');
    await new Promise((res) => setTimeout(res, 400));
    assert.equal(r.handler.state, 'ready');
    await r.stop();
  });

  it('S4: REGISTER with an empty name gets no reply and the handler stays created', async () => {
    const r = await rig(async (c) => {
      c.send({ type: T.REGISTER, payload: encodeChaincodeId('') });
      assert.equal(await c.next(300), null);
    });
    assert.equal((await r.handler.awaitRegister(3_000)).kind, 'empty-name');
    assert.equal(r.handler.state, 'created');
    await r.stop();
  });

  it('S5: KEEPALIVE (08 12) before REGISTER is ignored without a reply', async () => {
    const r = await rig(async (c) => {
      c.send({ type: T.KEEPALIVE });
      assert.equal(await c.next(200), null);
      await register(c);
    });
    assert.equal((await r.handler.awaitRegister(3_000)).kind, 'registered');
    await r.stop();
  });

  it('S6: GET_STATE before REGISTER: the peer closes the stream and sends no ERROR', async () => {
    let got: ChaincodeMsg | null = null;
    const r = await rig(async (c) => {
      c.send({ type: T.GET_STATE, txid: 'tx1', channelId: CH, payload: encodeGetState('k') });
      got = await c.next(2_000);
    });
    const o = await r.handler.awaitRegister(3_000);
    assert.equal(o.kind, 'violation');
    assert.equal(o.kind === 'violation' ? o.peerError : '', 'error handling message, ending stream: [tx1] Fabric side handler cannot handle message (GET_STATE) while in created state');
    await r.conns[0]?.ended;
    assert.equal(got, null);
    await r.stop();
  });

  it('S7: READY, RESPONSE or a second REGISTER after READY end the stream', async () => {
    for (const [type, name] of [[T.READY, 'READY'], [T.RESPONSE, 'RESPONSE'], [T.REGISTER, 'REGISTER']] as const) {
      const r = await rig(async (c) => {
        await register(c);
        c.send({ type, txid: 't', channelId: CH, payload: type === T.REGISTER ? encodeChaincodeId(PKG) : new Uint8Array() });
      });
      await r.handler.awaitRegister(3_000);
      const end = await r.handler.awaitEnd(3_000);
      assert.ok(end.ended);
      assert.equal(r.handler.violation, `error handling message, ending stream: [t] Fabric side handler cannot handle message (${name}) while in ready state`);
      await r.stop();
    }
  });

  it('S8: no message at all after connect: the launch would fail after startuptimeout', async () => {
    const r = await rig(() => undefined);
    assert.equal((await r.handler.awaitRegister(300)).kind, 'timeout');
    await r.stop();
  });

  it('S9: COMPLETED with the wrong channel_id is dropped; the invocation times out', async () => {
    const r = await rig(async (c) => {
      await register(c);
      const tx = await c.nextOf(T.TRANSACTION);
      assert.ok(tx);
      c.send({ type: T.COMPLETED, txid: tx.txid, channelId: 'otherchannel', payload: encodeResponse({ status: 200, message: '', payload: new Uint8Array() }) });
    }, { executeTimeoutMs: 1_000 });
    await r.handler.awaitRegister(3_000);
    const res = await r.invoke();
    assert.equal(res.peerError, `error in simulation: failed to execute transaction ${res.txId}: error sending: timeout expired while executing transaction`);
    await r.stop();
  });

  it('S10: COMPLETED with channel "" and txid = channel + txid is accepted (concatenated key)', async () => {
    const r = await rig(async (c) => {
      await register(c);
      const tx = await c.nextOf(T.TRANSACTION);
      assert.ok(tx);
      c.send({ type: T.COMPLETED, txid: tx.channelId + tx.txid, channelId: '', payload: encodeResponse({ status: 200, message: '', payload: enc('ok') }) });
    });
    await r.handler.awaitRegister(3_000);
    const res = await r.invoke();
    assert.equal(res.response.status, 200);
    assert.equal(txt(res.response.payload), 'ok');
    await r.stop();
  });

  it('S11: COMPLETED whose payload is not a Response fails to unmarshal', async () => {
    const r = await rig(async (c) => {
      await register(c);
      const tx = await c.nextOf(T.TRANSACTION);
      assert.ok(tx);
      c.send({ type: T.COMPLETED, txid: tx.txid, channelId: tx.channelId, payload: Uint8Array.of(0xff, 0xff) });
    });
    await r.handler.awaitRegister(3_000);
    const res = await r.invoke();
    assert.match(res.peerError ?? '', new RegExp(`^error in simulation: failed to unmarshal response for transaction ${res.txId}`));
    await r.stop();
  });

  it('S12: ERROR "boom" for an INIT (init required) fails with transaction returned with failure: boom; TRANSACTION before INIT is refused', async () => {
    const r = await rig(
      async (c) => {
        await register(c);
        const init = await c.nextOf(T.INIT);
        assert.ok(init);
        c.send({ type: T.ERROR, txid: init.txid, channelId: init.channelId, payload: enc('boom') });
      },
      {},
      { initRequired: true },
    );
    await r.handler.awaitRegister(3_000);
    const before = await r.invoke(['fn']);
    assert.equal(before.peerError, `error in simulation: failed to execute transaction ${before.txId}: invalid invocation: chaincode '${NAME}' has not been initialized for this version, must call as init first`);
    const res = await r.invoke(['Init'], { isInit: true });
    assert.equal(res.peerError, 'error in simulation: transaction returned with failure: boom');
    await r.stop();
  });

  it('S12b: INIT when the definition does not require it is refused before reaching the chaincode', async () => {
    const r = await rig(async (c) => register(c));
    await r.handler.awaitRegister(3_000);
    const res = await r.invoke(['Init'], { isInit: true });
    assert.equal(res.peerError, `error in simulation: failed to execute transaction ${res.txId}: invalid invocation: chaincode '${NAME}' does not require initialization but called as init`);
    await r.stop();
  });

  it('S13: status 0 and 200 are endorsed, 404 is a response only, 500 a response with payload and no endorsement', async () => {
    const statuses = [0, 200, 404, 500];
    const r = await rig(async (c) => {
      await register(c);
      for (const s of statuses) {
        const tx = await c.nextOf(T.TRANSACTION);
        assert.ok(tx);
        c.send({ type: T.PUT_STATE, txid: tx.txid, channelId: tx.channelId, payload: encodePutState(`k${s}`, enc('v')) });
        await c.nextOf(T.RESPONSE);
        complete(c, tx, s, `p${s}`);
      }
    });
    await r.handler.awaitRegister(3_000);
    const out = [];
    for (const s of statuses) out.push(await r.invoke([`f${s}`]));
    assert.deepEqual(out.map((o) => [o.response.status, o.endorsed, o.committed]), [[0, true, true], [200, true, true], [404, false, false], [500, false, false]]);
    assert.equal(txt(out[3]?.response.payload ?? new Uint8Array()), 'p500');
    assert.ok(r.peer.ledger.get(CH, NAME, 'k200'));
    assert.equal(r.peer.ledger.get(CH, NAME, 'k500'), undefined);
    await r.stop();
  });

  it('S14: two GET_STATE for one txid without waiting: the second gets no reply at all', async () => {
    let replies = 0;
    const r = await rig(async (c) => {
      await register(c);
      const tx = await c.nextOf(T.TRANSACTION);
      assert.ok(tx);
      c.send({ type: T.GET_STATE, txid: tx.txid, channelId: tx.channelId, payload: encodeGetState('a') });
      c.send({ type: T.GET_STATE, txid: tx.txid, channelId: tx.channelId, payload: encodeGetState('b') });
      while ((await c.next(400)) !== null) replies++;
      complete(c, tx);
    });
    await r.handler.awaitRegister(3_000);
    const res = await r.invoke();
    assert.equal(res.response.status, 200);
    assert.equal(replies, 1);
    await r.stop();
  });

  it('S15/S16/S17: requests for an unknown txid, QUERY_STATE_NEXT and QUERY_STATE_CLOSE with unknown ids', async () => {
    const got: string[] = [];
    let closeReply: ChaincodeMsg | null = null;
    const r = await rig(async (c) => {
      await register(c);
      const tx = await c.nextOf(T.TRANSACTION);
      assert.ok(tx);
      const stray = await ask(c, { type: 0, payload: new Uint8Array(), txid: 'nosuchtx', channelId: CH }, T.GET_STATE, encodeGetState('k'));
      got.push(errText(stray));
      got.push(errText(await ask(c, tx, T.QUERY_STATE_NEXT, encodeQueryStateId('no-such-id'))));
      closeReply = await ask(c, tx, T.QUERY_STATE_CLOSE, encodeQueryStateId('no-such-id'));
      complete(c, tx);
    });
    await r.handler.awaitRegister(3_000);
    const res = await r.invoke();
    assert.deepEqual(got, ['GET_STATE failed: transaction ID: nosuchtx: no ledger context', `QUERY_STATE_NEXT failed: transaction ID: ${res.txId}: query iterator not found`]);
    const cr = closeReply as ChaincodeMsg | null;
    assert.equal(cr?.type, T.RESPONSE);
    assert.deepEqual(decodeQueryResponse(cr?.payload ?? new Uint8Array()), { results: [], hasMore: false, id: 'no-such-id', metadata: null });
    await r.stop();
  });

  it('S18: a range over exactly 100 keys is one reply; over 101 keys 100 with has_more, then 1', async () => {
    const shapes: Array<[number, boolean]> = [];
    const r = await rig(async (c) => {
      await register(c);
      for (const prefix of ['a', 'b']) {
        const tx = await c.nextOf(T.TRANSACTION);
        assert.ok(tx);
        const first = await ask(c, tx, T.GET_STATE_BY_RANGE, encodeGetStateByRange(prefix, `${prefix}~`));
        const q = decodeQueryResponse(first.payload);
        assert.ok(q);
        shapes.push([q.results.length, q.hasMore]);
        if (q.hasMore) {
          const n = decodeQueryResponse((await ask(c, tx, T.QUERY_STATE_NEXT, encodeQueryStateId(q.id))).payload);
          assert.ok(n);
          shapes.push([n.results.length, n.hasMore]);
          assert.equal(decodeKV(n.results[0] as Uint8Array)?.key, 'b100');
        }
        complete(c, tx);
      }
    });
    for (let i = 0; i < 100; i++) r.peer.ledger.seed(CH, NAME, `a${String(i).padStart(3, '0')}`, enc('x'));
    for (let i = 0; i < 101; i++) r.peer.ledger.seed(CH, NAME, `b${String(i).padStart(3, '0')}`, enc('x'));
    await r.handler.awaitRegister(3_000);
    await r.invoke(['range100'], { commit: false });
    await r.invoke(['range101'], { commit: false });
    assert.deepEqual(shapes, [[100, false], [100, true], [1, false]]);
    await r.stop();
  });

  it('S19: a range with QueryMetadata{pageSize:2} over 5 keys: 2 results, metadata {2, bookmark = the 3rd key}', async () => {
    const metas: Array<{ fetchedRecordsCount: number; bookmark: string } | null> = [];
    const r = await rig(async (c) => {
      await register(c);
      for (const bookmark of ['', 'k5']) {
        const tx = await c.nextOf(T.TRANSACTION);
        assert.ok(tx);
        const q = decodeQueryResponse((await ask(c, tx, T.GET_STATE_BY_RANGE, encodeGetStateByRange('k1', 'k9', '', encodeQueryMetadata(2, bookmark)))).payload);
        assert.ok(q);
        assert.equal(q.hasMore, false);
        metas.push(q.metadata ? decodeQueryResponseMetadata(q.metadata) : null);
        complete(c, tx);
      }
    });
    for (let i = 1; i <= 5; i++) r.peer.ledger.seed(CH, NAME, `k${i}`, enc(String(i)));
    await r.handler.awaitRegister(3_000);
    await r.invoke(['p1'], { commit: false });
    await r.invoke(['p2'], { commit: false });
    assert.deepEqual(metas, [{ fetchedRecordsCount: 2, bookmark: 'k3' }, { fetchedRecordsCount: 1, bookmark: '' }]);
    await r.stop();
  });

  it('S20/S21: WRITE_BATCH_STATE is accepted though READY advertised false; an UNDEFINED record is an unknown operation type', async () => {
    const answers: ChaincodeMsg[] = [];
    const r = await rig(async (c) => {
      await register(c);
      const tx = await c.nextOf(T.TRANSACTION);
      assert.ok(tx);
      answers.push(await ask(c, tx, T.WRITE_BATCH_STATE, encodeWriteBatchState([{ key: 'w1', value: enc('1'), collection: '', metadata: null, type: T.PUT_STATE }, { key: 'w2', value: enc('2'), collection: '', metadata: null, type: T.PUT_STATE }])));
      answers.push(await ask(c, tx, T.WRITE_BATCH_STATE, encodeWriteBatchState([{ key: 'w3', value: enc('3'), collection: '', metadata: null, type: 0 }])));
      complete(c, tx);
    }, { runtimeParams: { useWriteBatch: false, maxSizeWriteBatch: 1000, useGetMultipleKeys: false, maxSizeGetMultipleKeys: 1000 } });
    await r.handler.awaitRegister(3_000);
    const res = await r.invoke();
    assert.equal(answers[0]?.type, T.RESPONSE);
    assert.equal(errText(answers[1] as ChaincodeMsg), `WRITE_BATCH_STATE failed: transaction ID: ${res.txId}: unknown operation type`);
    assert.equal(txt(r.peer.ledger.get(CH, NAME, 'w2')?.value ?? new Uint8Array()), '2');
    await r.stop();
  });

  it('S22/S23/S24: purge without a collection; metadata below V1_3; PUT_STATE_METADATA without metadata panics', async () => {
    for (const cap of [2.5, 1.2]) {
      const errs: string[] = [];
      const r = await rig(async (c) => {
        await register(c);
        const tx = await c.nextOf(T.TRANSACTION);
        assert.ok(tx);
        errs.push(errText(await ask(c, tx, T.PURGE_PRIVATE_DATA, encodeDelState('k'))));
        const md = await ask(c, tx, T.GET_STATE_METADATA, encodeGetStateMetadata('k'));
        errs.push(md.type === T.ERROR ? txt(md.payload) : 'RESPONSE');
        errs.push(errText(await ask(c, tx, T.PUT_STATE_METADATA, encodePutStateMetadata('k', null))));
        complete(c, tx);
      }, { applicationCapability: cap });
      await r.handler.awaitRegister(3_000);
      const res = await r.invoke();
      const p = (type: string, cause: string): string => `${type} failed: transaction ID: ${res.txId}: ${cause}`;
      if (cap === 2.5) assert.deepEqual(errs, [p('PURGE_PRIVATE_DATA', 'only applicable for private data'), 'RESPONSE', p('PUT_STATE_METADATA', 'panic during execution')]);
      else {
        assert.deepEqual(errs, [
          p('PURGE_PRIVATE_DATA', 'purge private data is not enabled, channel application capability of V2_5 or later is required'),
          p('GET_STATE_METADATA', 'key level endorsement is not enabled, channel application capability of V1_3 or later is required'),
          p('PUT_STATE_METADATA', 'key level endorsement is not enabled, channel application capability of V1_3 or later is required'),
        ]);
      }
      await r.stop();
    }
  });

  it('S25: private-data GET_STATE during INIT is refused', async () => {
    let e = '';
    const r = await rig(
      async (c) => {
        await register(c);
        const init = await c.nextOf(T.INIT);
        assert.ok(init);
        e = errText(await ask(c, init, T.GET_STATE, encodeGetState('k', 'c1')));
        complete(c, init);
      },
      {},
      { initRequired: true },
    );
    await r.handler.awaitRegister(3_000);
    const res = await r.invoke(['Init'], { isInit: true });
    assert.equal(e, `GET_STATE failed: transaction ID: ${res.txId}: private data APIs are not allowed in chaincode Init()`);
    await r.stop();
  });

  it('S26/S27: INVOKE_CHAINCODE of itself fails with txid exists; of another chaincode returns its COMPLETED message', async () => {
    const peer = new MockPeer(peerConfig({ executeTimeoutMs: 3_000 }));
    const otherPkg = packageIdFor('other');
    peer.define({ name: 'other', packageId: otherPkg, version: '1.0', initRequired: false, collections: [] });
    const callee = await startImpostor(async (c) => {
      await register(c, otherPkg);
      const tx = await c.nextOf(T.TRANSACTION);
      assert.ok(tx);
      complete(c, tx, 200, 'from other');
    });
    const d = await dial({ address: callee.address, dialTimeoutMs: 5_000, tls: null });
    assert.ok(d.ok);
    const ch = peer.attach(d.dialed.stream, otherPkg);
    assert.equal((await ch.awaitRegister(3_000)).kind, 'registered');
    let self = '';
    let other: ChaincodeMsg | null = null;
    const r = await rig(
      async (c) => {
        await register(c);
        const tx = await c.nextOf(T.TRANSACTION);
        assert.ok(tx);
        self = errText(await ask(c, tx, T.INVOKE_CHAINCODE, encodeChaincodeSpec(NAME, [enc('x')])));
        const reply = await ask(c, tx, T.INVOKE_CHAINCODE, encodeChaincodeSpec('other', [enc('x')]));
        assert.equal(reply.type, T.RESPONSE);
        other = decodeChaincodeMessage(reply.payload);
        complete(c, tx);
      },
      {},
      { peer },
    );
    await r.handler.awaitRegister(3_000);
    const res = await r.invoke();
    assert.equal(self, `INVOKE_CHAINCODE failed: transaction ID: ${res.txId}: execute failed: error sending: txid: ${res.txId}(${CH}) exists`);
    const om = other as ChaincodeMsg | null;
    assert.equal(om?.type, T.COMPLETED);
    assert.equal(om?.txid, res.txId);
    d.dialed.close();
    await callee.stop();
    await r.stop();
  });

  it('S28: the server closes the stream mid-transaction: chaincode stream terminated; the next launch registers again', async () => {
    let n = 0;
    const imp = await startImpostor(async (c) => {
      n++;
      await register(c);
      const tx = await c.nextOf(T.TRANSACTION);
      if (n === 1) c.end();
      else if (tx) complete(c, tx);
    });
    const peer = new MockPeer(peerConfig({ executeTimeoutMs: 3_000 }));
    peer.define({ name: NAME, packageId: PKG, version: '1.0', initRequired: false, collections: [] });
    const attach = async (): Promise<PeerHandler> => {
      const d = await dial({ address: imp.address, dialTimeoutMs: 5_000, tls: null });
      assert.ok(d.ok);
      const h = peer.attach(d.dialed.stream, PKG);
      assert.equal((await h.awaitRegister(3_000)).kind, 'registered');
      return h;
    };
    await attach();
    const inv = (): ReturnType<MockPeer['propose']> => peer.propose({ channelId: CH, chaincodeName: NAME, args: [enc('fn')], creator: peer.msp.user('User1'), commit: true });
    const first = await inv();
    assert.equal(first.peerError, `error in simulation: failed to execute transaction ${first.txId}: error sending: chaincode stream terminated`);
    await attach(); // the handler was deregistered: a new stream registers without "duplicate"
    const second = await inv();
    assert.equal(second.response.status, 200);
    await imp.stop();
  });

  it('S29: with chaincode.keepalive 1 the peer sends KEEPALIVE (08 12) from the stream start, before REGISTER', async () => {
    const r = await rig(async (c) => {
      const ka = await c.next(2_500);
      assert.equal(ka ? hexOf(ka) : 'none', '0812');
      await register(c);
    }, { keepaliveSeconds: 1 });
    assert.equal((await r.handler.awaitRegister(4_000)).kind, 'registered');
    await r.stop();
  });

  it('REGISTER with the name of an already registered handler: duplicate chaincodeID, no reply', async () => {
    const peer = new MockPeer(peerConfig());
    peer.define({ name: NAME, packageId: PKG, version: '1.0', initRequired: false, collections: [] });
    const a = await rig(async (c) => register(c), {}, { peer });
    assert.equal((await a.handler.awaitRegister(3_000)).kind, 'registered');
    const b = await rig(async (c) => {
      c.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG) });
      assert.equal(await c.next(300), null);
    }, {}, { peer });
    const o = await b.handler.awaitRegister(3_000);
    assert.equal(o.kind, 'duplicate');
    assert.equal(o.kind === 'duplicate' ? o.peerError : '', `duplicate chaincodeID: ${PKG}`);
    await a.stop();
    await b.stop();
  });
});
