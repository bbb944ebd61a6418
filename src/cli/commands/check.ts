import type * as messages from '@cucumber/messages';
import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Json } from '../../findings.js';
import type { ComplianceModel, GateLevel, RunInfo } from '../../report/model.js';
import { Progress } from '../../report/progress.js';
import { knownKeysGeneration, learnPrivateKeys } from '../../report/knownKeys.js';
import { redact } from '../../report/redact.js';
import { combineTags, featureRuleIds, parseExpectedFailures, selectRules, SelectionError, splitPatterns, withoutSelection } from '../../report/selection.js';
import { defaultRunConfig, type RunConfig } from '../../session/config.js';
import { closeSessions, sessionFor } from '../../session/registry.js';
import { RULE_STAGE } from '../../session/stages/rules.js';
import { STAGE_ORDER, type StageName } from '../../session/types.js';
import { LATER_STAGES } from '../../session/session.js';
import { cucumberSlices, requireInTurns } from '../warmUp.js';
import { cucumberRuntime } from '../../cucumber/index.js';
import { readPeerBuilderSetup, STOCK_VM_ENDPOINT } from '../../builder/peerConfig.js';
import { bool, checkPaths, list, parseArgs, positiveInt, quantity, str, unreadable, type FlagSpec, type Parsed } from '../args.js';
import { CHECK_OPTIONS } from '../flags.js';
import { checkRunConfiguration } from '../cucumberRun.js';
import { UsageError } from '../exit.js';
import { onInterrupt } from '../interrupt.js';
import { commitReport, discardStaging, discardStagingSync, prepareReportDir, type ReportTarget } from '../reportDir.js';
import { killEverything } from '../../session/children.js';
import { executeTimeoutMs } from '../../config/chaincodeConfig.js';
import { DEFAULT_PACKAGE_LIMITS } from '../../package/limits.js';
import { parseResolve, type ResolveEntry } from '../../dial/redirect.js';
import { peerSettingsFor, userFeaturePaths } from '../peerFlags.js';

/**
 * The main job: `ccaas-conformance <package> [...]` runs the bundled conformance features through
 * Cucumber's programmatic API with the run's configuration as world parameters, then renders
 * every report from the one message stream.
 */

/** The main job's options: declared, with their help, in src/cli/flags.ts. */
export const CHECK_FLAGS: Readonly<Record<string, FlagSpec>> = CHECK_OPTIONS;

/** Where the project's own files are, from dist/src/cli/commands. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface CheckOutcome {
  readonly exitCode: number;
  readonly model: ComplianceModel | null;
}

/** How the run is reported and gated (not the mock peer's business: travels in RunInfo). */
export interface ReportOptions {
  readonly run: RunInfo;
  /** The Cucumber tag expression: --tags joined with the --run/--skip selection. */
  readonly tags: string;
  /** The rules --run/--skip select (every rule with a scenario when neither is given). */
  readonly selected: readonly string[];
}

function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** --expected-failures, --run/--skip, --tags and --level, validated before anything runs. */
export async function buildReportOptions(p: Parsed, argv: readonly string[], config: RunConfig): Promise<ReportOptions> {
  const levelText = (str(p, 'level') ?? 'must').toLowerCase();
  if (levelText !== 'must' && levelText !== 'should') throw new UsageError(`--level takes must or should, not '${str(p, 'level') ?? ''}'`);
  const level: GateLevel = levelText;
  const runPatterns = splitPatterns(list(p, 'run'));
  const skipPatterns = splitPatterns(list(p, 'skip'));
  let expectedFailures: RunInfo['expectedFailures'] = null;
  let tagExpression: string | null = null;
  let selected: readonly string[] = [];
  try {
    const all = featureRuleIds(join(PROJECT_ROOT, 'features', 'conformance'));
    ({ tagExpression, selected } = selectRules(all, runPatterns, skipPatterns));
    const file = str(p, 'expected-failures');
    if (file !== null) {
      const text = await readFile(resolve(file), 'utf8').catch(async () => {
        throw new UsageError(`cannot read --expected-failures ${file}: ${(await unreadable(resolve(file), 'file')) ?? 'unreadable'}`);
      });
      expectedFailures = { file, entries: parseExpectedFailures(text, file).map((e) => ({ rule: e.rule, reason: e.reason })) };
    }
  } catch (e) {
    if (e instanceof SelectionError) throw new UsageError(e.message);
    throw e;
  }
  const userTags = str(p, 'tags');
  const run: RunInfo = {
    tool: { name: 'ccaas-conformance', version: toolVersion() },
    argv: argv.map(redact),
    rerunBase: withoutSelection(argv).map(redact),
    level,
    expectedFailures,
    selection: { run: runPatterns, skip: skipPatterns, tags: userTags },
    offline: config.offline,
    peer: {
      mspId: config.mspId,
      channelId: config.channelId,
      builders: config.builders.length > 0 ? config.builders.map((b) => `${b.name} (${b.path})`) : ['ccaas_builder (bundled twin of Fabric\'s built-in builder)'],
      peers: peersOf(config),
    },
  };
  return { run, tags: combineTags(userTags, tagExpression), selected };
}

/** The peers a run renders for, when the configuration names several; else the one mock peer. */
function peersOf(config: RunConfig): string[] {
  const peers = (config as unknown as { peers?: unknown }).peers;
  if (Array.isArray(peers) && peers.length > 0) return peers.map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x && 'name' in x ? String((x as { name: unknown }).name) : JSON.stringify(x)));
  return [`mock peer (${config.mspId}, channel ${config.channelId})`];
}

function splitWords(s: string): string[] {
  return s.split(/\s+/).filter((w) => w.length > 0);
}

export async function buildRunConfig(argv: readonly string[], workDir: string): Promise<{ config: RunConfig; reportDir: string; json: boolean; quiet: boolean; tags: string | null; report: ReportOptions }> {
  const p = parseArgs(argv, CHECK_FLAGS);
  if (p.positionals.length !== 1) throw new UsageError(p.positionals.length === 0 ? 'missing <package> argument' : `expected one package, got ${p.positionals.length}`);
  const packagePath = resolve(p.positionals[0] as string);
  const st = await stat(packagePath).catch(() => null);
  if (st && !st.isFile() && !st.isDirectory()) throw new UsageError(`${packagePath} is not a file`);
  const why = await unreadable(packagePath, 'file');
  if (why !== null) throw new UsageError(`cannot read package ${packagePath}: ${why}`);
  await checkPaths(p, CHECK_FLAGS);
  const { builders, builderSetup, peers } = await builderFlags(p);
  if (bool(p, 'offline') && (str(p, 'command') || str(p, 'address') || list(p, 'resolve').length > 0)) throw new UsageError('--offline cannot be combined with --command, --address or --resolve');
  const peerEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) peerEnv[k] = v;
  const base = defaultRunConfig(packagePath, workDir);
  const smoke = str(p, 'smoke');
  const smokeWords = smoke ? splitWords(smoke) : null;
  const config: RunConfig = {
    ...base,
    builders,
    builderSetup,
    ...(peers.length > 0 ? { peers } : {}),
    peerEnv,
    address: str(p, 'address'),
    resolve: resolveFlags(p),
    command: str(p, 'command'),
    offline: bool(p, 'offline'),
    builderTimeoutMs: positiveInt(p, 'builder-timeout') ?? base.builderTimeoutMs,
    registerTimeoutMs: positiveInt(p, 'register-timeout') ?? base.registerTimeoutMs,
    executeTimeoutMs: positiveInt(p, 'execute-timeout') ?? executeTimeoutMs(builderSetup?.settings ?? {}) ?? base.executeTimeoutMs,
    smoke: smokeWords && smokeWords.length > 0 ? { fn: smokeWords[0] as string, args: smokeWords.slice(1), requested: true } : base.smoke,
    ...serverTlsFlags(p),
    ...limitFlags(p),
    ...peerSettingsFor(p, builderSetup?.settings ?? {}, str(p, 'core-yaml') !== null),
  };
  // --server-key is redacted in every encoding, from the re-run command on.
  if (config.serverTls?.key) learnPrivateKeys(await readFile(config.serverTls.key, 'utf8').catch(() => ''));
  const report = await buildReportOptions(p, argv, config);
  return { config, reportDir: resolve(str(p, 'report-dir') ?? 'reports'), json: bool(p, 'json'), quiet: bool(p, 'quiet'), tags: str(p, 'tags'), report };
}

/** --resolve HOST:PORT:ADDR, repeatable (curl's meaning; src/dial/redirect.ts). */
function resolveFlags(p: Parsed): ResolveEntry[] {
  return list(p, 'resolve').map((spec) => {
    const e = parseResolve(spec);
    if ('error' in e) throw new UsageError(e.error);
    return e;
  });
}

/** --max-bytes, --max-entries, --max-ratio, --max-metadata: the harness's caps on reading the package (PKG-16). */
function limitFlags(p: Parsed): Pick<RunConfig, 'packageLimits'> {
  const given = Object.entries({
    maxDecompressedBytes: quantity(p, 'max-bytes', true),
    maxEntries: quantity(p, 'max-entries', false),
    maxRatio: quantity(p, 'max-ratio', false),
    maxMetadataBytes: quantity(p, 'max-metadata', true),
  }).filter(([, v]) => v !== null);
  return given.length === 0 ? {} : { packageLimits: { ...DEFAULT_PACKAGE_LIMITS, ...Object.fromEntries(given) } };
}

/**
 * The peer's builders: --builder DIR (each named after its directory, with --propagate VAR) for
 * quick use, else --core-yaml FILE read as the peer reads it, with CORE_CHAINCODE_EXTERNALBUILDERS
 * from the environment overriding it (src/builder/peerConfig.ts); neither: the sample core.yaml's
 * ccaas_builder. --peer NAME --builder-config JSON pairs render the package for several peers.
 */
async function builderFlags(p: Parsed): Promise<Pick<RunConfig, 'builders' | 'builderSetup'> & { peers: Array<{ name: string; builderConfig: string }> }> {
  const dirs = list(p, 'builder');
  const coreYaml = str(p, 'core-yaml');
  if (dirs.length > 0 && coreYaml !== null) throw new UsageError('--builder and --core-yaml both configure the builders: use one');
  const names = list(p, 'peer');
  const configs = list(p, 'builder-config');
  if (names.length !== configs.length) throw new UsageError(`each --peer needs its --builder-config (got ${names.length} --peer and ${configs.length} --builder-config)`);
  const peers = names.map((name, i) => ({ name, builderConfig: configs[i] as string }));
  if (dirs.length > 0) {
    const propagate = list(p, 'propagate');
    const builders = dirs.map((dir) => ({ name: basename(resolve(dir)), path: resolve(dir), propagateEnvironment: propagate }));
    // --builder replaces core.yaml's externalBuilders only: vm.endpoint stays the stock image's.
    const vmEndpoint = process.env['CORE_VM_ENDPOINT'] ?? STOCK_VM_ENDPOINT;
    return { builders, builderSetup: { source: 'flags', startError: null, startErrorInexact: false, notes: [], vmEndpoint, settings: { 'vm.endpoint': vmEndpoint } }, peers };
  }
  if (list(p, 'propagate').length > 0) throw new UsageError('--propagate applies to --builder directories; with --core-yaml use its propagateEnvironment');
  let text: string | null = null;
  if (coreYaml !== null) text = await readFile(resolve(coreYaml), 'utf8').catch(async () => {
    throw new UsageError(`cannot read --core-yaml ${coreYaml}: ${(await unreadable(resolve(coreYaml), 'file')) ?? 'unreadable'}`);
  });
  const setup = readPeerBuilderSetup(text, process.env);
  const { builders, ...rest } = setup;
  return { builders: builders.map((b) => ({ name: b.name, path: b.path, propagateEnvironment: [...b.propagateEnvironment] })), builderSetup: { ...rest, notes: [...rest.notes], settings: { ...rest.settings } }, peers };
}

/** --server-cert/--server-key/--server-client-ca: the chaincode server's TLS files, for the certificate lint (DIAL-09..11). */
function serverTlsFlags(p: ReturnType<typeof parseArgs>): Pick<RunConfig, 'serverTls'> {
  const file = (flag: string): string | null => {
    const v = str(p, flag);
    return v ? resolve(v) : null;
  };
  const serverTls = { cert: file('server-cert'), key: file('server-key'), clientCa: file('server-client-ca') };
  return serverTls.cert || serverTls.key || serverTls.clientCa ? { serverTls } : {};
}

/** A path as the user would type it: relative to the working directory when below it, else absolute. */
function userPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

/**
 * How far the session runs ahead of the steps: to the last stage a selected rule needs. With the
 * user's own --tags, some of those scenarios may not run, so only the builders run ahead (no
 * dial or transaction that no step would wait for).
 */
export function aheadThrough(selected: readonly string[], userTags: boolean): StageName | null {
  let last = -1;
  for (const id of selected) {
    const stage = RULE_STAGE[id];
    if (stage !== undefined) last = Math.max(last, STAGE_ORDER.indexOf(stage));
  }
  if (last < 0) return null;
  return STAGE_ORDER[userTags ? Math.min(last, STAGE_ORDER.indexOf('build')) : last] ?? null;
}

/**
 * The report writers' modules. The check starts the chaincode server and the builders first and
 * needs none of them before the run is over: they load in the warm-up's slices.
 */
const REPORT_WRITERS: readonly string[] = ['model', 'console', 'cucumberHtml', 'html', 'junit', 'result'].map((m) => require.resolve(`../../report/${m}.js`));

/** The report writers, from the modules REPORT_WRITERS names. */
function reportWriters(): typeof import('../../report/model.js') &
  Pick<typeof import('../../report/console.js'), 'toConsole'> &
  Pick<typeof import('../../report/cucumberHtml.js'), 'prepareCucumberHtml' | 'writeCucumberHtml'> &
  Pick<typeof import('../../report/html.js'), 'toHtml'> &
  Pick<typeof import('../../report/junit.js'), 'toJunit'> &
  Pick<typeof import('../../report/result.js'), 'toResultJson'> {
  const cucumberHtml = require('../../report/cucumberHtml.js') as typeof import('../../report/cucumberHtml.js');
  return {
    ...(require('../../report/model.js') as typeof import('../../report/model.js')),
    toConsole: (require('../../report/console.js') as typeof import('../../report/console.js')).toConsole,
    prepareCucumberHtml: cucumberHtml.prepareCucumberHtml,
    writeCucumberHtml: cucumberHtml.writeCucumberHtml,
    toHtml: (require('../../report/html.js') as typeof import('../../report/html.js')).toHtml,
    toJunit: (require('../../report/junit.js') as typeof import('../../report/junit.js')).toJunit,
    toResultJson: (require('../../report/result.js') as typeof import('../../report/result.js')).toResultJson,
  };
}

/** Runs the conformance features for one package; writes the reports; returns the exit code. */
export async function runCheck(argv: readonly string[]): Promise<CheckOutcome> {
  const interrupt = onInterrupt();
  // synchronously, so that no signal comes between making the directory and listing it for cleanup
  const workDir = mkdtempSync(join(tmpdir(), 'ccaas-conformance-'));
  interrupt.temp.push(workDir);
  let target: ReportTarget | null = null;
  let committed = false;
  try {
    const { config, reportDir, json, quiet, report } = await buildRunConfig(argv, workDir);
    // The report directory is checked (and its staging directory made) before any work.
    const t = await prepareReportDir(reportDir);
    target = t;
    interrupt.discard = () => discardStagingSync(t);
    interrupt.reportNote = t.previous ? `the previous report in ${reportDir} is untouched` : `no report was written to ${reportDir}`;
    const messagesFile = join(t.staging, 'messages.ndjson');
    // The peer's flow needs no Cucumber: the install parse, a --command server's start once the
    // package ID is known, then the builders, the dial and the transaction begin now and run
    // while the Cucumber runtime loads and runs. The session keeps each stage for the steps,
    // which judge it as before.
    await sessionFor(config).startRun({ through: aheadThrough(report.selected, report.run.selection.tags !== null) });
    // Cucumber and the later stages load in slices while the builders and the server run.
    await requireInTurns([...cucumberSlices(), ...LATER_STAGES, ...REPORT_WRITERS], require);
    const writers = reportWriters();
    // cucumber.html's constant part is read off the main thread while the run goes on
    writers.prepareCucumberHtml();
    const { runCucumber } = cucumberRuntime();
    const features = join(PROJECT_ROOT, 'features', 'conformance');
    const steps = join(PROJECT_ROOT, 'dist', 'steps');
    const userFeatures = await userFeaturePaths(argv);
    const runConfiguration = checkRunConfiguration({
      paths: [join(features, '*.feature'), ...userFeatures],
      // The users' step library only with users' features: Cucumber tries every step of a run
      // against every definition, so the conformance steps alone match in a quarter of the time.
      require: userFeatures.length > 0 ? [join(steps, '*.js')] : [join(steps, 'world.js'), join(steps, 'conformance.steps.js')],
      // The sessions are closed below, once Cucumber is done, while the reports are written.
      worldParameters: JSON.parse(JSON.stringify({ config, run: report.run, sessionsClosedBy: 'caller' })) as { [key: string]: Json },
      tags: report.tags,
    });
    // Every envelope, redacted, feeds the live progress and stays in memory for the verdict and
    // messages.ndjson (never read back from a directory another run may share).
    const out = json ? process.stderr : process.stdout;
    const tty = !quiet && out.isTTY === true;
    const progress = quiet ? null : new Progress(out, tty, () => Date.now(), out.columns > 20 ? out.columns : 100, config.offline);
    const lines: string[] = [];
    // the set of known keys each line was redacted with: a line is redacted again only if a key was learnt since
    const redactedAt: number[] = [];
    const onMessage = (e: messages.Envelope): void => {
      redactedAt.push(knownKeysGeneration());
      lines.push(redact(JSON.stringify(e)));
      progress?.onEnvelope(e);
    };
    // Cucumber's own console output is not wanted: the summary below says it all.
    const silent = new Writable({
      write(_chunk: Buffer, _enc, cb) {
        cb();
      },
    });
    // The server stops and the connections close while the reports are written: the reports
    // come from the envelopes alone, all in once Cucumber is done.
    let closing: Promise<void> = Promise.resolve();
    try {
      await runCucumber(runConfiguration, { cwd: PROJECT_ROOT, stdout: silent, stderr: process.stderr, env: process.env }, onMessage);
    } finally {
      progress?.end();
      closing = closeSessions();
      closing.catch(() => undefined);
    }
    // Written once the run is over: a key learnt late (a builder printed it) is redacted in every line.
    // (redact is idempotent: a line redacted with today's keys is final, test/unit/report-known-keys.test.ts)
    const finalKeys = knownKeysGeneration();
    for (let i = 0; i < lines.length; i++) if (redactedAt[i] !== finalKeys) lines[i] = redact(lines[i] as string);
    const stream = lines.join('\n');
    const { buildModel, parseEnvelopes, toConsole, toHtml, toJunit, toResultJson, writeCucumberHtml } = writers;
    const envelopes = parseEnvelopes(stream);
    // Cucumber's own HTML report embeds the same (redacted) envelopes.
    await Promise.all([writeFile(messagesFile, lines.length > 0 ? `${stream}\n` : ''), writeCucumberHtml(join(t.staging, 'cucumber.html'), envelopes)]);
    const built = buildModel(envelopes);
    // Cucumber names feature files relative to the project; the user's own are shown from where they ran it.
    const model = { ...built, ownScenarios: built.ownScenarios.map((sc) => ({ ...sc, uri: userPath(resolve(PROJECT_ROOT, sc.uri)) })) };
    const result = toResultJson(model, config.packagePath);
    const resultText = redact(JSON.stringify(result, null, 2));
    await writeFile(join(t.staging, 'result.json'), `${resultText}\n`);
    await writeFile(join(t.staging, 'index.html'), redact(toHtml(model)));
    await writeFile(join(t.staging, 'junit.xml'), redact(toJunit(model)));
    await closing;
    // One short step moves the whole report into place; a signal meanwhile waits for it. A run
    // already being stopped does not start it: its exit comes within the cleanup deadline.
    if (!interrupt.hold()) await new Promise<never>(() => undefined);
    try {
      await commitReport(t);
      committed = true;
      interrupt.reportNote = `the report in ${reportDir} is complete`;
    } finally {
      interrupt.release();
    }
    if (json) process.stdout.write(`${resultText}\n`);
    if (!quiet) out.write(`${redact(toConsole(model, reportDir, { color: tty }))}\n`);
    return { exitCode: model.gate.exitCode, model };
  } finally {
    await closeSessions();
    await killEverything();
    await rm(workDir, { recursive: true, force: true });
    if (target && !committed) await discardStaging(target);
    // Only now: a signal during the cleanup above still finds its handler, which finishes the
    // cleanup (without one, Node's default action would end the process with the temp files left).
    interrupt.dispose();
  }
}
