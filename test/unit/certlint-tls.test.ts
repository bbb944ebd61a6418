import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { certLint, pemShape, type CertLintInput } from '../../src/connection/certlint.js';
import type { ChaincodeServerUserData } from '../../src/connection/index.js';
import { certInfo } from '../../src/pki/certinfo.js';
import { createCA, issue } from '../../src/pki/index.js';
import { decodePem } from '../../src/pki/pem.js';
import { redact } from '../../src/report/redact.js';

const DAY = 86_400_000;
const ca = createCA('Chaincode Test CA');
const server = issue(ca, { commonName: 'localhost', sans: ['localhost', '127.0.0.1'], extendedKeyUsage: ['serverAuth'] });
const client = issue(ca, { commonName: 'peer0', extendedKeyUsage: ['clientAuth'] });
const info = (p: string) => certInfo(decodePem(p)[0]?.bytes ?? Buffer.alloc(0));

function input(u: Partial<ChaincodeServerUserData>, more: Partial<CertLintInput> = {}): CertLintInput {
  const userData: ChaincodeServerUserData = { address: 'localhost:9999', domain: '', dialTimeoutNanos: 0n, tlsRequired: true, clientAuthRequired: false, clientKey: '', clientCert: '', rootCert: ca.certPem, ...u };
  return { userData, dialHost: 'localhost', droppedDomain: null, releaseFiles: [], server: null, presented: null, now: new Date(), ...more };
}
const rules = (fs: ReturnType<typeof certLint>) => fs.map((f) => f.rule);
const text = (fs: ReturnType<typeof certLint>) => fs.map((f) => f.message).join('\n');

describe('certificate lint (SHOULD findings, the peer\'s Go rules)', () => {
  it('is silent on a correct TLS and mutual TLS setup', () => {
    assert.deepEqual(certLint(input({}, { presented: [info(server.certPem)] })), []);
    assert.deepEqual(certLint(input({ clientAuthRequired: true, clientCert: client.certPem, clientKey: client.keyPem }, { presented: [info(server.certPem)] })), []);
  });

  it('names what root_cert is instead of PEM: base64 of PEM, a path, twice-escaped line breaks', () => {
    assert.match(pemShape(Buffer.from(ca.certPem).toString('base64')) ?? '', /base64 of a PEM file/);
    assert.match(pemShape('/etc/hyperledger/tls/ca.crt') ?? '', /file path/);
    assert.match(pemShape(ca.certPem.replace(/\n/g, '\\n')) ?? '', /escaped twice/);
    const fs = certLint(input({ rootCert: Buffer.from(ca.certPem).toString('base64') }));
    assert.deepEqual(rules(fs), ['DIAL-09']);
  });

  it('flags a private key inside root_cert without quoting it', () => {
    const fs = certLint(input({ rootCert: server.keyPem + ca.certPem }));
    assert.deepEqual(rules(fs), ['DIAL-09']);
    assert.match(text(fs), /contains a PRIVATE KEY block/);
    assert.ok(!JSON.stringify(fs).includes(server.keyPem.split('\n')[1] as string));
  });

  it('gives each DIAL-10 cause its own fix: expiring is not expired, a CN-only certificate needs SANs', () => {
    const soonCa = createCA('Soon CA', { notAfter: new Date(Date.now() + 29.5 * DAY) });
    const soonServer = issue(soonCa, { commonName: 'x', sans: ['localhost'], extendedKeyUsage: ['serverAuth'] });
    const fs = certLint(input({ rootCert: soonCa.certPem }, { presented: [info(soonServer.certPem)] }));
    const caFinding = fs.find((f) => /root_cert certificate/.test(f.message));
    assert.match(caFinding?.message ?? '', /is valid now, but expires in 29 day\(s\)/);
    assert.doesNotMatch(caFinding?.remedy ?? '', /expired/, 'a CA with 29 days left is not "the expired CA"');
    assert.match(caFinding?.remedy ?? '', /CA rollover before \d{4}-/);
    const oldCa = createCA('Old CA', { notBefore: new Date(Date.now() - 9 * DAY), notAfter: new Date(Date.now() - DAY) });
    assert.match(certLint(input({ rootCert: oldCa.certPem })).find((f) => f.rule === 'DIAL-10')?.remedy ?? '', /Replace the expired CA in root_cert/);
    const soon = issue(ca, { commonName: 'x', sans: ['localhost'], notAfter: new Date(Date.now() + 5 * DAY) });
    assert.match(certLint(input({}, { presented: [info(soon.certPem)] }))[0]?.remedy ?? '', /^Renew the chaincode server certificate before \d{4}-/);

    const cnOnly = issue(ca, { commonName: 'localhost', extendedKeyUsage: ['serverAuth'] });
    const cn = certLint(input({}, { presented: [info(cnOnly.certPem)] })).find((f) => f.rule === 'DIAL-10');
    assert.match(cn?.message ?? '', /x509: certificate relies on legacy Common Name field, use SANs instead/);
    assert.match(cn?.remedy ?? '', /subjectAltName extension naming DNS:localhost .*since Go 1\.15 the peer never falls back to the Common Name/);
  });

  it('judges the presented server certificate: SANs, expiry, serverAuth, chain', () => {
    const wrongSan = issue(ca, { commonName: 'x', sans: ['cc.example.com'], extendedKeyUsage: ['serverAuth'] });
    assert.match(text(certLint(input({}, { presented: [info(wrongSan.certPem)] }))), /does not cover the name the peer verifies \(localhost\); its SANs: cc\.example\.com: x509: certificate is valid for cc\.example\.com, not localhost/);
    const soon = issue(ca, { commonName: 'x', sans: ['localhost'], notAfter: new Date(Date.now() + 5 * DAY) });
    assert.match(text(certLint(input({}, { presented: [info(soon.certPem)] }))), /expires in 4 day/);
    const expired = issue(ca, { commonName: 'x', sans: ['localhost'], notBefore: new Date(Date.now() - 9 * DAY), notAfter: new Date(Date.now() - DAY) });
    assert.match(text(certLint(input({}, { presented: [info(expired.certPem)] }))), /is not valid now: x509: certificate has expired/);
    const clientOnly = issue(ca, { commonName: 'x', sans: ['localhost'], extendedKeyUsage: ['clientAuth'] });
    assert.match(text(certLint(input({}, { presented: [info(clientOnly.certPem)] }))), /without serverAuth/);
    const stranger = issue(createCA('Stranger'), { commonName: 'x', sans: ['localhost'] });
    assert.match(text(certLint(input({}, { presented: [info(stranger.certPem)] }))), /does not chain to root_cert/);
  });

  it('explains a domain that the peer ignores (TLS without client auth) or that the builder dropped', () => {
    const byDomain = issue(ca, { commonName: 'x', sans: ['cc.example.com'] });
    assert.match(text(certLint(input({ domain: 'cc.example.com' }, { presented: [info(byDomain.certPem)] }))), /uses domain only when client_auth_required is true; here it checks localhost/);
    assert.deepEqual(certLint(input({ domain: 'cc.example.com', clientAuthRequired: true, clientCert: client.certPem, clientKey: client.keyPem }, { presented: [info(byDomain.certPem)] })), []);
    assert.match(text(certLint(input({}, { presented: [info(byDomain.certPem)], droppedDomain: 'cc.example.com' }))), /the builder dropped/);
    // offline (no certificate known), with mutual TLS: the dropped domain changes the name verified
    const mtls = { clientAuthRequired: true, clientCert: client.certPem, clientKey: client.keyPem };
    const offline = certLint(input(mtls, { droppedDomain: 'cc.example.com' }));
    assert.deepEqual(rules(offline), ['DIAL-10']);
    assert.match(text(offline), /sets domain cc\.example\.com, which the builder dropped .*the peer verifies localhost\. With client_auth_required the peer would verify `domain`/);
    assert.match(text(certLint(input({}, { droppedDomain: 'cc.example.com' }))), /which the builder dropped .*the peer verifies localhost\.$/);
  });

  it('a Fabric 2.5 peer has no domain field: with mutual TLS it still verifies the address host', () => {
    const byDomain = issue(ca, { commonName: 'x', sans: ['cc.example.com'] });
    const mtls = { domain: 'cc.example.com', clientAuthRequired: true, clientCert: client.certPem, clientKey: client.keyPem };
    const old = certLint(input(mtls, { presented: [info(byDomain.certPem)], domainUsed: false }));
    assert.deepEqual(rules(old), ['DIAL-10']);
    assert.match(text(old), /does not cover the name the peer verifies \(localhost\).*a Fabric 2\.5 peer has no domain field and always checks the address host localhost/);
    // the same setup is clean for a peer that reads domain (3.x), and for a certificate naming the host on 2.5
    assert.deepEqual(certLint(input(mtls, { presented: [info(byDomain.certPem)], domainUsed: true })), []);
    assert.deepEqual(certLint(input(mtls, { presented: [info(server.certPem)], domainUsed: false })), []);
  });

  it('judges the client certificate: ignored without client auth, clientAuth EKU, the server\'s client CA', () => {
    assert.match(text(certLint(input({ clientCert: client.certPem, clientKey: client.keyPem }))), /ignores them/);
    const serverOnly = issue(ca, { commonName: 'peer0', extendedKeyUsage: ['serverAuth'] });
    assert.match(text(certLint(input({ clientAuthRequired: true, clientCert: serverOnly.certPem, clientKey: serverOnly.keyPem }))), /without clientAuth/);
    const other = createCA('Client CA');
    const fs = certLint(input({ clientAuthRequired: true, clientCert: client.certPem, clientKey: client.keyPem }, { server: { certPath: null, cert: null, keyPath: null, key: null, clientCaPath: '/srv/client-ca.pem', clientCa: other.certPem } }));
    assert.match(text(fs), /does not chain to the server's client CA/);
  });

  it('judges the server\'s files: base64 where PEM is expected (*_PATH vs *_FILE), key and certificate not matching', () => {
    const other = issue(ca, { commonName: 'other' });
    const fs = certLint(input({}, { server: { certPath: '/srv/tls.crt', cert: Buffer.from(server.certPem).toString('base64'), keyPath: '/srv/tls.key', key: other.keyPem, clientCaPath: null, clientCa: null } }));
    assert.match(text(fs), /\/srv\/tls\.crt is base64 of PEM: right only for the \*_PATH options/);
    assert.match(text(fs), /do not load as a pair: tls: private key does not match public key/);
    assert.ok(!redact(JSON.stringify(fs)).includes('[REDACTED'), 'no key material to redact in the first place');
  });

  it('reports TLS files in release/chaincode/server (CONN-09, DRIFT-07), without their contents', () => {
    const fs = certLint(input({}, { releaseFiles: [{ path: 'chaincode/server/tls/server.key', head: '-----BEGIN PRIVATE KEY-----\nMIG' }, { path: 'chaincode/server/tls/ca.crt', head: '-----BEGIN CERTIFICATE-----' }, { path: 'chaincode/server/README', head: 'hello' }] }));
    assert.deepEqual(rules(fs), ['CONN-09', 'DRIFT-07']);
    assert.match(fs[0]?.message ?? '', /tls\/server\.key, chaincode\/server\/tls\/ca\.crt.*1 of them hold a private key/);
    assert.ok(!JSON.stringify(fs).includes('MIG'));
  });

  it('has nothing to say about TLS fields when tls_required is false', () => {
    assert.deepEqual(certLint(input({ tlsRequired: false, rootCert: 'garbage', clientCert: 'x' })), []);
  });
});
