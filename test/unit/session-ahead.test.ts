import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Dialed } from '../../src/dial/connect.js';
import type { RunningServer } from '../../src/server/command.js';
import { defaultRunConfig } from '../../src/session/config.js';
import { PeerSession } from '../../src/session/session.js';

/**
 * The session runs its stages ahead of the steps (src/session/session.ts startRun). A stage that
 * finishes after the run closed the session leaves nothing open: a connection or a server handed
 * over then is closed or stopped at once.
 */
describe('a session that ran ahead (src/session/session.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccaas-session-ahead-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('closes a connection and stops a server handed over after it closed', async () => {
    const s = new PeerSession(defaultRunConfig(join(dir, 'missing.tgz'), dir));
    await s.close();
    let closed = 0;
    let stopped = 0;
    s.adoptDialed({ close: () => closed++ } as unknown as Dialed);
    s.adoptServer({ stop: async () => void stopped++, output: () => [] } as unknown as RunningServer);
    assert.equal(closed, 1);
    assert.equal(stopped, 1);
    assert.deepEqual(s.serverOutput(), [], 'the server handed over late is not the session\'s');
  });

  it('keeps what is handed over while open, and closes it with the session', async () => {
    const s = new PeerSession(defaultRunConfig(join(dir, 'missing.tgz'), dir));
    let closed = 0;
    let stopped = 0;
    s.adoptDialed({ close: () => closed++ } as unknown as Dialed);
    s.adoptServer({ stop: async () => void stopped++, output: () => ['listening'] } as unknown as RunningServer);
    assert.equal(closed + stopped, 0);
    assert.deepEqual(s.serverOutput(), ['listening']);
    await s.close();
    assert.equal(closed, 1);
    assert.equal(stopped, 1);
  });

  it('after a package that fails, the later stages the steps ask for are blocked by its rule', async () => {
    const s = new PeerSession(defaultRunConfig(join(dir, 'missing.tgz'), dir));
    await s.startRun({ through: 'transaction' });
    const pkg = await s.package();
    assert.ok(pkg.failure, 'a missing package fails the install');
    const build = await s.build();
    assert.equal(build.failure?.rule, pkg.failure?.rule, 'the build is blocked by the package\'s rule');
    await s.close();
  });
});
