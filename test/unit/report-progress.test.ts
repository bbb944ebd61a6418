import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress } from '../../src/report/progress.js';
import { finding, makeStream, passingFeatures, runInfo } from './report-stream.js';

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

  it('with --offline shows the network stages as not run', () => {
    let out = '';
    const p = new Progress({ write: (s: string) => (out += s) }, false, () => Date.now(), 100, true);
    // passingFeatures' dial feature is tagged @network; the others are not.
    const dial = [{ name: 'ready', rule: 'DIAL-03', level: 'MUST' as const, finding: finding('DIAL-03', 'disabled', 'disabled by --offline'), steps: [{ text: 'the peer dials the chaincode server', type: 'Action' as const, ms: 0.1 }] }];
    for (const e of makeStream(passingFeatures({ dial }), { run: runInfo() })) p.onEnvelope(e);
    p.end();
    const lines = out.split('\n').filter((l) => l);
    assert.ok(lines.includes('– the peer dials the chaincode server: not run (--offline)'), lines.join('\n'));
    assert.ok(lines.includes('· the peer installs the package'), lines.join('\n'));
    assert.ok(!lines.includes('· the peer dials the chaincode server'));
  });
});
