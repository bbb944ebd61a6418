import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { FABRIC_RELEASES, type FabricRelease } from '../../src/catalogue/releases.js';
import { startScriptedServer, type ScriptedServer } from '../../mocks/chaincode/scripted/server.js';
import { LastFailure } from './archive-report.js';
import { propertySeed } from './json-oracle-client.js';
import { scriptArb } from './protocol-arbitraries.js';
import { protocolOracleBinary, ProtocolOracle } from '../support/protocolOracle.js';
import { firstDifference, runBoth } from '../support/protocolRuns.js';

/**
 * The protocol stage against Fabric's own chaincode Handler (test/oracle-protocol), for each
 * pinned release: generated scripts and seeded world states, each run once through Fabric's
 * Handler and once through the mock peer on the same scripted chaincode server; the chaincode's
 * transcripts, Execute's results, the write sets and the stream's end must be identical. At least
 * 1,000 scripts per release (ORACLE_RUNS=N or FC_RUNS=N for more); a disagreement prints the
 * shrunk script as JSON and the seed to replay it (FC_SEED).
 */

export function oracleRuns(defaultRuns: number): number {
  for (const v of [process.env['ORACLE_RUNS'], process.env['FC_RUNS']]) {
    const n = Number(v ?? '');
    if (Number.isInteger(n) && n > 0) return n;
  }
  return defaultRuns;
}

const RUNS = oracleRuns(1000);

for (const release of Object.keys(FABRIC_RELEASES) as FabricRelease[]) {
  describe(`the mock peer's protocol stage agrees with Fabric ${release}'s own Handler (${FABRIC_RELEASES[release].tag})`, () => {
    const bin = protocolOracleBinary(release);
    const skip = 'skip' in bin ? bin.skip : false;
    if (skip && process.env['CI'] === 'true') it('the protocol oracle is available in CI', () => assert.fail(skip));
    let server: ScriptedServer | null = null;
    let oracle: ProtocolOracle | null = null;
    before(async () => {
      if ('skip' in bin) return;
      server = await startScriptedServer();
      oracle = new ProtocolOracle(bin.bin);
    });
    after(async () => {
      await oracle?.stop();
      await server?.stop();
    });

    it(`${RUNS} generated scripts: identical transcripts, results, write sets and stream ends`, { skip, timeout: 3_600_000 }, async () => {
      const seed = propertySeed(`protocol-oracle-${release}`);
      const last = new LastFailure();
      let n = 0;
      let races = 0;
      let twice = 0;
      const tally = new Map<string, number>();
      const count = (k: string): void => void tally.set(k, (tally.get(k) ?? 0) + 1);
      const started = Date.now();
      // the channel's application capability: V1_2 (neither), V1_3 (key-level endorsement), V2_5 (and purge)
      const settings = (k: number): { release: FabricRelease; keyLevelEndorsement: boolean; purgePvtData: boolean } => ({ release, keyLevelEndorsement: k % 6 !== 0, purgePvtData: k % 6 > 1 });
      await last.assert(
        () =>
          fc.assert(
            fc.asyncProperty(scriptArb, fc.nat(34), (script, k) =>
              last.run(
                () => `release ${release}, settings ${JSON.stringify(settings(k))}, script:\n${JSON.stringify(script)}`,
                async () => {
                  n += 1;
                  const r = await runBoth(server as ScriptedServer, oracle as ProtocolOracle, script, 'asset:0f1e2d', settings(k));
                  races += r.fabric.heard.filter((h) => h.secondAnswer).length;
                  twice += script.txs.reduce((a, t) => a + t.steps.filter((x) => x.op === 'twice').length, 0);
                  for (const h of r.fabric.heard) if (h.answers) count(`${h.answers} → ${h.type}${h.type === 'ERROR' ? `: ${String(h.payload).replace(/^.*?transaction ID: [^:]*: /, '').replace(/txid \[[^\]]*\]/, 'txid [..]').slice(0, 60)}` : ''}`);
                  count(`stream: ${r.fabric.outcome.streamEnd.replace(/\[[^\]]*\]/, '[txid]')}`);
                  const d = firstDifference(r);
                  assert.equal(d, null, d ?? '');
                },
              ),
            ),
            { numRuns: RUNS, seed, endOnFailure: false },
          ),
        () => undefined,
      );
      process.stdout.write(`# protocol-oracle ${release}: ${n} scripts agreed with Fabric's Handler in ${Math.round((Date.now() - started) / 1000)} s; of ${twice} second requests sent while the first was outstanding, Fabric answered ${races} (a race on the real peer, set aside)\n`);
      for (const [k, v] of [...tally].sort((a, b) => b[1] - a[1]).slice(0, 60)) process.stdout.write(`#   ${v}\t${k}\n`);
    });
  });
}
