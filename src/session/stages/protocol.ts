import { PEER } from '../../config/defaults.js';
import { failed, passed, type Finding, type PeerFailure } from '../../findings.js';
import { DEFAULT_FABRIC_RELEASE, type FabricRelease } from '../../catalogue/releases.js';
import { chains, goErrorOfStreamEnd, streamEndError } from '../../peer/chains.js';
import { ERROR_EXECUTION_TIMEOUT, PeerHandler, type MisroutedCompletion, type RegisterOutcome } from '../../peer/handler.js';
import type { RegisterStage, SessionContext, StageResult, TransactionStage } from '../types.js';
import { serverChecks } from './serverChecks.js';
import { isChaincodeError, smokeAnswer, type ChaincodeAnswer } from '../../peer/answers.js';
import type { ProposalResult } from '../../peer/endorser.js';
import { define, ruleOfPeerError, sessionPeer, settings, smoke } from './sessionPeer.js';

/**
 * Launch and invoke: REGISTER on the stream, then transactions judged against the server
 * itself (PROTO-*): the smoke transaction, then the server checks (serverChecks.ts), peer
 * KEEPALIVE when configured, and whether every message echoed its transaction's txid.
 */

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
  return { ...registerFindings(outcome, ccid, s.config.registerTimeoutMs, s.config.peer?.fabricRelease ?? DEFAULT_FABRIC_RELEASE, s.config.peer?.startupTimeoutMs), outcome, handler };
}

export function registerFindings(o: RegisterOutcome, ccid: string, timeoutMs: number, release: FabricRelease = DEFAULT_FABRIC_RELEASE, startupTimeoutMs: number = PEER.startupTimeoutMs): StageResult {
  const never = `the peer would wait chaincode.startuptimeout (${startupTimeoutMs / 1000} s) and fail the launch`;
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
      // The launch fails at once: Stream returns (3.x: with HandleChaincodeStream's error; 2.5: nil, "terminated"), no startup timeout.
      const goError = goErrorOfStreamEnd(o.reason);
      const f: PeerFailure = {
        rule: 'PROTO-17',
        peerError: chains.launch(ccid, chains.streamEnded(ccid, release, streamEndError(goError))),
        message: `the server ended the stream before REGISTER (${goError ?? 'EOF'}): the peer fails the launch at once${release === '2.5' ? ' (Fabric 2.5 drops the stream\'s error and reports only that the connection terminated)' : ''}`,
      };
      return { failure: f, findings: [failed(f)] };
    }
    case 'violation': {
      const f: PeerFailure = { rule: 'PROTO-03', peerError: o.peerError, message: 'the chaincode sent another message before REGISTER; the peer ends the stream without an ERROR' };
      return { failure: f, findings: [failed(f)] };
    }
  }
}

/** PROTO-08: the chaincode's completion named another channel_id or txid; the peer dropped it and times out. */
export function misroutedFailure(c: MisroutedCompletion, peerError: string, executeTimeoutMs: number, judgedMs: number): PeerFailure {
  const fields = c.mismatched.map((f) => (f === 'txid' ? `txid ${JSON.stringify(c.txid)} (the transaction's is ${JSON.stringify(c.meant.txid)})` : `channel_id ${JSON.stringify(c.channelId)} (the transaction's is ${JSON.stringify(c.meant.channelId)})`));
  return {
    rule: 'PROTO-08',
    peerError,
    message: `the chaincode answered with ${c.type} ${c.ms} ms after the TRANSACTION, but with ${fields.join(' and ')}: the peer matches COMPLETED/ERROR to a transaction by channel_id + txid, finds no transaction context, drops the message with only a debug log (\`notifier Txid:${c.txid}, channelID:${c.channelId} does not exist for handling message ${c.type}\`) and fails the invocation after chaincode.executetimeout (${executeTimeoutMs / 1000} s) with \`${ERROR_EXECUTION_TIMEOUT}\`; judged here in ${judgedMs} ms`,
    remedy: `Send ${c.type} with the txid and channel_id of the TRANSACTION it answers (the shims copy both; a hand-written server must too).`,
    evidence: { type: c.type, txid: c.txid, channelId: c.channelId, transactionTxid: c.meant.txid, transactionChannelId: c.meant.channelId, mismatched: [...c.mismatched], afterMs: c.ms },
  };
}

/**
 * The first invocation is the one whose launch the register stage ran: the peer's Invoke launches
 * (Launch waits for the chaincode to register), looks the handler up, then executes on it. A
 * stream that ends right after it registers races that lookup in the real peer: the invocation
 * fails with `error sending: chaincode stream terminated` when it found the handler first, and with
 * ChaincodeSupport.Launch's `claimed to start chaincode container ... but could not find handler`
 * when the end was processed first. The harness gives the text of the side its own timing took
 * (its handler already gone before the invocation: Launch's) and names the other.
 */
export function launchRace(ccid: string, handlerGone: boolean): string {
  return handlerGone
    ? `. The stream ended right after it registered: the peer prints this when the end is processed before its invocation looks the handler up, and 'error sending: chaincode stream terminated' when the invocation finds the handler first: one race in the peer, the same failure`
    : `. If the stream ended right after it registered, the peer prints this when its invocation found the stream's handler first, and '${chains.handlerGone(ccid)}' when the end was processed first: one race in the peer, the same failure`;
}

/**
 * The first invocation's result as the peer gives it: when the stream was gone before the
 * invocation (`handlerGone`) and that is what failed it, Launch's text in place of the mock
 * peer's own. (An invocation the peer refuses before it launches, `invalid invocation: ...`,
 * keeps its text.)
 */
export function launchedInvocation(sent: ProposalResult, handlerGone: boolean, ccid: string): ProposalResult {
  if (!handlerGone || sent.peerError === null || ruleOfPeerError(sent.peerError) !== 'PROTO-16') return sent;
  const lost = chains.simulation(sent.txId, chains.handlerGone(ccid));
  return { ...sent, peerError: lost, response: { ...sent.response, message: lost } };
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
  // the stream already gone: the peer's Launch would not find the handler it just launched
  const handlerGone = r.handler.isEnded;
  const first = launchedInvocation(await smoke(peer, s, name), handlerGone, ccid);
  const findings: Finding[] = [];
  const outcome = first.peerError
    ? ({ kind: 'failed', ms: first.ms, peerError: first.peerError } as const)
    : ({ kind: 'completed', ms: first.ms, response: first.response, eventName: first.event?.name ?? null } as const);
  const answers: ChaincodeAnswer[] = [];
  const smokeSaid = smokeAnswer(fn, first, s.config.smoke.requested === true);
  if (smokeSaid) answers.push(smokeSaid);
  if (first.peerError && !isChaincodeError(first.peerError)) {
    const rule = ruleOfPeerError(first.peerError);
    const dropped = rule === 'PROTO-15' ? r.handler.misroutedFor(first.txId) : null;
    const f: PeerFailure = dropped
      ? misroutedFailure(dropped, first.peerError, s.config.executeTimeoutMs, first.ms)
      : { rule, peerError: first.peerError, message: rule === 'PROTO-15' ? `no COMPLETED or ERROR within ${s.config.executeTimeoutMs} ms` : `the transaction failed: ${first.peerError}${rule === 'PROTO-16' ? launchRace(ccid, handlerGone) : ''}` };
    return { findings: [failed(f)], failure: f, outcome, txId: first.txId };
  }
  // The chaincode answered (COMPLETED with a Response, or its own ERROR): the peer's protocol
  // worked, whatever the status. The status is the chaincode's answer (answers), not a rule.
  const answered = first.peerError ? `answered '${fn}' with its own ERROR message, which the peer relays to the client` : `completed '${fn}' with status ${first.response.status}${first.response.status === 200 ? '' : ' (the chaincode\'s own answer: see the chaincode answers)'}`;
  findings.push(
    passed('PROTO-08', first.peerError ? 'the ERROR echoed the transaction\'s channel_id and txid' : 'COMPLETED echoed the transaction\'s channel_id and txid and carried a decodable Response'),
    passed('PROTO-18', 'the chaincode accepted a SignedProposal with an X.509 creator from the test MSP'),
  );
  const budget = Math.min(s.config.executeTimeoutMs, 10_000);
  const checks = settings(s.config).smokeOnly ? { findings: [], answers: [] } : await serverChecks(s, peer, r.handler, { name, ccid, budget });
  const extras = checks.findings;
  answers.push(...checks.answers);
  const byRule = new Set(extras.map((f) => f.rule));
  findings.push(...extras);
  if (!byRule.has('PROTO-07')) findings.push(passed('PROTO-07', `the chaincode ${answered} in ${first.ms} ms`));
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
    answers,
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
  if (ka <= 0) return { rule: 'PROTO-14', status: 'disabled', message: 'not applicable: chaincode.keepalive is 0 (the default), so the peer sends no KEEPALIVE; run with --keepalive N (or a --core-yaml that sets it) to judge it', peerError: null };
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
