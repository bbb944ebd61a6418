import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageType as T, decodeAdditionalParams, encodeChaincodeId, encodeGetStateMultiple, encodeWriteBatchState } from '../../src/peer/codec.js';
import { MockPeer } from '../../src/peer/mockPeer.js';
import { memoryStreams } from '../../src/peer/stream.js';
import { PEER } from '../../src/config/defaults.js';
import type { FabricRelease } from '../../src/catalogue/releases.js';
import { runCli } from '../support/cli.js';

/**
 * The mock peer as each pinned release's chaincode Handler (--fabric-release): what 2.5.16 and
 * 3.1.5 do differently on the stream, as the protocol oracle found them in Fabric's own code.
 */

const CH = 'mychannel';
const PKG = 'cc:0000';

async function registered(release: FabricRelease, applicationCapability = 2.5) {
  const peer = new MockPeer({ channels: [CH], runtimeParams: PEER.runtimeParams, executeTimeoutMs: 2_000, fabricRelease: release, applicationCapability });
  peer.define({ name: 'cc', packageId: PKG, version: '1', initRequired: false, collections: [] });
  const { peer: ps, chaincode } = memoryStreams();
  const handler = peer.attach(ps, PKG);
  chaincode.send({ type: T.REGISTER, payload: encodeChaincodeId(PKG), txid: '', channelId: '' });
  assert.equal((await chaincode.next())?.type, T.REGISTERED);
  const ready = await chaincode.next();
  assert.equal(ready?.type, T.READY);
  const sim = peer.ledger.newTxSimulator(CH, 'tx1');
  const exec = handler.execute({ txId: 'tx1', channelId: CH, signedProposal: null, proposal: null, simulator: sim }, 'cc', 'TRANSACTION', [], 2_000);
  assert.equal((await chaincode.next())?.type, T.TRANSACTION);
  return { chaincode, handler, ready: ready as NonNullable<typeof ready>, exec };
}

describe('the mock peer as Fabric 2.5 or 3.1 (--fabric-release)', () => {
  it('READY carries ChaincodeAdditionalParams on 3.1 and no payload on 2.5', async () => {
    const v31 = await registered('3.1');
    assert.deepEqual(decodeAdditionalParams(v31.ready.payload), PEER.runtimeParams);
    const v25 = await registered('2.5');
    assert.equal(v25.ready.payload.length, 0);
  });

  for (const [type, payload] of [[T.WRITE_BATCH_STATE, encodeWriteBatchState([])], [T.GET_STATE_MULTIPLE, encodeGetStateMultiple(['a'])]] as const) {
    it(`a 2.5 peer ends the stream on type ${type} (its protos print it as a number); a 3.1 peer answers it`, async () => {
      const v25 = await registered('2.5');
      v25.chaincode.send({ type, payload, txid: 'tx1', channelId: CH });
      assert.equal(await v25.chaincode.next(), null, 'no reply: the stream ends');
      assert.equal(v25.handler.violation, `error handling message, ending stream: [tx1] Fabric side handler cannot handle message (${type}) while in ready state`);
      assert.deepEqual(await v25.exec, { ok: false, error: 'chaincode stream terminated', ms: (await v25.exec).ms });
      const v31 = await registered('3.1');
      v31.chaincode.send({ type, payload, txid: 'tx1', channelId: CH });
      assert.equal((await v31.chaincode.next())?.type, T.RESPONSE);
    });
  }

  it('2.5 checks the channel capability before it reads PUT_STATE_METADATA and PURGE_PRIVATE_DATA; 3.1 reads the payload first', async () => {
    const bad = Uint8Array.of(0xff);
    for (const [type, release, text] of [
      [T.PUT_STATE_METADATA, '2.5', 'PUT_STATE_METADATA failed: transaction ID: tx1: key level endorsement is not enabled, channel application capability of V1_3 or later is required'],
      [T.PUT_STATE_METADATA, '3.1', 'PUT_STATE_METADATA failed: transaction ID: tx1: unmarshal failed: proto: cannot parse invalid wire-format data'],
      [T.PURGE_PRIVATE_DATA, '2.5', 'PURGE_PRIVATE_DATA failed: transaction ID: tx1: purge private data is not enabled, channel application capability of V2_5 or later is required'],
      [T.PURGE_PRIVATE_DATA, '3.1', 'PURGE_PRIVATE_DATA failed: transaction ID: tx1: unmarshal failed: proto: cannot parse invalid wire-format data'],
    ] as const) {
      const r = await registered(release, 1.2);
      r.chaincode.send({ type, payload: bad, txid: 'tx1', channelId: CH });
      const reply = await r.chaincode.next();
      assert.equal(reply?.type, T.ERROR, `${release} ${type}`);
      assert.equal(Buffer.from(reply?.payload ?? []).toString(), text);
    }
  });

  it('--fabric-release takes 2.5 or 3.1, anything else is a usage error', async () => {
    const r = await runCli([__filename, '--offline', '--fabric-release', '2.4']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--fabric-release takes 2\.5 or 3\.1, not '2\.4'/);
  });
});
