import assert from 'node:assert/strict';
import { constants as h2 } from 'node:http2';
import { DataTable, Given, Then, When } from '@cucumber/cucumber';
import * as grpc from '@grpc/grpc-js';
import { peer as protos } from '@hyperledger/fabric-protos';
import type { ImpostorConn } from '../../mocks/chaincode/impostors/server.js';
import { packageIdFor } from '../../mocks/chaincode/impostors/live.js';
import { startImpostor as startDialImpostor, type Impostor as DialImpostor } from '../../mocks/impostors/index.js';
import { channelOptions, dial, type DialTarget } from '../../src/dial/connect.js';
import { probe, type ProbeReport } from '../../src/dial/probe.js';
import {
  MessageType as T,
  decodeChaincodeMessage,
  decodeKV,
  decodeQueryResponse,
  decodeQueryResponseMetadata,
  encodeChaincodeId,
  encodeChaincodeSpec,
  encodeDelState,
  encodeGetState,
  encodeGetStateByRange,
  encodeGetStateMetadata,
  encodePutState,
  encodePutStateMetadata,
  encodeQueryMetadata,
  encodeQueryStateId,
  encodeResponse,
  encodeWriteBatchState,
  typeName,
  type ChaincodeMsg,
  type RuntimeParams,
} from '../../src/peer/codec.js';
import type { ProposalResult } from '../../src/peer/endorser.js';
import type { PeerHandler, RegisterOutcome } from '../../src/peer/handler.js';
import type { MockPeer } from '../../src/peer/mockPeer.js';
import { makeTlsWorld, type TlsWorld } from '../support/pki.js';
import { CH, NAME, PKG, Seen, StreamRig, ask, complete, enc, newPeer, register, sleep, startPingEnforcingServer, txt, until, type PingEnforcingServer } from './stream-support.js';
import type { VectorWorld } from './world.js';

/**
 * Reference §9.4 (S1-S32): the peer's chaincode stream handler (src/peer, the mock peer) against
 * impostor chaincode servers over real gRPC (mocks/chaincode/impostors), the dial against the
 * TLS impostors (mocks/impostors) through the staged probe and grpc-js, and a server enforcing
 * grpc-go's keepalive policy (S30). What the chaincode server saw is recorded by its script and
 * asserted by the Then steps, every wait with a deadline. Expected texts may name the client's
 * proposal txid as {txid} and a server's address as {address}.
 */

/** Everything one stream scenario builds; closed after the scenario. */
class StreamScenario {
  readonly config: { executeTimeoutMs?: number; keepaliveSeconds?: number; applicationCapability?: number; runtimeParams?: RuntimeParams } = {};
  initRequired = false;
  startupMs = 3_000;
  private peerInstance: MockPeer | null = null;
  readonly seen = new Seen();
  script: ((c: ImpostorConn) => Promise<void> | void) | null = null;
  rig: StreamRig | null = null;
  handler: PeerHandler | null = null;
  registration: Promise<RegisterOutcome> | null = null;
  proposal: ProposalResult | null = null;
  /** The last reply asserted with "the peer answers the chaincode's ...". */
  lastReply: ChaincodeMsg | null = null;
  readonly others: StreamRig[] = [];
  // S30
  pingServer: PingEnforcingServer | null = null;
  streamEnd: { readonly code: number; readonly details: string; readonly at: number } | null = null;
  readonly grpcLog: string[] = [];
  // S31, S32
  tls: TlsWorld | null = null;
  dialImpostor: DialImpostor | null = null;
  target: DialTarget | null = null;
  report: ProbeReport | null = null;
  readonly closers: Array<() => Promise<void> | void> = [];

  get peer(): MockPeer {
    this.peerInstance ??= newPeer(this.config, this.initRequired);
    return this.peerInstance;
  }

  /** Peer settings must come before anything that creates the peer. */
  configure(): void {
    if (this.peerInstance) throw new Error('the peer already exists: give its settings before the chaincode server, the ledger or other chaincodes');
  }

  text(s: string): string {
    let out = s;
    if (out.includes('{txid}')) out = out.replaceAll('{txid}', this.mustProposal().txId);
    if (out.includes('{address}')) out = out.replaceAll('{address}', this.dialImpostor?.address ?? '{address}');
    return out;
  }

  mustProposal(): ProposalResult {
    if (!this.proposal) throw new Error('no proposal yet: a "When a client invokes the chaincode" step is missing');
    return this.proposal;
  }

  mustHandler(): PeerHandler {
    if (!this.handler) throw new Error('no stream yet: a "When the peer connects to the chaincode server" step is missing');
    return this.handler;
  }

  mustConn(i = 0): ImpostorConn {
    const c = this.rig?.conns[i];
    if (!c) throw new Error(`the chaincode server has no stream #${i + 1}`);
    return c;
  }

  async outcome(): Promise<RegisterOutcome> {
    if (!this.registration) throw new Error('no stream yet: a "When the peer connects to the chaincode server" step is missing');
    return this.registration;
  }

  async close(): Promise<void> {
    for (const f of this.closers.splice(0).reverse()) await f();
    await this.rig?.stop();
    for (const o of this.others) await o.stop();
  }
}

function scenario(w: VectorWorld): StreamScenario {
  const s = w.state.get('stream');
  if (s instanceof StreamScenario) return s;
  const created = new StreamScenario();
  w.state.set('stream', created);
  w.onCleanup(() => created.close());
  return created;
}

function describeMsg(m: ChaincodeMsg | null): string {
  if (!m) return 'no message';
  return `${typeName(m.type)} ${JSON.stringify(txt(m.payload))}`;
}

const WAIT = { timeout: 15_000 };

// ---------------------------------------------------------------- the peer's settings

Given(/^the peer's READY advertises use_write_batch (true|false), max_size_write_batch ([0-9]+), use_get_multiple_keys (true|false), max_size_get_multiple_keys ([0-9]+)$/, function (this: VectorWorld, batch: string, maxBatch: string, multi: string, maxMulti: string) {
  const s = scenario(this);
  s.configure();
  s.config.runtimeParams = { useWriteBatch: batch === 'true', maxSizeWriteBatch: Number(maxBatch), useGetMultipleKeys: multi === 'true', maxSizeGetMultipleKeys: Number(maxMulti) };
});

Given(/^chaincode\.executetimeout is ([0-9]+) ms, scaled down from the peer's 30 s$/, function (this: VectorWorld, ms: string) {
  const s = scenario(this);
  s.configure();
  s.config.executeTimeoutMs = Number(ms);
});

Given(/^chaincode\.startuptimeout is ([0-9]+) ms, scaled down from the peer's 300 s$/, function (this: VectorWorld, ms: string) {
  scenario(this).startupMs = Number(ms);
});

Given(/^chaincode\.keepalive is ([0-9]+) s, scaled down from the vector's 5 s$/, function (this: VectorWorld, seconds: string) {
  const s = scenario(this);
  s.configure();
  s.config.keepaliveSeconds = Number(seconds);
});

Given(/^channel "([^"]*)" has application capability V([0-9]+)_([0-9]+)$/, function (this: VectorWorld, channel: string, major: string, minor: string) {
  assert.equal(channel, CH, `the peer's channel is ${CH}`);
  const s = scenario(this);
  s.configure();
  s.config.applicationCapability = Number(`${major}.${minor}`);
});

Given(/^the definition of "([^"]*)" requires initialization$/, function (this: VectorWorld, name: string) {
  assert.equal(name, NAME);
  const s = scenario(this);
  s.configure();
  s.initRequired = true;
});

Given(/^the world state holds keys "([a-z]+)([0-9]+)" to "([a-z]+)([0-9]+)" with value "([^"]*)"$/, function (this: VectorWorld, p1: string, from: string, p2: string, to: string, value: string) {
  assert.equal(p1, p2, 'one prefix');
  for (let i = Number(from); i <= Number(to); i++) scenario(this).peer.ledger.seed(CH, NAME, `${p1}${String(i).padStart(from.length, '0')}`, enc(value));
});

Given(/^the world state holds keys "([a-z]+)([0-9]+)" to "([a-z]+)([0-9]+)" with values "([0-9]+)" to "([0-9]+)"$/, function (this: VectorWorld, p1: string, from: string, p2: string, to: string, v1: string, v2: string) {
  assert.equal(p1, p2, 'one prefix');
  assert.equal(Number(to) - Number(from), Number(v2) - Number(v1), 'as many values as keys');
  for (let i = Number(from); i <= Number(to); i++) scenario(this).peer.ledger.seed(CH, NAME, `${p1}${i}`, enc(String(Number(v1) + i - Number(from))));
});

// ---------------------------------------------------------------- chaincode servers: registration

Given('a chaincode server that sends REGISTER with its package ID', function (this: VectorWorld) {
  scenario(this).script = (c) => c.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG) });
});

Given(/^a chaincode server that sends REGISTER with the name "([^"]*)"$/, function (this: VectorWorld, name: string) {
  scenario(this).script = (c) => c.send({ type: T.REGISTER, payload: encodeChaincodeId(name) });
});

Given(/^a chaincode server that sends (KEEPALIVE|REGISTER with the payload bytes "[0-9a-f]*"), then REGISTER with its package ID$/, function (this: VectorWorld, what: string) {
  const s = scenario(this);
  const hex = /"([0-9a-f]*)"/.exec(what)?.[1] ?? '';
  s.script = s.seen.script(async (c) => {
    c.send(what === 'KEEPALIVE' ? { type: T.KEEPALIVE } : { type: T.REGISTER, payload: Buffer.from(hex, 'hex') });
    s.seen.set(`reply to ${what}`, await c.next(200));
    s.seen.set('registered', await register(c));
  });
});

Given(/^a chaincode server that sends GET_STATE for txid "([^"]*)" before it registers$/, function (this: VectorWorld, txid: string) {
  const s = scenario(this);
  s.script = s.seen.script(async (c) => {
    c.send({ type: T.GET_STATE, txid, channelId: CH, payload: encodeGetState('k') });
    s.seen.set('reply to GET_STATE', await c.next(2_000));
  });
});

Given(/^a chaincode server that registers, then sends (READY|RESPONSE|REGISTER) for txid "([^"]*)"$/, function (this: VectorWorld, type: 'READY' | 'RESPONSE' | 'REGISTER', txid: string) {
  const s = scenario(this);
  s.script = s.seen.script(async (c) => {
    if (!(await register(c))) throw new Error('no READY');
    c.send({ type: T[type], txid, channelId: CH, payload: type === 'REGISTER' ? encodeChaincodeId(PKG) : new Uint8Array() });
  });
});

Given('a chaincode server that sends REGISTER with its package ID twice without waiting', function (this: VectorWorld) {
  scenario(this).script = (c) => {
    c.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG) });
    c.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG) });
  };
});

Given('a chaincode server that sends nothing', function (this: VectorWorld) {
  scenario(this).script = () => undefined;
});

Given("a chaincode server that waits for the peer's first message, then registers", function (this: VectorWorld) {
  const s = scenario(this);
  s.script = s.seen.script(async (c) => {
    s.seen.set('first message', await c.next(2_500));
    await register(c);
  });
});

Given('a chaincode server that registers on every stream, ends its first stream when the first transaction arrives, and completes the transactions of later streams', function (this: VectorWorld) {
  const s = scenario(this);
  let n = 0;
  s.script = s.seen.script(async (c) => {
    const stream = ++n;
    await register(c);
    const tx = await c.nextOf(T.TRANSACTION);
    if (stream === 1) c.end();
    else if (tx) complete(c, tx);
  });
});

// ---------------------------------------------------------------- chaincode servers: transactions

/** Waits for READY, then for the INIT or TRANSACTION the peer sends. */
async function registeredTx(c: ImpostorConn, type: number = T.TRANSACTION): Promise<ChaincodeMsg> {
  if (!(await register(c))) throw new Error('no READY after REGISTER');
  const tx = await c.nextOf(type);
  if (!tx) throw new Error(`no ${type === T.INIT ? 'INIT' : 'TRANSACTION'} from the peer`);
  return tx;
}

const COMPLETIONS: ReadonlyArray<readonly [RegExp, (c: ImpostorConn, tx: ChaincodeMsg, m: RegExpMatchArray) => void]> = [
  [/^on channel "([^"]*)"$/, (c, tx, m) => c.send({ type: T.COMPLETED, txid: tx.txid, channelId: m[1] ?? '', payload: encodeResponse({ status: 200, message: '', payload: new Uint8Array() }) })],
  [
    /^on channel "" with txid "([^"]*)" \+ txid and payload "([^"]*)"$/,
    (c, tx, m) => {
      assert.equal(m[1], tx.channelId);
      c.send({ type: T.COMPLETED, txid: tx.channelId + tx.txid, channelId: '', payload: encodeResponse({ status: 200, message: '', payload: enc(m[2] ?? '') }) });
    },
  ],
  [/^whose payload is the bytes "([0-9a-f]+)"$/, (c, tx, m) => c.send({ type: T.COMPLETED, txid: tx.txid, channelId: tx.channelId, payload: Buffer.from(m[1] ?? '', 'hex') })],
];

Given(/^a chaincode server that registers and answers the transaction with COMPLETED (.+)$/, function (this: VectorWorld, how: string) {
  const found = COMPLETIONS.map(([re, f]) => [how.match(re), f] as const).find(([m]) => m);
  if (!found?.[0]) throw new Error(`no such completion: ${how}`);
  const [m, f] = found;
  const s = scenario(this);
  s.script = s.seen.script(async (c) => f(c, await registeredTx(c), m));
});

Given(/^a chaincode server that registers and answers INIT with ERROR "([^"]*)"$/, function (this: VectorWorld, text: string) {
  const s = scenario(this);
  s.script = s.seen.script(async (c) => {
    if (!(await register(c))) throw new Error('no READY after REGISTER');
    // Scenarios where the peer refuses the proposal itself never send INIT: wait quietly.
    const init = await c.nextOf(T.INIT, 30_000);
    if (init) c.send({ type: T.ERROR, txid: init.txid, channelId: init.channelId, payload: enc(text) });
  });
});

Given(/^a chaincode server that registers, writes key "([^"]*)"(?: = "([^"]*)")? with PUT_STATE, and answers the transaction with status ([0-9]+) and payload "([^"]*)"$/, function (this: VectorWorld, key: string, value: string | null | undefined, status: string, payload: string) {
  const s = scenario(this);
  s.script = s.seen.script(async (c) => {
    const tx = await registeredTx(c);
    s.seen.set('reply to PUT_STATE', await ask(c, tx, T.PUT_STATE, encodePutState(key, enc(value ?? 'v'))));
    complete(c, tx, Number(status), payload);
  });
});

type Request = (c: ImpostorConn, tx: ChaincodeMsg, m: RegExpMatchArray, seen: Seen) => Promise<void>;

/** Requests a chaincode sends during a transaction; each records the peer's reply as "reply to <TYPE>". */
const REQUESTS: ReadonlyArray<readonly [RegExp, Request]> = [
  [/^GET_STATE for key "([^"]*)" under the unknown txid "([^"]*)"$/, async (c, _tx, m, seen) => seen.set('reply to GET_STATE', await ask(c, { txid: m[2] ?? '', channelId: CH }, T.GET_STATE, encodeGetState(m[1] ?? '')))],
  [/^GET_STATE for key "([^"]*)" in collection "([^"]*)"$/, async (c, tx, m, seen) => seen.set('reply to GET_STATE', await ask(c, tx, T.GET_STATE, encodeGetState(m[1] ?? '', m[2] ?? '')))],
  [
    /^GET_STATE "([^"]*)" and GET_STATE "([^"]*)" without waiting$/,
    async (c, tx, m, seen) => {
      c.send({ type: T.GET_STATE, txid: tx.txid, channelId: tx.channelId, payload: encodeGetState(m[1] ?? '') });
      c.send({ type: T.GET_STATE, txid: tx.txid, channelId: tx.channelId, payload: encodeGetState(m[2] ?? '') });
      // the first reply may be slow on a loaded machine; a second one would follow it at once
      let replies = (await c.next(5_000)) !== null ? 1 : 0;
      while ((await c.next(400)) !== null) replies++;
      seen.set('GET_STATE replies', replies);
    },
  ],
  [/^QUERY_STATE_(NEXT|CLOSE) for the unknown iterator "([^"]*)"$/, async (c, tx, m, seen) => seen.set(`reply to QUERY_STATE_${m[1] ?? ''}`, await ask(c, tx, m[1] === 'NEXT' ? T.QUERY_STATE_NEXT : T.QUERY_STATE_CLOSE, encodeQueryStateId(m[2] ?? '')))],
  [
    /^WRITE_BATCH_STATE putting "([^"]*)" = "([^"]*)" and "([^"]*)" = "([^"]*)"$/,
    async (c, tx, m, seen) => {
      const put = (key: string, value: string) => ({ key, value: enc(value), collection: '', metadata: null, type: T.PUT_STATE });
      seen.set('reply to WRITE_BATCH_STATE', await ask(c, tx, T.WRITE_BATCH_STATE, encodeWriteBatchState([put(m[1] ?? '', m[2] ?? ''), put(m[3] ?? '', m[4] ?? '')])));
    },
  ],
  [/^WRITE_BATCH_STATE with a record of type UNDEFINED$/, async (c, tx, _m, seen) => seen.set('reply to WRITE_BATCH_STATE', await ask(c, tx, T.WRITE_BATCH_STATE, encodeWriteBatchState([{ key: 'w3', value: enc('3'), collection: '', metadata: null, type: T.UNDEFINED }])))],
  [/^PURGE_PRIVATE_DATA for key "([^"]*)" without a collection$/, async (c, tx, m, seen) => seen.set('reply to PURGE_PRIVATE_DATA', await ask(c, tx, T.PURGE_PRIVATE_DATA, encodeDelState(m[1] ?? '')))],
  [/^GET_PRIVATE_DATA_HASH for key "([^"]*)" in collection "([^"]*)"$/, async (c, tx, m, seen) => seen.set('reply to GET_PRIVATE_DATA_HASH', await ask(c, tx, T.GET_PRIVATE_DATA_HASH, encodeGetState(m[1] ?? '', m[2] ?? '')))],
  [/^GET_STATE_METADATA for key "([^"]*)"$/, async (c, tx, m, seen) => seen.set('reply to GET_STATE_METADATA', await ask(c, tx, T.GET_STATE_METADATA, encodeGetStateMetadata(m[1] ?? '')))],
  [/^PUT_STATE_METADATA for key "([^"]*)" without metadata$/, async (c, tx, m, seen) => seen.set('reply to PUT_STATE_METADATA', await ask(c, tx, T.PUT_STATE_METADATA, encodePutStateMetadata(m[1] ?? '', null)))],
  [/^INVOKE_CHAINCODE of "([^"]*)"$/, async (c, tx, m, seen) => seen.set('reply to INVOKE_CHAINCODE', await ask(c, tx, T.INVOKE_CHAINCODE, encodeChaincodeSpec(m[1] ?? '', [enc('x')])))],
];

Given(/^a chaincode server that registers and, during the (transaction|INIT), sends (.+), then completes it$/, function (this: VectorWorld, phase: string, request: string) {
  const found = REQUESTS.map(([re, f]) => [request.match(re), f] as const).find(([m]) => m);
  if (!found?.[0]) throw new Error(`no such request: ${request}`);
  const [m, f] = found;
  const s = scenario(this);
  s.script = s.seen.script(async (c) => {
    const tx = await registeredTx(c, phase === 'INIT' ? T.INIT : T.TRANSACTION);
    await f(c, tx, m, s.seen);
    complete(c, tx);
  });
});

interface Page {
  readonly results: number;
  readonly hasMore: boolean;
  readonly firstKey: string;
}

Given(/^a chaincode server that registers and, during the transaction, reads the range "([^"]*)" to "([^"]*)" with GET_STATE_BY_RANGE, following has_more with QUERY_STATE_NEXT$/, function (this: VectorWorld, start: string, end: string) {
  const s = scenario(this);
  s.script = s.seen.script(async (c) => {
    const tx = await registeredTx(c);
    const pages: Page[] = [];
    let reply = await ask(c, tx, T.GET_STATE_BY_RANGE, encodeGetStateByRange(start, end));
    for (;;) {
      if (reply?.type !== T.RESPONSE) throw new Error(`the range query got ${describeMsg(reply)}`);
      const q = decodeQueryResponse(reply.payload);
      if (!q) throw new Error('the RESPONSE is not a QueryResponse');
      pages.push({ results: q.results.length, hasMore: q.hasMore, firstKey: q.results[0] ? (decodeKV(q.results[0])?.key ?? '?') : '' });
      if (!q.hasMore || pages.length > 10) break;
      reply = await ask(c, tx, T.QUERY_STATE_NEXT, encodeQueryStateId(q.id));
    }
    s.seen.set('pages', pages);
    complete(c, tx);
  });
});

Given(/^a chaincode server that registers and, during the transaction, reads the range "([^"]*)" to "([^"]*)" with GET_STATE_BY_RANGE, page size ([0-9]+) and bookmark "([^"]*)"$/, function (this: VectorWorld, start: string, end: string, size: string, bookmark: string) {
  const s = scenario(this);
  s.script = s.seen.script(async (c) => {
    const tx = await registeredTx(c);
    const reply = await ask(c, tx, T.GET_STATE_BY_RANGE, encodeGetStateByRange(start, end, '', encodeQueryMetadata(Number(size), bookmark)));
    s.seen.set('page', reply?.type === T.RESPONSE ? decodeQueryResponse(reply.payload) : describeMsg(reply));
    complete(c, tx);
  });
});

Given(/^chaincode "([^"]*)" is registered on the same peer and completes its transactions with payload "([^"]*)"$/, WAIT, async function (this: VectorWorld, name: string, payload: string) {
  const s = scenario(this);
  const packageId = packageIdFor(name);
  s.peer.define({ name, packageId, version: '1.0', initRequired: false, collections: [] });
  const callee = await StreamRig.start(
    async (c) => {
      await register(c, packageId);
      for (;;) {
        const tx = await c.nextOf(T.TRANSACTION, 60_000);
        if (!tx) return;
        complete(c, tx, 200, payload);
      }
    },
    { peer: s.peer, packageId },
  );
  s.others.push(callee);
  const o = await (await callee.connect()).awaitRegister(3_000);
  assert.equal(o.kind, 'registered', JSON.stringify(o));
});

// ---------------------------------------------------------------- the peer's actions

When(/^the peer connects to the chaincode server(?: again)?$/, WAIT, async function (this: VectorWorld) {
  const s = scenario(this);
  if (!s.script) throw new Error('no chaincode server: a "Given a chaincode server that ..." step is missing');
  s.rig ??= await StreamRig.start(s.script, { peer: s.peer });
  s.handler = await s.rig.connect();
  s.registration = s.handler.awaitRegister(s.startupMs);
});

When(/^a client (invokes the chaincode|invokes the chaincode's Init|queries the chaincode)$/, WAIT, async function (this: VectorWorld, how: string) {
  const s = scenario(this);
  const o = await s.outcome();
  assert.equal(o.kind, 'registered', `the chaincode did not register: ${JSON.stringify(o)}`);
  if (!s.rig) throw new Error('no chaincode server');
  s.proposal = await (how === "invokes the chaincode's Init" ? s.rig.invoke(['Init'], { isInit: true }) : s.rig.invoke(['fn'], { commit: how !== 'queries the chaincode' }));
});

// ---------------------------------------------------------------- registration and the stream

Then('the handler registers the chaincode', WAIT, async function (this: VectorWorld) {
  const o = await scenario(this).outcome();
  assert.equal(o.kind, 'registered', JSON.stringify(o));
});

Then(/^the handler's registration outcome is "([a-z-]+)"$/, WAIT, async function (this: VectorWorld, kind: string) {
  const o = await scenario(this).outcome();
  assert.equal(o.kind, kind, JSON.stringify(o));
});

Then(/^the handler refuses the REGISTER at once, not at the startup timeout, as "([a-z-]+)" with `(.*)`$/, WAIT, async function (this: VectorWorld, kind: string, text: string) {
  const s = scenario(this);
  const o = await s.outcome();
  assert.equal(o.kind, kind, JSON.stringify(o));
  assert.equal('peerError' in o ? o.peerError : '', text);
  // the outcome's kind says it was a refusal, not the timeout; the time only rules out having waited for it
  assert.ok(o.ms < s.startupMs, `judged after ${o.ms} ms, not at once (startup timeout ${s.startupMs} ms)`);
});

Then(/^the handler is in state "([a-z]+)"$/, function (this: VectorWorld, state: string) {
  assert.equal(scenario(this).mustHandler().state, state);
});

Then(/^the handler reaches state "([a-z]+)" within ([0-9]+) ms$/, WAIT, async function (this: VectorWorld, state: string, ms: string) {
  const h = scenario(this).mustHandler();
  await until(`the handler in state ${state} (it is ${h.state})`, Number(ms), () => h.state === state);
});

Then(/^the chaincode server receives no message within ([0-9]+) ms$/, WAIT, async function (this: VectorWorld, ms: string) {
  const c = scenario(this).mustConn();
  await sleep(Number(ms));
  assert.deepEqual(c.received.map((r) => describeMsg(r.msg)), []);
});

Then(/^the peer leaves the stream open for ([0-9]+) ms$/, WAIT, async function (this: VectorWorld, ms: string) {
  const s = scenario(this);
  await sleep(Number(ms));
  assert.equal(s.mustConn().isEnded, false, 'the peer leaves the stream open');
  assert.equal(s.mustHandler().isEnded, false);
});

Then(/^the chaincode server receives the bytes "([0-9a-f]+)", then "([0-9a-f]+)"$/, WAIT, async function (this: VectorWorld, first: string, second: string) {
  const c = scenario(this).mustConn();
  await until('two messages from the peer', 3_000, () => c.received.length >= 2);
  assert.deepEqual(c.received.slice(0, 2).map((r) => Buffer.from(r.bytes).toString('hex')), [first, second]);
});

Then(/^the chaincode server gets no reply to its (.+)$/, WAIT, async function (this: VectorWorld, what: string) {
  const reply = await scenario(this).seen.get<ChaincodeMsg | null>(`reply to ${what}`);
  assert.equal(reply, null, `the peer answered ${describeMsg(reply)}`);
});

Then(/^the peer ends the stream with `(.*)`$/, WAIT, async function (this: VectorWorld, text: string) {
  const h = scenario(this).mustHandler();
  const end = await h.awaitEnd(3_000);
  assert.ok(end.ended, 'the peer did not end the stream within 3 s');
  assert.equal(h.violation, text);
});

Then("the chaincode server's stream ends", WAIT, async function (this: VectorWorld) {
  const c = scenario(this).mustConn();
  await until("the end of the chaincode server's stream", 3_000, () => c.isEnded);
});

Then(/^the first message the chaincode server receives is the bytes "([0-9a-f]+)", about ([0-9]+) s after the stream opened$/, WAIT, async function (this: VectorWorld, hex: string, seconds: string) {
  const s = scenario(this);
  const first = await s.seen.get<ChaincodeMsg | null>('first message');
  assert.ok(first, 'no message from the peer');
  const r = s.mustConn().received[0];
  assert.equal(r ? Buffer.from(r.bytes).toString('hex') : 'none', hex);
  const ms = Number(seconds) * 1_000;
  // a loaded machine delays timers, never advances them: a tight lower bound, a generous upper one
  assert.ok(r && r.at >= ms - 300 && r.at <= ms * 3 + 3_000, `the first KEEPALIVE came ${r?.at} ms after the stream opened`);
});

// ---------------------------------------------------------------- the proposal

Then(/^the proposal fails with `(.*)`$/, function (this: VectorWorld, text: string) {
  const s = scenario(this);
  assert.equal(s.mustProposal().peerError, s.text(text));
});

Then(/^the proposal fails with a text starting `(.*)`$/, function (this: VectorWorld, text: string) {
  const s = scenario(this);
  const err = s.mustProposal().peerError ?? '';
  assert.ok(err.startsWith(s.text(text)), err);
});

Then(/^the proposal response has status ([0-9]+)(?: and payload "([^"]*)")?$/, function (this: VectorWorld, status: string, payload: string | null) {
  const p = scenario(this).mustProposal();
  assert.equal(p.response.status, Number(status), p.peerError ?? p.response.message);
  if (typeof payload === 'string') assert.equal(txt(p.response.payload), payload);
});

Then(/^the proposal is (endorsed and committed|a response only, without endorsement)$/, function (this: VectorWorld, verdict: string) {
  const p = scenario(this).mustProposal();
  const yes = verdict === 'endorsed and committed';
  assert.deepEqual({ endorsed: p.endorsed, committed: p.committed }, { endorsed: yes, committed: yes });
});

Then(/^the world state (holds|does not hold) key "([^"]*)"(?: with value "([^"]*)")?$/, function (this: VectorWorld, holds: string, key: string, value: string | null) {
  const v = scenario(this).peer.ledger.get(CH, NAME, key);
  if (holds === 'does not hold') assert.equal(v, undefined, `key ${key} was written`);
  else {
    assert.ok(v, `key ${key} is not in the world state`);
    if (typeof value === 'string') assert.equal(txt(v.value), value);
  }
});

Then(/^the chaincode server received no (TRANSACTION|INIT)$/, WAIT, async function (this: VectorWorld, type: 'TRANSACTION' | 'INIT') {
  const s = scenario(this);
  await sleep(100);
  const got = (s.rig?.conns ?? []).flatMap((c) => c.received).filter((r) => r.msg.type === T[type]);
  assert.equal(got.length, 0, `the peer sent ${type}`);
});

// ---------------------------------------------------------------- the chaincode's requests

async function replyTo(s: StreamScenario, type: string): Promise<ChaincodeMsg> {
  const reply = await s.seen.get<ChaincodeMsg | null>(`reply to ${type}`);
  assert.ok(reply, `no reply to ${type}`);
  s.lastReply = reply;
  return reply;
}

Then(/^the peer answers the chaincode's ([A-Z_]+) with RESPONSE$/, WAIT, async function (this: VectorWorld, type: string) {
  const reply = await replyTo(scenario(this), type);
  assert.equal(reply.type, T.RESPONSE, `expected RESPONSE, got ${describeMsg(reply)}`);
});

Then(/^the peer answers the chaincode's ([A-Z_]+) with ERROR `(.*)`$/, WAIT, async function (this: VectorWorld, type: string, text: string) {
  const s = scenario(this);
  const reply = await replyTo(s, type);
  assert.equal(reply.type, T.ERROR, `expected ERROR, got ${describeMsg(reply)}`);
  assert.equal(txt(reply.payload), s.text(text));
});

Then('that RESPONSE has an empty payload', function (this: VectorWorld) {
  assert.equal(scenario(this).lastReply?.payload.length, 0);
});

Then(/^that RESPONSE is a QueryResponse with no results, has_more false, id "([^"]*)" and no metadata$/, function (this: VectorWorld, id: string) {
  const r = scenario(this).lastReply;
  assert.deepEqual(decodeQueryResponse(r?.payload ?? new Uint8Array()), { results: [], hasMore: false, id, metadata: null });
});

Then(/^that RESPONSE's payload is a ChaincodeMessage of type COMPLETED for txid \{txid\}$/, function (this: VectorWorld) {
  const s = scenario(this);
  const m = decodeChaincodeMessage(s.lastReply?.payload ?? new Uint8Array());
  assert.equal(m?.type, T.COMPLETED);
  assert.equal(m?.txid, s.mustProposal().txId);
});

Then(/^the chaincode server got exactly ([0-9]+) repl(?:y|ies) to its ([0-9]+) GET_STATE$/, WAIT, async function (this: VectorWorld, n: string, _sent: string) {
  assert.equal(await scenario(this).seen.get<number>('GET_STATE replies'), Number(n));
});

Then('the chaincode server receives these pages:', WAIT, async function (this: VectorWorld, table: DataTable) {
  const pages = await scenario(this).seen.get<Page[]>('pages');
  const want = table.hashes().map((r) => ({ results: Number(r['results']), hasMore: r['has_more'] === 'true', firstKey: r['first key'] ?? '' }));
  assert.deepEqual(pages, want);
});

Then(/^the chaincode server receives ([0-9]+) results, has_more false, and metadata with fetched_records_count ([0-9]+) and bookmark "([^"]*)"$/, WAIT, async function (this: VectorWorld, n: string, fetched: string, bookmark: string) {
  const q = await scenario(this).seen.get<ReturnType<typeof decodeQueryResponse> | string>('page');
  assert.ok(q && typeof q !== 'string', `the range query got ${String(q)}`);
  assert.equal(q.results.length, Number(n));
  assert.equal(q.hasMore, false);
  assert.deepEqual(q.metadata ? decodeQueryResponseMetadata(q.metadata) : null, { fetchedRecordsCount: Number(fetched), bookmark });
});

// ---------------------------------------------------------------- S30: keepalive enforcement

Given(/^a chaincode server enforcing keepalive pings with MinTime ([0-9]+) ms, ([0-9]+) ping strikes forgiven and no pings without a stream, scaled down from grpc-go's 5 min$/, async function (this: VectorWorld, minTime: string, strikes: string) {
  const s = scenario(this);
  const server = await startPingEnforcingServer({ minTimeMs: Number(minTime), maxPingStrikes: Number(strikes), permitWithoutStream: false });
  s.pingServer = server;
  s.closers.push(() => server.close());
});

/** grpc-js's log level as its environment sets it (what to restore after capturing its log). */
function envVerbosity(): grpc.logVerbosity {
  const v = (process.env['GRPC_NODE_VERBOSITY'] ?? process.env['GRPC_VERBOSITY'] ?? '').toUpperCase();
  return v === 'DEBUG' ? grpc.logVerbosity.DEBUG : v === 'INFO' ? grpc.logVerbosity.INFO : v === 'NONE' ? grpc.logVerbosity.NONE : grpc.logVerbosity.ERROR;
}

When(/^the peer opens the chaincode stream to it with its keepalive options, pinging every ([0-9]+) ms instead of every 60 s$/, function (this: VectorWorld, every: string) {
  const s = scenario(this);
  const server = s.pingServer;
  if (!server) throw new Error('no keepalive-enforcing server');
  const peerOptions = channelOptions({ address: server.address, dialTimeoutMs: 3_000, tls: null });
  // The peer's grpc-go keepalive: 60 s, 20 s timeout, pings without streams.
  assert.deepEqual(
    [peerOptions['grpc.keepalive_time_ms'], peerOptions['grpc.keepalive_timeout_ms'], peerOptions['grpc.keepalive_permit_without_calls']],
    [60_000, 20_000, 1],
  );
  grpc.setLogVerbosity(grpc.logVerbosity.ERROR);
  grpc.setLogger({ error: (...a: unknown[]) => s.grpcLog.push(a.map(String).join(' ')), info: () => undefined, debug: () => undefined });
  s.closers.push(() => {
    grpc.setLogger(console);
    grpc.setLogVerbosity(envVerbosity());
  });
  const client = new protos.ChaincodeClient(server.address, grpc.credentials.createInsecure(), { ...peerOptions, 'grpc.keepalive_time_ms': Number(every) });
  const t0 = performance.now();
  const call = client.connect();
  call.on('data', () => undefined);
  call.on('error', (e: grpc.ServiceError) => {
    s.streamEnd ??= { code: e.code, details: e.details, at: Math.round(performance.now() - t0) };
  });
  s.closers.push(() => {
    call.cancel();
    client.close();
  });
});

Then(/^the chaincode server receives the peer's pings about ([0-9]+) ms apart$/, WAIT, async function (this: VectorWorld, every: string) {
  const server = scenario(this).pingServer;
  if (!server) throw new Error('no keepalive-enforcing server');
  await until('three pings from the peer', 5_000, () => server.pings.length >= 3);
  const ms = Number(every);
  const gaps = server.pings.slice(1).map((p, i) => p.at - (server.pings[i]?.at ?? 0));
  // a loaded machine delays timers, never advances them: a generous upper bound, a tight lower one
  assert.ok(gaps.every((g) => g >= ms * 0.75 && g <= ms * 5 + 500), `pings at ${server.pings.map((p) => p.at).join(', ')} ms`);
});

Then(/^the chaincode server sends GOAWAY ENHANCE_YOUR_CALM with debug data "([^"]*)" after ([0-9]+) ping strikes$/, WAIT, async function (this: VectorWorld, data: string, strikes: string) {
  const server = scenario(this).pingServer;
  if (!server) throw new Error('no keepalive-enforcing server');
  const goaway = await until('a GOAWAY from the server', 8_000, () => server.goaway);
  assert.equal(goaway.code, h2.NGHTTP2_ENHANCE_YOUR_CALM);
  assert.equal(goaway.debugData, data);
  assert.equal(server.pings.at(-1)?.strikes, Number(strikes), JSON.stringify(server.pings));
});

Then(/^the peer's chaincode stream ends within ([0-9]+) ms with code ([0-9]+) \(([A-Z_]+)\) `(.*)`$/, WAIT, async function (this: VectorWorld, ms: string, code: string, name: string, details: string) {
  const s = scenario(this);
  const end = await until("the end of the peer's chaincode stream", Number(ms), () => s.streamEnd);
  assert.equal(end.code, Number(code));
  assert.equal(grpc.status[end.code], name);
  assert.equal(end.details, details);
});

Then(/^grpc-js logs that the connection was `(.*)`$/, WAIT, async function (this: VectorWorld, text: string) {
  const s = scenario(this);
  await until(`grpc-js logging "${text}" (it logged ${JSON.stringify(s.grpcLog)})`, 2_000, () => s.grpcLog.some((l) => l.includes(text)));
});

// ---------------------------------------------------------------- S31, S32: the TLS handshake

const TLS_SERVERS: Readonly<Record<string, 'tls-no-alpn' | 'tls-mtls'>> = {
  'TLS|does not negotiate ALPN h2': 'tls-no-alpn',
  'mutual-TLS|requires a client certificate from the same CA': 'tls-mtls',
};

Given(/^a (TLS|mutual-TLS) chaincode server, with a certificate for localhost from the test CA, that (.+)$/, async function (this: VectorWorld, mode: string, what: string) {
  const kind = TLS_SERVERS[`${mode}|${what}`];
  if (!kind) throw new Error(`no such TLS chaincode server: ${mode} that ${what}`);
  const s = scenario(this);
  s.tls = await makeTlsWorld(await this.dir());
  const imp = await startDialImpostor(kind, { ca: s.tls.ca });
  s.dialImpostor = imp;
  s.closers.push(() => imp.close());
});

function tlsTarget(s: StreamScenario, client: boolean): DialTarget {
  if (!s.tls || !s.dialImpostor) throw new Error('no TLS chaincode server');
  return {
    address: s.dialImpostor.address,
    dialTimeoutMs: 1_000,
    tls: { rootCert: s.tls.ca.certPem, client: client ? { cert: s.tls.client.certPem, key: s.tls.client.keyPem, serverNameOverride: '' } : null },
  };
}

Given('the peer dials it with tls_required true, root_cert the test CA and client_auth_required false', function (this: VectorWorld) {
  const s = scenario(this);
  s.target = tlsTarget(s, false);
});

Given('the peer dials it with tls_required true, root_cert the test CA, client_auth_required true and a client certificate from the test CA', function (this: VectorWorld) {
  const s = scenario(this);
  s.target = tlsTarget(s, true);
});

function mustTarget(s: StreamScenario): DialTarget {
  if (!s.target) throw new Error('no dial target: a "Given the peer dials it with ..." step is missing');
  return s.target;
}

function mustReport(s: StreamScenario): ProbeReport {
  if (!s.report) throw new Error('no probe yet');
  return s.report;
}

When(/^the peer's dial to it is probed stage by stage within ([0-9]+) ms$/, WAIT, async function (this: VectorWorld, ms: string) {
  const s = scenario(this);
  s.report = await probe(mustTarget(s), Number(ms));
});

Then(/^the probe classifies it as "([a-z0-9-]+)"(?:, failing at the "([a-z0-9-]+)" stage)?$/, function (this: VectorWorld, classification: string, stage: string | null) {
  const r = mustReport(scenario(this));
  assert.equal(r.classification, classification, r.explanation);
  if (typeof stage === 'string') assert.equal(r.stages.find((x) => !x.ok)?.name, stage, JSON.stringify(r.stages));
});

Then(/^the probe's "([a-z0-9-]+)" stage passes$/, function (this: VectorWorld, stage: string) {
  const r = mustReport(scenario(this));
  assert.equal(r.stages.find((x) => x.name === stage)?.ok, true, JSON.stringify(r.stages));
});

Then(/^the peer's launch fails after dial_timeout with `(.*)`$/, function (this: VectorWorld, text: string) {
  const r = mustReport(scenario(this));
  assert.equal(r.peer?.dialError, text);
  assert.equal(r.peer?.when, 'after dial_timeout');
});

Then(/^the peer's "(comm\.tls|grpc)" logger says:$/, function (this: VectorWorld, logger: string, doc: string) {
  const s = scenario(this);
  const r = mustReport(s);
  assert.equal(r.peer?.logger, logger);
  assert.equal(r.peer?.log, s.text(doc.trim()));
});

Then(/^a grpc-js dial with the peer's options fails with `(.*)`$/, WAIT, async function (this: VectorWorld, text: string) {
  const d = await dial(mustTarget(scenario(this)));
  if (d.ok) d.dialed.close();
  assert.equal(d.ok ? 'connected' : d.grpcError, text);
});

Then("a grpc-js dial with the peer's options connects", WAIT, async function (this: VectorWorld) {
  const d = await dial(mustTarget(scenario(this)));
  if (d.ok) d.dialed.close();
  assert.ok(d.ok, d.ok ? '' : d.grpcError);
});
