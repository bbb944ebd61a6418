import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Json } from '../../findings.js';
import { toConsole } from '../../report/console.js';
import { toHtml } from '../../report/html.js';
import { toJunit } from '../../report/junit.js';
import { buildModel, parseEnvelopes, type ComplianceModel } from '../../report/model.js';
import { redact } from '../../report/redact.js';
import { toResultJson } from '../../report/result.js';
import { defaultRunConfig, type RunConfig } from '../../session/config.js';
import { closeSessions } from '../../session/registry.js';
import { bool, list, parseArgs, positiveInt, str, type FlagSpec } from '../args.js';
import { EXIT, UsageError } from '../exit.js';

/**
 * The main job: `ccaas-conformance <package> [...]` runs the bundled conformance features through
 * Cucumber's programmatic API with the run's configuration as world parameters, then renders
 * every report from the one message stream.
 */

export const CHECK_FLAGS: Readonly<Record<string, FlagSpec>> = {
  builder: { kind: 'list' },
  propagate: { kind: 'list' },
  address: { kind: 'string' },
  command: { kind: 'string' },
  offline: { kind: 'boolean' },
  'report-dir': { kind: 'string' },
  json: { kind: 'boolean' },
  quiet: { kind: 'boolean', alias: 'q' },
  tags: { kind: 'string' },
  smoke: { kind: 'string' },
  'builder-timeout': { kind: 'string' },
  'register-timeout': { kind: 'string' },
  'execute-timeout': { kind: 'string' },
};

/** Where the project's own files are, from dist/src/cli/commands. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface CheckOutcome {
  readonly exitCode: number;
  readonly model: ComplianceModel | null;
}

function splitWords(s: string): string[] {
  return s.split(/\s+/).filter((w) => w.length > 0);
}

export async function buildRunConfig(argv: readonly string[], workDir: string): Promise<{ config: RunConfig; reportDir: string; json: boolean; quiet: boolean; tags: string | null }> {
  const p = parseArgs(argv, CHECK_FLAGS);
  if (p.positionals.length !== 1) throw new UsageError(p.positionals.length === 0 ? 'missing <package> argument' : `expected one package, got ${p.positionals.length}`);
  const packagePath = resolve(p.positionals[0] as string);
  const st = await stat(packagePath).catch(() => null);
  if (!st) throw new UsageError(`cannot read package ${packagePath}: no such file`);
  if (!st.isFile()) throw new UsageError(`${packagePath} is not a file`);
  const propagate = list(p, 'propagate');
  const builders = list(p, 'builder').map((dir) => ({ name: basename(resolve(dir)), path: resolve(dir), propagateEnvironment: propagate }));
  if (bool(p, 'offline') && (str(p, 'command') || str(p, 'address'))) throw new UsageError('--offline cannot be combined with --command or --address');
  const peerEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) peerEnv[k] = v;
  const base = defaultRunConfig(packagePath, workDir);
  const smoke = str(p, 'smoke');
  const smokeWords = smoke ? splitWords(smoke) : null;
  const config: RunConfig = {
    ...base,
    builders,
    peerEnv,
    address: str(p, 'address'),
    command: str(p, 'command'),
    offline: bool(p, 'offline'),
    builderTimeoutMs: positiveInt(p, 'builder-timeout') ?? base.builderTimeoutMs,
    registerTimeoutMs: positiveInt(p, 'register-timeout') ?? base.registerTimeoutMs,
    executeTimeoutMs: positiveInt(p, 'execute-timeout') ?? base.executeTimeoutMs,
    smoke: smokeWords && smokeWords.length > 0 ? { fn: smokeWords[0] as string, args: smokeWords.slice(1) } : base.smoke,
  };
  return { config, reportDir: resolve(str(p, 'report-dir') ?? 'reports'), json: bool(p, 'json'), quiet: bool(p, 'quiet'), tags: str(p, 'tags') };
}

/** Runs the conformance features for one package; writes the reports; returns the exit code. */
export async function runCheck(argv: readonly string[]): Promise<CheckOutcome> {
  const workDir = await mkdtemp(join(tmpdir(), 'ccaas-conformance-'));
  const cleanup = async (): Promise<void> => {
    await closeSessions();
    await rm(workDir, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    void cleanup().finally(() => process.kill(process.pid, sig));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { config, reportDir, json, quiet, tags } = await buildRunConfig(argv, workDir);
    await mkdir(reportDir, { recursive: true });
    const messagesFile = join(reportDir, 'messages.ndjson');
    const features = join(PROJECT_ROOT, 'features', 'conformance');
    const steps = join(PROJECT_ROOT, 'dist', 'steps');
    const { runConfiguration } = await loadConfiguration({
      file: false,
      provided: {
        paths: [join(features, '*.feature')],
        require: [join(steps, '*.js')],
        format: [`message:${messagesFile}`, `html:${join(reportDir, 'cucumber.html')}`, ...(quiet || json ? [] : ['progress'])],
        worldParameters: JSON.parse(JSON.stringify({ config })) as { [key: string]: Json },
        tags: tags ?? '',
      },
    });
    const progress = new Writable({
      write(chunk: Buffer, _enc, cb) {
        process.stderr.write(chunk);
        cb();
      },
    });
    await runCucumber(runConfiguration, { cwd: PROJECT_ROOT, stdout: progress, stderr: process.stderr, env: process.env });
    await closeSessions();
    const envelopes = parseEnvelopes(await readFile(messagesFile, 'utf8'));
    const model = buildModel(envelopes);
    const result = toResultJson(model, config.packagePath);
    const resultText = redact(JSON.stringify(result, null, 2));
    await writeFile(join(reportDir, 'result.json'), `${resultText}\n`);
    await writeFile(join(reportDir, 'index.html'), redact(toHtml(model)));
    await writeFile(join(reportDir, 'junit.xml'), redact(toJunit(model)));
    if (json) process.stdout.write(`${resultText}\n`);
    if (!quiet) (json ? process.stderr : process.stdout).write(`${redact(toConsole(model, reportDir))}\n`);
    const exitCode = model.verdict === 'conformant' ? EXIT.CONFORMANT : model.verdict === 'non-conformant' ? EXIT.NON_CONFORMANT : EXIT.HARNESS_ERROR;
    return { exitCode, model };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
