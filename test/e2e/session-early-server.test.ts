import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { buildRunConfig } from '../../src/cli/commands/check.js';
import { PeerSession } from '../../src/session/session.js';
import { freePort, tempDir } from '../support/cli.js';

/**
 * A --command server starts beside the builders, at the address of the package's own
 * connection.json; the server stage takes it only if the released connection.json names the same
 * address, and stops it otherwise. Nothing outlives the session.
 */

// listens where the harness tells it to, as a chaincode server does
const LISTENER = `node -e "require('net').createServer().listen(Number(process.env.CHAINCODE_SERVER_ADDRESS.split(':').pop()), '127.0.0.1')"`;

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(1_000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function until(f: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await f()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('the --command server starts before the build finishes', () => {
  let dir: { path: string; remove(): Promise<void> };
  before(async () => {
    dir = await tempDir();
  });
  after(async () => dir.remove());

  async function session(port: number, host = '127.0.0.1'): Promise<PeerSession> {
    const pkg = await writeSamplePackage(join(dir.path, `p${port}.tgz`), { address: `${host}:${port}` });
    const { config } = await buildRunConfig([pkg, '--command', LISTENER], join(dir.path, `w${port}`));
    return new PeerSession(config);
  }

  it('listens at the package\'s address once the package stage is done, and is the server the stage uses', async () => {
    const port = await freePort();
    const s = await session(port);
    try {
      await s.package();
      assert.ok(await until(() => listening(port), 10_000), 'the early server listens before any later stage ran');
      const st = await s.server();
      assert.equal(st.failure, null);
      assert.equal(st.address, `127.0.0.1:${port}`);
      assert.ok(st.server && st.server.pid > 0);
    } finally {
      await s.close();
    }
    assert.ok(await until(async () => !(await listening(port)), 3_000), 'stopped with the session');
  });

  it('is stopped when the released address differs, and is stopped by close() when never taken', async () => {
    const port = await freePort();
    const s = await session(port);
    await s.package();
    assert.ok(await until(() => listening(port), 10_000));
    assert.equal(await s.takeEarlyServer(`127.0.0.1:${await freePort()}`), null, 'another address: not taken');
    assert.ok(await until(async () => !(await listening(port)), 3_000), 'and stopped');
    await s.close();

    const port2 = await freePort();
    const s2 = await session(port2);
    await s2.package();
    assert.ok(await until(() => listening(port2), 10_000));
    await s2.close();
    assert.ok(await until(async () => !(await listening(port2)), 3_000), 'close() stops a server the server stage never took');
  });

  it('waits for the build when the address is a template for the builder to fill in', async () => {
    const port = await freePort();
    const s = await session(port, '{{.peername}}');
    try {
      await s.package();
      assert.equal(await until(() => listening(port), 1_000), false);
    } finally {
      await s.close();
    }
  });
});
