import { randomUUID } from 'node:crypto';
import type { ResultsIterator, TxSimulator } from '../ledger/simulator.js';
import type { WorldState } from '../ledger/worldState.js';
import {
  MessageType as T,
  decodeChaincodeId,
  decodeChaincodeSpec,
  decodeDelStateUtf8,
  decodeGetHistoryForKey,
  decodeGetQueryResult,
  decodeGetStateByRange,
  decodeGetStateMetadata,
  decodeGetStateMultiple,
  decodeGetStateUtf8,
  decodePutStateMetadata,
  decodePutStateUtf8,
  decodeQueryMetadata,
  decodeQueryStateId,
  decodeWriteBatchState,
  encodeAdditionalParams,
  encodeChaincodeInput,
  encodeGetStateMultipleResult,
  encodeQueryResponse,
  encodeQueryResponseMetadata,
  encodeStateMetadataResult,
  messageBytes,
  typeName,
  type ChaincodeMsg,
  type ProposalView,
  type QueryMetadataData,
  type QueryResultItem,
  type ResponseData,
  type RuntimeParams,
} from './codec.js';
import { ChaincodeRegistry, parseChaincodeName, SYSTEM_CHAINCODES } from './registry.js';
import { DEFAULT_FABRIC_RELEASE, type FabricRelease } from '../catalogue/releases.js';
import type { ChaincodeStream } from './stream.js';
import { Transcript } from './stream.js';

/**
 * The peer's side of one chaincode stream, as Fabric's `core/chaincode/handler.go` behaves:
 * states created → established → ready; REGISTER outcomes through the peer-wide registry;
 * READY with ChaincodeAdditionalParams; INIT/TRANSACTION executions keyed by the concatenation
 * channel_id + txid; every request type of the ready state answered from the mock ledger with the
 * peer's RESPONSE payloads and ERROR texts; one outstanding request per channel+txid; query
 * iterators in batches of 100; peer KEEPALIVE when configured; stream-termination semantics.
 */

export type HandlerState = 'created' | 'established' | 'ready';

export type RegisterOutcome =
  | { readonly kind: 'registered'; readonly name: string; readonly ms: number }
  | { readonly kind: 'wrong-name'; readonly name: string; readonly ms: number; readonly peerError: string }
  | { readonly kind: 'duplicate'; readonly name: string; readonly ms: number; readonly peerError: string }
  | { readonly kind: 'empty-name'; readonly ms: number }
  | { readonly kind: 'undecodable'; readonly ms: number }
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'ended'; readonly ms: number; readonly reason: string | null }
  | { readonly kind: 'violation'; readonly ms: number; readonly peerError: string };

/** One invocation as the session reports it: completed with a Response, or failed with the peer's text. */
export type ExecuteOutcome =
  | { readonly kind: 'completed'; readonly ms: number; readonly response: ResponseData; readonly eventName: string | null }
  | { readonly kind: 'failed'; readonly ms: number; readonly peerError: string };

/** What Handler.Execute returns: the chaincode's COMPLETED/ERROR message, or the peer's error. */
export type ExecResult = { readonly ok: true; readonly message: ChaincodeMsg; readonly ms: number } | { readonly ok: false; readonly error: string; readonly ms: number };

/**
 * A COMPLETED or ERROR that matched no transaction context (PROTO-08): the peer's Notify looks the
 * context up by channel_id + txid, logs at debug level that it does not exist and drops the
 * message; the execution it was meant for then waits out chaincode.executetimeout.
 */
export interface MisroutedCompletion {
  readonly type: string;
  readonly txid: string;
  readonly channelId: string;
  /** The pending execution it answers (the only one with that txid, or on that channel, or at all). */
  readonly meant: { readonly txid: string; readonly channelId: string };
  readonly mismatched: ReadonlyArray<'channel_id' | 'txid'>;
  /** Milliseconds after the execution's INIT/TRANSACTION was sent. */
  readonly ms: number;
}

/**
 * How long a conformance run lets an execution that got a misrouted completion still wait for a
 * matching one before it ends as the peer's timeout would (HandlerOptions.misroutedGraceMs): the
 * peer waits chaincode.executetimeout, the harness need not, since a shim sends one completion per
 * transaction. The handler itself waits as the peer does unless it is given a grace.
 */
export const MISROUTED_GRACE_MS = 500;

/** Everything the peer knows about one execution (ccprovider.TransactionParams). */
export interface TxParams {
  readonly txId: string;
  readonly channelId: string;
  readonly signedProposal: Uint8Array | null;
  readonly proposal: ProposalView | null;
  readonly simulator: TxSimulator;
}

/** INVOKE_CHAINCODE's way into the rest of the peer (ChaincodeSupport.Invoke). */
export interface Invoker {
  invoke(params: TxParams, chaincodeName: string, args: readonly Uint8Array[], isInit: boolean): Promise<{ ok: true; message: ChaincodeMsg } | { ok: false; error: string }>;
  /** Whether the peer has a ledger for this channel. */
  hasChannel(channelId: string): boolean;
  /** A new simulator on another channel's ledger (cross-channel calls). */
  newSimulator(channelId: string, txId: string): TxSimulator;
}

export interface HandlerOptions {
  /** The package ID the peer launched the chaincode for (registered with the registry if none is given). */
  readonly packageId: string;
  readonly runtimeParams: RuntimeParams;
  readonly ledger: WorldState;
  readonly transcript?: Transcript;
  /** Peer-wide registry (shared by the peer's streams); a private one expecting `packageId` otherwise. */
  readonly registry?: ChaincodeRegistry;
  /** core.yaml chaincode.keepalive in whole seconds; 0 (default) sends none. */
  readonly keepaliveSeconds?: number;
  /** ledger.state.totalQueryLimit (sample core.yaml 100000). */
  readonly totalQueryLimit?: number;
  /** The channel's application capability level, e.g. 2.5 (V2_5), 1.3 (V1_3), 1.2 (V1_2). */
  readonly applicationCapability?: number;
  readonly invoker?: Invoker;
  /**
   * Runs after a REGISTER the registry accepted and before the peer answers REGISTERED and READY;
   * messages arriving meanwhile wait their turn, as in the peer's one-at-a-time stream loop. A slow
   * link or a busy peer widens this window in real networks; PROTO-19 transacts on another stream
   * inside it to find servers that share one handler state between streams.
   */
  readonly beforeRegistered?: () => Promise<void>;
  /** The peer release whose handler this one behaves as (default: the newest 3.x). */
  readonly fabricRelease?: FabricRelease;
  /**
   * A harness shortcut, not the peer's behaviour: after a COMPLETED/ERROR that matched no
   * transaction was dropped, end the execution it was meant for as the peer's timeout would after
   * this many milliseconds unless a matching completion arrives (MISROUTED_GRACE_MS in a
   * conformance run). Without it the execution waits its whole timeout, as Fabric's Handler does.
   */
  readonly misroutedGraceMs?: number;
}

/** Message types a 2.5 peer's protos do not know: it prints them as numbers and ends the stream on them. */
const ONLY_3X: ReadonlySet<number> = new Set([T.WRITE_BATCH_STATE, T.GET_STATE_MULTIPLE]);

/** Results per RESPONSE for unpaginated queries (chaincode_support.go MaxResultLimit). */
export const MAX_RESULT_LIMIT = 100;
export const ERROR_EXECUTION_TIMEOUT = 'timeout expired while executing transaction';
export const ERROR_STREAM_TERMINATED = 'chaincode stream terminated';

interface QueryState {
  readonly iter: ResultsIterator;
  pending: QueryResultItem[];
  total: number;
}

interface TxContext {
  readonly params: TxParams;
  readonly namespace: string;
  readonly isInit: boolean;
  readonly queries: Map<string, QueryState>;
  notify(m: ChaincodeMsg | null): void;
  /** A completion meant for this execution was dropped: end it as the timeout, after a grace. */
  misrouted(c: MisroutedCompletion): void;
  readonly startedAt: number;
}

type Reply = { readonly type: number; readonly payload: Uint8Array } | { readonly error: string };

function okPayload(payload: Uint8Array = new Uint8Array()): Reply {
  return { type: T.RESPONSE, payload };
}

function fail(error: string): Reply {
  return { error };
}

export class PeerHandler {
  state: HandlerState = 'created';
  readonly transcript: Transcript;
  /** The name the chaincode registered with, once registered. */
  chaincodeId: string | null = null;
  private readonly t0 = performance.now();
  private readonly contexts = new Map<string, TxContext>();
  private readonly activeRequests = new Set<string>();
  private readonly registry: ChaincodeRegistry;
  private readonly keepaliveTimer: NodeJS.Timeout | null = null;
  private registerWaiter: ((o: RegisterOutcome) => void) | null = null;
  private pendingRegister: RegisterOutcome | null = null;
  private ended: { reason: string | null } | null = null;
  /** Messages received while `beforeRegistered` holds the REGISTER reply; null when not holding. */
  private held: ChaincodeMsg[] | null = null;
  private readonly endWaiters: Array<(reason: string | null) => void> = [];
  /** Why the peer ended the stream itself (a protocol violation by the chaincode), if it did. */
  violation: string | null = null;
  /** Completions the peer dropped because they matched no transaction (PROTO-08). */
  readonly misrouted: MisroutedCompletion[] = [];
  /** Every request type the chaincode used, with counts (for findings such as "uses write batches"). */
  readonly requestCounts = new Map<string, number>();

  constructor(
    private readonly stream: ChaincodeStream,
    private readonly opts: HandlerOptions,
  ) {
    this.transcript = opts.transcript ?? new Transcript();
    if (opts.registry) this.registry = opts.registry;
    else {
      this.registry = new ChaincodeRegistry();
      this.registry.launch(opts.packageId);
    }
    stream.onMessage((m) => this.receive(m));
    stream.onEnd((reason) => this.onEnd(reason));
    const ka = opts.keepaliveSeconds ?? 0;
    if (ka > 0) {
      // ProcessStream: a ticker from the start of the stream, also before REGISTER; send errors ignored.
      this.keepaliveTimer = setInterval(() => {
        if (!this.ended) this.send({ type: T.KEEPALIVE, payload: new Uint8Array(), txid: '', channelId: '' });
      }, ka * 1000);
      this.keepaliveTimer.unref();
    }
  }

  get packageId(): string {
    return this.opts.packageId;
  }

  get release(): FabricRelease {
    return this.opts.fabricRelease ?? DEFAULT_FABRIC_RELEASE;
  }

  /** The type's name as this release's peer prints it (2.5 knows no types past PURGE_PRIVATE_DATA). */
  private peerTypeName(t: number): string {
    return this.release === '2.5' && ONLY_3X.has(t) ? String(t) : typeName(t);
  }

  /** Milliseconds since the stream opened. */
  openMs(): number {
    return this.ms();
  }

  get isEnded(): boolean {
    return this.ended !== null;
  }

  private ms(): number {
    return Math.round(performance.now() - this.t0);
  }

  private send(m: ChaincodeMsg, note?: string): void {
    this.transcript.record('peer→cc', m, note);
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

  /** Resolves when the stream ends (null reason: EOF), or after `timeoutMs` with 'open'. */
  awaitEnd(timeoutMs: number): Promise<{ ended: true; reason: string | null } | { ended: false }> {
    if (this.ended) return Promise.resolve({ ended: true, reason: this.ended.reason });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ended: false }), timeoutMs);
      this.endWaiters.push((reason) => {
        clearTimeout(timer);
        resolve({ ended: true, reason });
      });
    });
  }

  private settleRegister(o: RegisterOutcome): void {
    if (this.registerWaiter) this.registerWaiter(o);
    else this.pendingRegister ??= o;
  }

  private onEnd(reason: string | null): void {
    if (this.ended) return;
    this.ended = { reason };
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.transcript.note(reason ? `stream ended: ${reason}` : 'stream ended (EOF)');
    if (this.chaincodeId) this.registry.deregister(this.chaincodeId, this);
    this.settleRegister({ kind: 'ended', ms: this.ms(), reason });
    for (const [key, ctx] of this.contexts) {
      this.contexts.delete(key);
      ctx.queries.clear();
      ctx.notify(null);
    }
    for (const w of this.endWaiters.splice(0)) w(reason);
  }

  /** Ends the stream from the peer's side (what the peer does when its handler returns). */
  close(): void {
    if (this.ended) return;
    this.stream.close();
    this.onEnd('closed by the peer');
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
    if (this.held) this.held.push(m);
    else this.handleMessage(m);
  }

  private handleMessage(m: ChaincodeMsg): void {
    if (this.ended) return;
    if (m.type === T.KEEPALIVE) return; // accepted and ignored in every state (PROTO-02)
    const prefix = 'error handling message, ending stream: ';
    if (this.state === 'created') {
      if (m.type !== T.REGISTER) {
        this.endStream(`${prefix}[${m.txid}] Fabric side handler cannot handle message (${this.peerTypeName(m.type)}) while in created state`);
        return;
      }
      this.handleRegister(m);
      return;
    }
    if (this.state === 'established') {
      this.endStream(`${prefix}handle message: invalid state established for transaction ${m.txid}`);
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
        if (this.release === '2.5' && ONLY_3X.has(m.type)) {
          this.endStream(`${prefix}[${m.txid}] Fabric side handler cannot handle message (${this.peerTypeName(m.type)}) while in ready state`);
          return;
        }
        this.requestCounts.set(typeName(m.type), (this.requestCounts.get(typeName(m.type)) ?? 0) + 1);
        void this.handleTransaction(m);
        return;
      default:
        this.endStream(`${prefix}[${m.txid}] Fabric side handler cannot handle message (${typeName(m.type)}) while in ready state`);
    }
  }

  private handleRegister(m: ChaincodeMsg): void {
    const id = decodeChaincodeId(m.payload);
    if (!id) {
      this.transcript.note('REGISTER payload is not a ChaincodeID: the peer logs the error, does not reply and stays in created');
      this.settleRegister({ kind: 'undecodable', ms: this.ms() });
      return;
    }
    if (id.name === '') {
      this.transcript.note('error in handling register chaincode, chaincodeID name is empty: no reply, still created');
      this.settleRegister({ kind: 'empty-name', ms: this.ms() });
      return;
    }
    const verdict = this.registry.register(id.name, this);
    if (!verdict.ok) {
      this.transcript.note(`${verdict.error}: no reply, still created`);
      const kind = verdict.error.startsWith('duplicate') ? 'duplicate' : 'wrong-name';
      this.settleRegister({ kind, name: id.name, ms: this.ms(), peerError: verdict.error });
      return;
    }
    this.chaincodeId = id.name;
    const hold = this.opts.beforeRegistered;
    if (!hold) {
      this.acceptRegister(id.name);
      return;
    }
    this.held = [];
    void hold()
      .catch(() => undefined)
      .then(() => {
        const queued = this.held ?? [];
        this.held = null;
        if (this.ended) return;
        this.acceptRegister(id.name);
        for (const q of queued) this.handleMessage(q);
      });
  }

  /** HandleRegister's success path: REGISTERED, established, READY with the runtime params, ready. */
  private acceptRegister(name: string): void {
    this.send({ type: T.REGISTERED, payload: new Uint8Array(), txid: '', channelId: '' });
    this.state = 'established';
    const p = this.opts.runtimeParams;
    const params = `ChaincodeAdditionalParams: use_write_batch ${p.useWriteBatch}, max_size_write_batch ${p.maxSizeWriteBatch}, use_get_multiple_keys ${p.useGetMultipleKeys}, max_size_get_multiple_keys ${p.maxSizeGetMultipleKeys}`;
    // 2.5: READY carries no payload; 3.x: ChaincodeAdditionalParams
    if (this.release === '2.5') this.send({ type: T.READY, payload: new Uint8Array(), txid: '', channelId: '' });
    else this.send({ type: T.READY, payload: encodeAdditionalParams(p), txid: '', channelId: '' }, params);
    this.state = 'ready';
    this.settleRegister({ kind: 'registered', name, ms: this.ms() });
  }

  /**
   * Handler.Execute: creates the transaction context (channel_id + txid must be new), sends INIT
   * or TRANSACTION with the SignedProposal, and waits for COMPLETED/ERROR, the timeout or the end
   * of the stream. Error texts are the peer's, before ChaincodeSupport wraps them.
   */
  execute(params: TxParams, namespace: string, type: 'INIT' | 'TRANSACTION', args: readonly Uint8Array[], timeoutMs: number): Promise<ExecResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const key = params.channelId + params.txId;
    if (this.contexts.has(key)) return Promise.resolve({ ok: false, error: `txid: ${params.txId}(${params.channelId}) exists`, ms: 0 });
    if (this.ended) return Promise.resolve({ ok: false, error: ERROR_STREAM_TERMINATED, ms: 0 });
    return new Promise((resolve) => {
      let timer = setTimeout(() => {
        this.contexts.delete(key);
        this.transcript.note(`no COMPLETED for ${params.txId} within ${timeoutMs} ms: ${ERROR_EXECUTION_TIMEOUT}`);
        resolve({ ok: false, error: ERROR_EXECUTION_TIMEOUT, ms: elapsed() });
      }, timeoutMs);
      let graced = false;
      this.contexts.set(key, {
        params,
        namespace,
        isInit: type === 'INIT',
        queries: new Map(),
        startedAt: started,
        notify: (m) => {
          clearTimeout(timer);
          this.contexts.delete(key);
          resolve(m ? { ok: true, message: m, ms: elapsed() } : { ok: false, error: ERROR_STREAM_TERMINATED, ms: elapsed() });
        },
        misrouted: (c) => {
          const grace = this.opts.misroutedGraceMs;
          if (graced || grace === undefined) return;
          graced = true;
          clearTimeout(timer);
          // Nothing else can end the wait: the peer waits out executetimeout; the harness gives a matching completion a moment.
          timer = setTimeout(() => {
            this.contexts.delete(key);
            this.transcript.note(`the ${c.type} with ${c.mismatched.map((f) => `${f} ${JSON.stringify(f === 'txid' ? c.txid : c.channelId)}`).join(' and ')} was dropped; the peer fails ${params.txId} after chaincode.executetimeout (${timeoutMs} ms): ${ERROR_EXECUTION_TIMEOUT}`);
            resolve({ ok: false, error: ERROR_EXECUTION_TIMEOUT, ms: elapsed() });
          }, Math.min(grace, Math.max(0, timeoutMs - elapsed())));
        },
      });
      this.send({
        type: type === 'INIT' ? T.INIT : T.TRANSACTION,
        payload: encodeChaincodeInput(args, type === 'INIT'),
        txid: params.txId,
        channelId: params.channelId,
        ...(params.signedProposal ? { proposal: params.signedProposal } : {}),
      });
    });
  }

  /** Handler.Notify: the first completion for channel_id + txid wins; unmatched ones are dropped. */
  private notify(m: ChaincodeMsg): void {
    const ctx = this.contexts.get(m.channelId + m.txid);
    if (!ctx) {
      this.transcript.note(`notifier Txid:${m.txid}, channelID:${m.channelId} does not exist for handling message ${typeName(m.type)}: dropped`);
      const meant = this.meantFor(m);
      if (meant) {
        const mismatched = [...(meant.params.channelId !== m.channelId ? (['channel_id'] as const) : []), ...(meant.params.txId !== m.txid ? (['txid'] as const) : [])];
        const c: MisroutedCompletion = { type: typeName(m.type), txid: m.txid, channelId: m.channelId, meant: { txid: meant.params.txId, channelId: meant.params.channelId }, mismatched, ms: Math.round(performance.now() - meant.startedAt) };
        this.misrouted.push(c);
        meant.misrouted(c);
      }
      return;
    }
    ctx.queries.clear(); // CloseQueryIterators
    ctx.notify(m);
  }

  /** The pending execution an unmatched completion answers: the only one with its txid, else the only one on its channel, else the only one. */
  private meantFor(m: ChaincodeMsg): TxContext | null {
    const all = [...this.contexts.values()];
    const only = (list: TxContext[]): TxContext | null => (list.length === 1 ? (list[0] as TxContext) : null);
    return only(all.filter((c) => c.params.txId === m.txid)) ?? only(all.filter((c) => c.params.channelId === m.channelId)) ?? only(all);
  }

  /** The dropped completion meant for this transaction, if one was. */
  misroutedFor(txId: string): MisroutedCompletion | null {
    return this.misrouted.find((c) => c.meant.txid === txId) ?? null;
  }

  /** HandleTransaction: one outstanding request per channel+txid, context lookup, reply or ERROR. */
  private async handleTransaction(m: ChaincodeMsg): Promise<void> {
    const key = m.channelId + m.txid;
    if (this.activeRequests.has(key)) {
      this.transcript.note(`[${m.txid.slice(0, 8)}] Another request pending for this CC: ${this.chaincodeId ?? ''}, Txid: ${m.txid}, ChannelID: ${m.channelId}. Cannot process.`);
      return;
    }
    this.activeRequests.add(key);
    // Each request is handled in its own goroutine and answered asynchronously (serialSendAsync):
    // the request stays active for at least one turn of the event loop, as on the real peer.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let reply: Reply;
    try {
      const ctx = m.type === T.INVOKE_CHAINCODE ? this.contextForInvoke(m) : this.validTxSim(m, 'no ledger context');
      reply = 'error' in ctx ? ctx : await this.dispatch(m, ctx);
    } catch (e) {
      this.transcript.note(`recovered from panic handling ${typeName(m.type)}: ${e instanceof Error ? e.message : String(e)}`);
      reply = fail('panic during execution');
    }
    this.activeRequests.delete(key);
    if (this.ended) return;
    if ('error' in reply) this.send({ type: T.ERROR, payload: Buffer.from(`${typeName(m.type)} failed: transaction ID: ${m.txid}: ${reply.error}`), txid: m.txid, channelId: m.channelId });
    else this.send({ type: reply.type, payload: reply.payload, txid: m.txid, channelId: m.channelId });
  }

  private validTxSim(m: ChaincodeMsg, text: string): TxContext | { error: string } {
    const ctx = this.contexts.get(m.channelId + m.txid);
    return ctx ?? { error: text };
  }

  private contextForInvoke(m: ChaincodeMsg): TxContext | { error: string } {
    if (m.channelId !== '') return this.validTxSim(m, 'could not get valid transaction');
    const spec = decodeChaincodeSpec(m.payload);
    if (!spec) return { error: 'unmarshal failed: proto: cannot parse invalid wire-format data' };
    if (!SYSTEM_CHAINCODES.has(parseChaincodeName(spec.name).name)) return this.validTxSim(m, 'could not get valid transaction');
    return this.validTxSim(m, 'failed to get transaction context');
  }

  private capability(): number {
    return this.opts.applicationCapability ?? 2.5;
  }

  private checkMetadataCap(): string | null {
    return this.capability() >= 1.3 ? null : 'key level endorsement is not enabled, channel application capability of V1_3 or later is required';
  }

  private checkPurgeCap(): string | null {
    return this.capability() >= 2.5 ? null : 'purge private data is not enabled, channel application capability of V2_5 or later is required';
  }

  /** errorIfCreatorHasNo{Read,Write}Permission via the collection's membership. */
  private permission(ctx: TxContext, collection: string, access: 'read' | 'write'): string | null {
    const c = this.opts.ledger.collection(ctx.params.channelId, ctx.namespace, collection);
    if (!c) return `collection ${ctx.params.channelId}/${ctx.namespace}/${collection} could not be found`;
    const member = ctx.params.proposal ? c.memberOrgs.includes(ctx.params.proposal.mspId) : false;
    const allowed = member || (access === 'read' ? !c.memberOnlyRead : !c.memberOnlyWrite);
    return allowed ? null : `tx creator does not have ${access} access permission on privatedata in chaincodeName:${ctx.namespace} collectionName: ${collection}`;
  }

  private privateCheck(ctx: TxContext, collection: string, access: 'read' | 'write' | null): string | null {
    if (ctx.isInit) return 'private data APIs are not allowed in chaincode Init()';
    return access ? this.permission(ctx, collection, access) : null;
  }

  private totalLimit(md: QueryMetadataData | null): number {
    const total = this.opts.totalQueryLimit ?? 100_000;
    if (md && md.pageSize > 0 && md.pageSize < total) return md.pageSize;
    return total;
  }

  /** QueryResponseGenerator.BuildQueryResponse. */
  private buildQueryResponse(ctx: TxContext, id: string, isPaginated: boolean, limit: number): Uint8Array {
    const q = ctx.queries.get(id) as QueryState;
    const create = (): Uint8Array => {
      const batch = q.pending;
      q.pending = [];
      ctx.queries.delete(id);
      if (isPaginated) return encodeQueryResponse({ results: batch, hasMore: false, id, metadata: encodeQueryResponseMetadata(q.total, q.iter.bookmark()) });
      return encodeQueryResponse({ results: batch, hasMore: false, id });
    };
    for (;;) {
      if (q.total >= limit) return create();
      const item = q.iter.next();
      if (item === null) return create();
      if (!isPaginated && q.pending.length === MAX_RESULT_LIMIT) {
        const batch = q.pending;
        q.pending = [item];
        q.total += 1;
        return encodeQueryResponse({ results: batch, hasMore: true, id });
      }
      q.pending.push(item);
      q.total += 1;
    }
  }

  private startQuery(ctx: TxContext, iter: ResultsIterator, isPaginated: boolean, limit: number): Reply {
    const id = randomUUID();
    for (const n of iter.notes) this.transcript.note(n);
    ctx.queries.set(id, { iter, pending: [], total: 0 });
    return okPayload(this.buildQueryResponse(ctx, id, isPaginated, limit));
  }

  private metadataOf(b: Uint8Array | null): { md: QueryMetadataData | null } | { error: string } {
    if (!b) return { md: null };
    const md = decodeQueryMetadata(b);
    return md ? { md } : { error: 'unmarshal failed: proto: cannot parse invalid wire-format data' };
  }

  private async dispatch(m: ChaincodeMsg, ctx: TxContext): Promise<Reply> {
    const UNMARSHAL = 'unmarshal failed: proto: cannot parse invalid wire-format data';
    const sim = ctx.params.simulator;
    const ns = ctx.namespace;
    switch (m.type) {
      case T.GET_STATE: {
        const g = decodeGetStateUtf8(m.payload);
        if (!g) return fail(UNMARSHAL);
        if (g.collection) {
          const e = this.privateCheck(ctx, g.collection, 'read');
          if (e) return fail(e);
          const r = sim.getPrivateData(ns, g.collection, g.key);
          return r.ok ? okPayload(r.value) : fail(r.error);
        }
        return okPayload(sim.getState(ns, g.key));
      }
      case T.GET_STATE_MULTIPLE: {
        const g = decodeGetStateMultiple(m.payload);
        if (!g) return fail(UNMARSHAL);
        if (g.collection) {
          const e = this.privateCheck(ctx, g.collection, 'read');
          if (e) return fail(e);
          const r = sim.getPrivateDataMultiple(ns, g.collection, g.keys);
          return r.ok ? okPayload(encodeGetStateMultipleResult(r.value)) : fail(r.error);
        }
        return okPayload(encodeGetStateMultipleResult(sim.getStateMultiple(ns, g.keys)));
      }
      case T.GET_PRIVATE_DATA_HASH: {
        const g = decodeGetStateUtf8(m.payload);
        if (!g) return fail(UNMARSHAL);
        if (ctx.isInit) return fail('private data APIs are not allowed in chaincode Init()');
        const r = sim.getPrivateDataHash(ns, g.collection, g.key);
        return r.ok ? okPayload(r.value) : fail(r.error);
      }
      case T.GET_STATE_METADATA: {
        const cap = this.checkMetadataCap();
        if (cap) return fail(cap);
        const g = decodeGetStateMetadata(m.payload);
        if (!g) return fail(UNMARSHAL);
        if (g.collection) {
          const e = this.privateCheck(ctx, g.collection, 'read');
          if (e) return fail(e);
          const r = sim.getPrivateDataMetadata(ns, g.collection, g.key);
          return r.ok ? okPayload(encodeStateMetadataResult(r.value)) : fail(r.error);
        }
        return okPayload(encodeStateMetadataResult(sim.getStateMetadata(ns, g.key)));
      }
      case T.PUT_STATE: {
        const p = decodePutStateUtf8(m.payload);
        if (!p) return fail(UNMARSHAL);
        const e = this.putState(ctx, p.key, p.value, p.collection, p.badKey);
        return e ? fail(e) : okPayload();
      }
      case T.DEL_STATE: {
        const d = decodeDelStateUtf8(m.payload);
        if (!d) return fail(UNMARSHAL);
        const e = this.delState(ctx, d.key, d.collection, d.badKey);
        return e ? fail(e) : okPayload();
      }
      case T.PUT_STATE_METADATA: {
        // 2.5 checks the capability before it reads the payload; 3.x reads the payload first
        const early = this.release === '2.5' ? this.checkMetadataCap() : null;
        if (early) return fail(early);
        const p = decodePutStateMetadata(m.payload);
        if (!p) return fail(UNMARSHAL);
        const e = this.putStateMetadata(ctx, p.key, p.collection, p.metadata);
        return e ? fail(e) : okPayload();
      }
      case T.PURGE_PRIVATE_DATA: {
        const early = this.release === '2.5' ? this.checkPurgeCap() : null;
        if (early) return fail(early);
        const d = decodeDelStateUtf8(m.payload);
        if (!d) return fail(UNMARSHAL);
        const e = this.purge(ctx, d.key, d.collection);
        return e ? fail(e) : okPayload();
      }
      case T.WRITE_BATCH_STATE: {
        const recs = decodeWriteBatchState(m.payload);
        if (!recs) return fail(UNMARSHAL);
        for (const r of recs) {
          let e: string | null;
          switch (r.type) {
            case T.PUT_STATE:
              e = this.putState(ctx, r.key, r.value, r.collection, null);
              break;
            case T.DEL_STATE:
              e = this.delState(ctx, r.key, r.collection, null);
              break;
            case T.PURGE_PRIVATE_DATA:
              e = this.purge(ctx, r.key, r.collection);
              break;
            case T.PUT_STATE_METADATA:
              e = this.putStateMetadata(ctx, r.key, r.collection, r.metadata ?? { metakey: '', value: new Uint8Array() });
              break;
            default:
              e = 'unknown operation type';
          }
          if (e) return fail(e); // earlier records stay applied to the simulator
        }
        return okPayload();
      }
      case T.GET_STATE_BY_RANGE: {
        const g = decodeGetStateByRange(m.payload);
        if (!g) return fail(UNMARSHAL);
        const mdr = this.metadataOf(g.metadata);
        if ('error' in mdr) return fail(mdr.error);
        const md = mdr.md;
        const limit = this.totalLimit(md);
        const paginated = md !== null && (md.pageSize !== 0 || md.bookmark !== '');
        if (g.collection) {
          const e = this.privateCheck(ctx, g.collection, 'read');
          if (e) return fail(e);
          const it = sim.getPrivateDataRangeScanIterator(ns, g.collection, g.startKey, g.endKey);
          return it.ok ? this.startQuery(ctx, it.value, false, limit) : fail(it.error);
        }
        if (paginated && md) {
          const start = md.bookmark !== '' ? md.bookmark : g.startKey;
          const it = sim.getStateRangeScanIteratorWithPagination(ns, start, g.endKey, md.pageSize);
          return it.ok ? this.startQuery(ctx, it.value, true, limit) : fail(it.error);
        }
        const it = sim.getStateRangeScanIterator(ns, g.startKey, g.endKey);
        return it.ok ? this.startQuery(ctx, it.value, false, limit) : fail(it.error);
      }
      case T.GET_QUERY_RESULT: {
        const g = decodeGetQueryResult(m.payload);
        if (!g) return fail(UNMARSHAL);
        const mdr = this.metadataOf(g.metadata);
        if ('error' in mdr) return fail(mdr.error);
        const md = mdr.md;
        const limit = this.totalLimit(md);
        const paginated = md !== null && (md.pageSize !== 0 || md.bookmark !== '');
        if (g.collection) {
          const e = this.privateCheck(ctx, g.collection, 'read');
          if (e) return fail(e);
          const it = sim.executeQueryOnPrivateData(ns, g.collection, g.query);
          return it.ok ? this.startQuery(ctx, it.value, false, limit) : fail(it.error);
        }
        if (paginated && md) {
          const it = sim.executeQueryWithPagination(ns, g.query, md.bookmark, md.pageSize);
          return it.ok ? this.startQuery(ctx, it.value, true, limit) : fail(it.error);
        }
        const it = sim.executeQuery(ns, g.query);
        return it.ok ? this.startQuery(ctx, it.value, false, limit) : fail(it.error);
      }
      case T.GET_HISTORY_FOR_KEY: {
        if (!this.opts.ledger.historyEnabled) return fail('history database is not enabled');
        const g = decodeGetHistoryForKey(m.payload);
        if (!g) return fail(UNMARSHAL);
        const it = sim.getHistoryForKey(ns, g.key);
        return it.ok ? this.startQuery(ctx, it.value, false, this.totalLimit(null)) : fail(it.error);
      }
      case T.QUERY_STATE_NEXT: {
        const q = decodeQueryStateId(m.payload);
        if (!q) return fail(UNMARSHAL);
        if (!ctx.queries.has(q.id)) return fail('query iterator not found');
        return okPayload(this.buildQueryResponse(ctx, q.id, false, this.totalLimit(null)));
      }
      case T.QUERY_STATE_CLOSE: {
        const q = decodeQueryStateId(m.payload);
        if (!q) return fail(UNMARSHAL);
        ctx.queries.delete(q.id);
        return okPayload(encodeQueryResponse({ results: [], hasMore: false, id: q.id }));
      }
      case T.INVOKE_CHAINCODE:
        return this.invokeChaincode(m, ctx);
      default:
        return fail(`unexpected message type ${typeName(m.type)}`);
    }
  }

  private putState(ctx: TxContext, key: string, value: Uint8Array, collection: string, badKey: Uint8Array | null): string | null {
    if (collection) return this.privateCheck(ctx, collection, 'write') ?? ctx.params.simulator.setPrivateData(ctx.namespace, collection, key, value, badKey);
    return ctx.params.simulator.setState(ctx.namespace, key, value, badKey);
  }

  private delState(ctx: TxContext, key: string, collection: string, badKey: Uint8Array | null): string | null {
    if (collection) return this.privateCheck(ctx, collection, 'write') ?? ctx.params.simulator.setPrivateData(ctx.namespace, collection, key, null, badKey);
    return ctx.params.simulator.setState(ctx.namespace, key, null, badKey);
  }

  private putStateMetadata(ctx: TxContext, key: string, collection: string, md: { metakey: string; value: Uint8Array } | null): string | null {
    const cap = this.checkMetadataCap();
    if (cap) return cap;
    // msg.Metadata.Metakey on a nil Metadata is a nil-pointer dereference: recovered as a panic.
    if (!md) throw new Error('runtime error: invalid memory address or nil pointer dereference');
    const entries = new Map([[md.metakey, md.value]]);
    if (collection) return this.privateCheck(ctx, collection, 'write') ?? ctx.params.simulator.setPrivateDataMetadata(ctx.namespace, collection, key, entries);
    return ctx.params.simulator.setStateMetadata(ctx.namespace, key, entries);
  }

  private purge(ctx: TxContext, key: string, collection: string): string | null {
    const cap = this.checkPurgeCap();
    if (cap) return cap;
    if (collection === '') return 'only applicable for private data';
    return this.privateCheck(ctx, collection, 'write') ?? ctx.params.simulator.purgePrivateData(ctx.namespace, collection, key);
  }

  /** HandleInvokeChaincode: the callee runs with the same txid; its reply is the callee's whole ChaincodeMessage. */
  private async invokeChaincode(m: ChaincodeMsg, ctx: TxContext): Promise<Reply> {
    const spec = decodeChaincodeSpec(m.payload);
    if (!spec) return fail('unmarshal failed: proto: cannot parse invalid wire-format data');
    const target = parseChaincodeName(spec.name);
    const channel = target.channel || ctx.params.channelId;
    const invoker = this.opts.invoker;
    if (!invoker) return fail('execute failed: this mock peer has no other chaincode to call');
    if (!SYSTEM_CHAINCODES.has(target.name) && !ctx.params.signedProposal) return fail(`signed proposal must not be nil from caller [${target.name}]`);
    let params: TxParams = ctx.params;
    if (channel !== ctx.params.channelId) {
      if (!invoker.hasChannel(channel)) return fail(`failed to find ledger for channel: ${channel}`);
      const caller = ctx.params;
      params = {
        txId: caller.txId,
        channelId: channel,
        signedProposal: caller.signedProposal,
        simulator: invoker.newSimulator(channel, m.txid),
        get proposal() {
          return caller.proposal;
        },
      };
    }
    const r = await invoker.invoke(params, target.name, spec.args, spec.isInit);
    if (!r.ok) return fail(`execute failed: ${r.error}`);
    return okPayload(messageBytes(r.message));
  }
}
