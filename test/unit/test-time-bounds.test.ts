import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../support/cli.js';

/**
 * Issue 12, defect 9: an end-to-end test asserted a run took under 10 s; on a loaded 2-core CI box
 * it took 10.3 s (0.9 s alone). A wall-clock upper bound in a test only catches a hang, so it is
 * many times the expected time: every literal bound asserted on a duration is at least 20 s. A
 * deadline test that checks a promised deadline instead measures the machine's timer lag and
 * adds it (`lagMs`, test/support/timing.ts), and is left to that.
 */

const MIN_BOUND_MS = 20_000;
// `x.ms < 10_000`, `performance.now() - t0 <= 2_500`, `elapsedMs < 500`
const BOUND = /assert[^;]*?(?:\bms|Ms|elapsed|now\(\) - [A-Za-z0-9_]+)\s*<=?\s*([0-9][0-9_]*)(?![0-9_]*\s*[*+])/g;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('time bounds in tests only catch hangs', () => {
  it(`every literal upper bound on a duration in test/ and steps/ is at least ${MIN_BOUND_MS} ms (or nets out the timer lag)`, () => {
    const tight: string[] = [];
    for (const file of [...sources(join(ROOT, 'test')), ...sources(join(ROOT, 'steps'))]) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const [i, line] of lines.entries()) {
        if (line.includes('lagMs')) continue;
        for (const m of line.matchAll(BOUND)) {
          const ms = Number((m[1] as string).replace(/_/g, ''));
          if (ms < MIN_BOUND_MS) tight.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        }
      }
    }
    assert.deepEqual(tight, [], 'a wall-clock bound this tight fails on a loaded CI machine: make it a hang guard, many times the expected time');
  });
});
