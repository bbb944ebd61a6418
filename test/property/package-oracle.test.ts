import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import { calculatePackageId, inspectPackage } from '../../src/package/index.js';
import { packageArb } from './archive-arbitraries.js';
import { describeOracles, oracleRunName, oracleRuns, reportAgreement, type Oracle, propertySeed, type OracleVerdict } from './json-oracle-client.js';
import { scratch } from '../unit/package-fixtures.js';
import { LastFailure } from './archive-report.js';

/**
 * The install parse (PKG-01..08, PKG-11, PKG-13) against the Go oracle on generated packages:
 * same accept/reject and the exact client-visible error, same package ID and label, the same
 * entries handed to the builders; and the judge never throws, hangs or leaves files behind.
 * Twice: against test/oracle (our stdlib replica) and test/oracle-fabric (Fabric's own
 * InstallChaincode, ParseChaincodePackage and Router.Build input, built at each pinned release).
 */

const DEFAULT_RUNS = 2000;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms); });
  return Promise.race([p, deadline]).finally(() => clearTimeout(t));
}

/** The property, against one oracle; `name` names the seed and the printed counts. */
async function agreeOnPackages(oracle: Oracle, name: string, runs: number, against: string): Promise<void> {
  const seed = propertySeed(name);
  const sc = scratch('ccaas-pkg-prop-');
  const work = join(sc.dir, 'work');
  mkdirSync(work);
  const tally = new Map<string, number>();
  const last = new LastFailure();
  await last.assert(async () => {
    await fc.assert(fc.asyncProperty(packageArb, (p) => last.run(() => `package (base64): ${p.bytes.toString('base64')}`, async () => {
      const file = sc.file('p.tgz', p.bytes);
      const v: OracleVerdict = await oracle.ask({ mode: 'package', input: p.bytes });
      const r = await withDeadline(inspectPackage(file, work), 20_000, 'inspectPackage');
      const ctx = 'package';
      assert.equal(v.panic, undefined, `${against} panicked`);
      assert.equal(r.failure?.peerError ?? '', v.ok ? '' : v.error, ctx);
      assert.equal(r.failure === null, v.ok, ctx);
      assert.equal(r.packageId, (v.result?.['packageId'] as string | undefined) ?? null, ctx);
      if (v.result?.['label'] !== undefined) assert.equal(r.label, v.result['label'], ctx);
      if (r.packageId !== null) assert.equal(r.packageId, `${r.label}:${sha(p.bytes)}`, 'the package ID hashes the whole file');
      if (v.ok) {
        assert.ok(r.builderInput, ctx);
        assert.equal(v.result?.['buildInputError'], undefined, 'the peer reads the builder input back from the stored package');
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
    })), { seed, numRuns: runs });
  }, () => sc.done());
  const accepted = reportAgreement({ name, runs, what: 'packages', against }, tally);
  assert.ok(accepted > runs / 50, 'the generator reaches accepted packages');
}

describeOracles({ Go: 'package install parse agrees with Go (oracle mode `package`)', Fabric: 'package install parse agrees with Fabric\'s own InstallChaincode (test/oracle-fabric mode `package`)' }, (who, skip, oracle, release) => {
  const runs = oracleRuns(DEFAULT_RUNS, release);
  it(`${runs} generated packages: verdict, error text, package ID, builder input`, { skip, timeout: 1_800_000 }, async () => {
    await agreeOnPackages(oracle(), oracleRunName('package-oracle', who, release), runs, release ? `${who} ${release}` : who);
  });
});
