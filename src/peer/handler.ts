import {
  MessageType as T,
  decodeChaincodeId,
  decodeDelState,
  decodeGetState,
  decodePutState,
  decodeResponse,
  encodeAdditionalParams,
  encodeChaincodeInput,
  typeName,
  type ChaincodeMsg,
  type ResponseData,
  type RuntimeParams,
} from './codec.js';
import type { ChaincodeStream } from './stream.js';
import { Transcript } from './stream.js';
import { TxSimulator, type WorldState } from '../ledger/worldState.js';

/**
 * The peer's side of one chaincode stream, as Fabric's `core/chaincode/handler.go` behaves:
 * states created → established → ready, REGISTER handling, READY with runtime params, INIT and
 * TRANSACTION executions matched by channel_id + txid, and the chaincode's state requests
 * answered from the mock ledger.
 */

export type HandlerState = 'created' | 'established' | 'ready';

export type RegisterOutcome =
  | { readonly kind: 'registered'; readonly name: string; readonly ms: number }
  | { readonly kind: 'wrong-name'; readonly name: string; readonly ms: number; readonly peerError: string }
  | { readonly kind: 'empty-name'; readonly ms: number }
  | { readonly kind: 'undecodable'; readonly ms: number }
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'ended'; readonly ms: number; readonly reason: string | null }
  | { readonly kind: 'violation'; readonly ms: number; readonly peerError: string };

export type ExecuteOutcome =
  | { readonly kind: 'completed'; readonly ms: number; readonly response: ResponseData; readonly eventName: string | null }
  | { readonly kind: 'failed'; readonly ms: number; readonly peerError: string };

export interface HandlerOptions {
  /** The package ID the peer launched the chaincode for. */
  readonly packageId: string;
  /** The chaincode (namespace) name in the definition. */
  readonly chaincodeName: string;
  readonly runtimeParams: RuntimeParams;
  readonly ledger: WorldState;
  readonly transcript?: Transcript;
}

export interface Execution {
  readonly channelId: string;
  readonly txId: string;
  readonly args: readonly Uint8Array[];
  readonly isInit: boolean;
  readonly signedProposal: Uint8Array;
}

interface TxContext {
  readonly txId: string;
  readonly simulator: TxSimulator;
  resolve(m: ChaincodeMsg): void;
}

export class PeerHandler {
  state: HandlerState = 'created';
  readonly transcript: Transcript;
  private readonly t0 = performance.now();
  private readonly contexts = new Map<string, TxContext>();
  private readonly activeRequests = new Set<string>();
  private registerWaiter: ((o: RegisterOutcome) => void) | null = null;
  private pendingRegister: RegisterOutcome | null = null;
  private ended: { reason: string | null } | null = null;
  /** Why the peer ended the stream itself (a protocol violation by the chaincode), if it did. */
  violation: string | null = null;

  constructor(
    private readonly stream: ChaincodeStream,
    private readonly opts: HandlerOptions,
  ) {
    this.transcript = opts.transcript ?? new Transcript();
    stream.onMessage((m) => this.receive(m));
    stream.onEnd((reason) => this.onEnd(reason));
  }

  private ms(): number {
    return Math.round(performance.now() - this.t0);
  }

  private send(m: ChaincodeMsg): void {
    this.transcript.record('peer→cc', m);
    this.stream.send(m);
  }

  /** Waits for the chaincode's REGISTER; resolves as soon as the peer's outcome is known. */
  awaitRegister(timeoutMs: number): Promise<RegisterOutcome> {
    if (this.pendingRegister) return Promise.resolve(this.pendingRegister);
    if (this.ended) return Promise.resolve({ kind: 'ended', ms: this.ms(), reason: this.ended.reason });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.registerWaiter = null;
        resolve({ kind: 'timeout', ms: this.ms() });
      }, timeoutMs);
      this.registerWaiter = (o) => {
        clearTimeout(timer);
        this.registerWaiter = null;
        resolve(o);
      };
    });
  }

  private settleRegister(o: RegisterOutcome): void {
    if (this.registerWaiter) this.registerWaiter(o);
    else this.pendingRegister ??= o;
  }

  private onEnd(reason: string | null): void {
    if (this.ended) return;
    this.ended = { reason };
    this.transcript.note(reason ? `stream ended: ${reason}` : 'stream ended (EOF)');
    this.settleRegister({ kind: 'ended', ms: this.ms(), reason });
    for (const [key, ctx] of this.contexts) {
      this.contexts.delete(key);
      ctx.resolve({ type: -1, payload: new Uint8Array(), txid: ctx.txId, channelId: '' });
    }
  }

  /** Ends the stream as the peer does on a protocol violation: logged, no ERROR sent. */
  private endStream(peerError: string): void {
    this.violation = peerError;
    this.transcript.note(`peer ends the stream: ${peerError}`);
    this.settleRegister({ kind: 'violation', ms: this.ms(), peerError });
    this.stream.close();
    this.onEnd(peerError);
  }

  private receive(m: ChaincodeMsg): void {
    this.transcript.record('cc→peer', m);
    if (m.type === T.KEEPALIVE) return; // accepted and ignored in every state (PROTO-02)
    if (this.state === 'created') {
      if (m.type !== T.REGISTER) {
        this.endStream(`error handling message, ending stream: [${m.txid}] Fabric side handler cannot handle message (${typeName(m.type)}) while in created state`);
        return;
      }
      this.handleRegister(m);
      return;
    }
    if (this.state === 'established') {
      this.endStream(`error handling message, ending stream: handle message: invalid state established for transaction ${m.txid}`);
      return;
    }
    switch (m.type) {
      case T.COMPLETED:
      case T.ERROR:
        this.notify(m);
        return;
      case T.GET_STATE:
      case T.PUT_STATE:
      case T.DEL_STATE:
      case T.INVOKE_CHAINCODE:
      case T.GET_STATE_BY_RANGE:
      case T.GET_QUERY_RESULT:
      case T.GET_HISTORY_FOR_KEY:
      case T.QUERY_STATE_NEXT:
      case T.QUERY_STATE_CLOSE:
      case T.GET_PRIVATE_DATA_HASH:
      case T.GET_STATE_METADATA:
      case T.PUT_STATE_METADATA:
      case T.PURGE_PRIVATE_DATA:
      case T.WRITE_BATCH_STATE:
      case T.GET_STATE_MULTIPLE:
        this.handleRequest(m);
        return;
      default:
        this.endStream(`error handling message, ending stream: [${m.txid}] Fabric side handler cannot handle message (${typeName(m.type)}) while in ready state`);
    }
  }

  private handleRegister(m: ChaincodeMsg): void {
    const id = decodeChaincodeId(m.payload);
    if (!id) {
      this.transcript.note('REGISTER payload is not a ChaincodeID: the peer logs the error and does not reply');
      this.settleRegister({ kind: 'undecodable', ms: this.ms() });
      return;
    }
    if (id.name === '') {
      this.transcript.note('REGISTER with an empty name: the peer does not reply');
      this.settleRegister({ kind: 'empty-name', ms: this.ms() });
      return;
    }
    if (id.name !== this.opts.packageId) {
      const peerError = `peer will not accept external chaincode connection ${id.name} (except in dev mode)`;
      this.transcript.note(peerError);
      this.settleRegister({ kind: 'wrong-name', name: id.name, ms: this.ms(), peerError });
      return;
    }
    this.send({ type: T.REGISTERED, payload: new Uint8Array(), txid: '', channelId: '' });
    this.state = 'established';
    this.send({ type: T.READY, payload: encodeAdditionalParams(this.opts.runtimeParams), txid: '', channelId: '' });
    this.state = 'ready';
    this.settleRegister({ kind: 'registered', name: id.name, ms: this.ms() });
  }

  /** Sends INIT or TRANSACTION and waits for the chaincode's completion (PROTO-07/08). */
  execute(e: Execution, timeoutMs: number): Promise<ExecuteOutcome> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const key = e.channelId + e.txId;
    if (this.ended) return Promise.resolve({ kind: 'failed', ms: 0, peerError: 'chaincode stream terminated' });
    if (this.contexts.has(key)) return Promise.resolve({ kind: 'failed', ms: 0, peerError: `error sending: txid: ${e.txId}(${e.channelId}) exists` });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.contexts.delete(key);
        resolve({ kind: 'failed', ms: elapsed(), peerError: 'timeout expired while executing transaction' });
      }, timeoutMs);
      const simulator = new TxSimulator(this.opts.ledger, e.channelId, this.opts.chaincodeName, e.txId);
      this.contexts.set(key, {
        txId: e.txId,
        simulator,
        resolve: (m) => {
          clearTimeout(timer);
          this.contexts.delete(key);
          resolve(this.completion(m, e.txId, elapsed(), simulator));
        },
      });
      this.send({
        type: e.isInit ? T.INIT : T.TRANSACTION,
        payload: encodeChaincodeInput(e.args, e.isInit),
        txid: e.txId,
        channelId: e.channelId,
        proposal: e.signedProposal,
      });
    });
  }

  private completion(m: ChaincodeMsg, txId: string, ms: number, sim: TxSimulator): ExecuteOutcome {
    if (m.type === -1) return { kind: 'failed', ms, peerError: 'chaincode stream terminated' };
    if (m.type === T.ERROR) return { kind: 'failed', ms, peerError: `transaction returned with failure: ${Buffer.from(m.payload).toString('utf8')}` };
    const response = decodeResponse(m.payload);
    if (!response) return { kind: 'failed', ms, peerError: `failed to unmarshal response for transaction ${txId}` };
    if (response.status < 400) sim.commit();
    return { kind: 'completed', ms, response, eventName: m.event?.eventName ?? null };
  }

  private notify(m: ChaincodeMsg): void {
    const ctx = this.contexts.get(m.channelId + m.txid);
    if (!ctx) {
      this.transcript.note(`${typeName(m.type)} for unknown transaction ${m.channelId}${m.txid}: dropped`);
      return;
    }
    ctx.resolve(m);
  }

  private handleRequest(m: ChaincodeMsg): void {
    const key = m.channelId + m.txid;
    if (this.activeRequests.has(key)) {
      this.transcript.note(`second ${typeName(m.type)} for ${key} while one is outstanding: dropped without reply (PROTO-09)`);
      return;
    }
    this.activeRequests.add(key);
    const reply = (type: number, payload: Uint8Array): void => {
      this.activeRequests.delete(key);
      if (this.ended) return;
      this.send({ type, payload, txid: m.txid, channelId: m.channelId });
    };
    const fail = (cause: string): void => reply(T.ERROR, Buffer.from(`${typeName(m.type)} failed: transaction ID: ${m.txid}: ${cause}`));
    const ctx = this.contexts.get(key);
    if (!ctx) {
      fail('no ledger context');
      return;
    }
    switch (m.type) {
      case T.GET_STATE: {
        const g = decodeGetState(m.payload);
        if (!g) return fail('unmarshal failed: invalid wire format');
        if (g.collection) return fail('private data is not supported by this mock peer yet');
        return reply(T.RESPONSE, ctx.simulator.getState(g.key) ?? new Uint8Array());
      }
      case T.PUT_STATE: {
        const p = decodePutState(m.payload);
        if (!p) return fail('unmarshal failed: invalid wire format');
        if (p.collection) return fail('private data is not supported by this mock peer yet');
        ctx.simulator.putState(p.key, p.value);
        return reply(T.RESPONSE, new Uint8Array());
      }
      case T.DEL_STATE: {
        const d = decodeDelState(m.payload);
        if (!d) return fail('unmarshal failed: invalid wire format');
        if (d.collection) return fail('private data is not supported by this mock peer yet');
        ctx.simulator.delState(d.key);
        return reply(T.RESPONSE, new Uint8Array());
      }
      default:
        return fail(`${typeName(m.type)} is not supported by this mock peer yet`);
    }
  }
}
