import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float64ToDurationAmd64, formatDuration, parseDuration } from '../../src/gojson/index.js';

/** time.ParseDuration of Go 1.26 (texts use the time package's own quoting since Go 1.20). */

describe('gojson: time.ParseDuration', () => {
  const good: [string, bigint][] = [
    ['0', 0n], ['+0', 0n], ['-0', 0n], ['0s', 0n], ['10s', 10_000_000_000n], ['1.5h', 5_400_000_000_000n], ['.5s', 500_000_000n], ['5.s', 5_000_000_000n],
    ['1h2m3.5s', 3_723_500_000_000n], ['-5\u00b5s', -5000n], ['3\u03bcs', 3000n], ['7us', 7000n], ['+3ms', 3_000_000n], ['1ns', 1n],
    ['9223372036854775807ns', 9223372036854775807n], ['-9223372036854775808ns', -9223372036854775808n], ['2562047h47m16.854775807s', 9223372036854775807n],
    ['1.0000000000000000000000001s', 1_000_000_000n],
  ];
  for (const [s, n] of good) it(`${s} = ${n}ns`, () => assert.deepEqual(parseDuration(s), { ok: true, nanos: n }));

  const bad: [string | Buffer, string][] = [
    ['', 'time: invalid duration ""'],
    ['+', 'time: invalid duration "+"'],
    ['10', 'time: missing unit in duration "10"'],
    ['10S', 'time: unknown unit "S" in duration "10S"'],
    [' 10s', 'time: invalid duration " 10s"'],
    ['1e3s', 'time: unknown unit "e" in duration "1e3s"'],
    ['.s', 'time: invalid duration ".s"'],
    ['1h-2m', 'time: unknown unit "h-" in duration "1h-2m"'],
    ['bogus', 'time: invalid duration "bogus"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['2562047.9h', 'time: invalid duration "2562047.9h"'],
    ['1\u00e9s', 'time: unknown unit "\\xc3\\xa9s" in duration "1\\xc3\\xa9s"'],
    ['1"s', 'time: unknown unit "\\"s" in duration "1\\"s"'],
    [Buffer.from([0x31, 0xff, 0x73]), 'time: unknown unit "\\xffs" in duration "1\\xffs"'],
    [Buffer.from([0x31, 0xb5, 0x73]), 'time: unknown unit "\\xb5s" in duration "1\\xb5s"'],
    ['3\u0000s', 'time: unknown unit "\\x00s" in duration "3\\x00s"'],
  ];
  for (const [s, e] of bad) it(`${JSON.stringify(s.toString())} → ${e}`, () => assert.deepEqual(parseDuration(s), { ok: false, error: e }));
});

describe('gojson: float64 → time.Duration on amd64 (CONN-06)', () => {
  it('truncates toward zero', () => {
    assert.equal(float64ToDurationAmd64(0.5), 0n);
    assert.equal(float64ToDurationAmd64(-1.9), -1n);
    assert.equal(float64ToDurationAmd64(1e10), 10_000_000_000n);
    assert.equal(float64ToDurationAmd64(9.2e18), 9_200_000_000_000_000_000n);
  });
  it('out of range becomes math.MinInt64 (J22)', () => {
    assert.equal(float64ToDurationAmd64(9223372036854775807), -9223372036854775808n);
    assert.equal(float64ToDurationAmd64(1e30), -9223372036854775808n);
    assert.equal(float64ToDurationAmd64(-9.3e18), -9223372036854775808n);
    assert.equal(float64ToDurationAmd64(-9223372036854775808), -9223372036854775808n);
  });
  it('formats like Duration.String', () => {
    assert.equal(formatDuration(0n), '0s');
    assert.equal(formatDuration(10n), '10ns');
    assert.equal(formatDuration(1500n), '1.5\u00b5s');
    assert.equal(formatDuration(3_723_500_000_000n), '1h2m3.5s');
    assert.equal(formatDuration(-9223372036854775808n), '-2562047h47m16.854775808s');
  });
});
