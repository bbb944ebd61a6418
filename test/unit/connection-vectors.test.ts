import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NIL_DEREFERENCE_PANIC, readConnection } from '../../src/connection/index.js';

/** Reference §9.3, vectors J1-J22: connection.json as the peer reads it at launch. */

const P = '/var/hyperledger/production/externalbuilder/builds/cc-1/release/chaincode/server/connection.json';
const read = (doc: string) => readConnection(Buffer.from(doc, 'utf8'), P);
const failure = (doc: string) => {
  const r = read(doc);
  assert.ok(r.failure, `expected a failure for ${doc}`);
  return r.failure;
};
const malformed = (e: string) => `malformed chaincode info at '${P}': ${e}`;
const nanos = (doc: string) => {
  const r = read(doc);
  assert.equal(r.failure, null, r.failure?.peerError ?? '');
  return r.info!.dialTimeoutNanos;
};

describe('connection.json vectors (CONN)', () => {
  it('J1: address only → plaintext, 3s', () => {
    const r = read('{"address":"h:1"}');
    assert.equal(r.failure, null);
    assert.deepEqual(r.info, { address: 'h:1', dialTimeoutNanos: 3_000_000_000n, dialTimeoutMs: 3000, tls: null });
    assert.equal(r.userData!.tlsRequired, false);
  });
  it('J2: no address', () => {
    for (const doc of ['{}', '{"address":""}']) {
      const f = failure(doc);
      assert.equal(f.rule, 'CONN-07');
      assert.equal(f.peerError, 'chaincode address not provided');
    }
  });
  it('J3: null crashes the peer', () => {
    const f = failure('null');
    assert.equal(f.rule, 'CONN-02');
    assert.equal(f.peerError, NIL_DEREFERENCE_PANIC);
    assert.deepEqual(f.evidence, { crash: true });
  });
  it('J4: array, string, empty file', () => {
    assert.equal(failure('[]').peerError, malformed('json: cannot unmarshal array into Go value of type externalbuilder.ChaincodeServerUserData'));
    assert.equal(failure('"x"').peerError, malformed('json: cannot unmarshal string into Go value of type externalbuilder.ChaincodeServerUserData'));
    assert.equal(failure('').peerError, malformed('unexpected end of JSON input'));
    assert.equal(failure('').rule, 'CONN-02');
  });
  it('J5: tls_required as a string', () => {
    const f = failure('{"address":"h:1","tls_required":"true"}');
    assert.equal(f.rule, 'CONN-03');
    assert.equal(f.peerError, malformed('json: cannot unmarshal string into Go struct field ChaincodeServerUserData.tls_required of type bool'));
  });
  it('J6-J8: TLS material checked in the peer\'s order', () => {
    assert.equal(failure('{"address":"h:1","tls_required":true}').peerError, 'chaincode tls root cert not provided');
    assert.equal(failure('{"address":"h:1","tls_required":true,"client_auth_required":true}').peerError, 'chaincode tls key not provided');
    assert.equal(failure('{"address":"h:1","tls_required":true,"client_auth_required":true,"client_key":"k"}').peerError, 'chaincode tls cert not provided');
  });
  it('J9: type error although TLS is off', () => {
    assert.equal(failure('{"address":"h:1","tls_required":false,"client_auth_required":"yes"}').peerError,
      malformed('json: cannot unmarshal string into Go struct field ChaincodeServerUserData.client_auth_required of type bool'));
  });
  it('J10: TLS fields ignored when TLS is off', () => {
    assert.equal(read('{"address":"h:1","tls_required":false,"root_cert":"garbage"}').info!.tls, null);
  });
  it('J11: root_cert is not parsed here (CONN-08 happens at dial)', () => {
    assert.deepEqual(read('{"address":"h:1","tls_required":true,"root_cert":"not pem"}').info!.tls, { rootCert: 'not pem', client: null });
  });
  it('J12: domain ignored without client auth, used with it', () => {
    assert.deepEqual(read('{"address":"h:1","tls_required":true,"root_cert":"r","domain":"d"}').info!.tls, { rootCert: 'r', client: null });
    assert.deepEqual(read('{"address":"h:1","tls_required":true,"client_auth_required":true,"client_key":"k","client_cert":"c","root_cert":"r","domain":"d"}').info!.tls,
      { rootCert: 'r', client: { cert: 'c', key: 'k', serverNameOverride: 'd' } });
  });
  it('J13: numeric dial_timeout is nanoseconds', () => {
    assert.equal(nanos('{"address":"h:1","dial_timeout":10}'), 10n);
    assert.equal(nanos('{"address":"h:1","dial_timeout":1e10}'), 10_000_000_000n);
    assert.equal(nanos('{"address":"h:1","dial_timeout":0.5}'), 3_000_000_000n);
    assert.equal(nanos('{"address":"h:1","dial_timeout":-1}'), -1n);
    assert.equal(read('{"address":"h:1","dial_timeout":-1}').info!.dialTimeoutMs, -0.000001);
  });
  it('J14: duration string errors', () => {
    const cases: [string, string][] = [
      ['"10"', 'time: missing unit in duration "10"'], ['""', 'time: invalid duration ""'], ['"10S"', 'time: unknown unit "S" in duration "10S"'],
      ['" 10s"', 'time: invalid duration " 10s"'], ['"1e3s"', 'time: unknown unit "e" in duration "1e3s"'],
    ];
    for (const [v, e] of cases) {
      const f = failure(`{"address":"h:1","dial_timeout":${v}}`);
      assert.equal(f.peerError, malformed(e));
      assert.equal(f.rule, 'CONN-06');
    }
  });
  it('J15: other JSON types are `invalid duration`', () => {
    for (const v of ['null', 'true', '{}', '[]']) assert.equal(failure(`{"address":"h:1","dial_timeout":${v}}`).peerError, malformed('invalid duration'));
  });
  it('J16: "0" and "0s" mean the 3s default', () => {
    assert.equal(nanos('{"address":"h:1","dial_timeout":"0"}'), 3_000_000_000n);
    assert.equal(nanos('{"address":"h:1","dial_timeout":"0s"}'), 3_000_000_000n);
  });
  it('J17: upper-case keys', () => {
    assert.deepEqual(read('{"ADDRESS":"h:1","TLS_REQUIRED":true,"Root_Cert":"r"}').info!.tls, { rootCert: 'r', client: null });
  });
  it('J18: long s (U+017F) matches address', () => {
    assert.equal(read('{"addre\u017fs":"h:1"}').info!.address, 'h:1');
  });
  it('J19: last duplicate wins', () => {
    assert.equal(read('{"address":"a","Address":"b"}').info!.address, 'b');
  });
  it('J20: null does not turn TLS off', () => {
    assert.notEqual(read('{"address":"h:1","tls_required":true,"root_cert":"r","tls_required":null}').info!.tls, null);
  });
  it('J21: the dial_timeout error is reported before the earlier type error (CONN-05)', () => {
    assert.equal(failure('{"address":"h:1","tls_required":"true","dial_timeout":"bogus"}').peerError, malformed('time: invalid duration "bogus"'));
  });
  it('J22: 9223372036854775807 rounds to 2^63 and becomes math.MinInt64 on amd64', () => {
    const r = read('{"address":"h:1","dial_timeout":9223372036854775807}');
    assert.equal(r.info!.dialTimeoutNanos, -9223372036854775808n);
    assert.ok(r.info!.dialTimeoutMs < 0);
  });
  it('DRIFT-06: only emptiness of address is checked', () => {
    for (const a of ['cc', ' ', 'dns:///cc:9999']) assert.equal(read(JSON.stringify({ address: a })).info!.address, a);
  });
  it('out-of-range dial_timeout numbers fail with the struct field context added', () => {
    assert.equal(failure('{"address":"h:1","dial_timeout":1e400}').peerError,
      malformed('json: cannot unmarshal number 1e400 into Go struct field ChaincodeServerUserData.dial_timeout of type float64'));
  });
});
