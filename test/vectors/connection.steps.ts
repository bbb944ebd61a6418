import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { readConnection, type ConnectionRead } from '../../src/connection/index.js';
import { peerTlsConfig } from '../../src/dial/gotls.js';
import type { VectorWorld } from './world.js';

/**
 * Reference §9.3 (J1-J22): connection.json as the peer reads it at launch, through
 * src/connection's readConnection at the peer's own path. Expected texts may name the path as
 * {path}.
 */

const PATH = '/var/hyperledger/production/externalbuilder/builds/cc-1/release/chaincode/server/connection.json';
const read = (w: VectorWorld): ConnectionRead => w.get<ConnectionRead>('connection.read');

Given(/^connection\.json is `(.*)`$/, function (this: VectorWorld, doc: string) {
  this.state.set('connection.bytes', Buffer.from(doc, 'utf8'));
});

Given('connection.json is an empty file', function (this: VectorWorld) {
  this.state.set('connection.bytes', Buffer.alloc(0));
});

When('the peer reads it at launch', function (this: VectorWorld) {
  this.state.set('connection.read', readConnection(this.get<Buffer>('connection.bytes'), PATH));
});

Then(/^the launch fails at rule "([A-Z]+-\d+)" with `(.*)`$/, function (this: VectorWorld, rule: string, text: string) {
  const r = read(this);
  assert.ok(r.failure, `the peer accepted it: ${JSON.stringify(r.info, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  assert.equal(r.failure.peerError, text.replaceAll('{path}', PATH));
  assert.equal(r.failure.rule, rule);
});

Then(/^the peer process crashes with `(.*)`$/, function (this: VectorWorld, text: string) {
  const f = read(this).failure;
  assert.equal(f?.peerError, text);
  assert.deepEqual(f?.evidence, { crash: true });
});

Then(/^the peer dials "([^"]*)" in plaintext with a dial timeout of (-?\d+) ns$/, function (this: VectorWorld, address: string, nanos: string) {
  const r = read(this);
  assert.equal(r.failure, null, r.failure?.peerError ?? '');
  assert.equal(r.info?.address, address);
  assert.equal(r.info?.tls, null, 'plaintext');
  assert.equal(r.info?.dialTimeoutNanos, BigInt(nanos));
});

Then(/^the peer dials "([^"]*)" over TLS trusting root_cert `(.*)`, without a client certificate$/, function (this: VectorWorld, address: string, root: string) {
  const r = read(this);
  assert.equal(r.failure, null, r.failure?.peerError ?? '');
  assert.equal(r.info?.address, address);
  assert.deepEqual(r.info?.tls, { rootCert: root, client: null });
});

Then(/^the peer dials over TLS presenting client_cert `(.*)` and client_key `(.*)`, verifying the server name "([^"]*)"$/, function (this: VectorWorld, cert: string, key: string, name: string) {
  const r = read(this);
  assert.equal(r.failure, null, r.failure?.peerError ?? '');
  assert.deepEqual(r.info?.tls?.client, { cert, key, serverNameOverride: name });
});

Then('the dial context is already expired when the dial starts', function (this: VectorWorld) {
  const r = read(this);
  assert.equal(r.failure, null, r.failure?.peerError ?? '');
  assert.ok((r.info?.dialTimeoutMs ?? 0) < 0, `dial timeout ${r.info?.dialTimeoutMs} ms`);
});

Then(/^the dial fails before connecting with `(.*)`$/, function (this: VectorWorld, text: string) {
  const tls = read(this).info?.tls;
  assert.ok(tls, 'the peer dials in plaintext');
  const c = peerTlsConfig(tls);
  assert.equal(c.ok ? null : c.error, text);
});
