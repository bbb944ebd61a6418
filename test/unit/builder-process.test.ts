import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { goExitError, goStartError } from '../../src/builder/goerr.js';
import { processesInGroup, runProgram } from '../../src/builder/process.js';
import { MARKER_VAR } from '../../src/session/children.js';

/** One builder program run the peer's way (execve, /dev/null stdin, stderr lines) with the harness's protection. */

let dir = '';
const PATH_ONLY = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

async function script(name: string, body: string, mode = 0o755): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, body);
  await chmod(p, mode);
  return p;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runProgram', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'builder-process-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('passes argv, the given environment only, the working directory, and /dev/null on stdin; keeps stdout as evidence', async () => {
    const p = await script('show', '#!/bin/sh\necho "args:$#:$1:$2"\necho "cwd:$(pwd)"\nenv | sort >&2\nif read x; then echo "stdin:$x"; else echo "stdin:eof"; fi\n');
    const r = await runProgram(p, ['a b', 'c'], { env: { ...PATH_ONLY, ONLY_THIS: '1' }, timeoutMs: 10_000, cwd: dir });
    assert.equal(r.goError, null);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, `args:2:a b:c\ncwd:${dir}\nstdin:eof\n`);
    // Under c8, NODE_V8_COVERAGE is set, and Node itself adds it to every child's environment.
    const notCoverage = (n: string | undefined): boolean => n !== 'NODE_V8_COVERAGE';
    assert.deepEqual(r.envKeys.filter(notCoverage), ['ONLY_THIS', 'PATH']);
    const names = r.stderrLines.map((l) => l.split('=')[0]).filter((n) => n !== 'PWD' && n !== 'SHLVL' && n !== '_' && notCoverage(n));
    // The one variable the harness adds: the marker that finds descendants outside the group
    // (src/session/children.ts); it is not among the environment the reports show.
    assert.deepEqual(names, [MARKER_VAR, 'ONLY_THIS', 'PATH']);
    assert.ok(!r.envKeys.includes(MARKER_VAR));
    assert.equal(r.timedOut, false);
    assert.equal(r.leftovers, 0);
  });

  it('reports failures with Go\'s exec error texts', async () => {
    const exit3 = await script('exit3', '#!/bin/sh\necho why >&2\nexit 3\n');
    const r3 = await runProgram(exit3, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir });
    assert.equal(r3.goError, 'exit status 3');
    assert.deepEqual(r3.stderrLines, ['why']);
    const killed = await script('killed', '#!/bin/sh\nkill -9 $$\n');
    assert.equal((await runProgram(killed, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir })).goError, 'signal: killed');
    const noExec = await script('noexec', '#!/bin/sh\nexit 0\n', 0o644);
    const rn = await runProgram(noExec, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir });
    assert.equal(rn.goError, `fork/exec ${noExec}: permission denied`);
    assert.equal(rn.startFailed, true);
    assert.equal((await runProgram(join(dir, 'missing'), [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir })).goError, `fork/exec ${join(dir, 'missing')}: no such file or directory`);
    const crlf = await script('crlf', '#!/bin/sh\r\nexit 0\r\n');
    assert.equal((await runProgram(crlf, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir })).goError, `fork/exec ${crlf}: no such file or directory`);
    // Without #! execve refuses the file; Node's execvp would have run it with /bin/sh.
    const bare = await script('bare', 'exit 0\n');
    assert.equal((await runProgram(bare, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir })).goError, `fork/exec ${bare}: exec format error`);
    assert.equal(goExitError(null, 'SIGSEGV'), 'signal: segmentation fault');
    assert.equal(goStartError('/x', { code: 'ENOEXEC' }), 'fork/exec /x: exec format error');
  });

  it('splits stderr on bytes and sees where the peer\'s 64 KiB scanner stops', async () => {
    const ok = await script('line65535', `#!/bin/sh\nhead -c 65535 /dev/zero | tr '\\000' x >&2\necho >&2\necho é >&2\n`);
    const r1 = await runProgram(ok, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir });
    assert.equal(r1.longestStderrLine, 65535);
    assert.equal(r1.peerLog.cutAtLine, null);
    assert.equal(r1.stderrLines[1], 'é');
    const long = await script('line100k', `#!/bin/sh\necho first >&2\nhead -c 102400 /dev/zero | tr '\\000' x >&2\necho >&2\necho after >&2\n`);
    const r2 = await runProgram(long, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir });
    assert.equal(r2.peerLog.cutAtLine, 1);
    assert.equal(r2.peerLog.cutLineBytes, 102400);
    assert.equal(r2.peerLog.bytesAfterCut, 102400 + 1 - 65536 + 6);
    assert.equal(r2.peerLog.wouldBlock, false);
    assert.match(r2.stderrLines[1] ?? '', /… \(102400 bytes\)$/);
    const flood = await script('flood', `#!/bin/sh\nhead -c 102400 /dev/zero | tr '\\000' x >&2\necho >&2\nhead -c 204800 /dev/zero | tr '\\000' y >&2\n`);
    const r3 = await runProgram(flood, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir });
    assert.equal(r3.peerLog.wouldBlock, true, 'over 64 KiB after the cut: the peer would never read it');
    assert.equal(r3.goError, null, 'the harness itself drains stderr, so the program finishes');
  });

  it('kills the whole process group at the deadline, SIGKILL when SIGTERM is ignored', async () => {
    const hang = await script('hang', '#!/bin/sh\nsleep 60 &\nwhile :; do sleep 1; done\n');
    const t0 = performance.now();
    const r = await runProgram(hang, [], { env: PATH_ONLY, timeoutMs: 300, cwd: dir });
    assert.equal(r.timedOut, true);
    assert.equal(r.ignoredSigterm, false);
    assert.ok(performance.now() - t0 < 30_000, 'stopped at the deadline, not after the 60 s sleep (a bound 100 times the 300 ms deadline)');
    assert.ok(r.pid !== null);
    assert.deepEqual(await processesInGroup(r.pid as number), [], 'nothing of the group is left');
    const stubborn = await script('stubborn', '#!/bin/sh\ntrap "" TERM\nwhile :; do sleep 1; done\n');
    const t1 = performance.now();
    const s = await runProgram(stubborn, [], { env: PATH_ONLY, timeoutMs: 300, cwd: dir, killGraceMs: 200 });
    assert.equal(s.timedOut, true);
    assert.equal(s.ignoredSigterm, true);
    assert.equal(s.goError, 'signal: killed');
    assert.ok(performance.now() - t1 < 30_000, 'SIGKILL ended a SIGTERM-ignorer that loops forever (a hang guard)');
    assert.deepEqual(await processesInGroup(s.pid as number), []);
  });

  it('sees a process left holding stderr (the peer would wait for it) and kills what the program left behind', async () => {
    const holder = await script('holder', '#!/bin/sh\nsleep 30 &\necho started >&2\nexit 0\n');
    const r = await runProgram(holder, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir, drainMs: 200 });
    assert.equal(r.goError, null);
    assert.equal(r.stderrHeldOpen, true);
    assert.equal(r.leftovers, 1);
    assert.deepEqual(await processesInGroup(r.pid as number), []);
    const quiet = await script('quiet-bg', '#!/bin/sh\nsleep 30 >/dev/null 2>&1 &\nexit 0\n');
    const q = await runProgram(quiet, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir, drainMs: 200 });
    assert.equal(q.stderrHeldOpen, false);
    assert.equal(q.leftovers, 1, 'left running with stderr closed: the peer would not wait, but it keeps running');
    await new Promise((res) => setTimeout(res, 50));
    assert.ok(!alive(q.pid as number));
    assert.deepEqual(await processesInGroup(q.pid as number), []);
  });

  it('by default waits for stderr to close as the peer does: a short-lived holder is waited for, a long one hits the deadline', async () => {
    const brief = await script('brief-holder', '#!/bin/sh\n(sleep 0.6; echo late >&2) &\necho early >&2\nexit 0\n');
    const t0 = performance.now();
    const r = await runProgram(brief, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir });
    assert.ok(performance.now() - t0 >= 550, 'waited for the holder');
    assert.equal(r.stderrHeldOpen, false);
    assert.deepEqual(r.stderrLines, ['early', 'late'], 'what the peer would log, in order');
    const long = await script('long-holder', '#!/bin/sh\nsleep 30 &\nexit 0\n');
    const l = await runProgram(long, [], { env: PATH_ONLY, timeoutMs: 500, cwd: dir, killGraceMs: 100 });
    assert.equal(l.timedOut, false);
    assert.equal(l.stderrHeldOpen, true);
    assert.equal(l.goError, null);
    assert.deepEqual(await processesInGroup(l.pid as number), []);
  });

  it('caps what it keeps', async () => {
    const big = await script('big', `#!/bin/sh\nhead -c 300000 /dev/zero | tr '\\000' 'a'\nfor i in $(seq 1 2000); do echo "line $i" >&2; done\n`);
    const r = await runProgram(big, [], { env: PATH_ONLY, timeoutMs: 10_000, cwd: dir, maxCaptureBytes: 4096 });
    assert.equal(r.stdoutBytes, 300000);
    assert.equal(r.stdout.length, 4096);
    assert.equal(r.truncated, true);
    assert.ok(r.stderrLines.join('').length <= 4096);
    assert.ok(r.stderrBytes > 10_000);
  });
});
