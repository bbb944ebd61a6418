import assert from 'node:assert/strict';
import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { lowSDer, TestMsp } from '../../src/peer/identity.js';

const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** The s of a DER ECDSA signature. */
function sOf(der: Uint8Array): bigint {
  const b = Buffer.from(der);
  const rLen = b[3] ?? 0;
  const sAt = 4 + rLen;
  const sLen = b[sAt + 1] ?? 0;
  return BigInt(`0x${b.subarray(sAt + 2, sAt + 2 + sLen).toString('hex')}`);
}

describe('TestMsp signatures (issue 14: a real peer verifies the proposal\'s signature with bccsp, which accepts only low-S)', () => {
  it('every signature is valid DER ECDSA with s at most half the group order', () => {
    const id = new TestMsp('Org1MSP').user('User1');
    const pub = createPublicKey(id.credential.certPem);
    for (let i = 0; i < 64; i++) {
      const data = Buffer.from(`proposal ${i}`);
      const sig = id.sign(data);
      assert.ok(verify('sha256', data, pub, sig), `signature ${i} verifies`);
      assert.ok(sOf(sig) <= N >> 1n, `signature ${i} is low-S`);
    }
  });

  it('a user certificate is an MSP signing certificate as cryptogen issues it: no extendedKeyUsage (Fabric\'s MSP validates with Go\'s default serverAuth; clientAuth alone is "incompatible key usage")', () => {
    const cert = new X509Certificate(new TestMsp('Org1MSP').user('User1').credential.certPem);
    assert.equal(cert.keyUsage, undefined, `extendedKeyUsage ${JSON.stringify(cert.keyUsage)}`);
    assert.equal(cert.ca, false);
  });

  it('lowSDer turns a high s into N - s and encodes integers minimally with a sign byte', () => {
    const r = Buffer.alloc(32, 0);
    r[31] = 0x80;
    const highS = Buffer.from((N - 5n).toString(16).padStart(64, '0'), 'hex');
    const der = lowSDer(Buffer.concat([r, highS]));
    assert.equal(Buffer.from(der).toString('hex'), '3007020200800201' + '05');
  });
});
