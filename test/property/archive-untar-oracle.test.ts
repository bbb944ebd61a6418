import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import { goClean as clean } from '../../src/gopath/filepath.js';
import { bin, display } from '../../src/archive/tar.js';
import { untarCode } from '../../src/package/index.js';
import { codeArchiveArb } from './archive-arbitraries.js';
import { treeListing } from './archive-tree.js';
import { describeOracles, oracleRunName, oracleRuns, reportAgreement, type Oracle, propertySeed } from './json-oracle-client.js';
import { scratch } from '../unit/package-fixtures.js';
import { LastFailure } from './archive-report.js';

/**
 * The builders' extraction (CODE-01..03, externalbuilder.Untar) against the Go oracle on
 * generated code archives: same accept/reject, exact error text (destination shown as <dst>),
 * and the same tree on disk (paths, types, modes, sizes, content hashes). Twice: against
 * test/oracle (our stdlib replica) and test/oracle-fabric (Fabric's own externalbuilder.Untar).
 */

const DEFAULT_RUNS = 2000;

/** The property, against one oracle; `name` names the seed and the printed counts. */
async function agreeOnExtraction(oracle: Oracle, name: string, runs: number, against: string): Promise<void> {
  const seed = propertySeed(name);
  const sc = scratch('ccaas-untar-prop-');
  const tally = new Map<string, number>();
  const last = new LastFailure();
  let n = 0;
  await last.assert(async () => {
    await fc.assert(fc.asyncProperty(codeArchiveArb, (c) => last.run(() => `code.tar.gz (base64): ${c.bytes.toString('base64')}`, async () => {
      const file = sc.file('code.tar.gz', c.bytes);
      const dest = join(sc.dir, `d${n++}`);
      mkdirSync(dest);
      const v = await oracle.ask({ mode: 'untar', input: c.bytes });
      const r = await untarCode(file, dest);
      const ctx = 'untar';
      assert.equal(v.panic, undefined, `${against} panicked`);
      const ours = r.ok ? '' : (r.failure.peerError ?? r.failure.message).replace(/^could not untar source package: /, '').split(display(bin(Buffer.from(clean(dest))))).join('<dst>');
      assert.equal(ours, v.ok ? '' : v.error, ctx);
      assert.deepEqual(treeListing(dest), v.result?.['tree'] ?? [], ctx);
      const key = v.ok ? 'accepted' : (v.error ?? '').replace(/\n/g, ' ').replace(/'.*$/, "'…").replace(/offset \d+/, 'offset N').slice(0, 60);
      tally.set(key, (tally.get(key) ?? 0) + 1);
    })), { seed, numRuns: runs });
  }, () => sc.done());
  const accepted = reportAgreement({ name, runs, what: 'code archives', against }, tally);
  assert.ok(accepted > runs / 20, 'the generator reaches accepted archives');
}

describeOracles({ Go: 'code.tar.gz extraction agrees with Go (oracle mode `untar`)', Fabric: 'code.tar.gz extraction agrees with Fabric\'s own externalbuilder.Untar (test/oracle-fabric mode `untar`)' }, (who, skip, oracle, release) => {
  const runs = oracleRuns(DEFAULT_RUNS, release);
  it(`${runs} generated code archives: verdict, error text and extracted tree`, { skip, timeout: 1_800_000 }, async () => {
    await agreeOnExtraction(oracle(), oracleRunName('archive-untar-oracle', who, release), runs, release ? `${who} ${release}` : who);
  });
});
