import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress } from '../../src/report/progress.js';
import { makeStream, passingFeatures, runInfo } from './report-stream.js';

/** Live progress from the message stream: a rewritten line on a terminal, stage lines elsewhere. */
describe('progress', () => {
  it('on a terminal rewrites one line with rules judged, counts and the running stage', () => {
    let out = '';
    let t = 0;
    const p = new Progress({ write: (s: string) => (out += s) }, true, () => (t += 100), 200);
    for (const e of makeStream(passingFeatures(), { run: runInfo() })) p.onEnvelope(e);
    p.end();
    assert.match(out, /\r\x1b\[2K\[6\/6\] ✓ 5 {2}– 1 {2}· the peer does its stage/);
    assert.ok(out.endsWith('\r\x1b[2K'), 'the live line is cleared before the summary');
    assert.ok(!out.includes('\n'), 'no new lines on a terminal');
  });

  it('elsewhere prints one line per stage as it starts', () => {
    let out = '';
    const p = new Progress({ write: (s: string) => (out += s) }, false);
    for (const e of makeStream(passingFeatures(), { run: runInfo() })) p.onEnvelope(e);
    p.end();
    assert.deepEqual(out.split('\n').filter((l) => l), ['· the peer installs the package', '· the peer does its stage', '· the peer builds the package with its external builders']);
  });
});
