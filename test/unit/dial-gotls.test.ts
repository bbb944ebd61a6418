import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { appendCertsFromPem, goVerifyHostname, goVerifyServer, peerTlsConfig, x509KeyPair } from '../../src/dial/gotls.js';
import { certInfo } from '../../src/pki/certinfo.js';
import { createCA, issue, traditionalKeyPem } from '../../src/pki/index.js';
import { decodePem } from '../../src/pki/pem.js';

/**
 * The peer's TLS client configuration and verification, against texts recorded from Go 1.26.8's
 * crypto/tls and crypto/x509 (tls.X509KeyPair, CertPool.AppendCertsFromPEM, Certificate.Verify)
 * on the same kinds of input (see the report of the dial work for the Go program).
 */

const ca = createCA('Chaincode Test CA');
const a = issue(ca, { commonName: 'a' });
const b = issue(ca, { commonName: 'b' });
const rsa = issue(ca, { commonName: 'r', keyType: 'rsa-2048' });
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const pem = (k: { export(o: { type: 'pkcs8'; format: 'pem' }): string | Buffer }): string => k.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('tls.X509KeyPair, as Go reads client_cert and client_key', () => {
  const cases: Array<[string, string, string, string]> = [
    ['PKCS#8 EC key', a.certPem, a.keyPem, 'ok'],
    ['SEC1 EC key', a.certPem, traditionalKeyPem(a.keyPem), 'ok'],
    ['PKCS#1 RSA key', rsa.certPem, traditionalKeyPem(rsa.keyPem), 'ok'],
    ['certificate chain, leaf first', a.certPem + ca.certPem, a.keyPem, 'ok'],
    ['CRLF line ends', a.certPem.replace(/\n/g, '\r\n'), a.keyPem.replace(/\n/g, '\r\n'), 'ok'],
    ['a key block before the certificate', b.keyPem + a.certPem, a.keyPem, 'ok'],
    ['another key', a.certPem, b.keyPem, 'tls: private key does not match public key'],
    ['RSA key for an EC certificate', a.certPem, rsa.keyPem, 'tls: private key type does not match public key type'],
    ['Ed25519 key for an EC certificate', a.certPem, pem(generateKeyPairSync('ed25519').privateKey), 'tls: private key type does not match public key type'],
    ['X25519 key', a.certPem, pem(generateKeyPairSync('x25519').privateKey), 'tls: found unknown private key type in PKCS#8 wrapping'],
    ['empty key', a.certPem, '', 'tls: failed to find any PEM data in key input'],
    ['inputs swapped', a.keyPem, a.certPem, 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched'],
    ['base64 of the PEM certificate', b64(a.certPem), a.keyPem, 'tls: failed to find any PEM data in certificate input'],
    ['base64 of the PEM key', a.certPem, b64(a.keyPem), 'tls: failed to find any PEM data in key input'],
    ['two keys as the certificate', a.keyPem + b.keyPem, a.keyPem, 'tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [PRIVATE KEY PRIVATE KEY]'],
    ['a public key as the key', a.certPem, '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [PUBLIC KEY]'],
    ['line breaks escaped twice (\\\\n)', a.certPem.replace(/\n/g, '\\n'), a.keyPem, 'tls: failed to find any PEM data in certificate input'],
    ['garbage key body', a.certPem, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'tls: failed to parse private key'],
    ['indented PEM', a.certPem.replace(/^/gm, '  '), a.keyPem, 'tls: failed to find any PEM data in certificate input'],
    ['text after the END line', a.certPem.replace('-----END CERTIFICATE-----', '-----END CERTIFICATE----- x'), a.keyPem, 'tls: failed to find any PEM data in certificate input'],
  ];
  for (const [name, cert, key, want] of cases) {
    it(name, () => {
      const r = x509KeyPair(cert, key);
      assert.equal(r.ok ? 'ok' : r.error, want);
    });
  }

  it('the peer wraps a key pair error as Fabric does (CONN-08)', () => {
    const r = peerTlsConfig({ rootCert: ca.certPem, client: { cert: a.certPem, key: b.keyPem, serverNameOverride: '' } });
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.error, 'failed to load client certificate: failed to create key pair: tls: private key does not match public key');
  });
});

describe('CertPool.AppendCertsFromPEM, as Go reads root_cert', () => {
  const bad = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
  const cases: Array<[string, string, number]> = [
    ['one CA', ca.certPem, 1],
    ['a bundle of two', ca.certPem + createCA('Other').certPem, 2],
    ['a key block, then the CA', a.keyPem + ca.certPem, 1],
    ['an unparsable certificate, then the CA', bad + ca.certPem, 1],
    ['spaces inside the body', ca.certPem.replace(/\n(?!-)/g, '\n '), 1],
    ['base64 of the PEM', b64(ca.certPem), 0],
    ['garbage', 'garbage', 0],
    ['a private key only', a.keyPem, 0],
    ['a certificate block with PEM headers', ca.certPem.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n\n'), 0],
    ['an unparsable certificate only', bad, 0],
    ['line breaks escaped twice', ca.certPem.replace(/\n/g, '\\n'), 0],
    ['no line breaks at all', ca.certPem.replace(/\n/g, ''), 0],
  ];
  for (const [name, input, n] of cases) {
    it(`${name}: ${n === 0 ? 'error adding root certificate' : `${n} certificate(s)`}`, () => {
      assert.equal(appendCertsFromPem(input).roots.length, n);
      const r = peerTlsConfig({ rootCert: input, client: null });
      if (n === 0) assert.deepEqual(r.ok ? null : r.error, 'error adding root certificate');
      else assert.equal(r.ok && r.config.roots.length, n);
    });
  }

  it('re-encodes only what Go accepted, for Node', () => {
    const r = peerTlsConfig({ rootCert: a.keyPem + ca.certPem, client: null });
    assert.ok(r.ok);
    if (r.ok) {
      assert.deepEqual(decodePem(r.config.rootsPem).map((x) => x.type), ['CERTIFICATE']);
      assert.equal(r.config.skipped[0]?.type, 'PRIVATE KEY');
    }
  });
});

describe('Certificate.VerifyHostname: SANs only, Go\'s texts', () => {
  const leaf = (o: Parameters<typeof issue>[1]) => certInfo(decodePem(issue(ca, o).certPem)[0]?.bytes ?? Buffer.alloc(0));
  it('names the SANs and the host', () => {
    assert.equal(goVerifyHostname(leaf({ commonName: 'x', sans: ['wrong.example.com', '10.9.8.7'] }), 'localhost'), 'x509: certificate is valid for wrong.example.com, not localhost');
  });
  it('rejects a Common Name without SANs, as Go does since 1.15', () => {
    assert.equal(goVerifyHostname(leaf({ commonName: 'localhost' }), 'localhost'), 'x509: certificate relies on legacy Common Name field, use SANs instead');
  });
  it('matches IPs only against IP SANs', () => {
    assert.equal(goVerifyHostname(leaf({ commonName: 'x', sans: ['localhost'] }), '127.0.0.1'), "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs");
    assert.equal(goVerifyHostname(leaf({ commonName: 'x', sans: ['10.0.0.1', '::1'] }), '127.0.0.1'), 'x509: certificate is valid for 10.0.0.1, ::1, not 127.0.0.1');
    assert.equal(goVerifyHostname(leaf({ commonName: 'x', sans: ['::1'] }), '[::1]'), null);
  });
  it('matches case-insensitively, with a trailing dot and a left-most wildcard', () => {
    const c = leaf({ commonName: 'x', sans: ['*.svc.cluster.local', 'CC.Example.com'] });
    assert.equal(goVerifyHostname(c, 'asset.svc.cluster.local'), null);
    assert.equal(goVerifyHostname(c, 'cc.example.com.'), null);
    assert.equal(goVerifyHostname(c, 'a.b.svc.cluster.local'), 'x509: certificate is valid for *.svc.cluster.local, CC.Example.com, not a.b.svc.cluster.local');
  });
  it('says when the certificate has no names at all', () => {
    assert.equal(goVerifyHostname(leaf({ commonName: 'not-a-host name' }), 'h'), 'x509: certificate is not valid for any names, but wanted to match h');
  });
});

describe('Certificate.Verify: validity, then the name, then the chain, then serverAuth', () => {
  const info = (p: string) => certInfo(decodePem(p)[0]?.bytes ?? Buffer.alloc(0));
  const now = new Date('2030-01-01T00:00:00Z');
  const when = { notBefore: new Date('2029-01-01T00:00:00Z'), notAfter: new Date('2031-01-01T00:00:00Z') };
  const ca2 = createCA('Long CA', { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') });
  const roots = [info(ca2.certPem)];
  it('accepts a good leaf', () => {
    const v = goVerifyServer([info(issue(ca2, { commonName: 'h', sans: ['h'], extendedKeyUsage: ['serverAuth'], ...when }).certPem)], roots, 'h', now);
    assert.equal(v.failure, null);
    assert.equal(v.chain.length, 2);
  });
  it('reports expiry first, in RFC 3339', () => {
    const v = goVerifyServer([info(issue(ca2, { commonName: 'h', sans: ['other'], notBefore: new Date('2028-01-01T00:00:00Z'), notAfter: new Date('2029-06-01T00:00:00Z') }).certPem)], roots, 'h', now);
    assert.equal(v.goError, 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2030-01-01T00:00:00Z is after 2029-06-01T00:00:00Z');
  });
  it('reports an unknown authority, with Go\'s hint when a same-named CA does not verify', () => {
    const stranger = createCA('Stranger', { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') });
    const leafPem = issue(stranger, { commonName: 'h', sans: ['h'], ...when }).certPem;
    assert.equal(goVerifyServer([info(leafPem)], roots, 'h', now).goError, 'tls: failed to verify certificate: x509: certificate signed by unknown authority');
    const twin = createCA('Long CA', { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') });
    const v = goVerifyServer([info(issue(twin, { commonName: 'h', sans: ['h'], ...when }).certPem)], roots, 'h', now);
    assert.equal(v.goError, 'tls: failed to verify certificate: x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "Long CA")');
  });
  it('follows intermediates the server sends', () => {
    const inter = issue(ca2, { commonName: 'Intermediate', isCA: true, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') });
    const leafPem = issue(inter, { commonName: 'h', sans: ['h'], ...when }).certPem;
    assert.equal(goVerifyServer([info(leafPem)], roots, 'h', now).failure, 'unknown-authority');
    assert.equal(goVerifyServer([info(leafPem), info(inter.certPem)], roots, 'h', now).failure, null);
  });
  it('requires serverAuth when the certificate has an extendedKeyUsage', () => {
    const v = goVerifyServer([info(issue(ca2, { commonName: 'h', sans: ['h'], extendedKeyUsage: ['clientAuth'], ...when }).certPem)], roots, 'h', now);
    assert.equal(v.goError, 'tls: failed to verify certificate: x509: certificate specifies an incompatible key usage');
  });
});
