import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeReport, watchNode } from '../support/hostile.js';

/**
 * The fault suite's hang bound only catches a hang; these keep its failure message useful: what
 * the hung process was waiting on (test/support/hostile.ts, describeHang).
 */

describe('describing a run that outlived its deadline', () => {
  it('names the handles that keep a hung Node process alive, from its diagnostic report', async () => {
    const run = await watchNode(['-e', "require('net').createServer().listen(0, '127.0.0.1'); setInterval(() => undefined, 60000)"], { deadlineMs: 1_500 });
    assert.equal(run.hung, true);
    assert.equal(run.signal, 'SIGKILL');
    assert.match(run.hang ?? '', /^the process still ran \(state [RS]\); active handles: /);
    // Node keeps one libuv timer for all its timers, due when the next one is
    assert.match(run.hang ?? '', /\btimer \(repeat=0 firesInMsFromNow=\d+\)/);
    assert.match(run.hang ?? '', /\btcp \(localEndpoint=\{[^}]*"ip4":"127\.0\.0\.1","port":\d+\} remoteEndpoint=null\)/);
    assert.match(run.hang ?? '', /none of its processes still runs$/);
  });

  it('says so when the process ended but something still holds its output open', async () => {
    // the process leaves a detached grandchild holding its stdout, then exits
    const run = await watchNode(['-e', "const c = require('child_process').spawn('sleep', ['20'], { stdio: 'inherit', detached: true }); process.stderr.write(`grandchild ${c.pid}\\n`); c.unref()"], { deadlineMs: 1_500 });
    const grandchild = Number(/grandchild (\d+)/.exec(run.stderr)?.[1]);
    try {
      assert.equal(run.hung, true);
      assert.equal(run.code, 0, 'the process itself exited normally');
      assert.match(run.hang ?? '', /^the process had ended, but its stdout or stderr was still open/);
    } finally {
      if (grandchild > 0) process.kill(grandchild, 'SIGKILL');
    }
  });

  it('summarizes a report: referenced active handles only, with where they point, and the top of the stack', () => {
    const report = {
      javascriptStack: { message: 'Error [ERR_SYNTHETIC]: JavaScript Callstack', stack: ['at wait (/x/a.js:1:1)', 'at main (/x/b.js:2:2)'] },
      libuv: [
        { type: 'timer', is_active: true, is_referenced: true, repeat: 0, firesInMsFromNow: 118 },
        { type: 'timer', is_active: true, is_referenced: false, repeat: 0, firesInMsFromNow: 5000 },
        { type: 'tcp', is_active: true, is_referenced: true, localEndpoint: { host: '127.0.0.1', port: 5 }, remoteEndpoint: { host: '127.0.0.1', port: 9999 } },
        { type: 'async', is_active: false, is_referenced: true },
      ],
    };
    assert.equal(
      summarizeReport(JSON.stringify(report)),
      'active handles: timer (repeat=0 firesInMsFromNow=118), tcp (localEndpoint={"host":"127.0.0.1","port":5} remoteEndpoint={"host":"127.0.0.1","port":9999}); JavaScript stack: Error [ERR_SYNTHETIC]: JavaScript Callstack | at wait (/x/a.js:1:1) | at main (/x/b.js:2:2)',
    );
    assert.equal(summarizeReport('{}'), 'active handles: none; JavaScript stack: ');
  });
});
