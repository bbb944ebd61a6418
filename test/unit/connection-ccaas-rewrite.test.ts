import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConnection, rewriteConnection } from '../../src/connection/index.js';

/** Reference §9.2 B10-B13 and CONN-10: the built-in ccaas builder's rewrite of connection.json. */

const rw = (doc: string, cfg?: string) => rewriteConnection(Buffer.from(doc, 'utf8'), cfg);
const out = (doc: string, cfg?: string) => {
  const r = rw(doc, cfg);
  assert.ok(r.ok, r.ok ? '' : r.stderrError);
  return r.output.toString('utf8');
};
const P = '/p/connection.json';

describe('ccaas builder rewrite (CONN-10)', () => {
  it('B10: an absent dial_timeout is written as "" and then fails every launch', () => {
    const o = out('{"address":"h:1"}');
    assert.equal(o, '{"address":"h:1","dial_timeout":"","tls_required":false,"client_auth_required":false,"root_cert":"","client_key":"","client_cert":""}');
    assert.equal(readConnection(Buffer.from(o), P).failure?.peerError, `malformed chaincode info at '${P}': time: invalid duration ""`);
  });
  it('B11: a numeric dial_timeout fails the build', () => {
    assert.deepEqual(rw('{"address":"h:1","dial_timeout":10}'), { ok: false, stderrError: 'json: cannot unmarshal number into Go struct field connection.dial_timeout of type string' });
  });
  it('B12: templates take CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG', () => {
    assert.match(out('{"address":"{{.host}}:9999","dial_timeout":"10s"}', '{"host":"x"}'), /^\{"address":"x:9999","dial_timeout":"10s"/);
    assert.deepEqual(rw('{"address":"{{.host}}:9999"}', '{"port":1}'),
      { ok: false, stderrError: 'Failed to parse the Address field template: template: :1:2: executing "" at <.host>: map has no entry for key "host"' });
    assert.deepEqual(rw('{"address":"{{.host}}:9999"}'),
      { ok: false, stderrError: 'Failed to parse the Address field template: template: :1:2: executing "" at <.host>: map has no entry for key "host"' });
    assert.deepEqual(rw('{"address":"h","dial_timeout":"{{.t}"}', '{}'), { ok: false, stderrError: "Failed to parse the DialTimeout field template: template: :1: bad character U+007D '}'" });
  });
  it('B13: domain and unknown keys are dropped; TLS strings only with tls_required', () => {
    assert.equal(out('{"address":"h:1","dial_timeout":"1s","domain":"d","x":1,"tls_required":true,"client_auth_required":true,"root_cert":"<r>","client_key":"k","client_cert":"c"}'),
      '{"address":"h:1","dial_timeout":"1s","tls_required":true,"client_auth_required":true,"root_cert":"\\u003cr\\u003e","client_key":"k","client_cert":"c"}');
    assert.equal(out('{"address":"h:1","client_auth_required":true,"root_cert":"{{bad"}'),
      '{"address":"h:1","dial_timeout":"","tls_required":false,"client_auth_required":false,"root_cert":"","client_key":"","client_cert":""}');
  });
  it('errors: connection.json first, then the config, then the fields in order', () => {
    assert.deepEqual(rw('[]', 'nope'), { ok: false, stderrError: 'json: cannot unmarshal array into Go value of type main.connection' });
    assert.deepEqual(rw('{}', 'nope'), { ok: false, stderrError: "Failed to unmarshal invalid character 'o' in literal null (expecting 'u')" });
    assert.deepEqual(rw('{}', '"x"'), { ok: false, stderrError: 'Failed to unmarshal json: cannot unmarshal string into Go value of type map[string]interface {}' });
    assert.equal(out('null', ''), '{"address":"","dial_timeout":"","tls_required":false,"client_auth_required":false,"root_cert":"","client_key":"","client_cert":""}');
  });
  it('DRIFT-01/24: booleans are not strings and cannot be templated', () => {
    assert.deepEqual(rw('{"address":"h","tls_required":"true"}'), { ok: false, stderrError: 'json: cannot unmarshal string into Go struct field connection.tls_required of type bool' });
    assert.deepEqual(rw('{"address":"h","tls_required":"{{.tls}}"}', '{"tls":true}'), { ok: false, stderrError: 'json: cannot unmarshal string into Go struct field connection.tls_required of type bool' });
  });
  it('printf renders as Go renders it', () => {
    const r = rw('{"address":"{{printf \\"%s_cc:%d\\" .h 9999}}","dial_timeout":"10s"}', '{"h":"x"}');
    assert.equal(r.ok, true);
    assert.match(r.ok ? r.output.toString() : '', /"address":"x_cc:9999"/);
  });
  it('constructs outside the reproduced subset are reported, never guessed', () => {
    const r = rw('{"address":"{{printf \\"%[1]s\\" .h}}"}', '{"h":"x"}');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.unsupported, true);
  });
});
