import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProposalResult } from '../../src/peer/endorser.js';
import { launchedInvocation, launchRace } from '../../src/session/stages/protocol.js';
import { ruleOfPeerError } from '../../src/session/stages/sessionPeer.js';

/**
 * The first invocation after the launch, on a stream that ended right after it registered: the
 * real peer's ChaincodeSupport.Launch races the stream's end (the real-peer corpus's ends-stream
 * case saw both sides on the real 3.1.5 peer). Whichever side the harness's own timing takes, it
 * quotes the peer's text for that side and names the other.
 */

const CCID = 'asset_ccaas:' + 'ab'.repeat(32);
const TXID = 'c8a5f5ba';

function sent(peerError: string | null): ProposalResult {
  const status = peerError === null ? 200 : 500;
  return { txId: TXID, response: { status, message: peerError ?? '', payload: new Uint8Array() }, endorsed: peerError === null, peerError, event: null, committed: false, ms: 3, simulator: null as unknown as ProposalResult['simulator'] };
}

describe('the launch race of a stream that ends right after it registers', () => {
  it('the stream gone before the invocation: Launch\'s text, for PROTO-16', () => {
    const mine = `error in simulation: failed to execute transaction ${TXID}: could not launch chaincode ${CCID}: the mock peer has no chaincode server registered for this package`;
    const r = launchedInvocation(sent(mine), true, CCID);
    const peer = `error in simulation: failed to execute transaction ${TXID}: claimed to start chaincode container for ${CCID} but could not find handler`;
    assert.equal(r.peerError, peer);
    assert.equal(r.response.message, peer);
    assert.equal(r.response.status, 500);
    assert.equal(ruleOfPeerError(peer), 'PROTO-16');
    assert.match(launchRace(CCID, true), /'error sending: chaincode stream terminated' when the invocation finds the handler first/);
  });

  it('the stream still there when the invocation found it: the stream\'s end, naming Launch\'s text', () => {
    const streamEnd = `error in simulation: failed to execute transaction ${TXID}: error sending: chaincode stream terminated`;
    assert.equal(launchedInvocation(sent(streamEnd), false, CCID).peerError, streamEnd);
    assert.ok(launchRace(CCID, false).includes(`'claimed to start chaincode container for ${CCID} but could not find handler' when the end was processed first`));
  });

  it('an invocation that did not fail, or that the peer refuses before it launches, is left as it is', () => {
    const ok = sent(null);
    assert.equal(launchedInvocation(ok, true, CCID), ok);
    // CheckInvocation comes before Launch in ChaincodeSupport.Invoke: its error stands
    const refused = sent(`error in simulation: failed to execute transaction ${TXID}: invalid invocation: chaincode 'asset_ccaas' has not been initialized for this version, must call as init first`);
    assert.equal(launchedInvocation(refused, true, CCID), refused);
  });
});
