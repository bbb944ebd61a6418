import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { build, detect, release, TWIN_CANNOT_REPRODUCE } from '../../src/builder/ccaas/programs.js';
import { ccaasCase, difference, reached, runCase, type CaseRun, type ProgramOutcome, type RunProgram } from './builder-ccaas-cases.js';
import { ORACLE_RELEASES, realCcaasBuilder } from '../support/fabric.js';
import { Oracle, oracleRuns, oracleUnavailable, propertyRuns, propertySeed } from './json-oracle-client.js';

/**
 * The bundled ccaas builder twin (src/builder/ccaas) against the Go oracle of the built-in ccaas
 * builder (test/oracle/ccaasprog.go, Go's own json, text/template, log, os): generated build
 * contexts run through detect → build → release as the peer sequences them, at the same paths;
 * exit codes, stdout, stderr (`::Error: ...` texts) and the resulting trees (types, modes, bytes,
 * links) must be identical.
 */

const DEFAULT_RUNS = 2000;
const RUNS = propertyRuns(DEFAULT_RUNS);
const PROCESS_RUNS = 40;

/**
 * The twin's output as Fabric 2.5's ccaas_builder prints it. The twin follows 3.x, where detect
 * reports a metadata.json it cannot stat as `<path> not found : <stat error>`; v2.5.16's detect
 * (ccaas_builder/cmd/detect/main.go) stats it once more first and returns `<path> not found `
 * without the cause. Nothing else differs (exit codes, build and release output, trees): the
 * 2.5 run proves it on its contexts.
 */
function as25(run: CaseRun): CaseRun {
  return {
    steps: run.steps.map((s) => (s.program === 'detect' ? { ...s, outcome: { ...s.outcome, stderr: s.outcome.stderr.replace(/^(::Error: .*\/metadata\.json not found ): .*$/m, '$1') } } : s)),
  };
}

const twinInProcess: RunProgram = async (program, argv, config) => {
  const env = config === undefined ? {} : { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: config };
  return program === 'detect' ? detect(argv) : program === 'build' ? build(argv, env) : release(argv);
};

/** Runs `command args...` as the peer runs a builder program: argv, a pruned environment, no stdin. */
function processRunner(command: (program: string) => { file: string; args: readonly string[] }): RunProgram {
  return (program, argv, config) =>
    new Promise<ProgramOutcome>((resolve, reject) => {
      const env: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
      if (config !== undefined) env['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] = config;
      const { file, args } = command(program);
      const child = spawn(file, [...args, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
}

/** The twin as the harness runs it: `node main.js <program> <argv...>`. */
const twinProcess = processRunner((program) => ({ file: process.execPath, args: [join(__dirname, '..', '..', 'src', 'builder', 'ccaas', 'main.js'), program] }));

/** A builder directory's own programs (Fabric's ccaas_builder binaries). */
const binaryRunner = (builderDir: string): RunProgram => processRunner((program) => ({ file: join(builderDir, 'bin', program), args: [] }));

/**
 * The property both references are held to: on generated build contexts, the reference's
 * programs and the twin give the same exit codes, output and trees; prints the tally.
 */
async function agreesWith(reference: RunProgram, o: { name: string; what: string; root: string; runs: number; twinAs?: (r: CaseRun) => CaseRun }): Promise<void> {
  const seed = propertySeed(o.name);
  const tally = new Map<string, number>();
  let unsupported = 0;
  await fc.assert(
    fc.asyncProperty(ccaasCase, async (c) => {
      const dir = join(o.root, 'case');
      const want = await runCase(dir, c, reference);
      const twin = await runCase(dir, c, twinInProcess);
      const got = o.twinAs ? o.twinAs(twin) : twin;
      if (got.steps.some((s) => s.outcome.stderr.includes(TWIN_CANNOT_REPRODUCE))) {
        unsupported++;
        return;
      }
      const diff = difference(want, got);
      assert.equal(diff, null, `${o.what} vs twin: ${diff}\ncase: ${JSON.stringify(c, (_k, v: unknown) => (v && typeof v === 'object' && 'type' in v && (v as { type: unknown }).type === 'Buffer' ? Buffer.from((v as unknown as { data: number[] }).data).toString('latin1') : v))}`);
      const k = reached(want);
      tally.set(k, (tally.get(k) ?? 0) + 1);
    }),
    { seed, numRuns: o.runs },
  );
  const summary = [...tally.entries()].sort().map(([k, n]) => `${k}=${n}`).join(' ');
  process.stdout.write(`# ${o.name}: ${o.runs - unsupported} of ${o.runs} agreed byte for byte with ${o.what} (${summary}); ${unsupported} used a template construct the twin reports it cannot reproduce\n`);
  assert.ok(unsupported < o.runs / 50, 'the generator stays within what the twin reproduces');
  for (const k of ['detect:failed', 'build:failed', 'release:failed', 'release:ok']) assert.ok((tally.get(k) ?? 0) > o.runs / 50, `generator reaches ${k}`);
}

function oracleRunner(oracle: Oracle): RunProgram {
  return async (program, argv, config) => {
    const v = await oracle.ask({ mode: 'ccaas-program', input: Buffer.alloc(0), args: { program, argv: JSON.stringify(argv), ...(config === undefined ? {} : { config }) } });
    if (v.panic || (!v.result && v.error)) throw new Error(`oracle: ${v.panic ?? v.error}`);
    const r = v.result as { code: number; stdout: string; stderr: string };
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
}

describe('bundled ccaas builder twin agrees with the Go oracle of the built-in ccaas builder', () => {
  const skip = oracleUnavailable();
  let oracle: Oracle | null = null;
  let root = '';
  before(async () => {
    if (!skip) oracle = Oracle.start();
    root = await mkdtemp(join(tmpdir(), 'ccaas-twin-'));
  });
  after(async () => {
    oracle?.close();
    await rm(root, { recursive: true, force: true });
  });

  it(`${RUNS} generated build contexts: same exit codes, output and released trees`, { skip: skip ?? false, timeout: 1_200_000 }, async () => {
    await agreesWith(oracleRunner(oracle as Oracle), { name: 'builder-ccaas-twin', what: 'the Go oracle', root, runs: RUNS });
  });

  it(`${PROCESS_RUNS} build contexts through the twin's own process (node main.js) match too`, { skip: skip ?? false, timeout: 600_000 }, async () => {
    const seed = propertySeed('builder-ccaas-twin-process');
    const go = oracleRunner(oracle as Oracle);
    await fc.assert(
      fc.asyncProperty(ccaasCase, async (c) => {
        const dir = join(root, 'proc');
        const want = await runCase(dir, c, go);
        const got = await runCase(dir, c, twinProcess);
        if (got.steps.some((s) => s.outcome.stderr.includes(TWIN_CANNOT_REPRODUCE))) return;
        assert.equal(difference(want, got), null);
      }),
      { seed, numRuns: PROCESS_RUNS },
    );
  });
});

for (const release of ORACLE_RELEASES) {
  describe(`bundled ccaas builder twin agrees with the REAL built-in ccaas builder (Fabric's ccaas_builder at the ${release} release pin)`, () => {
    const real = realCcaasBuilder(release);
    const skip = 'skip' in real ? real.skip : false;
    // each context runs three real processes; an older release draws fewer (oracleRuns)
    const runs = oracleRuns(DEFAULT_RUNS, release);
    let root = '';
    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'ccaas-real-'));
    });
    after(async () => rm(root, { recursive: true, force: true }));

    it(`${runs} generated build contexts: the twin and Fabric's own binaries give the same exit codes, output and trees`, { skip, timeout: 1_800_000 }, async () => {
      const { dir, commit } = real as { dir: string; commit: string };
      const name = release === '3.1' ? 'builder-ccaas-real' : `builder-ccaas-real-${release}`;
      await agreesWith(binaryRunner(dir), { name, what: `Fabric ${release}'s ccaas_builder at ${commit.slice(0, 12)}`, root, runs, ...(release === '2.5' ? { twinAs: as25 } : {}) });
    });
  });
}
