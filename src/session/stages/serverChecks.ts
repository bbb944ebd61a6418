import { dial, type DialTarget, type Dialed } from '../../dial/connect.js';
import { failed, passed, type Finding } from '../../findings.js';
import type { PeerHandler } from '../../peer/handler.js';
import type { MockPeer } from '../../peer/mockPeer.js';
import type { ProposalResult } from '../../peer/endorser.js';
import type { SessionContext } from '../types.js';
import { isChaincodeError, unknownFunctionAnswer, UNKNOWN_FUNCTION, type ChaincodeAnswer } from '../../peer/answers.js';
import { define, describeResult, newPeer, ruleOfPeerError, smoke } from './sessionPeer.js';

/**
 * The chaincode answered the (smoke) transaction: a COMPLETED with a Response of any status, or its
 * own ERROR. Which status is the chaincode's business; the server checks judge the protocol.
 */
function answeredAsSmoke(r: ProposalResult): boolean {
  return r.peerError === null || isChaincodeError(r.peerError);
}

/**
 * The checks that judge the chaincode server itself, beyond the smoke transaction: an unknown
 * function (PROTO-07/15), concurrent transactions on one stream (PROTO-08), several peers at once
 * (PROTO-19) and a reconnect after a stream ends (PROTO-16).
 */

/**
 * Dials the server again as another peer (its own registry) and registers; `beforeRegistered`
 * runs between that peer receiving REGISTER and answering REGISTERED/READY.
 */
async function anotherPeer(
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

/** How long at most the second peer of PROTO-19 holds its REGISTERED/READY while the first peer transacts. */
export const REGISTER_WINDOW_MS = 300;

function closePeer(p: { handler: PeerHandler; dialed: Dialed }): void {
  p.handler.close();
  p.dialed.close();
}

/**
 * PROTO-19: two more peers on the server. The first registers; while the second is registering
 * (its REGISTER received, REGISTERED/READY held until that transaction completes or for at most
 * REGISTER_WINDOW_MS, as a slow link or a busy peer would) the first sends a transaction; then
 * both transact at once. A server that keeps one
 * handler state for all streams (the Java shim, SHIM-JAVA-04) drops the first peer's transaction
 * in that window, which the first peer sees as its execute timeout.
 */
async function severalPeers(s: SessionContext, target: DialTarget, o: { name: string; ccid: string; budget: number }): Promise<Finding> {
  const first = await anotherPeer(s, target, o.ccid, o.name, o.budget);
  if ('error' in first) return failed({ rule: 'PROTO-19', peerError: null, message: `a second peer could not use the server while the first is connected: ${first.error}` });
  let inWindow: Promise<ProposalResult> | null = null;
  const second = await anotherPeer(s, target, o.ccid, o.name, o.budget, async () => {
    const tx = smoke(first.peer, s, o.name);
    inWindow = tx;
    // the window closes when that transaction completes (a server with state per stream answers
    // in milliseconds) or after REGISTER_WINDOW_MS (a server that dropped it never will)
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([tx, new Promise((r) => (timer = setTimeout(r, REGISTER_WINDOW_MS)))]);
    clearTimeout(timer);
  });
  if ('error' in second) {
    closePeer(first);
    return failed({ rule: 'PROTO-19', peerError: null, message: `a third peer could not use the server while two are connected: ${second.error}` });
  }
  const [during, onFirst, onSecond] = await Promise.all([inWindow ?? smoke(first.peer, s, o.name), smoke(first.peer, s, o.name), smoke(second.peer, s, o.name)]);
  closePeer(first);
  closePeer(second);
  await Promise.all([first.handler.awaitEnd(1_000), second.handler.awaitEnd(1_000)]);
  const ok = answeredAsSmoke;
  if (ok(during) && ok(onFirst) && ok(onSecond)) {
    return passed('PROTO-19', `several peers used the server at once: a transaction sent while another peer was registering (its READY held until then) completed, and both peers then transacted together`);
  }
  const worst = [during, onFirst, onSecond].find((r) => !ok(r)) as ProposalResult;
  return failed({
    rule: 'PROTO-19',
    peerError: worst.peerError,
    message:
      `with two peers on the server: the first peer's transaction sent while the second was registering: ${describeResult(during)}; ` +
      `then first peer ${describeResult(onFirst)}, second peer ${describeResult(onSecond)}`,
  });
}

/**
 * An unknown function must be answered promptly: a COMPLETED with a Response or an ERROR message
 * (the peer's `transaction returned with failure: ...`). Which status the chaincode chooses is its
 * own business: a success status is endorsed by the peer and reported as a chaincode answer
 * (src/peer/answers.ts), not a broken rule. No answer hangs the invocation (PROTO-15); an
 * undecodable Response (PROTO-08) or an ended stream (PROTO-16) break the rule they are named by.
 */
export function judgeUnknownFunction(r: ProposalResult, executeTimeoutMs: number): Finding {
  if (r.peerError === null) {
    return r.response.status < 400
      ? passed('PROTO-07', `an unknown function is answered promptly with a Response (status ${r.response.status}); the peer accepts it and endorses it as a success, which is the chaincode's own choice (see the chaincode answers)`)
      : passed('PROTO-07', `an unknown function is answered promptly with ${describeResult(r)}`);
  }
  const rule = ruleOfPeerError(r.peerError);
  if (rule === 'PROTO-07' && /transaction returned with failure: /.test(r.peerError)) return passed('PROTO-07', `an unknown function is answered promptly with an ERROR: ${r.peerError}`);
  const message =
    rule === 'PROTO-15'
      ? `an unknown function got no COMPLETED or ERROR within ${executeTimeoutMs} ms: the invocation hangs until chaincode.executetimeout`
      : rule === 'PROTO-08'
        ? 'an unknown function was answered with a COMPLETED whose payload is not a protos.Response'
        : rule === 'PROTO-16'
          ? 'the server ended the stream when asked for an unknown function: every transaction in flight on it fails and the peer must relaunch'
          : `an unknown function failed at the peer: ${r.peerError}`;
  return failed({ rule, peerError: r.peerError, message });
}

/** The checks that judge the server itself, beyond the smoke transaction. */
export async function serverChecks(s: SessionContext, peer: MockPeer, main: PeerHandler, o: { name: string; ccid: string; budget: number }): Promise<{ findings: Finding[]; answers: ChaincodeAnswer[] }> {
  const findings = await serverChecksOf(s, peer, main, o);
  return { findings: findings.out, answers: findings.answers };
}

async function serverChecksOf(s: SessionContext, peer: MockPeer, main: PeerHandler, o: { name: string; ccid: string; budget: number }): Promise<{ out: Finding[]; answers: ChaincodeAnswer[] }> {
  const out: Finding[] = [];
  const answers: ChaincodeAnswer[] = [];
  const user = s.msp.user('User1');
  const ch = s.config.channelId;
  // An unknown function must give an error status, not a hang.
  const unknown = await peer.propose({ channelId: ch, chaincodeName: o.name, args: [Buffer.from(UNKNOWN_FUNCTION)], creator: user, commit: false });
  out.push(judgeUnknownFunction(unknown, s.config.executeTimeoutMs));
  const said = unknownFunctionAnswer(unknown);
  if (said) answers.push(said);

  // Concurrent transactions on one stream, matched by channel_id + txid.
  const n = 16;
  const many = await Promise.all(Array.from({ length: n }, () => smoke(peer, s, o.name)));
  const bad = many.filter((r) => !answeredAsSmoke(r));
  out.push(
    bad.length === 0
      ? passed('PROTO-08', `${n} concurrent transactions on one stream all completed, each matched by its txid`)
      : failed({ rule: 'PROTO-08', peerError: bad[0]?.peerError ?? null, message: `${bad.length} of ${n} concurrent transactions on one stream failed: ${describeResult(bad[0] as ProposalResult)}` }),
  );

  // Several peers at once, then a reconnect after a stream ends.
  const d = await s.dial();
  if (!d.target) return { out, answers };
  const several = await severalPeers(s, d.target, o);
  out.push(several);
  const again = await anotherPeer(s, d.target, o.ccid, o.name, o.budget);
  if ('error' in again) {
    out.push(failed({ rule: 'PROTO-16', peerError: null, message: `after a stream ended the server did not accept a new one: ${again.error}` }));
    return { out, answers };
  }
  const re = await smoke(again.peer, s, o.name);
  closePeer(again);
  out.push(
    answeredAsSmoke(re)
      ? passed('PROTO-16', 'after a stream ended the server accepted a new one (the peer relaunches this way), registered again and transacted')
      : failed({ rule: 'PROTO-16', peerError: re.peerError, message: `after reconnecting: ${describeResult(re)}` }),
  );
  if (several.status !== 'passed' || main.isEnded) await relaunch(s, peer, main, d.target, o.ccid);
  return { out, answers };
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
