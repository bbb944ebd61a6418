import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../support/cli.js';

/**
 * exitAfterRun (src/cli/exit.ts): a finished run ends with its exit code even when a handle it
 * forgot (here an interval) would keep Node alive, and says so; without one it exits at once.
 */

const EXIT_JS = join(ROOT, 'dist', 'src', 'cli', 'exit.js');

function run(body: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', `const { exitAfterRun } = require(${JSON.stringify(EXIT_JS)});\n${body}`], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('exitAfterRun (src/cli/exit.ts)', () => {
  it('ends a run a forgotten handle keeps alive, with its exit code and a line on stderr', () => {
    const r = run('setInterval(() => undefined, 1000); exitAfterRun(1, 200);');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the run was over, but something kept the process alive for 200 ms; exiting/);
  });

  it('keeps nothing alive itself: a run with nothing open exits with its code and says nothing', () => {
    const r = run('exitAfterRun(3, 30000);');
    assert.equal(r.status, 3);
    assert.equal(r.stderr, '');
  });
});
