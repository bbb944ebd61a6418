import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintConnection } from '../../src/connection/index.js';
import { findRule } from '../../src/catalogue/index.js';

const P = '/x/release/chaincode/server/connection.json';
const lint = (doc: string) => lintConnection(Buffer.from(doc, 'utf8'), P);
const rules = (doc: string) => lint(doc).map((f) => f.rule).sort();
const GOOD = '"address":"h:1","dial_timeout":"10s"';

describe('connection.json SHOULD findings', () => {
  it('a clean file has none', () => {
    assert.deepEqual(lint(`{${GOOD},"tls_required":false}`), []);
    assert.deepEqual(lint(`{${GOOD},"tls_required":true,"client_auth_required":true,"domain":"d","root_cert":"r","client_key":"k","client_cert":"c"}`), []);
  });
  it('CONN-04: unknown keys, with the field the author meant', () => {
    const f = lint(`{${GOOD},"tls_required":false,"tlsRequired":true,"timeout":"5s","zzz":1}`);
    assert.deepEqual(f.map((x) => x.evidence?.['meant'] ?? null), ['tls_required', 'dial_timeout', null]);
    assert.match(f[0]!.remedy!, /Rename `tlsRequired` to `tls_required`/);
  });
  it('CONN-04: case variants, duplicates and null overrides', () => {
    assert.deepEqual(rules(`{${GOOD},"TLS_Required":false}`), ['CONN-04']);
    const dup = lint(`{${GOOD},"tls_required":false,"Address":"b"}`);
    assert.ok(dup.some((f) => /`address` is given 2 times/.test(f.message)));
    const nul = lint(`{${GOOD},"tls_required":true,"root_cert":"r","tls_required":null}`);
    assert.ok(nul.some((f) => /null does not clear it/.test(f.message)));
  });
  it('DRIFT-01: booleans written as strings, with the peer\'s error', () => {
    const f = lint(`{${GOOD},"tls_required":"true"}`).find((x) => x.rule === 'DRIFT-01');
    assert.equal(f?.peerError, `malformed chaincode info at '${P}': json: cannot unmarshal string into Go struct field ChaincodeServerUserData.tls_required of type bool`);
    assert.match(f!.remedy!, /"tls_required": true/);
  });
  it('DRIFT-02: absent tls_required', () => {
    assert.deepEqual(rules(`{${GOOD}}`), ['DRIFT-02']);
    assert.deepEqual(rules(`{${GOOD},"tls_required":null}`), ['CONN-04', 'DRIFT-02']);
  });
  it('DRIFT-03: domain without client auth', () => {
    assert.deepEqual(rules(`{${GOOD},"tls_required":true,"root_cert":"r","domain":"d"}`), ['DRIFT-03']);
  });
  it('DRIFT-05: numeric dial_timeout', () => {
    const f = lint('{"address":"h:1","tls_required":false,"dial_timeout":10}');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.rule, 'DRIFT-05');
    assert.match(f[0]!.message, /nanoseconds: 10ns/);
    assert.match(f[0]!.remedy!, /"dial_timeout": "10s"/);
  });
  it('every finding names a catalogue rule and has a remedy', () => {
    const all = lint('{"ADDRESS":"h:1","address":"b","dial_timeout":5,"tls_required":"false","domain":"d","x":null}');
    assert.ok(all.length >= 5);
    for (const f of all) {
      assert.ok(findRule(f.rule), f.rule);
      assert.ok(f.remedy && f.remedy.length > 0);
    }
  });
});
