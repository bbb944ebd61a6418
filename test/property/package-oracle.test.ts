import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { calculatePackageId, inspectPackage } from '../../src/package/index.js';
import { packageArb } from './archive-arbitraries.js';
import { Oracle, oracleUnavailable, propertyRuns, propertySeed, type OracleVerdict } from './json-oracle-client.js';
import { scratch } from '../unit/package-fixtures.js';
import { LastFailure } from './archive-report.js';

/**
 * The install parse (PKG-01..08, PKG-11, PKG-13) against the Go oracle on generated packages:
 * same accept/reject and the exact client-visible error, same package ID and label, the same
 * entries handed to the builders; and the judge never throws, hangs or leaves files behind.
 */

const RUNS = propertyRuns(2000);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms); });
  return Promise.race([p, deadline]).finally(() => clearTimeout(t));
}

describe('package install parse agrees with Go (oracle mode `package`)', () => {
  const skip = oracleUnavailable();
  let oracle: Oracle | null = null;
  before(() => { if (!skip) oracle = Oracle.start(); });
  after(() => oracle?.close());

  it(`${RUNS} generated packages: verdict, error text, package ID, builder input`, { skip: skip ?? false, timeout: 1_800_000 }, async () => {
    const seed = propertySeed('package-oracle');
    const sc = scratch('ccaas-pkg-prop-');
    const work = join(sc.dir, 'work');
    mkdirSync(work);
    const tally = new Map<string, number>();
    const last = new LastFailure();
    try {
      await fc.assert(fc.asyncProperty(packageArb, (p) => last.run(() => `package (base64): ${p.bytes.toString('base64')}`, async () => {
        const file = sc.file('p.tgz', p.bytes);
        const v: OracleVerdict = await oracle!.ask({ mode: 'package', input: p.bytes });
        const r = await withDeadline(inspectPackage(file, work), 20_000, 'inspectPackage');
        const ctx = 'package';
        assert.equal(r.failure?.peerError ?? '', v.ok ? '' : v.error, ctx);
        assert.equal(r.failure === null, v.ok, ctx);
        assert.equal(r.packageId, (v.result?.['packageId'] as string | undefined) ?? null, ctx);
        if (v.result?.['label'] !== undefined) assert.equal(r.label, v.result['label'], ctx);
        if (r.packageId !== null) assert.equal(r.packageId, `${r.label}:${sha(p.bytes)}`, 'the package ID hashes the whole file');
        if (v.ok) {
          assert.ok(r.builderInput, ctx);
          assert.equal(sha(r.builderInput.metadataJson), v.result?.['firstMetadataSha256'], ctx);
          assert.equal(sha(readFileSync(r.builderInput.codeArchivePath)), v.result?.['firstCodeSha256'], ctx);
          rmSync(dirname(r.builderInput.codeArchivePath), { recursive: true, force: true });
        } else {
          assert.equal(r.builderInput, null, ctx);
        }
        // calculatepackageid: the parse without the DB scan
        const c = await calculatePackageId(file);
        if (v.result?.['packageId'] !== undefined) assert.equal(c.packageId, v.result['packageId'], ctx);
        else assert.equal(c.failure?.peerError, v.result?.['calcError'] ?? v.error, ctx);
        assert.deepEqual(readdirSync(work), [], 'the judge leaves nothing behind');
        const key = v.ok ? 'accepted' : (v.error ?? '').replace(/^could not parse as a chaincode install package: /, '').replace(/\n/g, ' ').replace(/(offset|entry|file|label) .*/, '$1 …').slice(0, 60);
        tally.set(key, (tally.get(key) ?? 0) + 1);
      })), { seed, numRuns: RUNS });
    } catch (e) {
      last.report();
      throw e;
    } finally {
      sc.done();
    }
    const accepted = tally.get('accepted') ?? 0;
    process.stdout.write(`# package-oracle: ${RUNS} packages agreed with Go (${accepted} accepted, ${RUNS - accepted} rejected)\n`);
    for (const [k, n] of [...tally].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stdout.write(`#   ${n}\t${k}\n`);
    assert.ok(accepted > RUNS / 50, 'the generator reaches accepted packages');
  });
});
