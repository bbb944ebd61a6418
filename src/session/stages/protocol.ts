import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { PEER } from '../../config/defaults.js';
import { dial, type DialTarget, type Dialed } from '../../dial/connect.js';
import { failed, passed, type Finding, type PeerFailure } from '../../findings.js';
import { chains } from '../../peer/chains.js';
import type { RegisterOutcome } from '../../peer/handler.js';
import { PeerHandler } from '../../peer/handler.js';
import { MockPeer } from '../../peer/mockPeer.js';
import type { ProposalResult } from '../../peer/endorser.js';
import { launchServer } from '../../server/command.js';
import type { PeerSettings, RunConfig } from '../config.js';
import type { RegisterStage, SessionContext, StageResult, TransactionStage } from '../types.js';

/**
 * Launch and invoke: REGISTER on the stream, then transactions judged against the server
 * itself (PROTO-*): the smoke transaction, an unknown function, concurrent transactions on one
 * stream, a second peer connecting at the same time, a reconnect after the stream ends, peer
 * KEEPALIVE when configured, and what the server did with READY's write-batch advice.
 */
export const REGISTER_RULES = ['PROTO-02', 'PROTO-03', 'PROTO-04', 'PROTO-05', 'PROTO-17'] as const;
export const TRANSACTION_RULES = ['PROTO-01', 'PROTO-07', 'PROTO-08', 'PROTO-14', 'PROTO-15', 'PROTO-16', 'PROTO-18', 'PROTO-19'] as const;

const peers = new WeakMap<SessionContext, MockPeer>();

/** The session's mock peer (ledger, MSP, definitions, registry), created on first use. */
export function sessionPeer(s: SessionContext): MockPeer {
  let p = peers.get(s);
  if (!p) {
    p = newPeer(s.config, s);
    peers.set(s, p);
  }
  return p;
}

function settings(c: RunConfig): PeerSettings {
  return c.peer ?? {};
}

function newPeer(c: RunConfig, s?: SessionContext, executeTimeoutMs = c.executeTimeoutMs): MockPeer {
  const ps = settings(c);
  return new MockPeer(
    {
      channels: [c.channelId],
      runtimeParams: ps.runtimeParams ?? PEER.runtimeParams,
      executeTimeoutMs,
      ...(ps.keepaliveSeconds ? { keepaliveSeconds: ps.keepaliveSeconds } : {}),
      ...(ps.stateDb ? { stateDb: ps.stateDb } : {}),
    },
    s?.ledger,
    s?.msp,
  );
}

/** The chaincode definition the session's package is committed under: name = the label. */
function define(peer: MockPeer, c: RunConfig, name: string, packageId: string): void {
  const ps = settings(c);
  peer.define({
    name,
    packageId,
    version: '1.0',
    initRequired: ps.initRequired ?? false,
    collections: (ps.collections ?? []).map((col) => ({ name: col.name, memberOrgs: [...col.memberOrgs], memberOnlyRead: col.memberOnlyRead ?? true, memberOnlyWrite: col.memberOnlyWrite ?? true })),
  });
}

export async function registerStage(s: SessionContext): Promise<RegisterStage> {
  const d = await s.dial();
  const ccid = await s.packageId();
  const pkg = await s.package();
  if (d.disabled) return { findings: [], failure: null, disabled: d.disabled, outcome: null, handler: null };
  if (d.failure || !d.dialed || !ccid) return { findings: [], failure: d.failure, outcome: null, handler: null };
  const peer = sessionPeer(s);
  define(peer, s.config, pkg.inspected.label ?? ccid, ccid);
  const handler = peer.attach(d.dialed.stream, ccid);
  const outcome = await handler.awaitRegister(s.config.registerTimeoutMs);
  return { ...registerFindings(outcome, ccid, s.config.registerTimeoutMs), outcome, handler };
}

function registerFindings(o: RegisterOutcome, ccid: string, timeoutMs: number): StageResult {
  const never = `the peer would wait chaincode.startuptimeout (${PEER.startupTimeoutMs / 1000} s) and fail the launch`;
  const timeoutChain = chains.launch(ccid, chains.startupTimeout(ccid));
  switch (o.kind) {
    case 'registered':
      return {
        failure: null,
        findings: [
          passed('PROTO-17', `REGISTER arrived ${o.ms} ms after the stream opened`),
          passed('PROTO-03', 'the chaincode sent nothing but REGISTER before registration'),
          passed('PROTO-02', 'the chaincode waited for REGISTERED and READY (states created → established → ready)'),
          passed('PROTO-04', `REGISTER carries the exact package ID ${o.name}`),
          passed('PROTO-05', 'the chaincode accepted REGISTERED and READY with ChaincodeAdditionalParams'),
        ],
      };
    case 'wrong-name':
    case 'duplicate': {
      const f: PeerFailure = {
        rule: 'PROTO-04',
        peerError: o.peerError,
        message:
          o.kind === 'duplicate'
            ? `REGISTER names '${o.name}', which already has a registered handler: the peer refuses it without a reply (the pending launch fails: chaincode registration failed: ${o.peerError})`
            : `REGISTER names '${o.name}', not the package ID '${ccid}': the peer refuses it without a reply; ${never} with '${timeoutChain}' (judged here in ${o.ms} ms)`,
        remedy: `Start the chaincode server with CHAINCODE_ID / CORE_CHAINCODE_ID_NAME set to ${ccid}.`,
        evidence: { registered: o.name, expected: ccid },
      };
      return { failure: f, findings: [passed('PROTO-17', `REGISTER arrived after ${o.ms} ms`), failed(f)] };
    }
    case 'empty-name':
    case 'undecodable': {
      const f: PeerFailure = {
        rule: 'PROTO-04',
        peerError: timeoutChain,
        message: `REGISTER ${o.kind === 'empty-name' ? 'has an empty chaincode name' : 'payload is not a ChaincodeID'}: the peer does not reply and stays in created; ${never}`,
      };
      return { failure: f, findings: [failed(f)] };
    }
    case 'timeout': {
      const f: PeerFailure = { rule: 'PROTO-17', peerError: timeoutChain, message: `no REGISTER within ${timeoutMs} ms of opening the stream; ${never}` };
      return { failure: f, findings: [failed(f)] };
    }
    case 'ended': {
      const f: PeerFailure = { rule: 'PROTO-17', peerError: timeoutChain, message: `the server ended the stream before REGISTER (${o.reason ?? 'EOF'})` };
      return { failure: f, findings: [failed(f)] };
    }
    case 'violation': {
      const f: PeerFailure = { rule: 'PROTO-03', peerError: o.peerError, message: 'the chaincode sent another message before REGISTER; the peer ends the stream without an ERROR' };
      return { failure: f, findings: [failed(f)] };
    }
  }
}

function describe(r: ProposalResult): string {
  return r.peerError ?? `status ${r.response.status}${r.response.message ? ` (${r.response.message})` : ''}`;
}

async function smoke(peer: MockPeer, s: SessionContext, name: string): Promise<ProposalResult> {
  const args = [s.config.smoke.fn, ...s.config.smoke.args].map((a) => Buffer.from(a, 'utf8'));
  return peer.propose({ channelId: s.config.channelId, chaincodeName: name, args, creator: s.msp.user('User1'), commit: false });
}

/**
 * Dials the server again as another peer (its own registry) and registers; `beforeRegistered`
 * runs between that peer receiving REGISTER and answering REGISTERED/READY.
 */
async function secondPeer(
  s: SessionContext,
  target: DialTarget,
  ccid: string,
  name: string,
  budget: number,
  beforeRegistered?: () => Promise<void>,
): Promise<{ peer: MockPeer; handler: PeerHandler; dialed: Dialed } | { error: string }> {
  const r = await dial(target);
  if (!r.ok) return { error: `the connection failed: ${r.grpcError}` };
  const peer = newPeer(s.config, undefined, budget);
  define(peer, s.config, name, ccid);
  const handler = peer.attach(r.dialed.stream, ccid, undefined, beforeRegistered);
  const o = await handler.awaitRegister(s.config.registerTimeoutMs);
  if (o.kind !== 'registered') {
    r.dialed.close();
    return { error: `the stream did not register (${o.kind})` };
  }
  return { peer, handler, dialed: r.dialed };
}

/** How long the second peer of PROTO-19 holds its REGISTERED/READY while the first peer transacts. */
export const REGISTER_WINDOW_MS = 300;

function closePeer(p: { handler: PeerHandler; dialed: Dialed }): void {
  p.handler.close();
  p.dialed.close();
}

/**
 * PROTO-19: two more peers on the server. The first registers; while the second is registering
 * (its REGISTER received, REGISTERED/READY held for REGISTER_WINDOW_MS, as a slow link or a busy
 * peer would) the first sends a transaction; then both transact at once. A server that keeps one
 * handler state for all streams (the Java shim, SHIM-JAVA-04) drops the first peer's transaction
 * in that window, which the first peer sees as its execute timeout.
 */
async function severalPeers(s: SessionContext, target: DialTarget, o: { name: string; ccid: string; budget: number }): Promise<Finding> {
  const first = await secondPeer(s, target, o.ccid, o.name, o.budget);
  if ('error' in first) return failed({ rule: 'PROTO-19', peerError: null, message: `a second peer could not use the server while the first is connected: ${first.error}` });
  let inWindow: Promise<ProposalResult> | null = null;
  const second = await secondPeer(s, target, o.ccid, o.name, o.budget, async () => {
    inWindow = smoke(first.peer, s, o.name);
    await new Promise((r) => setTimeout(r, REGISTER_WINDOW_MS));
  });
  if ('error' in second) {
    closePeer(first);
    return failed({ rule: 'PROTO-19', peerError: null, message: `a third peer could not use the server while two are connected: ${second.error}` });
  }
  const [during, onFirst, onSecond] = await Promise.all([inWindow ?? smoke(first.peer, s, o.name), smoke(first.peer, s, o.name), smoke(second.peer, s, o.name)]);
  closePeer(first);
  closePeer(second);
  await Promise.all([first.handler.awaitEnd(1_000), second.handler.awaitEnd(1_000)]);
  const ok = (r: ProposalResult): boolean => !r.peerError && r.response.status === 200;
  if (ok(during) && ok(onFirst) && ok(onSecond)) {
    return passed('PROTO-19', `several peers used the server at once: a transaction sent while another peer was registering (its READY held ${REGISTER_WINDOW_MS} ms) completed, and both peers then transacted together`);
  }
  const worst = [during, onFirst, onSecond].find((r) => !ok(r)) as ProposalResult;
  return failed({
    rule: 'PROTO-19',
    peerError: worst.peerError,
    message:
      `with two peers on the server: the first peer's transaction sent while the second was registering: ${describe(during)}; ` +
      `then first peer ${describe(onFirst)}, second peer ${describe(onSecond)}`,
  });
}

export async function transactionStage(s: SessionContext): Promise<TransactionStage> {
  const r = await s.register();
  if (r.disabled) return { findings: [], failure: null, disabled: r.disabled, outcome: null, txId: null };
  const pkg = await s.package();
  const ccid = await s.packageId();
  if (r.failure || !r.handler || !ccid) return { findings: [], failure: r.failure, outcome: null, txId: null };
  const peer = sessionPeer(s);
  const name = pkg.inspected.label ?? ccid;
  const fn = s.config.smoke.fn;
  const first = await smoke(peer, s, name);
  const findings: Finding[] = [];
  const outcome = first.peerError
    ? ({ kind: 'failed', ms: first.ms, peerError: first.peerError } as const)
    : ({ kind: 'completed', ms: first.ms, response: first.response, eventName: first.event?.name ?? null } as const);
  if (first.peerError) {
    const rule = /timeout expired/.test(first.peerError) ? 'PROTO-15' : /unmarshal response/.test(first.peerError) ? 'PROTO-08' : /stream terminated/.test(first.peerError) ? 'PROTO-16' : 'PROTO-07';
    const f: PeerFailure = { rule, peerError: first.peerError, message: rule === 'PROTO-15' ? `no COMPLETED or ERROR within ${s.config.executeTimeoutMs} ms` : `the transaction failed: ${first.peerError}` };
    return { findings: [failed(f)], failure: f, outcome, txId: first.txId };
  }
  const status = first.response.status;
  if (status !== 200) {
    const f: PeerFailure = {
      rule: 'PROTO-07',
      peerError: null,
      message: `'${fn}' completed with status ${status}${first.response.message ? ` (${first.response.message})` : ''}; the smoke transaction expects 200`,
      remedy: 'Check that the function exists and succeeds; choose another smoke function with --smoke "fn args..."',
    };
    return { findings: [failed(f), passed('PROTO-08', 'COMPLETED echoed the transaction\'s channel_id and txid')], failure: f, outcome, txId: first.txId };
  }
  findings.push(
    passed('PROTO-08', 'COMPLETED echoed the transaction\'s channel_id and txid and carried a decodable Response'),
    passed('PROTO-18', 'the chaincode accepted a SignedProposal with an X.509 creator from the test MSP'),
  );
  const budget = Math.min(s.config.executeTimeoutMs, 10_000);
  const extras = settings(s.config).smokeOnly ? [] : await serverChecks(s, peer, r.handler, { name, ccid, budget });
  const byRule = new Set(extras.map((f) => f.rule));
  findings.push(...extras);
  if (!byRule.has('PROTO-07')) findings.push(passed('PROTO-07', `'${fn}' completed with status 200 in ${first.ms} ms`));
  if (!byRule.has('PROTO-15')) findings.push(passed('PROTO-15', `completed within chaincode.executetimeout (${first.ms} ms)`));
  findings.push(echoFinding(r.handler));
  const current = peer.registry.handler(ccid);
  findings.push(await keepaliveFinding(s, current instanceof PeerHandler ? current : r.handler));
  const failure = extras.find((f) => f.status === 'failed') ?? null;
  return {
    findings,
    failure: failure ? { rule: failure.rule, peerError: failure.peerError, message: failure.message } : null,
    outcome,
    txId: first.txId,
  };
}

/** PROTO-01: every request and completion of the chaincode names a transaction the peer sent, by channel_id and txid. */
function echoFinding(h: PeerHandler): Finding {
  const sent = new Set<string>();
  const stray: string[] = [];
  let checked = 0;
  for (const e of h.transcript.entries) {
    if (e.dir === 'peer→cc' && (e.type === 'TRANSACTION' || e.type === 'INIT')) sent.add(`${e.channelId}\u0000${e.txid}`);
    else if (e.dir === 'cc→peer' && e.type !== 'REGISTER' && e.type !== 'KEEPALIVE') {
      checked++;
      if (!sent.has(`${e.channelId}\u0000${e.txid}`)) stray.push(`${e.type} txid '${e.txid}' channel '${e.channelId}'`);
    }
  }
  if (stray.length > 0) {
    return failed({
      rule: 'PROTO-01',
      peerError: null,
      message: `${stray.length} of ${checked} messages from the chaincode do not echo the txid and channel_id of a transaction the peer sent (first: ${stray[0]}); the peer drops such completions and answers such requests with 'no ledger context'`,
    });
  }
  return passed('PROTO-01', `all ${checked} requests and completions of the chaincode echoed the txid and channel_id of their transaction`);
}

async function keepaliveFinding(s: SessionContext, h: PeerHandler): Promise<Finding> {
  const ka = settings(s.config).keepaliveSeconds ?? 0;
  if (ka <= 0) return { rule: 'PROTO-14', status: 'disabled', message: 'not applicable: chaincode.keepalive is 0 (the default), so the peer sends no KEEPALIVE; run with --keepalive N to judge it', peerError: null };
  // give the server two KEEPALIVEs (plus slack) since the stream opened before judging it
  const end = await h.awaitEnd(Math.max(0, ka * 2_000 + 500 - h.openMs()));
  if (end.ended) {
    return failed({
      rule: 'PROTO-14',
      peerError: chains.simulation('<txid>', 'error sending: chaincode stream terminated'),
      message: `with chaincode.keepalive ${ka} the server ended the stream (${h.violation ?? end.reason ?? 'EOF'}) after the peer's KEEPALIVE (fabric-shim <= 2.5.8 exits on it: SHIM-NODE-03)`,
      remedy: 'Keep chaincode.keepalive at 0 on peers that serve this server, or move to a shim that echoes or ignores KEEPALIVE.',
    });
  }
  return passed('PROTO-14', `the stream survived peer KEEPALIVE every ${ka} s`);
}

/** The checks that judge the server itself, beyond the smoke transaction. */
async function serverChecks(s: SessionContext, peer: MockPeer, main: PeerHandler, o: { name: string; ccid: string; budget: number }): Promise<Finding[]> {
  const out: Finding[] = [];
  const user = s.msp.user('User1');
  const ch = s.config.channelId;
  // An unknown function must give an error status, not a hang.
  const unknown = await peer.propose({ channelId: ch, chaincodeName: o.name, args: [Buffer.from('ccaas_conformance_no_such_function')], creator: user, commit: false });
  if (unknown.peerError && /timeout expired/.test(unknown.peerError)) {
    out.push(failed({ rule: 'PROTO-15', peerError: unknown.peerError, message: 'an unknown function got no COMPLETED or ERROR: the invocation hangs until chaincode.executetimeout' }));
  } else if (!unknown.peerError && unknown.response.status < 400) {
    out.push(failed({ rule: 'PROTO-07', peerError: null, message: `an unknown function was answered with status ${unknown.response.status}, which the peer endorses as a success` }));
  } else out.push(passed('PROTO-07', `an unknown function is answered promptly with ${describe(unknown)}`));

  // Concurrent transactions on one stream, matched by channel_id + txid.
  const n = 16;
  const many = await Promise.all(Array.from({ length: n }, () => smoke(peer, s, o.name)));
  const bad = many.filter((r) => r.peerError || r.response.status !== 200);
  out.push(
    bad.length === 0
      ? passed('PROTO-08', `${n} concurrent transactions on one stream all completed, each matched by its txid`)
      : failed({ rule: 'PROTO-08', peerError: bad[0]?.peerError ?? null, message: `${bad.length} of ${n} concurrent transactions on one stream failed: ${describe(bad[0] as ProposalResult)}` }),
  );

  // Several peers at once, then a reconnect after a stream ends.
  const d = await s.dial();
  if (!d.target) return out;
  const several = await severalPeers(s, d.target, o);
  out.push(several);
  const again = await secondPeer(s, d.target, o.ccid, o.name, o.budget);
  if ('error' in again) {
    out.push(failed({ rule: 'PROTO-16', peerError: null, message: `after a stream ended the server did not accept a new one: ${again.error}` }));
    return out;
  }
  const re = await smoke(again.peer, s, o.name);
  closePeer(again);
  out.push(
    !re.peerError && re.response.status === 200
      ? passed('PROTO-16', 'after a stream ended the server accepted a new one (the peer relaunches this way), registered again and transacted')
      : failed({ rule: 'PROTO-16', peerError: re.peerError, message: `after reconnecting: ${describe(re)}` }),
  );
  if (several.status !== 'passed' || main.isEnded) await relaunch(s, peer, main, d.target, o.ccid);
  return out;
}

/**
 * After a server lost its first stream to a second peer (PROTO-19), the session's peer relaunches
 * as a peer does after a failed stream: the old stream is closed (its handler deregistered) and a
 * new one registers, so the rest of the run (the user's scenarios) talks to a working stream.
 */
async function relaunch(s: SessionContext, peer: MockPeer, main: PeerHandler, target: DialTarget, ccid: string): Promise<void> {
  main.transcript.note(main.isEnded ? 'the session relaunches the chaincode stream, which ended during the server checks' : 'the session relaunches the chaincode stream after PROTO-19 failed');
  main.close();
  const r = await dial(target);
  if (!r.ok) return;
  s.adoptDialed(r.dialed);
  const h = peer.attach(r.dialed.stream, ccid, main.transcript);
  await h.awaitRegister(s.config.registerTimeoutMs);
}

// ---- a second chaincode (INVOKE_CHAINCODE targets) ------------------------------------------------

const seconds = new Set<{ readonly pid: number; stop(): Promise<void>; close(): void }>();

// However the run ends (a signal, an uncaught error), no second server outlives it.
process.on('exit', () => {
  for (const x of seconds) {
    try {
      if (x.pid > 0) process.kill(-x.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the run's `--command` server a second time as chaincode `name` (its own package ID,
 * `name:<sha256 of name>`, plaintext on a free loopback port), and commits a definition for it
 * on the session's peer: a callee for INVOKE_CHAINCODE.
 */
export async function startSecondChaincode(s: SessionContext, name: string): Promise<void> {
  const peer = sessionPeer(s);
  const existing = peer.definition(name);
  if (existing && peer.registry.handler(existing.packageId)) return;
  if (!s.config.command) throw new Error(`a second chaincode needs the server command (--command): the harness starts it again as '${name}'`);
  const packageId = `${name}:${createHash('sha256').update(name).digest('hex')}`;
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const server = await launchServer({ command: s.config.command, packageId, address, cwd: s.config.workDir, baseEnv: process.env });
  if (server.problem) {
    await server.stop();
    throw new Error(`the second chaincode '${name}' did not start: ${server.problem}\n${server.output().slice(-20).join('\n')}`);
  }
  const r = await dial({ address, dialTimeoutMs: 10_000, tls: null });
  if (!r.ok) {
    await server.stop();
    throw new Error(`cannot dial the second chaincode '${name}' at ${address}: ${r.grpcError}`);
  }
  seconds.add({ pid: server.pid, stop: () => server.stop(), close: () => r.dialed.close() });
  peer.define({ name, packageId, version: '1.0', initRequired: false, collections: [] });
  const h = peer.attach(r.dialed.stream, packageId);
  const o = await h.awaitRegister(s.config.registerTimeoutMs);
  if (o.kind !== 'registered') throw new Error(`the second chaincode '${name}' did not register (${o.kind})`);
}

/** Stops every second chaincode server this process started. */
export async function stopSecondChaincodes(): Promise<void> {
  const all = [...seconds];
  seconds.clear();
  for (const x of all) x.close();
  await Promise.all(all.map((x) => x.stop()));
}
