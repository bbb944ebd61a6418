import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DataTable, Given, Then, When } from '@cucumber/cucumber';
import { bundledCcaasBuilder } from '../../src/builder/bundled.js';
import { buildChains, runExternalBuild, type BuilderSpec, type BuildOptions, type BuildOutcome } from '../../src/builder/runner.js';
import { readConnection } from '../../src/connection/index.js';
import { chains, peerConnectionJsonPath } from '../../src/peer/chains.js';
import type { ResultJson } from '../../src/report/result.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { ROOT, runCli, type CliRun } from '../support/cli.js';
import { realCcaasBuilder } from '../support/fabric.js';
import type { VectorWorld } from './world.js';
import { MARKER_VAR } from '../../src/session/children.js';

/**
 * Reference §9.2 B1-B13: the peer's external build (src/builder/runner.ts runExternalBuild) with
 * builder scripts written into the scenario's scratch directory, the built-in ccaas builder run
 * both as the bundled twin and as Fabric's own ccaas_builder (test/support/fabric.ts), and B9
 * through the CLI with a core.yaml. Expected texts may name `{context}` (the scratch build
 * context) and `{<builder name>}` (that builder's directory).
 */

const CCID = 'mycc:0123456789abcdef';
const PEER_FS = '/var/hyperledger/production';
const DEFAULT_CONNECTION = '{"address":"h:1","dial_timeout":"10s"}';
const CCAAS_CONFIG = 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG';
const POSIX = join(ROOT, 'mocks', 'builders', 'posix-ccaas');

const SH_DETECT_OK = '#!/bin/sh\nexit 0\n';
const SH_DETECT_NO = '#!/bin/sh\nexit 1\n';
const BUILD_BODY = 'set -eu\ncp "$1/connection.json" "$3/connection.json"\n';
const RELEASE_BODY = 'set -eu\nmkdir -p "$2/chaincode/server"\ncp "$1/connection.json" "$2/chaincode/server/connection.json"\n';

/** One scenario's peer: its builders (in core.yaml order), environment, and the package's src. */
interface Scene {
  readonly root: string;
  /** The peer's data directory stand-in, kept across a restart. */
  readonly workDir: string;
  builders: BuilderSpec[];
  connectionJson: string;
  readonly peerEnv: Record<string, string>;
  vmEndpoint: string;
  outcome: BuildOutcome | null;
}

async function scene(w: VectorWorld): Promise<Scene> {
  if (!w.state.has('builder.scene')) {
    const root = await w.dir();
    const s: Scene = { root, workDir: join(root, 'peer'), builders: [], connectionJson: DEFAULT_CONNECTION, peerEnv: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, vmEndpoint: '', outcome: null };
    w.state.set('builder.scene', s);
  }
  return w.get<Scene>('builder.scene');
}

const outcome = (w: VectorWorld): BuildOutcome => {
  const o = w.get<Scene>('builder.scene').outcome;
  assert.ok(o, 'the peer has not run its external builders yet');
  return o;
};

function lastBuilder(s: Scene): BuilderSpec {
  const b = s.builders.at(-1);
  assert.ok(b, 'no external builder is configured yet');
  return b;
}

/** Writes `<root>/builders/<name>/bin/<program>` for each program and adds the builder to core.yaml's list. */
async function builder(s: Scene, name: string, programs: Readonly<Record<string, string | [string, number]>>, propagateEnvironment: string[] = []): Promise<BuilderSpec> {
  const dir = join(s.root, 'builders', name);
  await mkdir(join(dir, 'bin'), { recursive: true });
  for (const [prog, body] of Object.entries(programs)) await program(dir, prog, body);
  const b: BuilderSpec = { name, path: dir, propagateEnvironment };
  s.builders.push(b);
  return b;
}

async function program(dir: string, prog: string, body: string | [string, number]): Promise<void> {
  const [text, mode] = Array.isArray(body) ? body : [body, 0o755];
  await writeFile(join(dir, 'bin', prog), text);
  await chmod(join(dir, 'bin', prog), mode);
}

/** Extraction stand-in: the package's code.tar.gz holds just connection.json. */
function extractor(connectionJson: string): BuildOptions['extract'] {
  return async (_archive, dest) => {
    await writeFile(join(dest, 'connection.json'), connectionJson);
    return { ok: true };
  };
}

async function runBuild(s: Scene, builders: readonly BuilderSpec[]): Promise<BuildOutcome> {
  const o = await runExternalBuild(
    { packageId: CCID, metadataJson: Buffer.from('{"type":"ccaas","label":"mycc"}'), codeArchivePath: '/nonexistent' },
    { builders, workDir: s.workDir, peerEnv: s.peerEnv, timeoutMs: 10_000, peerCwd: s.root, vmEndpoint: s.vmEndpoint, peerFileSystemPath: PEER_FS, extract: extractor(s.connectionJson) },
  );
  const left = (await readdir(s.workDir).catch(() => [])).filter((x) => x.startsWith('fabric-'));
  assert.deepEqual(left, [], 'the scratch build context is removed whatever happened');
  s.outcome = o;
  return o;
}

/** `{context}` and `{<builder name>}` in an expected text; anything else in braces (JSON) is kept. */
function expand(s: Scene, text: string): string {
  return text.replace(/\{([^{}"]+)\}/g, (whole, key: string) => {
    if (key === 'context') return buildContext(s);
    return s.builders.find((b) => b.name === key)?.path ?? whole;
  });
}

/** The scratch build context the peer made (`<TMPDIR>/fabric-<package id>...`), from detect's first argument. */
function buildContext(s: Scene): string {
  const src = s.outcome?.phases[0]?.peerArgs[0];
  assert.ok(src, 'no builder program ran, so there is no build context to name');
  const ctx = dirname(src);
  assert.ok(basename(ctx).startsWith('fabric-mycc-0123456789abcdef'), `build context ${ctx}`);
  return ctx;
}

function describeRun(p: BuildOutcome['phases'][number]): string {
  if (!p.run) return `not run: ${p.skipped ?? ''}`;
  return p.run.goError ?? 'exit 0';
}

// ---- the peer's builders ------------------------------------------------------------------

Given('an external builder {string} that detects the package, builds and releases connection.json', async function (this: VectorWorld, name: string) {
  await builder(await scene(this), name, { detect: SH_DETECT_OK, build: `#!/bin/sh\n${BUILD_BODY}`, release: `#!/bin/sh\n${RELEASE_BODY}` });
});

Given('an external builder {string} whose bin\\/detect exits 1', async function (this: VectorWorld, name: string) {
  await builder(await scene(this), name, { detect: SH_DETECT_NO, build: `#!/bin/sh\n${BUILD_BODY}` });
});

Given('an external builder {string} whose bin\\/detect is not executable', async function (this: VectorWorld, name: string) {
  await builder(await scene(this), name, { detect: [SH_DETECT_OK, 0o644] });
});

Given(/^an external builder "([^"]+)" propagating (.+), each of whose programs first runs$/, async function (this: VectorWorld, name: string, names: string, prelude: string) {
  const head = `#!/bin/sh\n${prelude}\n`;
  await builder(await scene(this), name, { detect: head, build: `${head}${BUILD_BODY}`, release: `${head}${RELEASE_BODY}` }, names.split(/,\s*|\s+and\s+/));
});

Given(/^its bin\/(detect|build|release) is$/, async function (this: VectorWorld, prog: string, text: string) {
  await program(lastBuilder(await scene(this)).path, prog, `${text}\n`);
});

Given(/^its bin\/(detect|build|release) is not executable$/, async function (this: VectorWorld, prog: string) {
  await chmod(join(lastBuilder(await scene(this)).path, 'bin', prog), 0o644);
});

/** The built-in ccaas builder: the bundled twin, or Fabric's own (null when it cannot be built here). */
function ccaasBuilder(which: string): BuilderSpec | { skip: string } {
  if (which === 'the bundled ccaas builder') return bundledCcaasBuilder();
  const real = realCcaasBuilder();
  if ('skip' in real) return { skip: real.skip };
  return { name: 'ccaas_builder', path: real.dir, propagateEnvironment: [CCAAS_CONFIG] };
}

Given(/^(the bundled ccaas builder|Fabric's ccaas_builder) is the peer's external builder, (as in the sample core\.yaml|without propagateEnvironment)$/, { timeout: 660_000 }, async function (this: VectorWorld, which: string, how: string) {
  const b = ccaasBuilder(which);
  // Fabric's own builder needs Fabric's Go modules (the module proxy or a mirror): without them
  // this example is skipped, with the reason in the report, and the twin's example still runs.
  if ('skip' in b) {
    this.log(`skipped: ${b.skip}`);
    return 'skipped';
  }
  (await scene(this)).builders.push(how === 'without propagateEnvironment' ? { ...b, propagateEnvironment: [] } : b);
  return undefined;
});

// ---- the package and the peer ---------------------------------------------------------------

Given(/^the build context's src holds connection\.json `(.*)`$/, async function (this: VectorWorld, doc: string) {
  (await scene(this)).connectionJson = doc;
});

Given(/^the peer's vm\.endpoint is (?:empty|`(.*)`)$/, async function (this: VectorWorld, endpoint: string | undefined) {
  (await scene(this)).vmEndpoint = endpoint ?? '';
});

Given(/^the peer process's environment also has ([A-Za-z_][A-Za-z0-9_]*)=`(.*)`$/, async function (this: VectorWorld, name: string, value: string) {
  (await scene(this)).peerEnv[name] = value;
});

Given('the peer has built the package with its external builders', { timeout: 60_000 }, async function (this: VectorWorld) {
  const s = await scene(this);
  const o = await runBuild(s, s.builders);
  assert.equal(o.failure, null, o.failure?.peerError ?? o.failure?.message ?? '');
});

When('the peer runs its external builders on the package', { timeout: 60_000 }, async function (this: VectorWorld) {
  const s = await scene(this);
  await runBuild(s, s.builders);
});

When(/^the peer restarts with builder "([^"]+)" renamed "([^"]+)" and runs its external builders on the package again$/, { timeout: 60_000 }, async function (this: VectorWorld, from: string, to: string) {
  const s = await scene(this);
  assert.ok(s.builders.some((b) => b.name === from), `no builder '${from}'`);
  s.builders = s.builders.map((b) => (b.name === from ? { ...b, name: to } : b));
  await runBuild(s, s.builders);
});

When('the package is installed again on the same peer', { timeout: 60_000 }, async function (this: VectorWorld) {
  const s = await scene(this);
  await runBuild(s, s.builders);
});

// ---- verdicts -------------------------------------------------------------------------------

Then(/^the external build fails at rule "([A-Z]+-\d+)" with `(.*)`$/, async function (this: VectorWorld, rule: string, text: string) {
  const s = await scene(this);
  const o = outcome(this);
  assert.ok(o.failure, `the build succeeded with builder '${o.builder ?? ''}'`);
  assert.equal(o.failure.peerError, expand(s, text));
  assert.equal(o.failure.rule, rule);
});

Then(/^the external build fails at rule "([A-Z]+-\d+)" with no text of the peer's, the harness saying `(.*)`$/, function (this: VectorWorld, rule: string, text: string) {
  const o = outcome(this);
  assert.equal(o.failure?.rule, rule);
  assert.equal(o.failure.peerError, null, 'the harness does not invent the text of a build it does not run');
  assert.ok(o.failure.message.includes(text), o.failure.message);
});

Then('the external build succeeds, by builder {string}', function (this: VectorWorld, name: string) {
  const o = outcome(this);
  assert.equal(o.failure, null, o.failure?.peerError ?? o.failure?.message ?? '');
  assert.equal(o.builder, name);
});

Then('the builder programs ran as follows:', async function (this: VectorWorld, table: DataTable) {
  const s = await scene(this);
  const want = table.hashes().map((r) => `${r['builder'] ?? ''} ${r['program'] ?? ''}: ${expand(s, r['result'] ?? '')}`);
  assert.deepEqual(outcome(this).phases.map((p) => `${p.builder} ${p.program}: ${describeRun(p)}`), want);
});

Then('no builder program ran', function (this: VectorWorld) {
  assert.deepEqual(outcome(this).phases, []);
});

Then('the release is empty', function (this: VectorWorld) {
  assert.deepEqual(outcome(this).releaseTree?.map((e) => e.path), ['.']);
});

Then(/^at every launch the peer runs bin\/run instead, which fails with `(.*)`$/, async function (this: VectorWorld, text: string) {
  const s = await scene(this);
  const o = outcome(this);
  assert.equal(o.launch?.kind, 'run', 'no connection.json in the release: the peer would run bin/run');
  assert.ok(o.launch?.kind === 'run' && o.launch.startError !== null, 'bin/run would start');
  assert.equal(buildChains.runStart(CCID, o.builder ?? '', o.launch.startError), expand(s, text));
});

Then(/^the peer's durable build directory keeps only (.+)$/, async function (this: VectorWorld, files: string) {
  const s = await scene(this);
  const local = join(s.workDir, 'externalbuilder', 'builds', 'mycc-0123456789abcdef');
  assert.deepEqual((await readdir(local)).sort(), files.split(/,\s*|\s+and\s+/).sort());
});

Then('the build is restored from that directory as built by {string}, running no builder program', function (this: VectorWorld, name: string) {
  const o = outcome(this);
  assert.equal(o.failure, null, o.failure?.peerError ?? o.failure?.message ?? '');
  assert.equal(o.builder, name);
  assert.deepEqual(o.phases, []);
});

Then(/^every program of builder "([^"]+)" got exactly the environment variables (.+)$/, function (this: VectorWorld, name: string, names: string) {
  const want = names.split(/,\s*|\s+and\s+/);
  const phases = outcome(this).phases.filter((p) => p.builder === name);
  assert.deepEqual(phases.map((p) => p.program), ['detect', 'build', 'release']);
  for (const p of phases) {
    assert.deepEqual(p.run?.envKeys, want, `${p.program}: the environment the harness gave`);
    // The one variable the harness adds to what the peer passes (src/session/children.ts): its
    // marker for finding descendants that leave the process group. Nothing else may differ.
    const printed = p.run.stderrLines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);
    assert.deepEqual(printed.filter((k) => k !== MARKER_VAR), want, `${p.program}: the environment the program printed`);
    assert.ok(printed.includes(MARKER_VAR), `${p.program}: the harness's descendant marker ${MARKER_VAR} reached the program`);
  }
});

Then(/^every program of builder "([^"]+)" ran in the peer's working directory$/, async function (this: VectorWorld, name: string) {
  const s = await scene(this);
  for (const p of outcome(this).phases.filter((x) => x.builder === name)) assert.equal(p.run?.stderrLines[1], `cwd=${s.root}`, p.program);
});

Then('the programs of builder {string} printed these arguments:', async function (this: VectorWorld, name: string, table: DataTable) {
  const s = await scene(this);
  const printed = outcome(this).phases.filter((p) => p.builder === name).map((p) => [p.program, p.run?.stderrLines[0] ?? '']);
  assert.deepEqual(printed, table.hashes().map((r) => [r['program'] ?? '', `argc=${r['argc'] ?? ''} ${expand(s, r['arguments'] ?? '')}`]));
});

Then(/^what the programs of builder "([^"]+)" printed on stdout is not in the peer's log$/, function (this: VectorWorld, name: string) {
  for (const p of outcome(this).phases.filter((x) => x.builder === name)) {
    assert.ok((p.run?.stdout ?? '').includes('this line goes to stdout'), `${p.program} printed on stdout`);
    assert.ok(!p.run?.stderrLines.some((l) => l.includes('this line goes to stdout')), `${p.program}: stdout reached the stderr the peer logs`);
  }
});

Then(/^its bin\/(detect|build|release) printed the line `(.*)` on stderr$/, function (this: VectorWorld, prog: string, line: string) {
  const p = outcome(this).phases.find((x) => x.program === prog);
  assert.ok(p?.run, `bin/${prog} did not run`);
  assert.ok(p.run.stderrLines.includes(line), `bin/${prog} printed on stderr:\n${p.run.stderrLines.join('\n')}`);
});

Then(/^the released connection\.json is `(.*)`$/, function (this: VectorWorld, doc: string) {
  const o = outcome(this);
  assert.equal(o.launch?.kind, 'ccaas', 'the release holds chaincode/server/connection.json');
  assert.equal(o.launch?.kind === 'ccaas' ? o.launch.connectionJson : '', doc);
});

Then(/^reading it at every launch, the peer fails with `(.*)`$/, function (this: VectorWorld, text: string) {
  const o = outcome(this);
  assert.ok(o.launch?.kind === 'ccaas', 'the release holds chaincode/server/connection.json');
  const r = readConnection(Buffer.from(o.launch.connectionJson, 'utf8'), peerConnectionJsonPath(CCID));
  assert.ok(r.failure, 'the peer accepts it at launch');
  assert.equal(chains.launch(CCID, chains.building(r.failure.peerError ?? r.failure.message)), text);
});

// ---- B9: the install wait, through the CLI and a core.yaml ------------------------------------

interface CliCheck {
  readonly run: CliRun;
  readonly result: ResultJson;
}

function resultRule(w: VectorWorld, id: string): ResultJson['rules'][number] {
  const r = w.get<CliCheck>('builder.cli').result.rules.find((x) => x.id === id);
  assert.ok(r, `no result for ${id}`);
  return r;
}

Given(/^an external builder "([^"]+)" that is mocks\/builders\/posix-ccaas with a bin\/build that first sleeps ([\d.]+) s$/, async function (this: VectorWorld, name: string, seconds: string) {
  const s = await scene(this);
  await builder(s, name, {
    detect: (await readFile(join(POSIX, 'bin', 'detect'))).toString('utf8'),
    release: (await readFile(join(POSIX, 'bin', 'release'))).toString('utf8'),
    build: `#!/bin/sh\nsleep ${seconds}\nexec ${join(POSIX, 'bin', 'build')} "$@"\n`,
  });
});

Given("the peer's core.yaml is", async function (this: VectorWorld, text: string) {
  const s = await scene(this);
  const file = join(s.root, 'core.yaml');
  await writeFile(file, `${expand(s, text)}\n`);
  this.state.set('builder.coreYaml', file);
});

When('the harness checks the sample package against that core.yaml', { timeout: 120_000 }, async function (this: VectorWorld) {
  const s = await scene(this);
  const pkg = await writeSamplePackage(join(s.root, 'sample.tgz'), { address: 'localhost:9999' });
  const reportDir = join(s.root, 'report');
  const run = await runCli([pkg, '--core-yaml', this.get<string>('builder.coreYaml'), '--builder-timeout', '10000', '--offline', '--quiet'], { reportDir, timeoutMs: 60_000 });
  this.state.set('builder.cli', { run, result: await run.result() });
});

Then(/^the install client gets `(.*)` \(rule "([A-Z]+-\d+)"\), the check exiting with code (\d+)$/, function (this: VectorWorld, text: string, id: string, code: string) {
  const { run } = this.get<CliCheck>('builder.cli');
  assert.equal(run.code, Number(code), run.stderr);
  const r = resultRule(this, id);
  assert.equal(r.status, 'failed');
  assert.equal(r.peerError, text);
});

Then(/^the harness explains that the build took more than the (\d+) ms the install client waits$/, function (this: VectorWorld, ms: string) {
  assert.match(resultRule(this, 'BLD-11').message, new RegExp(`more than the ${ms} ms the install client waits`));
});

Then(/^the build itself completes: rules (.+) pass$/, function (this: VectorWorld, ids: string) {
  for (const id of ids.match(/[A-Z]+-\d+/g) ?? []) assert.equal(resultRule(this, id).status, 'passed', id);
});
