import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ccaasTwinFor, STOCK_CCAAS_PATH } from '../../builder/bundled.js';
import { judgeBuild, type PeerBuild, type RestartView } from '../../builder/judge.js';
import { lintBuilder, type LintNote } from '../../builder/lint.js';
import { SAMPLE_BUILDERS, STOCK_VM_ENDPOINT, type ExternalBuilderConf, type PeerBuilderSetup } from '../../builder/peerConfig.js';
import { restoreCachedBuild, runExternalBuild, type BuildOutcome, type BuilderSpec } from '../../builder/runner.js';
import { executeTimeoutMs, viperDurationMs } from '../../config/chaincodeConfig.js';
import { PEER } from '../../config/defaults.js';
import { failed, passed, type Finding, type Json, type PeerFailure } from '../../findings.js';
import { marshalString, unmarshal } from '../../gojson/index.js';
import { DEFAULT_PACKAGE_LIMITS, untarCode } from '../../package/index.js';
import { PEER_FS } from '../../peer/chains.js';
import type { RunConfig } from '../config.js';
import { foldPerPeer, type PeerFindings } from '../perPeer.js';
import type { BuildStage, SessionContext } from '../types.js';

/**
 * Install, continued: the external build as the peer runs it (src/builder/runner.ts), judged rule
 * by rule (src/builder/judge.ts): the peer's builder configuration, builder lint, detect / build /
 * release / durable copy, what a restart and a launch would do, the built-in ccaas builder, and
 * one package rendered for several peers. CODE-01..03 (extraction) are judged by the package
 * stage's extraction and reported here, where the peer's build hits them.
 */

type SetupView = Pick<PeerBuilderSetup, 'source' | 'startError' | 'startErrorInexact' | 'notes' | 'vmEndpoint' | 'settings'>;

/** What the build stage keeps for evidence besides the outcome. */
export interface BuildDetail {
  readonly setup: SetupView;
  readonly specs: ReadonlyArray<{ readonly name: string; readonly path: string; readonly propagateEnvironment: readonly string[]; readonly standInFor: string | null }>;
  readonly lint: readonly LintNote[];
  readonly peers: ReadonlyArray<{ readonly name: string; readonly builderConfig: string; readonly connectionJson: string | null; readonly error: string | null }>;
  readonly runConfigJson: string | null;
}

export interface BuildStageWithDetail extends BuildStage {
  readonly detail: BuildDetail;
  /** With --peer/--builder-config: the peers after the first (whose build is `outcome`), each built with its own config. */
  readonly peerOutcomes?: ReadonlyArray<{ readonly name: string; readonly outcome: BuildOutcome }>;
  /** The first --peer: the one whose build the run dials. */
  readonly primaryPeer?: string | null;
}

/** Build rules that read only the peer's configuration or the builders' scripts: the same on every peer. */
const SAME_ON_EVERY_PEER: ReadonlySet<string> = new Set(['BLD-01', 'BLD-03', 'BLD-10', 'BLD-16', 'BLD-17', 'BLD-18', 'BLD-19', 'BLD-20', 'BLD-21', 'BLD-22', 'DRIFT-21', 'DRIFT-22', 'DRIFT-25', 'DRIFT-26', 'DRIFT-27']);

/** The builder configuration of a run: --core-yaml / CORE_CHAINCODE_EXTERNALBUILDERS / --builder, or the sample's. */
export function setupOf(config: RunConfig): SetupView {
  return config.builderSetup ?? { source: config.builders.length > 0 ? 'flags' : 'default', startError: null, startErrorInexact: false, notes: [], vmEndpoint: STOCK_VM_ENDPOINT, settings: { 'vm.endpoint': STOCK_VM_ENDPOINT } };
}

/**
 * The builders the harness runs: as configured, except that the bundled ccaas twin runs the
 * stock peer image's /opt/hyperledger/ccaas_builder when that directory does not exist here.
 */
export function builderSpecs(config: RunConfig): BuilderSpec[] {
  const setup = setupOf(config);
  const confs: readonly ExternalBuilderConf[] = setup.source === 'default' ? SAMPLE_BUILDERS : config.builders;
  return confs.map((b) => (b.path.replace(/\/+$/, '') === STOCK_CCAAS_PATH && !existsSync(join(STOCK_CCAAS_PATH, 'bin', 'detect')) ? ccaasTwinFor(b) : { name: b.name, path: b.path, propagateEnvironment: b.propagateEnvironment }));
}

/** max(chaincode.installTimeout, chaincode.executetimeout) with the peer's defaults (executetimeout < 1s → 30s). */
function installWaitMs(setup: SetupView): number {
  const install = viperDurationMs(setup.settings['chaincode.installTimeout']) ?? PEER.installTimeoutMs;
  return Math.max(install, executeTimeoutMs(setup.settings) ?? PEER.executeTimeoutMs);
}

const METADATA_TYPE = { name: 'chaincodeMetadata', pkg: 'main', fields: [{ json: 'type', kind: { kind: 'string' } }] } as const;

function metadataType(bytes: Buffer): string | null {
  const r = unmarshal(bytes, METADATA_TYPE);
  if (r.error !== null) return null;
  const t = r.values.get('type');
  return typeof t === 'string' ? t : '';
}

/** chaincode.json as Builder.Run writes it (json.Marshal of runConfig). */
function runConfigJson(ccid: string, setup: SetupView, mspId: string): string {
  const s = setup.settings;
  const host = (s['peer.address'] ?? '0.0.0.0:7051').replace(/:[0-9]*$/, '');
  const peerAddress = s['peer.chaincodeAddress'] || s['peer.chaincodeListenAddress'] || `${host}:7052`;
  const tls = s['peer.tls.enabled'] === 'true';
  const gen = tls ? '<generated by the peer for each launch>' : '';
  return `{"chaincode_id":${marshalString(ccid)},"peer_address":${marshalString(peerAddress)},"client_cert":${marshalString(gen)},"client_key":${marshalString(gen)},"root_cert":${marshalString(gen)},"mspid":${marshalString(s['peer.localMspId'] ?? mspId)}}`;
}

async function releaseIndexIssues(o: BuildOutcome): Promise<string[]> {
  if (!o.releaseDir || !o.releaseTree) return [];
  const issues: string[] = [];
  for (const e of o.releaseTree) {
    if (e.type !== 'file' || !e.path.startsWith('statedb/couchdb/')) continue;
    if (!/(^|\/)indexes\//.test(e.path)) continue;
    if (!e.path.endsWith('.json')) {
      issues.push(`${e.path} is not named *.json`);
      continue;
    }
    const text = await readFile(join(o.releaseDir, e.path), 'utf8').catch(() => '');
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) issues.push(`${e.path} is not a JSON object`);
    } catch {
      issues.push(`${e.path} is not JSON`);
    }
  }
  return issues;
}

/**
 * CODE-01..03 as the package stage judged them, or from the build's own extraction; CODE-04..07
 * (what the builders receive: metadata.json, index files) as the package stage judged them.
 */
function extractionFindings(pkgFindings: readonly Finding[], o: BuildOutcome | null): Finding[] {
  const out: Finding[] = pkgFindings.filter((f) => f.rule === 'CODE-04' || f.rule === 'CODE-05' || f.rule === 'CODE-06' || f.rule === 'CODE-07');
  for (const rule of ['CODE-01', 'CODE-02', 'CODE-03']) {
    const own = pkgFindings.find((f) => f.rule === rule);
    if (own) out.push(own);
    else if (o?.failure && o.failure.rule === rule) out.push(failed(o.failure));
    else if (o?.failure?.rule.startsWith('CODE-')) out.push({ rule, status: 'skipped', message: `not judged: blocked by ${o.failure.rule} (${o.failure.message})`, peerError: null });
    else if (o && o.phases.length > 0) out.push(passed(rule, 'code.tar.gz extracted into the build context as the peer extracts it'));
  }
  return out;
}

export async function buildStage(s: SessionContext): Promise<BuildStageWithDetail> {
  const setup = setupOf(s.config);
  const specs = builderSpecs(s.config);
  const cwd = process.cwd();
  const detail = (extra: Partial<BuildDetail> = {}): BuildDetail => ({
    setup,
    specs: specs.map((b) => ({ name: b.name, path: b.path, propagateEnvironment: [...b.propagateEnvironment], standInFor: b.standInFor ?? null })),
    lint: [],
    peers: [],
    runConfigJson: null,
    ...extra,
  });
  const pkg = await s.package();
  const input = pkg.inspected.builderInput;
  const ccid = pkg.inspected.packageId;
  if (pkg.failure || !input || !ccid) {
    const failure: PeerFailure = pkg.failure ?? { rule: 'PKG-04', peerError: null, message: 'no package to build' };
    return { findings: [], failure, outcome: null, detail: detail() };
  }
  const lint = setup.startError === null ? (await Promise.all(specs.map((b) => lintBuilder(b, cwd)))).flat() : [];
  const timeoutMs = s.config.builderTimeoutMs;
  const common = { installWaitMs: installWaitMs(setup), timeoutMs, packageId: ccid, metadataType: metadataType(input.metadataJson), lint, specs, setup };
  if (setup.startError !== null) {
    const j = judgeBuild({ ...common, outcome: null, restart: null, releaseIndexIssues: [], peers: [], runConfigJson: null });
    return { findings: j.findings, failure: j.failure, outcome: null, detail: detail({ lint }) };
  }

  const peerFs = setup.settings['peer.fileSystemPath'] ?? PEER_FS;
  // The build's own extraction holds to the same harness limits as the package stage (--max-*).
  const limits = s.config.packageLimits ?? DEFAULT_PACKAGE_LIMITS;
  const extract = (archive: string, dest: string): ReturnType<typeof untarCode> => untarCode(archive, dest, limits);
  const options = { builders: specs, peerEnv: s.config.peerEnv, timeoutMs, peerCwd: cwd, vmEndpoint: setup.vmEndpoint, peerFileSystemPath: peerFs, extract };
  const buildInput = { packageId: ccid, metadataJson: input.metadataJson, codeArchivePath: input.codeArchivePath };
  // With --peer/--builder-config, the run is the first peer's: its build is the one dialled.
  const peerList = s.config.peers ?? [];
  const envOf = (p: { readonly builderConfig: string } | undefined): Readonly<Record<string, string>> => (p ? { ...s.config.peerEnv, CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: p.builderConfig } : s.config.peerEnv);
  const outcome = await runExternalBuild(buildInput, { ...options, peerEnv: envOf(peerList[0]), workDir: s.config.workDir });

  let restart: RestartView | null = null;
  if (outcome.durableDir && outcome.builder) {
    const same = await restoreCachedBuild(outcome.durableDir, outcome.peerDurableDir, ccid, specs);
    const renamed = await restoreCachedBuild(outcome.durableDir, outcome.peerDurableDir, ccid, specs.map((b) => (b.name === outcome.builder ? { name: `${b.name}-renamed` } : b)));
    restart = { same, renamed };
  }

  // One package, many peers: the same build with each peer's CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG.
  const peers: PeerBuild[] = [];
  for (const [i, p] of peerList.entries()) {
    const o = i === 0 ? outcome : await runExternalBuild(buildInput, { ...options, peerEnv: envOf(p), workDir: join(s.config.workDir, 'peers', String(i)) });
    peers.push({ name: p.name, builderConfig: p.builderConfig, outcome: o });
  }

  const runJson = outcome.launch?.kind === 'run' ? runConfigJson(ccid, setup, s.config.mspId) : null;
  const j = judgeBuild({ ...common, outcome, restart, releaseIndexIssues: await releaseIndexIssues(outcome), peers, runConfigJson: runJson });
  // Each peer's build, release and connection.json judged with its own config, a row per peer.
  const perPeer: PeerFindings[] = [{ peer: peers[0]?.name ?? '', findings: j.findings }];
  for (const p of peers.slice(1)) {
    const pj = judgeBuild({ ...common, outcome: p.outcome, restart: null, releaseIndexIssues: await releaseIndexIssues(p.outcome), peers: [], runConfigJson: p.outcome.launch?.kind === 'run' ? runConfigJson(ccid, setup, s.config.mspId) : null });
    perPeer.push({ peer: p.name, findings: pj.findings });
  }
  const findings = foldPerPeer(perPeer, (rule) => SAME_ON_EVERY_PEER.has(rule));
  const peerViews = peers.map((p) => ({ name: p.name, builderConfig: p.builderConfig, connectionJson: p.outcome.launch?.kind === 'ccaas' ? p.outcome.launch.connectionJson : null, error: p.outcome.failure?.peerError ?? p.outcome.failure?.message ?? null }));
  return {
    findings: [...extractionFindings(pkg.inspected.findings, outcome), ...findings],
    failure: j.failure,
    outcome,
    detail: detail({ lint, peers: peerViews, runConfigJson: runJson }),
    peerOutcomes: peers.slice(1).map((p) => ({ name: p.name, outcome: p.outcome })),
    primaryPeer: peers[0]?.name ?? null,
  };
}

/** Evidence of the build stage for the reports: configuration, lint, every program, trees, peers. */
export function buildEvidence(stage: BuildStage): Array<{ title: string; data: Json }> {
  const d = (stage as Partial<BuildStageWithDetail>).detail;
  const o = stage.outcome;
  const out: Array<{ title: string; data: Json }> = [];
  if (d) {
    out.push({ title: 'peer builder configuration', data: { source: d.setup.source, vmEndpoint: d.setup.vmEndpoint, startError: d.setup.startError, notes: [...d.setup.notes], builders: d.specs.map((b) => ({ ...b, propagateEnvironment: [...b.propagateEnvironment] })) } });
    if (d.lint.length > 0) out.push({ title: 'builder lint', data: d.lint.map((n) => ({ rule: n.rule, builder: n.builder, program: n.program, severity: n.severity, message: n.message })) });
  }
  if (!o) return out;
  for (const ph of o.phases) {
    const r = ph.run;
    out.push({
      title: `${ph.builder} ${ph.program}`,
      data: {
        builder: ph.builder,
        program: ph.program,
        argv: [ph.programPath, ...ph.peerArgs],
        skipped: ph.skipped ?? null,
        envKeys: r ? [...r.envKeys] : [],
        exit: r ? (r.goError ?? 'exit status 0') : null,
        durationMs: r?.durationMs ?? null,
        timedOut: r?.timedOut ?? false,
        ignoredSigterm: r?.ignoredSigterm ?? false,
        stderrHeldOpen: r?.stderrHeldOpen ?? false,
        leftoverProcesses: r?.leftovers ?? 0,
        escapedProcesses: r ? r.escaped : 0,
        pid: r?.pid ?? null,
        stderrBytes: r?.stderrBytes ?? 0,
        longestStderrLine: r?.longestStderrLine ?? 0,
        peerLogCutAtLine: r?.peerLog.cutAtLine ?? null,
        stderr: r ? r.stderrLines.slice(-50) : [],
        stdout: r ? r.stdout.slice(0, 2048) : '',
        truncated: r?.truncated ?? false,
      },
    });
  }
  if (o.releaseTree) out.push({ title: 'release tree (durable copy)', data: o.releaseTree.map((e) => ({ path: e.path, type: e.type, mode: e.mode, size: e.size ?? null, target: e.target ?? null })) });
  if (o.bldTree) out.push({ title: 'bld tree (durable copy)', data: o.bldTree.slice(0, 200).map((e) => ({ path: e.path, type: e.type, mode: e.mode, size: e.size ?? null, target: e.target ?? null })) });
  if (o.buildInfo) out.push({ title: 'build-info.json', data: { path: `${o.peerDurableDir}/build-info.json`, content: o.buildInfo } });
  if (o.launch) out.push({ title: 'launch', data: o.launch.kind === 'ccaas' ? { kind: 'chaincode-as-a-service', connectionJson: o.launch.connectionJson } : o.launch.kind === 'run' ? { kind: 'bin/run (not chaincode-as-a-service)', runPath: o.launch.runPath, startError: o.launch.startError, chaincodeJson: d?.runConfigJson ?? null } : { kind: 'error', error: o.launch.error } });
  if (d && d.peers.length > 0) out.push({ title: 'connection.json per peer', data: d.peers.map((p) => ({ ...p })) });
  return out;
}
