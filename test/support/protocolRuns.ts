import { PEER } from '../../src/config/defaults.js';
import { dial } from '../../src/dial/connect.js';
import type { FabricRelease } from '../../src/catalogue/releases.js';
import { typeName } from '../../src/peer/codec.js';
import { PeerHandler } from '../../src/peer/handler.js';
import { ChaincodeRegistry } from '../../src/peer/registry.js';
import { WorldState } from '../../src/ledger/worldState.js';
import { SCRIPT_CHANNEL, SCRIPT_NAMESPACE, type ProtocolScript } from '../../mocks/chaincode/scripted/script.js';
import type { Heard, ScriptedServer } from '../../mocks/chaincode/scripted/server.js';
import type { OracleOutcome, OracleRun, OracleTxOutcome, OracleWrite, ProtocolOracle } from './protocolOracle.js';

/**
 * One protocol script through both peers, on the same scripted chaincode server: Fabric's own
 * Handler (the protocol oracle) and the mock peer's PeerHandler, each on its own stream with the
 * same seeded world state, the same transactions (same txids) and the same peer settings. What
 * is compared: the chaincode's transcript (every message it received, decoded), what Execute
 * returned for each transaction, each transaction's public write set, and how the stream ended.
 */

export const TX_TIMEOUT_MS = 10_000;
/** A transaction after the stream ended: the peer's handler has deregistered, the next invocation relaunches (both sides say this). */
export const NOT_RUN = 'not run: the stream has ended; the peer would launch the chaincode again';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** How long both peers wait for registration: short when the script never sends the right REGISTER. */
export function registerTimeoutMs(script: ProtocolScript): number {
  return (script.register ?? ['right']).includes('right') ? 10_000 : 400;
}

export interface PeerSettings {
  readonly release: FabricRelease;
  readonly keyLevelEndorsement: boolean;
  readonly purgePvtData: boolean;
}

export function oracleRun(script: ProtocolScript, address: string, packageId: string, s: PeerSettings): OracleRun {
  return {
    address,
    packageId,
    namespace: SCRIPT_NAMESPACE,
    seed: script.seed.map((e) => ({ namespace: e.namespace, key: e.key, value: b64(e.value) })),
    txs: script.txs.map((t) => ({ txid: t.txid, channel: SCRIPT_CHANNEL, init: t.init ?? false, args: t.args.map(b64), timeoutMs: TX_TIMEOUT_MS })),
    registerTimeoutMs: registerTimeoutMs(script),
    totalQueryLimit: script.totalQueryLimit,
    keyLevelEndorsement: s.keyLevelEndorsement,
    purgePvtData: s.purgePvtData,
    runtimeParams: PEER.runtimeParams,
  };
}

function sortWrites(w: OracleWrite[]): OracleWrite[] {
  return w.sort((a, b) => Buffer.compare(Buffer.from(`${a.namespace}\u0000${a.key}`), Buffer.from(`${b.namespace}\u0000${b.key}`)));
}

/** The same run through the mock peer (src/peer), shaped like the oracle's outcome. */
export async function runOnMockPeer(script: ProtocolScript, address: string, packageId: string, s: PeerSettings): Promise<OracleOutcome> {
  const ledger = new WorldState({ historyEnabled: false });
  for (const e of script.seed) ledger.seed(SCRIPT_CHANNEL, e.namespace, e.key, Buffer.from(e.value, 'utf8'));
  const registry = new ChaincodeRegistry();
  registry.launch(packageId);
  const d = await dial({ address, dialTimeoutMs: 10_000, tls: null });
  if (!d.ok) return { register: `dial: ${d.grpcError}`, txs: [], streamEnd: '', release: s.release };
  const h = new PeerHandler(d.dialed.stream, {
    packageId,
    runtimeParams: PEER.runtimeParams,
    ledger,
    registry,
    totalQueryLimit: script.totalQueryLimit,
    applicationCapability: s.purgePvtData ? 2.5 : s.keyLevelEndorsement ? 1.3 : 1.2,
    fabricRelease: s.release,
  });
  try {
    // as the peer's launch waits: registered once READY is sent (a refused REGISTER leaves the
    // stream in created, where a later one may succeed), the stream's end, or the deadline
    const deadline = Date.now() + registerTimeoutMs(script);
    while (h.state !== 'ready' && !h.isEnded && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (h.state !== 'ready') {
      const register = h.isEnded ? 'ended' : 'timeout';
      const streamEnd = h.isEnded ? (h.violation ?? 'EOF') : 'closed by the peer';
      return { register, txs: [], streamEnd, release: s.release };
    }
    const txs: OracleTxOutcome[] = [];
    for (const t of script.txs) {
      if (h.isEnded) {
        txs.push({ txid: t.txid, error: NOT_RUN, writes: [], metadataWrites: [] });
        continue;
      }
      const sim = ledger.newTxSimulator(SCRIPT_CHANNEL, t.txid);
      const r = await h.execute({ txId: t.txid, channelId: SCRIPT_CHANNEL, signedProposal: null, proposal: null, simulator: sim }, SCRIPT_NAMESPACE, t.init ? 'INIT' : 'TRANSACTION', t.args.map((a) => Buffer.from(a, 'utf8')), TX_TIMEOUT_MS);
      const res = sim.results();
      const writes: OracleWrite[] = [];
      for (const [ns, kv] of res.writes) for (const [key, v] of kv) writes.push(v === null ? { namespace: ns, key, isDelete: true } : { namespace: ns, key, ...(v.length > 0 ? { value: Buffer.from(v).toString('base64') } : {}), isDelete: false });
      const metadataWrites: OracleWrite[] = [];
      for (const [ns, keys] of res.metadataWrites) for (const [key, md] of keys) for (const [name, v] of md) metadataWrites.push({ namespace: ns, key: `${key}\u0000${name}`, ...(v.length > 0 ? { value: Buffer.from(v).toString('base64') } : {}), isDelete: false });
      txs.push({
        txid: t.txid,
        ...(r.ok ? { type: typeName(r.message.type), ...(r.message.payload.length > 0 ? { payload: Buffer.from(r.message.payload).toString('base64') } : {}) } : { error: r.error }),
        writes: sortWrites(writes),
        metadataWrites: sortWrites(metadataWrites),
      });
    }
    const streamEnd = h.violation ?? (h.isEnded ? 'EOF' : 'closed by the peer');
    return { register: 'registered', txs, streamEnd, release: s.release };
  } finally {
    h.close();
    d.dialed.close();
  }
}

/** The oracle's outcome in the comparable shape (its writes sorted the same way). */
export function normaliseOracle(o: OracleOutcome): OracleOutcome {
  return { ...o, txs: o.txs.map((t) => ({ ...t, writes: sortWrites([...t.writes]), metadataWrites: sortWrites([...t.metadataWrites]) })) };
}

export interface BothRuns {
  readonly fabric: { readonly outcome: OracleOutcome; readonly heard: Heard[] };
  readonly mock: { readonly outcome: OracleOutcome; readonly heard: Heard[] };
}

/** Runs `script` through Fabric's Handler, then through the mock peer, on `server`. */
export async function runBoth(server: ScriptedServer, oracle: ProtocolOracle, script: ProtocolScript, packageId: string, s: PeerSettings): Promise<BothRuns> {
  server.use(script, packageId);
  const fo = normaliseOracle(await oracle.run(oracleRun(script, server.address, packageId, s)));
  const fh = await server.lastTranscript();
  server.use(script, packageId);
  const mo = await runOnMockPeer(script, server.address, packageId, s);
  const mh = await server.lastTranscript();
  return { fabric: { outcome: fo, heard: fh }, mock: { outcome: mo, heard: mh } };
}

/**
 * Go's protobuf runtime prints its error prefix as "proto: " or "proto:\u00a0", chosen once per
 * binary (internal/detrand) so that nobody matches on the text: both are the peer's text.
 */
export function normaliseProtoPrefix(s: string): string {
  return s.replace(/proto:\u00a0/g, 'proto: ');
}

const show = (x: unknown): string => normaliseProtoPrefix(JSON.stringify(x ?? null));

/** The first difference between the two runs, as readable text; null when they agree. */
export function firstDifference(r: BothRuns): string | null {
  const f = { ...r.fabric, heard: r.fabric.heard.filter((h) => !h.secondAnswer) };
  const m = { ...r.mock, heard: r.mock.heard.filter((h) => !h.secondAnswer) };
  const n = Math.max(f.heard.length, m.heard.length);
  for (let i = 0; i < n; i++) {
    const a = show(f.heard[i]);
    const b = show(m.heard[i]);
    if (a !== b) return `the chaincode's message #${i + 1} differs:\n  Fabric's Handler: ${a}\n  mock peer:        ${b}`;
  }
  if (f.outcome.register !== m.outcome.register) return `REGISTER outcome differs: Fabric ${f.outcome.register} / mock ${m.outcome.register}`;
  const k = Math.max(f.outcome.txs.length, m.outcome.txs.length);
  for (let i = 0; i < k; i++) {
    const a = show(f.outcome.txs[i]);
    const b = show(m.outcome.txs[i]);
    if (a !== b) return `transaction #${i + 1} (Execute result and write set) differs:\n  Fabric's Handler: ${a}\n  mock peer:        ${b}`;
  }
  if (normaliseProtoPrefix(f.outcome.streamEnd) !== m.outcome.streamEnd) return `the stream ended differently:\n  Fabric's Handler: ${f.outcome.streamEnd}\n  mock peer:        ${m.outcome.streamEnd}`;
  if (f.outcome.fault) return `the oracle failed: ${f.outcome.fault}`;
  return null;
}
