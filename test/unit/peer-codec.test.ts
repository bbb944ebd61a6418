import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeChaincodeInput, decodeChaincodeMessage, decodeResponse, encodeChaincodeInput, encodeResponse, MessageType as T, messageBytes, toWire } from '../../src/peer/codec.js';

/** The hand-written hot-path encoders agree with the protobuf library's. */

const seed = Number(process.env['FC_SEED'] ?? Date.now() % 1_000_000);

describe('codec hot paths', () => {
  it(`ChaincodeInput encodes as protobuf does (round trip through the library) [FC_SEED=${seed}]`, () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), fc.boolean(), (args, isInit) => {
        const d = decodeChaincodeInput(encodeChaincodeInput(args, isInit));
        assert.ok(d);
        assert.equal(d.isInit, isInit);
        assert.deepEqual(d.args.map((a) => Buffer.from(a)), args.map((a) => Buffer.from(a)));
      }),
      { seed, numRuns: 500 },
    );
    assert.equal(Buffer.from(encodeChaincodeInput([Buffer.from('ab')], true)).toString('hex'), '0a0261621801');
  });

  it(`Response decodes as protobuf encodes it, negative statuses included; invalid bytes are null [FC_SEED=${seed}]`, () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), fc.string(), fc.uint8Array({ maxLength: 200 }), (status, message, payload) => {
        const d = decodeResponse(encodeResponse({ status, message, payload }));
        assert.ok(d);
        assert.deepEqual([d.status, d.message, Buffer.from(d.payload)], [status, message, Buffer.from(payload)]);
      }),
      { seed, numRuns: 500 },
    );
    assert.equal(decodeResponse(Uint8Array.of(0xff, 0xff)), null);
    assert.equal(decodeResponse(Uint8Array.of(0x12, 0x05, 0x61)), null, 'length beyond the end');
  });

  it('a SignedProposal travels as the client\'s bytes', () => {
    const proposal = Uint8Array.of(0x0a, 0x03, 1, 2, 3, 0x12, 0x01, 9);
    const m = { type: T.TRANSACTION, payload: Buffer.from('p'), txid: 't', channelId: 'c', proposal };
    const back = decodeChaincodeMessage(toWire(m).serializeBinary());
    assert.ok(back);
    assert.deepEqual(Buffer.from(back.proposal ?? new Uint8Array()), Buffer.from(proposal));
    assert.equal(back.txid, 't');
    assert.equal(Buffer.from(messageBytes({ type: T.KEEPALIVE, payload: new Uint8Array(), txid: '', channelId: '' })).toString('hex'), '0812');
  });
});
