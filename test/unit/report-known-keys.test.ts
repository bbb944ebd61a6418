import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { forgetPrivateKeys, learnPrivateKeys, rememberPrivateKey } from '../../src/report/knownKeys.js';
import { redact, REDACTED } from '../../src/report/redact.js';
import { escapeControl } from '../../src/report/terminal.js';

/**
 * Issue 12, defects 1-3: a key the run has read is redacted by value in every encoding a tool
 * prints it in (hex of the DER in any case and with any separators, base64 at any width, the
 * secret numbers in hex and decimal), redaction is idempotent and leaves file paths alone, and
 * control characters reach the terminal escaped.
 */

function hex(b: Buffer): string {
  return b.toString('hex');
}
function wrap(s: string, width: number, sep = '\n'): string {
  return (s.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(sep);
}
/** `openssl pkey -text` style: 00:ab:cd..., 15 bytes a line, indented. */
function opensslHex(b: Buffer): string {
  const bytes = [...(b[0] !== undefined && b[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b)].map((x) => x.toString(16).padStart(2, '0'));
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 15) lines.push(`    ${bytes.slice(i, i + 15).join(':')}${i + 15 < bytes.length ? ':' : ''}`);
  return lines.join('\n');
}
function jwkBytes(k: KeyObject, name: 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi' | 'n'): Buffer {
  const v = k.export({ format: 'jwk' })[name];
  assert.ok(typeof v === 'string');
  return Buffer.from(v, 'base64url');
}

/** Every encoding of the key's secrets that issue 12 names. */
function encodings(k: KeyObject): Array<[string, string]> {
  const pkcs8 = k.export({ format: 'der', type: 'pkcs8' });
  const native = k.asymmetricKeyType === 'rsa' ? k.export({ format: 'der', type: 'pkcs1' }) : k.asymmetricKeyType === 'ec' ? k.export({ format: 'der', type: 'sec1' }) : pkcs8;
  const out: Array<[string, string]> = [];
  for (const [name, der] of [['PKCS#8', pkcs8], ['native', native]] as const) {
    out.push([`${name} DER hex`, hex(der)]);
    out.push([`${name} DER HEX`, hex(der).toUpperCase()]);
    out.push([`${name} DER hex, xxd -p`, wrap(hex(der), 60)]);
    out.push([`${name} DER hex with colons`, (hex(der).match(/../g) ?? []).join(':')]);
    out.push([`${name} DER HEX with spaces`, (hex(der).toUpperCase().match(/../g) ?? []).join(' ')]);
    out.push([`${name} DER hex with colons and newlines`, opensslHex(der)]);
    for (const w of [32, 64, 76]) out.push([`${name} DER base64 at ${w}`, wrap(der.toString('base64'), w)]);
    out.push([`${name} DER base64 one line`, der.toString('base64')]);
    out.push([`${name} DER base64url`, der.toString('base64url')]);
  }
  const secrets = k.asymmetricKeyType === 'rsa' ? (['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) : (['d'] as const);
  for (const s of secrets) {
    const b = jwkBytes(k, s);
    out.push([`${s} as openssl -text hex`, opensslHex(b)]);
    out.push([`${s} as hex`, hex(b)]);
    out.push([`${s} as HEX`, hex(b).toUpperCase()]);
    out.push([`${s} as decimal`, BigInt(`0x${hex(b)}`).toString(10)]);
    out.push([`${s} as base64`, b.toString('base64')]);
  }
  return out;
}

describe('redaction by value: every encoding of a key the run has read', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;

  for (const [name, key] of [['RSA', rsa], ['EC P-256', ec], ['Ed25519', ed]] as const) {
    it(`${name}: no encoding survives in plain text, in JSON, or as captured lines`, () => {
      forgetPrivateKeys();
      const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
      // learnt as the harness learns it: from connection.json (JSON-escaped newlines)
      assert.equal(learnPrivateKeys(JSON.stringify({ address: 'cc:9999', client_key: pem })), 1);
      for (const [form, text] of encodings(key)) {
        const plain = redact(`build: key follows\n${text}\nbuild: done`);
        assert.ok(!plain.includes(text), `${name} ${form} survived in plain text`);
        assert.ok(plain.includes(REDACTED) && plain.includes('build: key follows') && plain.includes('build: done'), `${name} ${form}: the text around it must stay`);
        const json = redact(JSON.stringify({ stderr: `x ${text} y` }));
        assert.ok(!JSON.parse(json).stderr.includes(text), `${name} ${form} survived as a JSON string`);
        const lines = redact(JSON.stringify({ stderr: text.split('\n') }));
        assert.ok(!(JSON.parse(lines).stderr as string[]).join('\n').includes(text), `${name} ${form} survived as captured lines`);
        assert.equal(redact(plain), plain, `${name} ${form}: redacting twice changed the text`);
      }
    });
  }

  it('keeps the public parts: the RSA modulus and exponent as openssl prints them, and other hex', () => {
    forgetPrivateKeys();
    assert.ok(rememberPrivateKey(rsa));
    const modulus = opensslHex(jwkBytes(rsa, 'n'));
    const text = `Modulus:\n${modulus}\npublicExponent: 65537 (0x10001)\nsha256 ${'ab'.repeat(32)}`;
    assert.equal(redact(text), text);
  });

  it('a key it has not read is not redacted by value (only by shape)', () => {
    forgetPrivateKeys();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const d = hex(jwkBytes(other, 'd'));
    assert.equal(redact(`d=${d}`).includes(d), true);
    rememberPrivateKey(other);
    assert.equal(redact(`d ${d}`).includes(d), false);
  });
});

describe('redaction is idempotent; a file path is not a key', () => {
  it('keeps a key-named variable holding a path, so the re-run command pastes back', () => {
    for (const cmd of ['SRV_KEY=/path/to/key exec ./server', 'TLS_KEY=./key.pem ./server', 'CORE_PEER_TLS_KEY=~/keys/k.pem x', 'CHAINCODE_TLS_KEY=$HOME/k.pem x', 'K_KEY="$(cat key.pem)" x']) {
      assert.equal(redact(cmd), cmd);
      assert.equal(redact(`--command ${JSON.stringify(cmd)}`), `--command ${JSON.stringify(cmd)}`);
    }
  });

  it('redacting twice equals redacting once', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    const texts = [
      "CORE_CHAINCODE_TLS_KEY='abc def' node server.js",
      'SRV_KEY=abcdefABCDEF0123456789abcdefABCDEF0123456789 exec ./server',
      `SRV_KEY=${REDACTED} exec ./server`,
      JSON.stringify({ client_key: pem, note: pem }),
      `${pem}\n${Buffer.from(pem).toString('base64')}`,
      `&quot;client_key&quot;: &quot;${pem}&quot;`,
    ];
    for (const t of texts) {
      const once = redact(t);
      assert.equal(redact(once), once, `not idempotent: ${t.slice(0, 40)}`);
      assert.equal(redact(redact(once)), once);
    }
  });
});

describe('control characters on the terminal', () => {
  it('escapes ESC, BEL, CR, backspace, C1 and bidi overrides; keeps newlines, tabs and text', () => {
    assert.equal(escapeControl('\x1b[2J\x1b]0;pwned\x07label'), '\\x1b[2J\\x1b]0;pwned\\x07label');
    assert.equal(escapeControl('a\rb\bc\x9bd\u202ee'), 'a\\rb\\x08c\\x9bd\\u202ee');
    assert.equal(escapeControl('line 1\n\tline 2 — ünïcode ✓'), 'line 1\n\tline 2 — ünïcode ✓');
  });
});
