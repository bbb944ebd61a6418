import { PEER } from '../../src/config/defaults.js';
import { dial } from '../../src/dial/connect.js';
import { decodeQueryResponse, decodeQueryStateId, decodeResponse, decodeSignedProposal, typeName, type ChaincodeMsg } from '../../src/peer/codec.js';
import { PeerHandler } from '../../src/peer/handler.js';
import type { TestMsp } from '../../src/peer/identity.js';
import { buildProposal } from '../../src/peer/proposal.js';
import { ChaincodeRegistry } from '../../src/peer/registry.js';
import { ChaincodeSupport } from '../../src/peer/support.js';
import type { CollectionConfig } from '../../src/ledger/worldState.js';
import type { ChaincodeStream } from '../../src/peer/stream.js';
import { WorldState } from '../../src/ledger/worldState.js';
import type { FabricRelease } from '../../src/catalogue/releases.js';
import type { AssetScenario } from './assetFeature.js';
import type { OracleRun, ProtocolOracle } from './protocolOracle.js';

/**
 * One asset.feature scenario through both peers on a real shim's server: Fabric's own Handler
 * (the protocol oracle, recording on the peer's side of the stream) and the mock peer's
 * PeerHandler (recording the same way), with the same SignedProposal bytes for each transaction.
 * The result is each side's transcript: every ChaincodeMessage sent and received, in order.
 */

export const ASSET_CHANNEL = 'mychannel';
export const ASSET_NAMESPACE = 'asset';
const TX_TIMEOUT_MS = 20_000;
/** ledger.state.totalQueryLimit of the sample core.yaml, on both sides. */
const TOTAL_QUERY_LIMIT = 100_000;

export interface WireEntry {
  readonly dir: string;
  readonly type: string;
  readonly txid: string;
  readonly channel: string;
  readonly payload: Uint8Array;
  readonly proposal: Uint8Array;
}

/** A transaction ready for both peers: the one SignedProposal both are given. */
export interface PreparedTx {
  readonly txId: string;
  readonly signedProposal: Uint8Array;
  readonly args: readonly Uint8Array[];
  readonly commit: boolean;
}

/** A second chaincode's server: the package ID it registers with and its address. */
export interface CalleeServer {
  readonly packageId: string;
  readonly address: string;
}

/** The scenario's collections as the chaincode definition declares them (the steps' member-only read and write). */
function collectionsOf(s: AssetScenario): CollectionConfig[] {
  return s.collections.map((c) => ({ name: c.name, memberOrgs: [...c.members], memberOnlyRead: true, memberOnlyWrite: true }));
}

function calleeOf(callees: ReadonlyMap<string, CalleeServer>, name: string): CalleeServer {
  const c = callees.get(name);
  if (!c) throw new Error(`no server for the second chaincode '${name}'`);
  return c;
}

export function prepare(s: AssetScenario, msps: (mspId: string) => TestMsp): PreparedTx[] {
  return s.txs.map((t) => {
    const args = [t.fn, ...t.args].map((a) => Buffer.from(a, 'utf8'));
    const transient = new Map(Object.entries(t.transient).map(([k, v]) => [k, Buffer.from(v, 'utf8')] as const));
    const built = buildProposal({ channelId: ASSET_CHANNEL, chaincodeName: ASSET_NAMESPACE, args, isInit: false, transient, creator: msps(t.mspId).user(t.user) });
    return { txId: built.txId, signedProposal: built.signedProposal, args, commit: t.kind === 'invoke' };
  });
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/**
 * `msps`: the channel's organisations (the TestMsps the transactions' creators come from); Fabric's
 * side judges collection membership with its own MSPs set up from their root CAs.
 */
export async function onFabric(oracle: ProtocolOracle, address: string, packageId: string, s: AssetScenario, txs: readonly PreparedTx[], release: FabricRelease, callees: ReadonlyMap<string, CalleeServer> = new Map(), msps: readonly TestMsp[] = []): Promise<{ transcript: WireEntry[]; fault: string | null }> {
  const run: OracleRun & { record: boolean } = {
    address,
    packageId,
    namespace: ASSET_NAMESPACE,
    seed: s.seed.filter((e) => e.namespace === null).map((e) => ({ namespace: ASSET_NAMESPACE, key: e.key, value: b64(Buffer.from(e.value, 'utf8')) })),
    txs: txs.map((t) => ({ txid: t.txId, channel: ASSET_CHANNEL, init: false, args: t.args.map(b64), timeoutMs: TX_TIMEOUT_MS, signedProposal: b64(t.signedProposal), commit: t.commit })),
    registerTimeoutMs: 20_000,
    totalQueryLimit: TOTAL_QUERY_LIMIT,
    keyLevelEndorsement: true,
    purgePvtData: true,
    runtimeParams: PEER.runtimeParams,
    record: true,
    collections: collectionsOf(s).map((c) => ({ name: c.name, members: c.memberOrgs, memberOnlyRead: c.memberOnlyRead, memberOnlyWrite: c.memberOnlyWrite })),
    stateDatabase: s.stateDb,
    msps: msps.map((m) => ({ id: m.mspId, rootCert: m.caCertPem, adminCert: m.user('Admin').credential.certPem })),
    // core.yaml's ledger.history.enableHistoryDatabase: true, as on the mock peer's side
    history: true,
    callees: s.callees.map((name) => ({
      name,
      ...calleeOf(callees, name),
      seed: s.seed.filter((e) => e.namespace === name).map((e) => ({ namespace: name, key: e.key, value: b64(Buffer.from(e.value, 'utf8')) })),
    })),
  };
  const o = await oracle.run(run);
  if (o.release !== release) throw new Error(`the oracle is Fabric ${o.release}, not ${release}`);
  const transcript = (o.transcript ?? []).map((m) => ({ dir: m.dir, type: m.type, txid: m.txid, channel: m.channel, payload: Buffer.from(m.payload ?? '', 'base64'), proposal: Buffer.from(m.proposal ?? '', 'base64') }));
  const fault = o.fault ?? (o.register !== 'registered' ? `register: ${o.register}` : null) ?? o.txs.find((t) => t.error)?.error ?? null;
  return { transcript, fault };
}

function recordingStream(inner: ChaincodeStream, out: WireEntry[]): ChaincodeStream {
  const rec = (dir: string, m: ChaincodeMsg): void => void out.push({ dir, type: typeName(m.type), txid: m.txid, channel: m.channelId, payload: m.payload, proposal: m.proposal ?? new Uint8Array() });
  return {
    send: (m) => {
      rec('peer→cc', m);
      inner.send(m);
    },
    onMessage: (cb) =>
      inner.onMessage((m) => {
        rec('cc→peer', m);
        cb(m);
      }),
    onEnd: (cb) => inner.onEnd(cb),
    close: () => inner.close(),
  };
}

export async function onMockPeer(address: string, packageId: string, s: AssetScenario, txs: readonly PreparedTx[], release: FabricRelease, callees: ReadonlyMap<string, CalleeServer> = new Map()): Promise<{ transcript: WireEntry[]; fault: string | null }> {
  const ledger = new WorldState({ historyEnabled: true, stateDb: s.stateDb });
  for (const e of s.seed) ledger.seed(ASSET_CHANNEL, e.namespace ?? ASSET_NAMESPACE, e.key, Buffer.from(e.value, 'utf8'));
  const registry = new ChaincodeRegistry();
  registry.launch(packageId);
  const collections = collectionsOf(s);
  registry.define({ name: ASSET_NAMESPACE, packageId, version: '1.0', initRequired: false, collections });
  ledger.defineCollections(ASSET_CHANNEL, ASSET_NAMESPACE, collections);
  const support = new ChaincodeSupport(registry, ledger, { executeTimeoutMs: TX_TIMEOUT_MS, channels: [ASSET_CHANNEL] });
  const options = (id: string) => ({ packageId: id, runtimeParams: PEER.runtimeParams, ledger, registry, totalQueryLimit: TOTAL_QUERY_LIMIT, applicationCapability: 2.5, fabricRelease: release, invoker: support });
  const opened: Array<{ h: PeerHandler; close: () => void }> = [];
  const ready = async (h: PeerHandler): Promise<boolean> => {
    const deadline = Date.now() + 20_000;
    while (h.state !== 'ready' && !h.isEnded && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return h.state === 'ready';
  };
  const transcript: WireEntry[] = [];
  try {
    for (const name of s.callees) {
      const c = calleeOf(callees, name);
      registry.launch(c.packageId);
      registry.define({ name, packageId: c.packageId, version: '1.0', initRequired: false, collections: [] });
      const dc = await dial({ address: c.address, dialTimeoutMs: 20_000, tls: null });
      if (!dc.ok) return { transcript: [], fault: `dial ${name}: ${dc.grpcError}` };
      const hc = new PeerHandler(dc.dialed.stream, options(c.packageId));
      opened.push({ h: hc, close: () => dc.dialed.close() });
      if (!(await ready(hc))) return { transcript: [], fault: `register ${name}: ${hc.isEnded ? 'ended' : 'timeout'}` };
    }
    const d = await dial({ address, dialTimeoutMs: 20_000, tls: null });
    if (!d.ok) return { transcript: [], fault: `dial: ${d.grpcError}` };
    const h = new PeerHandler(recordingStream(d.dialed.stream, transcript), options(packageId));
    opened.push({ h, close: () => d.dialed.close() });
    if (!(await ready(h))) return { transcript, fault: `register: ${h.isEnded ? 'ended' : 'timeout'}` };
    for (const t of txs) {
      const sim = ledger.newTxSimulator(ASSET_CHANNEL, t.txId);
      const r = await h.execute({ txId: t.txId, channelId: ASSET_CHANNEL, signedProposal: t.signedProposal, proposal: decodeSignedProposal(t.signedProposal), simulator: sim }, ASSET_NAMESPACE, 'TRANSACTION', t.args, TX_TIMEOUT_MS);
      if (!r.ok) return { transcript, fault: r.error };
      const status = typeName(r.message.type) === 'COMPLETED' ? (decodeResponse(r.message.payload)?.status ?? 500) : 500;
      if (t.commit && status < 400) ledger.commit(sim.results(), undefined, decodeSignedProposal(t.signedProposal)?.timestamp ?? undefined);
    }
    return { transcript, fault: null };
  } finally {
    for (const o of opened.reverse()) {
      o.h.close();
      o.close();
    }
  }
}

/** Requests whose RESPONSE payload is a QueryResponse carrying an iterator ID. */
const ITERATOR_REQUESTS = new Set(['GET_STATE_BY_RANGE', 'GET_QUERY_RESULT', 'GET_HISTORY_FOR_KEY', 'QUERY_STATE_NEXT', 'QUERY_STATE_CLOSE']);

/**
 * A transcript in the comparable shape. Normalised, and why:
 * - iterator IDs (QueryResponse.id, QueryStateNext/QueryStateClose.id): Fabric's Handler names
 *   each iterator with a fresh random UUID (UUIDGenerator), the mock peer with its own scheme; both
 *   are opaque to the chaincode, which only echoes them. Each distinct ID becomes `iterator#n` in
 *   order of first appearance.
 * Not normalised, because both peers are given the same bytes: txids, channel, the SignedProposal
 * (nonce, timestamp, creator, signature) in TRANSACTION's proposal field.
 */
export function comparable(t: readonly WireEntry[]): unknown[] {
  const ids = new Map<string, string>();
  const id = (s: string): string => {
    if (s === '') return s;
    if (!ids.has(s)) ids.set(s, `iterator#${ids.size + 1}`);
    return ids.get(s) ?? s;
  };
  const pending = new Map<string, string>();
  return t.map((m) => {
    let payload: unknown = b64(m.payload);
    if (m.dir === 'cc→peer') pending.set(m.txid, m.type);
    if (m.dir === 'cc→peer' && (m.type === 'QUERY_STATE_NEXT' || m.type === 'QUERY_STATE_CLOSE')) {
      const q = decodeQueryStateId(m.payload);
      if (q) payload = { id: id(q.id) };
    }
    if (m.dir === 'peer→cc' && m.type === 'RESPONSE' && ITERATOR_REQUESTS.has(pending.get(m.txid) ?? '')) {
      const q = decodeQueryResponse(m.payload);
      if (q) payload = { results: q.results.map(b64), hasMore: q.hasMore, id: id(q.id), metadata: q.metadata ? b64(q.metadata) : null };
    }
    return { dir: m.dir, type: m.type, txid: m.txid, channel: m.channel, payload, ...(m.proposal.length > 0 ? { proposal: b64(m.proposal) } : {}) };
  });
}

/** The first difference between two comparable transcripts, as readable text; null when they agree. */
export function firstTranscriptDifference(fabric: readonly unknown[], mock: readonly unknown[]): string | null {
  const n = Math.max(fabric.length, mock.length);
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(fabric[i] ?? null);
    const b = JSON.stringify(mock[i] ?? null);
    if (a !== b) return `message #${i + 1} differs:\n  Fabric's Handler: ${a}\n  mock peer:        ${b}`;
  }
  return null;
}
