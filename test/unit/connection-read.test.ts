import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConnection } from '../../src/connection/index.js';

/** connection.json as the peer reads it at launch: cases beyond reference §9.3 (whose J1-J22 are Gherkin vectors). */

const P = '/var/hyperledger/production/externalbuilder/builds/cc-1/release/chaincode/server/connection.json';
const read = (doc: string) => readConnection(Buffer.from(doc, 'utf8'), P);
const failure = (doc: string) => {
  const r = read(doc);
  assert.ok(r.failure, `expected a failure for ${doc}`);
  return r.failure;
};
const malformed = (e: string) => `malformed chaincode info at '${P}': ${e}`;

describe('connection.json beyond the reference vectors (J1-J22 are features/vectors/04-connection.feature)', () => {
  it('DRIFT-06: only emptiness of address is checked', () => {
    for (const a of ['cc', ' ', 'dns:///cc:9999']) assert.equal(read(JSON.stringify({ address: a })).info!.address, a);
  });
  it('out-of-range dial_timeout numbers fail with the struct field context added', () => {
    assert.equal(failure('{"address":"h:1","dial_timeout":1e400}').peerError,
      malformed('json: cannot unmarshal number 1e400 into Go struct field ChaincodeServerUserData.dial_timeout of type float64'));
  });
  it('domain becomes the TLS server name with client auth on 3.x; a 2.5 peer has no domain field', () => {
    const doc = Buffer.from(JSON.stringify({ address: 'h:1', domain: 'cc.example.com', tls_required: true, client_auth_required: true, client_cert: 'C', client_key: 'K', root_cert: 'R' }), 'utf8');
    assert.equal(readConnection(doc, P).info?.tls?.client?.serverNameOverride, 'cc.example.com');
    assert.equal(readConnection(doc, P, '3.1').info?.tls?.client?.serverNameOverride, 'cc.example.com');
    assert.equal(readConnection(doc, P, '2.5').info?.tls?.client?.serverNameOverride, '');
  });
});
