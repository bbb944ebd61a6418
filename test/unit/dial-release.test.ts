import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findRule } from '../../src/catalogue/index.js';
import { onStream } from '../../src/dial/grpcgo.js';
import { goErrorOfStreamEnd, goStatusError } from '../../src/peer/chains.js';
import { peerChain, startupTimeoutWins } from '../../src/session/stages/dial.js';
import { registerFindings } from '../../src/session/stages/protocol.js';

/**
 * The launch text of a stream that fails before the chaincode is ready follows the peer's release:
 * 3.x's ExternalChaincodeRuntime.Stream wraps HandleChaincodeStream's error, 2.5's drops it and
 * the launcher reports the connection as terminated (extcc_handler.go, runtime_launcher.go).
 */

const ID = `cc:${'ab'.repeat(32)}`;
const UNIMPLEMENTED = 'rpc error: code = Unimplemented desc = unknown service protos.Chaincode';

describe('the launch chain of a failed stream, per Fabric release', () => {
  it('DIAL-06 on 3.1 (and by default) quotes the wrapped stream error', () => {
    const want = `could not launch chaincode ${ID}: connection to ${ID} failed: error handling chaincode stream for ${ID}: receive from chaincode support stream failed: ${UNIMPLEMENTED}`;
    assert.equal(peerChain(ID, 'cc:9999', onStream(UNIMPLEMENTED, 'settled'), '3.1'), want);
    assert.equal(peerChain(ID, 'cc:9999', onStream(UNIMPLEMENTED, 'settled')), want);
  });

  it('DIAL-06 on 2.5 quotes the terminated connection (the real v2.5.16 peer\'s text)', () => {
    assert.equal(peerChain(ID, 'cc:9999', onStream(UNIMPLEMENTED, 'settled'), '2.5'), `could not launch chaincode ${ID}: chaincode registration failed: connection to ${ID} terminated`);
  });

  it('dial errors are the same on both releases', () => {
    const v = { dialError: 'failed to create new connection: context deadline exceeded', streamError: null, log: null, logger: null, when: 'after dial_timeout', certainty: 'settled' } as const;
    assert.equal(peerChain(ID, 'cc:9999', v, '2.5'), peerChain(ID, 'cc:9999', v, '3.1'));
  });

  it('a stream the server ends before REGISTER fails the launch at once, not after the startup timeout', () => {
    const eof = registerFindings({ kind: 'ended', ms: 5, reason: null }, ID, 10_000, '3.1');
    assert.equal(eof.failure?.rule, 'PROTO-17');
    assert.equal(eof.failure?.peerError, `could not launch chaincode ${ID}: connection to ${ID} failed: error handling chaincode stream for ${ID}: EOF`);
    const status = registerFindings({ kind: 'ended', ms: 5, reason: '13 INTERNAL: boom' }, ID, 10_000, '3.1');
    assert.equal(status.failure?.peerError, `could not launch chaincode ${ID}: connection to ${ID} failed: error handling chaincode stream for ${ID}: receive from chaincode support stream failed: rpc error: code = Internal desc = boom`);
    const old = registerFindings({ kind: 'ended', ms: 5, reason: '13 INTERNAL: boom' }, ID, 10_000, '2.5');
    assert.equal(old.failure?.peerError, `could not launch chaincode ${ID}: chaincode registration failed: connection to ${ID} terminated`);
    assert.match(old.failure?.message ?? '', /rpc error: code = Internal desc = boom.*2\.5/);
    // A server that never registers still waits the startup timeout, on both releases.
    for (const rel of ['2.5', '3.1'] as const) {
      assert.match(registerFindings({ kind: 'timeout', ms: 10_000 }, ID, 10_000, rel).failure?.peerError ?? '', /timeout expired while starting chaincode/);
    }
  });

  it('a dial that fails only at dial_timeout loses to a startup timeout no longer than dial_timeout', () => {
    const atDeadline = { dialError: 'failed to create new connection: context deadline exceeded', streamError: null, log: null, logger: null, when: 'after dial_timeout', certainty: 'settled' } as const;
    const atOnce = { ...atDeadline, dialError: 'connection refused', when: 'immediately' } as const;
    assert.equal(startupTimeoutWins(atDeadline, 300_000, 300_000), true);
    assert.equal(startupTimeoutWins(atDeadline, 600_000, 20_000), true);
    assert.equal(startupTimeoutWins(atDeadline, 10_000, 300_000), false);
    assert.equal(startupTimeoutWins(atOnce, 600_000, 20_000), false);
    assert.equal(startupTimeoutWins(onStream(UNIMPLEMENTED, 'settled'), 600_000, 20_000), false);
  });

  it('grpc-js status ends read as grpc-go status errors', () => {
    assert.equal(goStatusError(12, 'x'), 'rpc error: code = Unimplemented desc = x');
    assert.equal(goStatusError(4, 'y'), 'rpc error: code = DeadlineExceeded desc = y');
    assert.equal(goErrorOfStreamEnd('1 CANCELLED: Cancelled on client'), 'rpc error: code = Canceled desc = Cancelled on client');
    assert.equal(goErrorOfStreamEnd(null), null);
  });

  it('the catalogue records the difference on DIAL-06 and PROTO-17 for both releases', () => {
    for (const id of ['DIAL-06', 'PROTO-17']) {
      const r = findRule(id);
      assert.deepEqual(r?.releases?.appliesTo, ['2.5', '3.1']);
      assert.match(r?.releases?.differences?.['2.5'] ?? '', /chaincode registration failed: connection to <ccid> terminated/);
      assert.match(r?.releases?.differences?.['3.1'] ?? '', /error handling chaincode stream for <ccid>/);
    }
  });
});
