import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { certInfo, daysLeft } from '../../src/pki/certinfo.js';
import { createCA, issue } from '../../src/pki/index.js';
import { decodePem, encodePem } from '../../src/pki/pem.js';

describe('PEM as Go\'s encoding/pem decodes it', () => {
  const ca = createCA('CA');
  it('finds every block, with its type, headers and bytes', () => {
    const blocks = decodePem(`junk before\n${ca.certPem}between\n-----BEGIN X-----\nA: b\n\nAAEC\n-----END X-----\n`);
    assert.deepEqual(blocks.map((b) => b.type), ['CERTIFICATE', 'X']);
    assert.deepEqual(blocks[1]?.headers, { A: 'b' });
    assert.deepEqual([...(blocks[1]?.bytes ?? [])], [0, 1, 2]);
  });
  it('requires BEGIN at the start of a line, a matching END and padded base64', () => {
    assert.equal(decodePem(`x${ca.certPem}`).length, 0);
    assert.equal(decodePem(ca.certPem.replace('END CERTIFICATE', 'END CERT')).length, 0);
    assert.equal(decodePem('-----BEGIN X-----\nAAE\n-----END X-----\n').length, 0);
    assert.equal(decodePem(ca.certPem.replace(/\n/g, '\r\n')).length, 1);
  });
  it('skips a malformed block and finds the next one', () => {
    assert.deepEqual(decodePem(`-----BEGIN A-----\n!!\n-----END A-----\n${ca.certPem}`).map((b) => b.type), ['CERTIFICATE']);
  });
  it('round-trips DER', () => {
    const der = decodePem(ca.certPem)[0]?.bytes ?? Buffer.alloc(0);
    assert.equal(encodePem('CERTIFICATE', der), ca.certPem);
  });
});

describe('certificate facts read from DER', () => {
  it('reads SANs (DNS and IP, v4 and v6), EKU, CA flag and validity', () => {
    const ca = createCA('CA');
    const notAfter = new Date(Date.now() + 10 * 86_400_000);
    const c = certInfo(decodePem(issue(ca, { commonName: 'srv', sans: ['localhost', '127.0.0.1', '2001:db8::1'], extendedKeyUsage: ['serverAuth', 'clientAuth'], notAfter, keyType: 'rsa-2048' }).certPem)[0]?.bytes ?? Buffer.alloc(0));
    assert.deepEqual(c.dnsNames, ['localhost']);
    assert.deepEqual(c.ipAddresses, ['127.0.0.1', '2001:db8::1']);
    assert.deepEqual(c.extKeyUsage, ['serverAuth', 'clientAuth']);
    assert.equal(c.isCA, false);
    assert.equal(c.hasSanExtension, true);
    assert.equal(c.commonName, 'srv');
    assert.equal(c.key, 'RSA 2048');
    assert.equal(c.signatureAlgorithm, 'ECDSA-SHA256');
    assert.equal(Math.abs(c.notAfter.getTime() - notAfter.getTime()) < 1000, true);
    assert.equal(daysLeft(c, new Date()), 9);
    const caInfo = certInfo(decodePem(ca.certPem)[0]?.bytes ?? Buffer.alloc(0));
    assert.equal(caInfo.isCA, true);
    assert.equal(caInfo.extKeyUsage, null);
    assert.equal(caInfo.selfIssued, true);
  });
});
