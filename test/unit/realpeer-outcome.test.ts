import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliError, harnessOutcome, invokeStatus, invokeStep, judge, literalPieces, quotedErrorAgrees, type HarnessRule, type PeerOutcome } from '../realpeer/outcome.js';

/** The pure half of the real-peer comparison (test/realpeer/outcome.ts), on texts the real 3.1 peer printed. */

const CCID = 'rp_x:86e7791d07333943113d20e0022886e6a1b3a68818f9bedd9e085a211b78f06b';
const PEER_INVOKE_STDERR = `Error: endorsement failure during invoke. response: status:500 message:"error in simulation: failed to execute transaction 07f4e438: could not launch chaincode ${CCID}: connection to ${CCID} failed: error cannot create connection for ${CCID}: error creating grpc connection to localhost:36273: failed to create new connection: connection error: desc = \\"transport: error while dialing: dial tcp 127.0.0.1:36273: connect: connection refused\\""`;
const HARNESS_QUOTE = `could not launch chaincode ${CCID}: connection to ${CCID} failed: error cannot create connection for ${CCID}: error creating grpc connection to localhost:41111: failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp 127.0.0.1:41111: connect: connection refused"`;

function rule(id: string, stage: string, peerError: string | null): HarnessRule {
  return { id, level: 'MUST', status: 'failed', stage, peerError, message: 'm' };
}

function peer(step: PeerOutcome['step'], error: string | null): PeerOutcome {
  return { step, install: 'ok', approveCommit: 'ok', invoke: step === 'ok' ? 'ok' : 'failed', status: 500, error, logLines: [], waitedMs: 1 };
}

describe('real-peer outcomes', () => {
  it('takes the last Error: line of a peer CLI', () => {
    assert.equal(cliError('2026 INFO x\nError: first\nError: chaincode install failed with status: 500 - x'), 'chaincode install failed with status: 500 - x');
    assert.equal(cliError('all fine'), null);
    assert.equal(invokeStatus('Chaincode invoke successful. result: status:200 payload:"pong"'), 200);
  });

  it('tells a launch failure from a transaction failure from the chaincode\'s own answer', () => {
    assert.equal(invokeStep(PEER_INVOKE_STDERR), 'launch');
    assert.equal(invokeStep('error in simulation: failed to execute transaction 1: error sending: chaincode stream terminated'), 'transaction');
    assert.equal(invokeStep('endorsement failure during invoke. response: status:500 message:"You\'ve asked to invoke a function that does not exist: X"'), 'ok');
  });

  it('compares the literal pieces of a quote, not its ports, digests or paths', () => {
    const pieces = literalPieces(`malformed chaincode info at '/var/hyperledger/production/x/connection.json': time: invalid duration "" <the peer's DNS server>`);
    assert.ok(pieces.some((p) => p.startsWith('malformed chaincode info at')), pieces.join('|'));
    assert.ok(!pieces.some((p) => p.includes('/var/hyperledger') || p.includes('DNS server')), pieces.join('|'));
    // the CLI prints the endorsement's message with \" escapes; ports differ between the two runs
    assert.equal(quotedErrorAgrees(HARNESS_QUOTE, PEER_INVOKE_STDERR).agrees, true);
    const other = quotedErrorAgrees(HARNESS_QUOTE.replace('connection refused', 'no route to host'), PEER_INVOKE_STDERR);
    assert.equal(other.agrees, false);
    assert.ok(other.missing.some((m) => m.includes('no route to host')));
  });

  it('takes the earliest failed MUST rule as decisive, and its step from its quoted text', () => {
    const h = harnessOutcome(1, 'non-conformant', [rule('DIAL-03', 'dial', HARNESS_QUOTE), rule('CONN-10', 'build', `could not launch chaincode ${CCID}: error building chaincode: malformed chaincode info at '/p': time: invalid duration ""`), { ...rule('PKG-01', 'package', null), level: 'SHOULD' }]);
    assert.equal(h.decisive?.id, 'CONN-10');
    assert.equal(h.step, 'launch', 'CONN-10 is judged while building but fails at launch, as its quote says');
    assert.equal(harnessOutcome(1, 'x', [rule('PKG-06', 'package', 'could not parse as a chaincode install package: invalid label')]).step, 'install');
    assert.equal(harnessOutcome(0, 'conformant', []).step, 'ok');
  });

  it('agrees only on the same step with the quote found in the peer\'s text', () => {
    const h = harnessOutcome(1, 'x', [rule('DIAL-03', 'dial', HARNESS_QUOTE)]);
    assert.equal(judge(peer('launch', PEER_INVOKE_STDERR), h, PEER_INVOKE_STDERR).agrees, true);
    assert.match(judge(peer('ok', null), h, '').why, /the peer stopped at ok, the harness predicted launch \(DIAL-03\)/);
    assert.match(judge(peer('launch', 'x'), harnessOutcome(1, 'x', [rule('DIAL-03', 'dial', null)]), 'x').why, /quotes no peer error text/);
    assert.equal(judge(peer('ok', null), harnessOutcome(0, 'conformant', []), '').agrees, true);
  });

  it('accepts either side of a race in the peer only when the harness names that side', () => {
    // ends-stream on a loaded host: the real 3.1.5 peer printed Launch's text instead of the stream's end
    const launchSide = `Error: endorsement failure during invoke. response: status:500 message:"error in simulation: failed to execute transaction 3b59: claimed to start chaincode container for ${CCID} but could not find handler"`;
    const streamSide = 'Error: endorsement failure during invoke. response: status:500 message:"error in simulation: failed to execute transaction 99c1: error sending: chaincode stream terminated"';
    const race = { texts: ['error sending: chaincode stream terminated', 'but could not find handler'], source: 'core/chaincode/chaincode_support.go ChaincodeSupport.Launch' };
    const quote = 'error in simulation: failed to execute transaction <txid>: error sending: chaincode stream terminated';
    const named = harnessOutcome(1, 'x', [{ ...rule('PROTO-16', 'transaction', quote), message: `the transaction failed: ${quote}. If the stream ended right after it registered, the peer prints this when its invocation found the stream's handler first, and 'claimed to start chaincode container for ${CCID} but could not find handler' when the end was processed first` }]);
    assert.equal(judge(peer('transaction', launchSide), named, launchSide, race).agrees, true);
    assert.equal(judge(peer('transaction', streamSide), named, streamSide, race).agrees, true);
    // the harness on Launch's side, naming the stream's end: both peer sides agree too
    const launchQuote = `error in simulation: failed to execute transaction <txid>: claimed to start chaincode container for ${CCID} but could not find handler`;
    const other = harnessOutcome(1, 'x', [{ ...rule('PROTO-16', 'transaction', launchQuote), message: `the transaction failed: ${launchQuote}. The stream ended right after it registered: ... and 'error sending: chaincode stream terminated' when the invocation finds the handler first` }]);
    assert.equal(judge(peer('transaction', streamSide), other, streamSide, race).agrees, true);
    assert.equal(judge(peer('transaction', launchSide), other, launchSide, race).agrees, true);
    // without the race, or with a finding that does not name the side the peer took, it is a disagreement
    assert.match(judge(peer('transaction', launchSide), named, launchSide).why, /quotes text the peer did not print/);
    const unnamed = harnessOutcome(1, 'x', [rule('PROTO-16', 'transaction', quote)]);
    assert.match(judge(peer('transaction', launchSide), unnamed, launchSide, race).why, /which PROTO-16 does not name/);
  });
});
