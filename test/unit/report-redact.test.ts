import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { createCA } from '../../src/pki/index.js';
import { looksLikeDerPrivateKey, redact, redactJson, REDACTED } from '../../src/report/redact.js';

/**
 * Private keys never appear in any output. Every key form is planted in the shapes it reaches
 * reports in (plain text, JSON strings at any depth, arrays of captured lines, HTML, base64 of
 * PEM, DER), and must be gone; certificates and package IDs must stay.
 */

interface Key {
  readonly name: string;
  readonly pem: string;
}

function keys(): Key[] {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  return [
    { name: 'EC PKCS#8', pem: ec.export({ format: 'pem', type: 'pkcs8' }).toString() },
    { name: 'EC SEC1', pem: ec.export({ format: 'pem', type: 'sec1' }).toString() },
    { name: 'RSA PKCS#1', pem: rsa.export({ format: 'pem', type: 'pkcs1' }).toString() },
    { name: 'RSA PKCS#8', pem: rsa.export({ format: 'pem', type: 'pkcs8' }).toString() },
    { name: 'Ed25519', pem: ed.export({ format: 'pem', type: 'pkcs8' }).toString() },
    { name: 'encrypted PKCS#8', pem: ec.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString() },
  ];
}

/** Every base64 line of the key body: none of them may survive. */
function bodyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));
}

function assertClean(text: string, k: Key, where: string): void {
  for (const line of bodyLines(k.pem)) assert.ok(!text.includes(line), `${k.name} (${where}): key line leaked: ${line}`);
  assert.ok(!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text), `${k.name} (${where}): BEGIN line leaked`);
  assert.ok(text.includes(REDACTED), `${k.name} (${where}): nothing redacted`);
}

describe('redact: private keys in every shape', () => {
  for (const k of keys()) {
    it(`removes a ${k.name} key in text, JSON, nested JSON, line arrays, HTML, base64 and DER`, () => {
      assertClean(redact(`before\n${k.pem}after`), k, 'plain text');
      assertClean(redact(JSON.stringify({ note: k.pem })), k, 'JSON string');
      assertClean(redact(JSON.stringify({ body: JSON.stringify({ note: k.pem }) })), k, 'JSON in JSON');
      assertClean(redact(JSON.stringify({ stderr: k.pem.trim().split('\n') })), k, 'JSON array of lines');
      assertClean(redact(JSON.stringify(JSON.stringify({ stderr: k.pem.trim().split('\n') }))), k, 'escaped JSON array of lines');
      assertClean(redact(k.pem.replace(/\n/g, ' ')), k, 'one line with spaces');
      const b64 = Buffer.from(k.pem).toString('base64');
      assertClean(redact(`CORE_PEER_TLS_KEY_PATH holds ${b64}`), k, 'base64 of PEM');
      assertClean(redact((b64.match(/.{1,76}/g) ?? []).join('\n')), k, 'base64 of PEM wrapped at 76');
      if (!k.name.startsWith('encrypted')) {
        const der = k.pem.split('\n').filter((l) => !l.startsWith('-----')).join('');
        assert.ok(looksLikeDerPrivateKey(Buffer.from(der, 'base64')), `${k.name}: DER not recognised`);
        assert.ok(!redact(`key=${der};`).includes(der), `${k.name}: bare DER base64 leaked`);
      }
      const html = `<pre>${k.pem}</pre>`;
      assertClean(redact(html), k, 'HTML');
      // What redactJson gets: the structured form.
      assertClean(JSON.stringify(redactJson({ stderr: k.pem.trim().split('\n'), nested: [{ client_key: 'not even a PEM' }] })), k, 'redactJson');
    });
  }

  it('removes the tail of a key whose BEGIN line was cut off, and a head whose END was cut off', () => {
    const k = keys()[2] as Key;
    const lines = k.pem.trim().split('\n');
    const tail = lines.slice(5);
    const head = lines.slice(0, -4);
    const t = redact(JSON.stringify({ stderr: ['build: starting', ...tail, 'build: done'] }));
    for (const l of tail.slice(0, -1)) assert.ok(!t.includes(l), `tail line leaked: ${l}`);
    assert.ok(t.includes('build: starting') && t.includes('build: done'), 'neighbouring lines must stay');
    assert.doesNotThrow(() => JSON.parse(t));
    const h = redact(`${head.join('\n')}\n`);
    for (const l of head.slice(1)) assert.ok(!h.includes(l), `head line leaked: ${l}`);
  });

  it('redacts key-named fields whatever they hold, in JSON, escaped JSON, HTML and environment assignments', () => {
    assert.equal(redact('{"client_key":"abc","address":"x:1"}'), `{"client_key":"${REDACTED}","address":"x:1"}`);
    assert.equal(redact('{"Client_Key": "abc"}'), `{"Client_Key": "${REDACTED}"}`);
    assert.equal(redact(JSON.stringify(JSON.stringify({ private_key: 'abc' }))), JSON.stringify(JSON.stringify({ private_key: REDACTED })));
    assert.equal(redact('&quot;client_key&quot;: &quot;abc&quot;'), `&quot;client_key&quot;: &quot;${REDACTED}&quot;`);
    assert.equal(redact("CORE_CHAINCODE_TLS_KEY='abc def' node server.js"), `CORE_CHAINCODE_TLS_KEY=${REDACTED} node server.js`);
    assert.deepEqual(redactJson({ tls: { clientKey: 'abc', client_cert: 'cert' } }), { tls: { clientKey: REDACTED, client_cert: 'cert' } });
  });

  it('keeps what is not a key: certificates, package IDs, hashes, JSON structure', () => {
    const ca = createCA('Redaction Test CA');
    const text = JSON.stringify({ root_cert: ca.certPem, id: `asset:${'0a'.repeat(32)}`, sha: 'f'.repeat(64), client_key: ca.keyPem });
    const out = redact(text);
    const back = JSON.parse(out) as { root_cert: string; id: string; sha: string; client_key: string };
    assert.equal(back.root_cert, ca.certPem, 'a certificate is public');
    assert.equal(back.id, `asset:${'0a'.repeat(32)}`);
    assert.equal(back.sha, 'f'.repeat(64));
    assert.equal(back.client_key, REDACTED);
    const certB64 = ca.certPem.split('\n').filter((l) => !l.startsWith('-----')).join('');
    assert.equal(redact(certB64), certB64, 'base64 DER of a certificate stays');
    assert.equal(redact('plain text with no secrets'), 'plain text with no secrets');
  });

  it('is idempotent and keeps every line of an NDJSON stream parseable', () => {
    const k = keys()[0] as Key;
    const ndjson = [{ attachment: { body: JSON.stringify({ message: k.pem, evidence: { stderr: k.pem.split('\n') } }) } }, { testStepFinished: { message: `failed: ${k.pem}` } }].map((e) => JSON.stringify(e)).join('\n');
    const once = redact(ndjson);
    assert.equal(redact(once), once);
    for (const line of once.split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);
    assertClean(once, k, 'ndjson');
  });
});
