import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { grouped } from '../../src/report/words.js';
import { propertyRuns, propertySeed } from './json-oracle-client.js';

/**
 * The report writes a package's size with its thousands grouped (`1,453,533 bytes`) without
 * `toLocaleString`, whose first call loads ICU's locale data on the report's path. It must write
 * what en-US writes.
 */
describe('report: a number with its thousands grouped', () => {
  it('writes what toLocaleString("en-US") writes, for every size or count', () => {
    const seed = propertySeed('report-grouped');
    const magnitude = fc.integer({ min: 0, max: 15 }).chain((d) => fc.integer({ min: 0, max: 10 ** d }));
    fc.assert(
      fc.property(fc.oneof(magnitude, fc.maxSafeNat(), fc.nat()), (n) => {
        assert.equal(grouped(n), n.toLocaleString('en-US'));
      }),
      { seed, numRuns: propertyRuns(2000) },
    );
  });

  it('groups the edges of each group', () => {
    assert.deepEqual([0, 7, 999, 1000, 12345, 999999, 1000000].map(grouped), ['0', '7', '999', '1,000', '12,345', '999,999', '1,000,000']);
    assert.equal(grouped(Number.MAX_SAFE_INTEGER), '9,007,199,254,740,991');
    // not a size: as JavaScript writes it
    assert.deepEqual([-1000, 1.5, Number.MAX_SAFE_INTEGER + 1].map(grouped), ['-1000', '1.5', '9007199254740992']);
  });
});
