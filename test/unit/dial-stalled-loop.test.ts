import assert from 'node:assert/strict';
import net, { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { dial } from '../../src/dial/connect.js';
import { probe, within } from '../../src/dial/probe.js';

/**
 * A dial given up while the event loop was stalled (a loaded CI machine, coverage) must not leave
 * a connection or a reconnect loop behind: either keeps the CLI alive after its run. The fault
 * suite once saw a run outlive its bound this way, against a server that keeps a connection open
 * until it receives bytes (the "mid-handshake drop").
 */

function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the event loop is held, as by a long synchronous module load
  }
}

describe('a dial given up during a stalled event loop leaves nothing behind', () => {
  let server: Server;
  let port = 0;
  let accepted = 0;
  const sockets = new Set<Socket>();
  before(async () => {
    server = createServer((s) => {
      accepted++;
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
      // like the fault suite's mid-handshake drop: closed only when bytes arrive
      s.once('data', () => s.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('the probe closes a TCP connection that completes after its deadline', async () => {
    const original = net.connect;
    // The connection is asked for, then the loop stalls past the budget: the budget's timer
    // fires before the connection's completion is seen.
    (net as { connect: typeof net.connect }).connect = ((...args: Parameters<typeof net.connect>) => {
      const s = original(...args);
      stall(150);
      return s;
    }) as typeof net.connect;
    let r;
    try {
      r = await probe({ address: `127.0.0.1:${port}`, dialTimeoutMs: 30, tls: null }, 30);
    } finally {
      (net as { connect: typeof net.connect }).connect = original;
    }
    assert.equal(r.classification, 'timeout');
    // the server saw the connection, and then its close
    for (let i = 0; i < 100 && (accepted === 0 || sockets.size > 0); i++) await new Promise((res) => setTimeout(res, 20));
    assert.ok(accepted >= 1, 'the connection reached the server');
    assert.equal(sockets.size, 0, 'no connection of the probe is left open');
  });

  it('the dial starts no connection once its deadline has passed (grpc-js would retry it after close, forever)', async () => {
    const before = accepted;
    const dialing = dial({ address: `127.0.0.1:${port}`, dialTimeoutMs: 20, tls: null });
    stall(100);
    const d = await dialing;
    assert.equal(d.ok, false);
    assert.equal(d.ok ? '' : d.grpcError, 'Failed to connect before the deadline');
    // grpc-js retries every 500 ms at most: over 1.2 s none comes
    await new Promise((res) => setTimeout(res, 1_200));
    assert.equal(accepted - before, 0, 'no connection attempt reached the server');
  });
});

describe('within (the probe\'s bounded wait)', () => {
  it('tells its cleanup whether the wait timed out', async () => {
    const seen: boolean[] = [];
    assert.equal(await within<string>(1_000, (done) => (setImmediate(() => done('answer')), (t) => seen.push(t)), () => 'timeout'), 'answer');
    assert.equal(await within<string>(5, () => (t) => seen.push(t), () => 'timeout'), 'timeout');
    assert.deepEqual(seen, [false, true]);
  });

  it('turns a synchronous throw into onThrow\'s answer, or a rejection without it', async () => {
    const boom = (): never => {
      throw new Error('ERR_HTTP2_INVALID_SESSION');
    };
    assert.equal(await within<string>(1_000, boom, () => 'timeout', (e) => `threw ${(e as Error).message}`), 'threw ERR_HTTP2_INVALID_SESSION');
    await assert.rejects(within<string>(1_000, boom, () => 'timeout'), /ERR_HTTP2_INVALID_SESSION/);
  });
});
