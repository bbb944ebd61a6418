import {
  MessageType as T,
  decodeAdditionalParams,
  decodeChaincodeInput,
  decodeGetStateMultipleResult,
  decodeKV,
  decodeQueryResponse,
  decodeQueryResponseMetadata,
  decodeStateMetadataResult,
  encodeChaincodeId,
  encodeDelState,
  encodeGetHistoryForKey,
  encodeGetQueryResult,
  encodeGetState,
  encodeGetStateByRange,
  encodeGetStateMetadata,
  encodeGetStateMultiple,
  encodePutState,
  encodePutStateMetadata,
  encodeQueryMetadata,
  encodeQueryStateId,
  encodeResponse,
  encodeWriteBatchState,
  typeName,
  type ChaincodeMsg,
} from '../../../src/peer/codec.js';
import { startImpostor, type Impostor, type ImpostorConn } from '../impostors/server.js';
import { SCRIPT_CHANNEL, SCRIPT_OTHER_CHANNEL, SCRIPT_UNKNOWN_TXID, type ProtocolScript, type Step, type Target } from './script.js';

/**
 * The scripted chaincode server of the protocol oracle: a real gRPC `protos.Chaincode/Connect`
 * server that registers with the package ID it is given, then for every TRANSACTION/INIT the peer
 * sends runs the transaction's steps of the current script (one request at a time, waiting for
 * each answer; a few steps deliberately do not wait), ends it as scripted, and records every
 * message it receives with its payload decoded by the request it answers. Both peers (Fabric's
 * Handler in test/oracle-protocol, and the mock peer) dial the same server, so each transcript
 * is the chaincode's view of one peer.
 */

/** One message the chaincode received, decoded. Query iterator ids are numbered by first appearance. */
export interface Heard {
  readonly type: string;
  readonly txid: string;
  readonly channel: string;
  /** The request this message answers (for RESPONSE/ERROR), as the server had just sent it. */
  readonly answers?: string;
  readonly payload: unknown;
  /**
   * The answer to the second of two identical requests sent together ('twice'). Fabric handles
   * each request in its own goroutine and drops the second only while the first is still being
   * handled: whether it is answered is a race on the real peer, so comparisons set these aside.
   */
  readonly secondAnswer?: true;
}

const REPLY_TIMEOUT_MS = 5_000;
const NEXT_TX_TIMEOUT_MS = 15_000;
/** How long a 'twice' step waits for an answer to its second request. */
const TWICE_WINDOW_MS = 250;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

class StreamTranscript {
  readonly heard: Heard[] = [];
  private readonly ids = new Map<string, string>();
  /** The request type whose answer is awaited (decodes RESPONSE payloads). */
  awaiting: number | null = null;

  iterId(id: string): string {
    let n = this.ids.get(id);
    if (n === undefined) {
      n = id === '' ? '' : `iterator-${this.ids.size + 1}`;
      this.ids.set(id, n);
    }
    return n;
  }

  record(m: ChaincodeMsg): void {
    const base = { type: typeName(m.type), txid: m.txid, channel: m.channelId };
    const answers = this.awaiting === null ? undefined : typeName(this.awaiting);
    this.heard.push({ ...base, ...(m.type === T.RESPONSE || m.type === T.ERROR ? { answers } : {}), payload: this.decode(m) });
  }

  private decode(m: ChaincodeMsg): unknown {
    switch (m.type) {
      case T.READY:
        // decoded, and the exact bytes (the peer's protobuf encoding of ChaincodeAdditionalParams)
        return m.payload.length === 0 ? null : { ...(decodeAdditionalParams(m.payload) ?? { undecodable: true }), bytes: hex(m.payload) };
      case T.TRANSACTION:
      case T.INIT: {
        const i = decodeChaincodeInput(m.payload);
        return { args: i ? i.args.map(hex) : null, isInit: i?.isInit ?? null, proposal: m.proposal ? m.proposal.length > 0 : false };
      }
      case T.ERROR:
        return Buffer.from(m.payload).toString('utf8');
      case T.RESPONSE:
        return this.decodeResponse(m.payload);
      default:
        return hex(m.payload);
    }
  }

  private decodeResponse(b: Uint8Array): unknown {
    switch (this.awaiting) {
      case T.GET_STATE_MULTIPLE: {
        const v = decodeGetStateMultipleResult(b);
        return v ? { values: v.map(hex) } : { undecodable: hex(b) };
      }
      case T.GET_STATE_METADATA: {
        const md = decodeStateMetadataResult(b);
        return md ? { metadata: [...md].map(([k, v]) => [k, hex(v)]).sort() } : { undecodable: hex(b) };
      }
      case T.GET_STATE_BY_RANGE:
      case T.GET_QUERY_RESULT:
      case T.GET_HISTORY_FOR_KEY:
      case T.QUERY_STATE_NEXT:
      case T.QUERY_STATE_CLOSE: {
        const q = decodeQueryResponse(b);
        if (!q) return { undecodable: hex(b) };
        const md = q.metadata ? decodeQueryResponseMetadata(q.metadata) : null;
        return {
          results: q.results.map((r) => {
            const kv = decodeKV(r);
            return kv ? { namespace: kv.namespace, key: kv.key, value: hex(kv.value) } : { raw: hex(r) };
          }),
          hasMore: q.hasMore,
          id: this.iterId(q.id),
          metadata: q.metadata ? (md ?? { undecodable: hex(q.metadata) }) : null,
        };
      }
      default:
        return hex(b);
    }
  }
}

export interface ScriptedServer {
  readonly address: string;
  /** The script and package ID every following stream runs. */
  use(script: ProtocolScript, packageId: string): void;
  /** The transcript of the latest stream, once it has ended (or after `timeoutMs`, marked). */
  lastTranscript(timeoutMs?: number): Promise<Heard[]>;
  stop(): Promise<void>;
}

interface Current {
  script: ProtocolScript;
  packageId: string;
}

function target(to: Target | undefined, txid: string, channel: string): { txid: string; channelId: string } {
  switch (to ?? 'own') {
    case 'unknown-txid':
      return { txid: SCRIPT_UNKNOWN_TXID, channelId: channel };
    case 'other-channel':
      return { txid, channelId: SCRIPT_OTHER_CHANNEL };
    case 'no-channel':
      return { txid, channelId: '' };
    default:
      return { txid, channelId: channel };
  }
}

const RECORD_TYPE = { put: T.PUT_STATE, del: T.DEL_STATE, putMeta: T.PUT_STATE_METADATA, purge: T.PURGE_PRIVATE_DATA, undefined: 0 } as const;

/** The request a step sends (null: the step sends something else or nothing). */
function request(step: Step, txid: string, channel: string, iterIds: readonly string[]): ChaincodeMsg | null {
  const own = { txid, channelId: channel };
  const iter = (n: number): string => iterIds[n] ?? 'no-such-iterator';
  switch (step.op) {
    case 'get':
      return { type: T.GET_STATE, payload: encodeGetState(step.key), ...target(step.to, txid, channel) };
    case 'put':
      return { type: T.PUT_STATE, payload: encodePutState(step.key, utf8(step.value)), ...target(step.to, txid, channel) };
    case 'del':
      return { type: T.DEL_STATE, payload: encodeDelState(step.key), ...target(step.to, txid, channel) };
    case 'getMultiple':
      return { type: T.GET_STATE_MULTIPLE, payload: encodeGetStateMultiple(step.keys), ...own };
    case 'writeBatch':
      return {
        type: T.WRITE_BATCH_STATE,
        payload: encodeWriteBatchState(step.recs.map((r) => ({ key: r.key, value: utf8(r.value), collection: r.collection ?? '', metadata: r.kind === 'putMeta' ? { metakey: 'VALIDATION_PARAMETER', value: utf8(r.value) } : null, type: RECORD_TYPE[r.kind] }))),
        ...own,
      };
    case 'range':
      return { type: T.GET_STATE_BY_RANGE, payload: encodeGetStateByRange(step.start, step.end, '', step.page ? encodeQueryMetadata(step.page.pageSize, step.page.bookmark) : undefined), ...own };
    case 'query':
      return { type: T.GET_QUERY_RESULT, payload: encodeGetQueryResult(step.query, '', step.page ? encodeQueryMetadata(step.page.pageSize, step.page.bookmark) : undefined), ...own };
    case 'history':
      return { type: T.GET_HISTORY_FOR_KEY, payload: encodeGetHistoryForKey(step.key), ...own };
    case 'next':
      return { type: T.QUERY_STATE_NEXT, payload: encodeQueryStateId(iter(step.iter)), ...own };
    case 'close':
      return { type: T.QUERY_STATE_CLOSE, payload: encodeQueryStateId(iter(step.iter)), ...own };
    case 'getMeta':
      return { type: T.GET_STATE_METADATA, payload: encodeGetStateMetadata(step.key), ...own };
    case 'putMeta':
      return { type: T.PUT_STATE_METADATA, payload: encodePutStateMetadata(step.key, step.metakey === null ? null : { metakey: step.metakey, value: utf8(step.value) }), ...own };
    case 'purge':
      return { type: T.PURGE_PRIVATE_DATA, payload: encodeDelState(step.key, step.collection), ...own };
    case 'hash':
      return { type: T.GET_PRIVATE_DATA_HASH, payload: encodeGetState(step.key, step.collection), ...own };
    case 'privateGet':
      return { type: T.GET_STATE, payload: encodeGetState(step.key, step.collection), ...own };
    case 'raw':
      return { type: step.type, payload: Buffer.from(step.hex, 'hex'), ...own };
    case 'twice':
      return { type: T.GET_STATE, payload: encodeGetState(step.key), ...own };
    default:
      return null;
  }
}

/** The next message from the peer, recorded in the transcript as it is read. */
async function read(c: ImpostorConn, t: StreamTranscript, timeoutMs: number): Promise<ChaincodeMsg | null> {
  const m = await c.next(timeoutMs);
  if (m) t.record(m);
  return m;
}

/** Waits for the next answer (RESPONSE or ERROR); null when the stream ended or none came in time. */
async function answer(c: ImpostorConn, t: StreamTranscript): Promise<ChaincodeMsg | null> {
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  for (;;) {
    const m = await read(c, t, Math.max(1, deadline - Date.now()));
    if (!m) return null;
    if (m.type === T.RESPONSE || m.type === T.ERROR) return m;
  }
}

async function runTransaction(c: ImpostorConn, t: StreamTranscript, tx: ProtocolScript['txs'][number], channel: string): Promise<boolean> {
  const iterIds: string[] = [];
  for (const step of tx.steps) {
    if (step.op === 'keepalive') {
      c.send({ type: T.KEEPALIVE });
      continue;
    }
    if (step.op === 'strayCompleted') {
      c.send({ type: T.COMPLETED, payload: encodeResponse({ status: 200, message: '', payload: new Uint8Array() }), txid: SCRIPT_UNKNOWN_TXID, channelId: channel });
      continue;
    }
    const req = request(step, tx.txid, channel, iterIds);
    if (!req) continue;
    t.awaiting = req.type;
    c.send(req);
    if (step.op === 'twice') c.send(req);
    const a = await answer(c, t);
    if (!a) return false;
    if (step.op === 'twice') {
      const second = await read(c, t, TWICE_WINDOW_MS);
      const last = t.heard[t.heard.length - 1];
      if (second && last) t.heard[t.heard.length - 1] = { ...last, secondAnswer: true };
    }
    if (a.type === T.RESPONSE && (req.type === T.GET_STATE_BY_RANGE || req.type === T.GET_QUERY_RESULT || req.type === T.GET_HISTORY_FOR_KEY)) {
      const q = decodeQueryResponse(a.payload);
      if (q) iterIds.push(q.id);
    }
  }
  t.awaiting = null;
  const e = tx.end;
  if (e.kind === 'completed') c.send({ type: T.COMPLETED, payload: encodeResponse({ status: e.status, message: e.message, payload: utf8(e.payload) }), txid: tx.txid, channelId: channel });
  else c.send({ type: T.ERROR, payload: utf8(e.text), txid: tx.txid, channelId: channel });
  return true;
}

async function runStream(c: ImpostorConn, cur: Current, t: StreamTranscript): Promise<void> {
  for (const r of cur.script.register ?? ['right']) {
    switch (r) {
      case 'right':
        c.send({ type: T.REGISTER, payload: encodeChaincodeId(cur.packageId) });
        break;
      case 'wrong-name':
        c.send({ type: T.REGISTER, payload: encodeChaincodeId(`${cur.packageId}x`) });
        break;
      case 'empty-name':
        c.send({ type: T.REGISTER, payload: encodeChaincodeId('') });
        break;
      case 'undecodable':
        c.send({ type: T.REGISTER, payload: Uint8Array.of(0xff) });
        break;
      case 'keepalive':
        c.send({ type: T.KEEPALIVE });
        break;
      case 'get-state-first':
        c.send({ type: T.GET_STATE, payload: encodeGetState('k'), txid: 'early', channelId: SCRIPT_CHANNEL });
        break;
    }
  }
  for (;;) {
    const m = await read(c, t, NEXT_TX_TIMEOUT_MS);
    if (!m) return;
    if (m.type !== T.TRANSACTION && m.type !== T.INIT) continue;
    const tx = cur.script.txs.find((x) => x.txid === m.txid);
    if (!tx) continue;
    if (!(await runTransaction(c, t, tx, m.channelId || SCRIPT_CHANNEL))) return;
  }
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  let cur: Current | null = null;
  const streams: Array<{ t: StreamTranscript; c: ImpostorConn }> = [];
  const imp: Impostor = await startImpostor(async (c) => {
    const t = new StreamTranscript();
    streams.push({ t, c });
    if (cur) await runStream(c, cur, t);
  });
  return {
    address: imp.address,
    use: (script, packageId) => {
      cur = { script, packageId };
    },
    lastTranscript: async (timeoutMs = 20_000) => {
      const last = streams[streams.length - 1];
      if (!last) return [];
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([last.c.ended.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
      clearTimeout(timer);
      // messages the script never read (after its last step, or unexpected extra answers)
      last.t.awaiting = null;
      for (const r of last.c.received.slice(last.t.heard.length)) last.t.record(r.msg);
      return [...last.t.heard, { type: done ? 'END' : 'STILL-OPEN', txid: '', channel: '', payload: null }];
    },
    stop: () => imp.stop(),
  };
}
