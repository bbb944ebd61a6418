import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { endpointOf, joinHostPort, parseResolve, peerDialed, resolveFor } from '../../src/dial/redirect.js';
import { authorityOf, channelOptions } from '../../src/dial/connect.js';
import { placeServer, whyNotBindable } from '../../src/server/placement.js';

/** --resolve, --address and the relocated --command server: only TCP moves; the peer's view stays connection.json's. */

describe('redirects (--resolve HOST:PORT:ADDR, --address)', () => {
  it('parses --resolve as curl writes it, and refuses what it does not support, with the form to write', () => {
    assert.deepEqual(parseResolve('asset-transfer-basic.org1.example.com:9999:127.0.0.1'), { host: 'asset-transfer-basic.org1.example.com', port: 9999, addr: '127.0.0.1' });
    assert.deepEqual(parseResolve('[::1]:7052:[::1]'), { host: '::1', port: 7052, addr: '::1' });
    assert.deepEqual(parseResolve('cc:1:::1'), { host: 'cc', port: 1, addr: '::1' }, 'an IPv6 ADDR without brackets, as curl allows');
    for (const [spec, why] of [
      ['cc:9999', /not HOST:PORT:ADDR/],
      ['cc:99999:127.0.0.1', /port 99999 is out of range/],
      ['+cc:1:127.0.0.1', /\+ and - prefixes/],
      ['cc:1:127.0.0.1,127.0.0.2', /one address only/],
      ['*:1:127.0.0.1', /HOST must be/],
      ['cc:1:', /ADDR is empty/],
    ] as const) {
      const r = parseResolve(spec);
      assert.ok('error' in r, spec);
      assert.match(r.error, why, spec);
      assert.match(r.error, /write HOST:PORT:ADDR/);
    }
  });

  it('matches connection.json\'s host without case and with its port only', () => {
    const entries = [{ host: 'CC.example.com', port: 9999, addr: '127.0.0.1' }];
    assert.equal(resolveFor('cc.example.com:9999', entries), entries[0]);
    assert.equal(resolveFor('cc.example.com.:9999', entries), entries[0]);
    assert.equal(resolveFor('dns:///cc.example.com:9999', entries), entries[0]);
    assert.equal(resolveFor('cc.example.com:9998', entries), null);
    assert.equal(resolveFor('unix:///tmp/cc.sock', entries), null);
  });

  it('keeps the peer\'s :authority and never names the redirect in the peer\'s quoted dial', () => {
    assert.equal(authorityOf('cc.example.com:9999'), 'cc.example.com:9999');
    assert.equal(authorityOf('dns:///cc.example.com:9999'), 'cc.example.com:9999');
    assert.equal(channelOptions({ address: 'cc.example.com:9999', connectTo: '127.0.0.1:1', dialTimeoutMs: 1, tls: null })['grpc.default_authority'], 'cc.example.com:9999');
    assert.equal(channelOptions({ address: 'cc.example.com:9999', dialTimeoutMs: 1, tls: null })['grpc.default_authority'], undefined);
    assert.equal(peerDialed('cc.example.com:9999'), '<IP of cc.example.com>:9999');
    assert.equal(peerDialed('10.0.0.7:9999'), '10.0.0.7:9999');
    assert.equal(joinHostPort('::1', 7), '[::1]:7');
    assert.deepEqual(endpointOf('[::1]:7'), { host: '::1', port: 7 });
    assert.equal(endpointOf('cc:0'), null);
  });
});

describe('where a --command server listens (src/server/placement.ts)', () => {
  it('keeps an address this machine can bind; relocates a host it cannot to loopback, keeping the port when free', async () => {
    assert.equal(await whyNotBindable('127.0.0.1'), null);
    assert.equal(await whyNotBindable('0.0.0.0'), null);
    assert.match((await whyNotBindable('192.0.2.1')) ?? '', /192\.0\.2\.1 is not an address of this machine/);
    assert.match((await whyNotBindable('cc.example.invalid')) ?? '', /cc\.example\.invalid does not resolve on this machine/);
    assert.deepEqual(await placeServer('127.0.0.1:7052', { address: null, resolve: [], command: true }), { listen: '127.0.0.1:7052', redirect: null });
    const moved = await placeServer('cc.example.invalid:7052', { address: null, resolve: [], command: true });
    assert.equal(moved.redirect?.via, '--command');
    assert.equal(moved.listen, moved.redirect?.connectTo);
    assert.match(moved.redirect?.note ?? '', /as --resolve cc\.example\.invalid:7052:127\.0\.0\.1 would\. The gRPC target and :authority, the TLS server name the peer verifies and the peer's quoted errors stay cc\.example\.invalid:7052\.$/);
    // without --command nothing moves: the peer's failure to resolve is the finding
    assert.deepEqual(await placeServer('cc.example.invalid:7052', { address: null, resolve: [], command: false }), { listen: 'cc.example.invalid:7052', redirect: null });
  });

  it('takes another loopback port when the address\'s port is taken here, and says so', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const p = await placeServer(`cc.example.invalid:${port}`, { address: null, resolve: [], command: true });
      assert.notEqual(p.listen, `127.0.0.1:${port}`);
      assert.match(p.redirect?.note ?? '', new RegExp(`\\(port ${port} is taken here\\)`));
    } finally {
      busy.close();
    }
  });

  it('--address and --resolve say where, and --address wins', async () => {
    const r = await placeServer('cc.example.invalid:7052', { address: null, resolve: [{ host: 'cc.example.invalid', port: 7052, addr: '127.0.0.2' }], command: true });
    assert.deepEqual([r.listen, r.redirect?.via], ['127.0.0.2:7052', '--resolve']);
    const a = await placeServer('cc.example.invalid:7052', { address: '127.0.0.1:1234', resolve: [{ host: 'cc.example.invalid', port: 7052, addr: '127.0.0.2' }], command: false });
    assert.deepEqual([a.listen, a.redirect?.via, a.redirect?.connectTo], ['127.0.0.1:1234', '--address', '127.0.0.1:1234']);
    assert.equal((await placeServer('127.0.0.1:1234', { address: '127.0.0.1:1234', resolve: [], command: false })).redirect, null);
  });
});
