import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDuration } from '../../src/gojson/index.js';
import { durationString } from './ccaas-arbitraries.js';
import { Oracle, oracleUnavailable, propertyRuns, propertySeed } from './json-oracle-client.js';

/** time.ParseDuration against Go's own. */

const RUNS = propertyRuns(2000);

describe('time.ParseDuration agrees with Go', () => {
  const skip = oracleUnavailable();
  let oracle: Oracle | null = null;
  before(() => { if (!skip) oracle = Oracle.start(); });
  after(() => oracle?.close());

  it(`${RUNS} generated duration strings`, { skip: skip ?? false, timeout: 600_000 }, async () => {
    const seed = propertySeed('json-duration');
    const input = fc.oneof(durationString.map((s) => Buffer.from(s, 'utf8')), fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b)));
    let ok = 0;
    await fc.assert(fc.asyncProperty(input, async (b) => {
      const v = await oracle!.ask({ mode: 'duration', input: b });
      const r = parseDuration(b);
      assert.equal(r.ok ? `ok ${r.nanos}` : r.error, v.ok ? `ok ${v.result?.['nanos']}` : v.error, `input ${JSON.stringify(b.toString('latin1'))}`);
      if (v.ok) ok++;
    }), { seed, numRuns: RUNS });
    process.stdout.write(`# json-duration: ${RUNS} agreed (${ok} valid)\n`);
  });
});
