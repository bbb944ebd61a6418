import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { inspectPackage, writePackage } from '../../src/package/index.js';
import { propertyRuns, propertySeed } from './json-oracle-client.js';
import { scratch } from '../unit/package-fixtures.js';

/**
 * writePackage: whatever it writes is judged acceptable (no MUST or SHOULD finding fails), its
 * bytes depend only on the inputs, and the package ID is label:sha256 of exactly those bytes.
 */

const RUNS = propertyRuns(300);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const labelArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,30}$/);
const indexArb = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/),
  field: fc.stringMatching(/^[a-z]{1,8}$/),
  collection: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), { nil: undefined }),
});

describe('writePackage output', () => {
  it(`${RUNS} generated packages are accepted, reproducible and hashed whole`, { timeout: 600_000 }, async () => {
    const seed = propertySeed('package-pack');
    const sc = scratch('ccaas-pack-prop-');
    const work = join(sc.dir, 'work');
    mkdirSync(work);
    let n = 0;
    try {
      await fc.assert(fc.asyncProperty(
        fc.record({
          connectionJson: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          label: labelArb,
          type: fc.constantFrom('ccaas', 'external', undefined),
          indexes: fc.array(indexArb, { maxLength: 4 }),
          extra: fc.array(fc.record({ name: fc.stringMatching(/^[a-z]{1,6}(\/[a-z]{1,6})?\.txt$/), data: fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a)) }), { maxLength: 2 }),
        }),
        async (o) => {
          const metaInf = join(sc.dir, `mi${n}`);
          for (const ix of o.indexes) {
            const dir = ix.collection ? join(metaInf, 'statedb', 'couchdb', 'collections', ix.collection, 'indexes') : join(metaInf, 'statedb', 'couchdb', 'indexes');
            mkdirSync(dir, { recursive: true });
            writeFileSync(join(dir, `${ix.name}.json`), JSON.stringify({ index: { fields: [ix.field] }, ddoc: `${ix.name}Doc`, name: ix.name, type: 'json' }));
          }
          const opts = { connectionJson: o.connectionJson, label: o.label, ...(o.type ? { type: o.type } : {}), ...(o.indexes.length > 0 ? { metaInfDir: metaInf } : {}), extraCodeFiles: o.extra };
          const a = await writePackage(opts);
          const b = await writePackage(opts);
          assert.ok(a.equals(b), 'same inputs, same bytes');
          const file = join(sc.dir, `p${n++}.tgz`);
          writeFileSync(file, a);
          const r = await inspectPackage(file, work);
          assert.equal(r.failure, null, JSON.stringify(r.failure));
          assert.equal(r.packageId, `${o.label}:${sha(a)}`);
          for (const f of r.findings) assert.equal(f.status, 'passed', `${f.rule}: ${f.message}`);
          if (r.builderInput) rmSync(dirname(r.builderInput.codeArchivePath), { recursive: true, force: true });
          assert.deepEqual(readdirSync(work), []);
          rmSync(metaInf, { recursive: true, force: true });
          rmSync(file);
        },
      ), { seed, numRuns: RUNS });
    } finally {
      sc.done();
    }
  });
});
