import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { goFixtureSkip } from '../../mocks/chaincode/go/launch.js';
import { isFabricRelease, type FabricRelease } from '../../src/catalogue/releases.js';
import { fabricBuild } from '../realpeer/build.js';
import { CASES, SERVICE_NAMES, type Case } from '../realpeer/cases.js';
import { startNetwork, type Network } from '../realpeer/network.js';
import { removeOnExit } from '../realpeer/proc.js';
import { BUILDER_CONFIG, makeWorld, runCorpus, SAMPLE_BUILDER, tableOf, type CaseRecord } from '../realpeer/runner.js';

/**
 * The real peer as the final judge (docs/real-peer.md): a one-node Fabric network built from
 * source at each pinned release (REAL_PEER_RELEASES, default 3.1), the corpus of
 * test/realpeer/cases.ts deployed on it and checked by the harness CLI, and the two required to
 * agree on where each deployment stops and on the peer's error text. Prints the table of both.
 *
 * Needs go and a Fabric source (FABRIC_MIRROR or FABRIC_SOURCE_ARCHIVE_<2_5|3_1>): without them it
 * skips with the reason, except with CI=true. REAL_PEER_CASES=id,id runs some cases only.
 */

const releases: FabricRelease[] = (process.env['REAL_PEER_RELEASES'] ?? '3.1')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s.length > 0)
  .map((s) => {
    if (!isFabricRelease(s)) throw new Error(`REAL_PEER_RELEASES names ${s}, not a pinned release (src/catalogue/releases.ts)`);
    return s;
  });

const only = (process.env['REAL_PEER_CASES'] ?? '').split(',').filter((s) => s.length > 0);
/** The peer's chaincode.startuptimeout here (the sample core.yaml's is 300 s: the cases that would wait it record that the harness predicted 300 s). */
const STARTUP_S = 20;
const EXECUTE_S = 10;
const CONCURRENCY = Number(process.env['REAL_PEER_CONCURRENCY'] ?? '3');

function say(line: string): void {
  process.stdout.write(`# ${line}\n`);
}

for (const release of releases) {
  describe(`the real Fabric ${release} peer and the harness agree`, () => {
    it(`on every case of the corpus`, { timeout: 60 * 60_000 }, async (t) => {
      const built = await fabricBuild(release, say);
      if ('skip' in built) {
        if (process.env['CI'] === 'true') assert.fail(`CI=true but ${built.skip}`);
        t.skip(built.skip);
        return;
      }
      say(`Fabric ${built.pin.tag} binaries ${built.cached ? 'from the cache' : 'built'} in ${(built.ms / 1000).toFixed(1)} s: ${built.dir}`);
      const goSkip = goFixtureSkip();
      if (goSkip && process.env['CI'] === 'true') assert.fail(`CI=true but the Go fixture cannot run: ${goSkip}`);
      const wanted: Case[] = CASES.filter((c) => (only.length === 0 || only.includes(c.id)) && (!c.releases || c.releases.includes(release)) && !(goSkip && c.server.kind === 'go'));
      if (goSkip) say(`Go shim cases skipped: ${goSkip}`);
      const keep = process.env['REAL_PEER_REPORT_DIR'];
      const work = keep ? join(keep, `cases-${release}`) : mkdtempSync(join(tmpdir(), 'ccaas-real-peer-cases-'));
      mkdirSync(work, { recursive: true });
      const cleanup = keep ? null : removeOnExit(work);
      const started = performance.now();
      let net: Network | null = null;
      let records: CaseRecord[] = [];
      try {
        net = await startNetwork(built, {
          startupTimeout: `${STARTUP_S}s`,
          executeTimeout: `${EXECUTE_S}s`,
          extraBuilders: [{ name: 'sample-external', path: SAMPLE_BUILDER }],
          peerEnv: { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: BUILDER_CONFIG },
          hostNames: SERVICE_NAMES,
          log: say,
        });
        const hostsSkip = 'skip' in net.hosts ? net.hosts.skip : null;
        if (hostsSkip) say(`service-name cases skipped: ${hostsSkip}`);
        const cases = wanted.filter((c) => !(c.resolves && hostsSkip));
        say(`network up in ${((performance.now() - started) / 1000).toFixed(1)} s; ${cases.length} cases, ${CONCURRENCY} at a time`);
        records = await runCorpus(cases, { net, world: makeWorld(join(work, 'tls')), work, startupMs: STARTUP_S * 1000, executeMs: EXECUTE_S * 1000 }, CONCURRENCY, (r) => {
          say(`${r.agreement.agrees ? 'agree   ' : r.knownDisagreement ? 'known   ' : 'DISAGREE'} ${r.id}: peer ${r.peer.step}${r.peer.error ? ` (${r.peer.error.slice(0, 160)})` : ''}; harness ${r.harness.step}${r.harness.decisive ? ` ${r.harness.decisive.id}` : ''} [${(r.ms / 1000).toFixed(1)} s]`);
        });
      } finally {
        if (keep && records.length > 0) {
          const report = join(keep, `real-peer-${release}.json`);
          writeFileSync(report, JSON.stringify({ release: built.pin, records }, null, 2));
          say(`records: ${report}`);
        }
        if (net) {
          await net.stop();
          for (const pid of net.pids) assert.throws(() => process.kill(-pid, 0), /ESRCH/, `the process group ${pid} of the network outlived stop()`);
        }
        if (cleanup) {
          rmSync(work, { recursive: true, force: true });
          cleanup.forget();
        }
      }
      say(`Fabric ${built.pin.tag}: the real peer beside the harness\n${tableOf(records)
        .split('\n')
        .map((l) => `#   ${l}`)
        .join('\n')
        .slice(4)}`);
      for (const r of records.filter((x) => x.knownDisagreement)) say(`known disagreement ${r.id} (${r.agreement.agrees ? 'now agrees' : r.agreement.why}): ${r.knownDisagreement}`);
      say(`corpus ran in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      if (only.length === 0) assert.ok(records.length >= 40, `the corpus has ${records.length} cases on ${release}; CI needs at least 40`);
      const unexplained = records.filter((r) => !r.agreement.agrees && !r.knownDisagreement);
      const stale = records.filter((r) => r.agreement.agrees && r.knownDisagreement);
      for (const r of records.filter((x) => CASES.find((c) => c.id === x.id)?.waitsStartup)) {
        assert.equal(r.harnessPredictedWaitS, 300, `${r.id}: the peer waited chaincode.startuptimeout (${STARTUP_S} s here); the harness must say the stock peer waits 300 s`);
      }
      assert.deepEqual(
        unexplained.map((r) => `${r.id}: ${r.agreement.why}; peer error: ${r.peer.error ?? '-'}; harness: ${r.harness.decisive?.peerError ?? r.harness.decisive?.message ?? '-'}`),
        [],
        'disagreements between the real peer and the harness (fix the harness, or document the case as a known disagreement with its reason)',
      );
      assert.deepEqual(
        stale.map((r) => r.id),
        [],
        'known disagreements that now agree: remove their knownDisagreement',
      );
    });
  });
}
