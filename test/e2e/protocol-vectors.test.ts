import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageType as T, encodeChaincodeId } from '../../src/peer/codec.js';
import { MockPeer } from '../../src/peer/mockPeer.js';
import { peerConfig } from '../../mocks/chaincode/impostors/live.js';
import { NAME, PKG, StreamRig, register } from '../vectors/stream-support.js';

/**
 * Stream cases that are not vectors of the reference. The stream and protocol vectors themselves
 * (§9.4 S1-S32) are Gherkin scenarios: features/vectors/05-stream.feature and 06-protocol.feature,
 * run by test/e2e/vectors.test.ts.
 */

describe('chaincode stream: cases beyond the §9.4 vectors (impostor servers)', () => {
  it('REGISTER with the name of an already registered handler: duplicate chaincodeID, no reply', async () => {
    const peer = new MockPeer(peerConfig());
    peer.define({ name: NAME, packageId: PKG, version: '1.0', initRequired: false, collections: [] });
    const a = await StreamRig.start(async (c) => {
      await register(c);
    }, { peer });
    const b = await StreamRig.start(async (c) => {
      c.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG) });
      assert.equal(await c.next(300), null);
    }, { peer });
    try {
      assert.equal((await (await a.connect()).awaitRegister(3_000)).kind, 'registered');
      const o = await (await b.connect()).awaitRegister(3_000);
      assert.equal(o.kind, 'duplicate');
      assert.equal(o.kind === 'duplicate' ? o.peerError : '', `duplicate chaincodeID: ${PKG}`);
      await new Promise((res) => setTimeout(res, 400));
      assert.deepEqual(b.conns[0]?.received.map((r) => r.msg.type), [], 'no reply to the duplicate REGISTER');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
