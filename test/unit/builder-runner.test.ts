import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundledCcaasBuilder } from '../../src/builder/bundled.js';
import { builderEnvironment, restoreCachedBuild, runExternalBuild, type BuildOptions, type BuilderSpec } from '../../src/builder/runner.js';
import { realCcaasBuilder } from '../support/fabric.js';

/**
 * The peer's external build, vector by vector (reference §9.2 B1-B8, B12, B13): detect order,
 * error chains, release lookup, durable copy, cache restore, environment, arguments, bin/run.
 */

const CCID = 'mycc:0123456789abcdef';
const PEER_FS = '/var/hyperledger/production';
let root = '';
let n = 0;

const SH_DETECT_OK = '#!/bin/sh\nexit 0\n';
const SH_DETECT_NO = '#!/bin/sh\nexit 1\n';
const SH_BUILD = '#!/bin/sh\nset -eu\ncp "$1/connection.json" "$3/connection.json"\n';
const SH_RELEASE = '#!/bin/sh\nset -eu\nmkdir -p "$2/chaincode/server"\ncp "$1/connection.json" "$2/chaincode/server/connection.json"\n';

async function builder(name: string, programs: Readonly<Record<string, string | [string, number]>>, propagateEnvironment: string[] = []): Promise<BuilderSpec> {
  const dir = join(root, 'builders', `${name}-${n++}`);
  await mkdir(join(dir, 'bin'), { recursive: true });
  for (const [prog, body] of Object.entries(programs)) {
    const [text, mode] = Array.isArray(body) ? body : [body, 0o755];
    await writeFile(join(dir, 'bin', prog), text);
    await chmod(join(dir, 'bin', prog), mode);
  }
  return { name, path: dir, propagateEnvironment };
}

/** Extraction stand-in: code.tar.gz's content is just connection.json (or what `files` says). */
function extractor(files: Readonly<Record<string, string>> = { 'connection.json': '{"address":"h:1","dial_timeout":"10s"}' }): BuildOptions['extract'] {
  return async (_archive, dest) => {
    for (const [p, c] of Object.entries(files)) {
      await mkdir(join(dest, p, '..'), { recursive: true });
      await writeFile(join(dest, p), c);
    }
    return { ok: true };
  };
}

/**
 * B10-B13 run against the bundled twin and against Fabric's own ccaas_builder binaries (built from
 * the Fabric mirror, test/support/fabric.ts): both must give the same verdicts, byte for byte.
 */
const real = realCcaasBuilder();
const CCAAS_BUILDERS: ReadonlyArray<[string, BuilderSpec | { skip: string }]> = [
  ['the bundled ccaas builder', bundledCcaasBuilder()],
  ["Fabric's own ccaas_builder", 'skip' in real ? { skip: real.skip } : { name: 'ccaas_builder', path: real.dir, propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] }],
];
const skipOf = (b: BuilderSpec | { skip: string }): string | false => ('skip' in b ? b.skip : false);
const specOf = (b: BuilderSpec | { skip: string }): BuilderSpec => b as BuilderSpec;

async function build(builders: BuilderSpec[], extra: Partial<BuildOptions> = {}, metadata = '{"type":"ccaas","label":"mycc"}') {
  const workDir = join(root, `work-${n++}`);
  const o = await runExternalBuild(
    { packageId: CCID, metadataJson: Buffer.from(metadata), codeArchivePath: '/nonexistent' },
    { builders, workDir, peerEnv: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, timeoutMs: 10_000, peerCwd: root, vmEndpoint: '', peerFileSystemPath: PEER_FS, extract: extractor(), ...extra },
  );
  const left = (await readdir(workDir).catch(() => [])).filter((x) => x.startsWith('fabric-'));
  assert.deepEqual(left, [], 'the scratch build context is removed whatever happened');
  return { o, workDir };
}

describe('runExternalBuild', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'builder-runner-'));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('B1: nothing detects and vm.endpoint is unset: docker build is disabled', async () => {
    const a = await builder('a', { detect: SH_DETECT_NO, build: SH_BUILD });
    const b = await builder('b', { detect: ['#!/bin/sh\nexit 0\n', 0o644] });
    const { o } = await build([a, b]);
    assert.equal(o.failure?.rule, 'BLD-06');
    assert.equal(o.failure?.peerError, 'could not build chaincode: docker build failed: docker build is disabled');
    assert.deepEqual(o.phases.map((p) => `${p.builder} ${p.program} ${p.run?.goError}`), ['a detect exit status 1', `b detect fork/exec ${join(b.path, 'bin', 'detect')}: permission denied`]);
    const docker = await build([a], { vmEndpoint: 'unix:///var/run/docker.sock' });
    assert.equal(docker.o.failure?.peerError, null, 'a real Docker fallback: the harness does not invent its text');
    assert.match(docker.o.failure?.message ?? '', /Docker build through vm.endpoint unix:\/\/\/var\/run\/docker.sock/);
  });

  it('B2: of two builders that both detect, only the first builds', async () => {
    const first = await builder('first', { detect: SH_DETECT_OK, build: SH_BUILD, release: SH_RELEASE });
    const second = await builder('second', { detect: SH_DETECT_OK, build: SH_BUILD, release: SH_RELEASE });
    const { o } = await build([first, second]);
    assert.equal(o.failure, null);
    assert.equal(o.builder, 'first');
    assert.deepEqual(o.phases.map((p) => `${p.builder} ${p.program}`), ['first detect', 'first build', 'first release']);
  });

  it('B3, B5: build and release failures quote the whole chain', async () => {
    const b3 = await builder('x', { detect: SH_DETECT_OK, build: '#!/bin/sh\necho nope >&2\nexit 3\n' });
    const r3 = await build([b3]);
    assert.equal(r3.o.failure?.peerError, "could not build chaincode: external builder failed: external builder failed to build: external builder 'x' failed: exit status 3");
    const b5 = await builder('y', { detect: SH_DETECT_OK, build: SH_BUILD, release: '#!/bin/sh\nexit 1\n' });
    const r5 = await build([b5]);
    assert.equal(r5.o.failure?.peerError, "could not build chaincode: external builder failed: external builder failed to release: builder 'y' release failed: exit status 1");
  });

  it('B4: a release without the exec bit is skipped silently; the install succeeds with an empty release', async () => {
    const b = await builder('norel', { detect: SH_DETECT_OK, build: SH_BUILD, release: [SH_RELEASE, 0o644] });
    const { o } = await build([b]);
    assert.equal(o.failure, null);
    const rel = o.phases.find((p) => p.program === 'release');
    assert.equal(rel?.run, null);
    assert.match(rel?.skipped ?? '', /permission denied/);
    assert.deepEqual(o.releaseTree?.map((e) => e.path), ['.']);
    assert.equal(o.launch?.kind, 'run', 'no connection.json: the peer would run bin/run');
    if (o.launch?.kind === 'run') assert.equal(o.launch.startError, `fork/exec ${join(b.path, 'bin', 'run')}: no such file or directory`);
  });

  it('B6: an absolute symlink in the release fails the durable copy, and the durable directory stays behind', async () => {
    const b = await builder('abs', { detect: SH_DETECT_OK, build: SH_BUILD, release: `${SH_RELEASE}ln -s /etc/passwd "$2/x"\n` });
    const { o, workDir } = await build([b]);
    assert.equal(o.failure?.rule, 'BLD-09');
    const durable = `${PEER_FS}/externalbuilder/builds/mycc-0123456789abcdef`;
    assert.match(o.failure?.peerError ?? '', new RegExp(`^could not build chaincode: external builder failed: could not move or copy build context release to persistent location '${durable}': failed to copy .*/release to ${durable}/release: refusing to copy absolute symlink .*/release/x -> /etc/passwd$`));
    const local = join(workDir, 'externalbuilder', 'builds', 'mycc-0123456789abcdef');
    assert.deepEqual((await readdir(local)).sort(), ['build-info.json'], 'the release copy was removed, build-info.json was not');
    const retry = await restoreCachedBuild(local, durable, CCID, [b]);
    assert.deepEqual(retry, { restored: 'abs', error: null }, 'a second install is served from the half-copied cache');
  });

  it('B7: environment = listed names + LD_LIBRARY_PATH/LIBPATH/PATH/TMPDIR when set; cwd = the peer\'s; argv per program', async () => {
    const show = '#!/bin/sh\necho "argc=$# $*" >&2\necho "cwd=$(pwd)" >&2\nenv | grep -v "^PWD=\\|^SHLVL=\\|^_=" | sort >&2\n';
    const b = await builder('env', { detect: show, build: `${show}${SH_BUILD.split('\n').slice(1).join('\n')}`, release: `${show}${SH_RELEASE.split('\n').slice(1).join('\n')}` }, ['MY_VAR', 'UNSET_VAR']);
    const peerEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TMPDIR: '/tmp', MY_VAR: 'v', SECRET: 's', HOME: '/root' };
    const { o } = await build([b], { peerEnv });
    assert.equal(o.failure, null);
    const detect = o.phases[0]?.run;
    assert.deepEqual(detect?.envKeys, ['MY_VAR', 'PATH', 'TMPDIR']);
    assert.deepEqual(detect?.stderrLines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]), ['MY_VAR', 'PATH', 'TMPDIR']);
    assert.equal(detect?.stderrLines[1], `cwd=${root}`);
    const argc = o.phases.map((p) => p.run?.stderrLines[0]?.split(' ')[0]);
    assert.deepEqual(argc, ['argc=2', 'argc=3', 'argc=2']);
    assert.match(o.phases[1]?.run?.stderrLines[0] ?? '', /^argc=3 \/.*\/fabric-mycc-0123456789abcdef[^/]*\/src \/.*\/metadata \/.*\/bld$/);
    assert.deepEqual(builderEnvironment(['X'], { Y: '1', Z: '2' }), { env: { Y: '1', Z: '2' }, wholeEnvironment: true }, 'none set: Go passes everything');
    assert.deepEqual(builderEnvironment(['X', 'PATH'], { X: '1', PATH: '/bin', Z: '2' }), { env: { X: '1', PATH: '/bin' }, wholeEnvironment: false });
  });

  it('persists: build-info.json 0600 {"builder_name":...}, release and bld with their modes; B8: a renamed builder cannot restore it', async () => {
    const b = await builder('we<ird>&"name"', { detect: SH_DETECT_OK, build: SH_BUILD, release: SH_RELEASE });
    const { o, workDir } = await build([b]);
    assert.equal(o.failure, null);
    const local = join(workDir, 'externalbuilder', 'builds', 'mycc-0123456789abcdef');
    assert.equal(await readFile(join(local, 'build-info.json'), 'utf8'), '{"builder_name":"we\\u003cird\\u003e\\u0026\\"name\\""}');
    assert.equal((await stat(join(local, 'build-info.json'))).mode & 0o777, 0o600);
    assert.equal((await stat(local)).mode & 0o777, 0o700);
    assert.equal(await readFile(join(local, 'release', 'chaincode', 'server', 'connection.json'), 'utf8'), '{"address":"h:1","dial_timeout":"10s"}');
    assert.equal(o.launch?.kind, 'ccaas');
    const renamed = await restoreCachedBuild(local, o.peerDurableDir, CCID, [{ name: 'other' }]);
    assert.equal(renamed.error, `chaincode '${CCID}' was already built with builder 'we<ird>&"name"', but that builder is no longer available`);
    // The next build of the same package in the same peer is served from the cache: no program runs.
    const again = await runExternalBuild({ packageId: CCID, metadataJson: Buffer.from('{}'), codeArchivePath: '/nonexistent' }, { builders: [b], workDir, peerEnv: {}, timeoutMs: 10_000, peerCwd: root, vmEndpoint: '', peerFileSystemPath: PEER_FS, extract: extractor() });
    assert.equal(again.builder, b.name);
    assert.deepEqual(again.phases, []);
    const broken = await runExternalBuild({ packageId: CCID, metadataJson: Buffer.from('{}'), codeArchivePath: '/nonexistent' }, { builders: [{ ...b, name: 'renamed' }], workDir, peerEnv: {}, timeoutMs: 10_000, peerCwd: root, vmEndpoint: '', peerFileSystemPath: PEER_FS, extract: extractor() });
    assert.equal(broken.failure?.peerError, `could not build chaincode: external builder failed: existing build could not be restored: chaincode '${CCID}' was already built with builder 'we<ird>&"name"', but that builder is no longer available`);
  });

  for (const [which, ccaas] of CCAAS_BUILDERS) {
    it(`B12, B13: ${which} templates with the propagated config and drops domain`, { skip: skipOf(ccaas) }, async () => {
      const twin = specOf(ccaas);
      const conn = '{"address":"{{.host}}:9999","dial_timeout":"10s","domain":"d","tls_required":false}';
      const ok = await build([twin], { extract: extractor({ 'connection.json': conn }), peerEnv: { PATH: '/usr/bin:/bin', CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"host":"x"}' } });
      assert.equal(ok.o.failure, null);
      assert.equal(ok.o.launch?.kind === 'ccaas' ? ok.o.launch.connectionJson : '', '{"address":"x:9999","dial_timeout":"10s","tls_required":false,"client_auth_required":false,"root_cert":"","client_key":"","client_cert":""}');
      const missing = await build([twin], { extract: extractor({ 'connection.json': conn }), peerEnv: { PATH: '/usr/bin:/bin', CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{}' } });
      assert.equal(missing.o.failure?.peerError, "could not build chaincode: external builder failed: external builder failed to build: external builder 'ccaas_builder' failed: exit status 1");
      assert.ok(missing.o.phases[1]?.run?.stderrLines.includes('::Error: Failed to parse the Address field template: template: :1:2: executing "" at <.host>: map has no entry for key "host"'));
      const notPropagated = await build([{ ...twin, propagateEnvironment: [] }], { extract: extractor({ 'connection.json': conn }), peerEnv: { PATH: '/usr/bin:/bin', CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '{"host":"x"}' } });
      assert.match(notPropagated.o.phases[1]?.run?.stderrLines.join('\n') ?? '', /map has no entry for key "host"/, 'without propagateEnvironment the variable never reaches the builder');
    });

    it(`B11: ${which} refuses a numeric dial_timeout; B10: an absent one is written as ""`, { skip: skipOf(ccaas) }, async () => {
      const twin = specOf(ccaas);
      const num = await build([twin], { extract: extractor({ 'connection.json': '{"address":"h:1","dial_timeout":10}' }) });
      assert.ok(num.o.phases[1]?.run?.stderrLines.includes('::Error: json: cannot unmarshal number into Go struct field connection.dial_timeout of type string'));
      const absent = await build([twin], { extract: extractor({ 'connection.json': '{"address":"h:1"}' }) });
      assert.equal(absent.o.failure, null);
      assert.match(absent.o.launch?.kind === 'ccaas' ? absent.o.launch.connectionJson : '', /"dial_timeout":""/);
    });
  }

  it('extracts code.tar.gz with the package room\'s Untar, and reports its failure with the peer\'s chain', async () => {
    const src = join(root, 'code-src');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'connection.json'), '{"address":"h:1","dial_timeout":"3s"}');
    const tgz = join(root, 'code.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', src, 'connection.json']);
    const b = await builder('real', { detect: SH_DETECT_OK, build: SH_BUILD, release: SH_RELEASE });
    const workDir = join(root, 'real-untar');
    const o = await runExternalBuild({ packageId: CCID, metadataJson: Buffer.from('{}'), codeArchivePath: tgz }, { builders: [b], workDir, peerEnv: { PATH: '/usr/bin:/bin' }, timeoutMs: 10_000, peerCwd: root, vmEndpoint: '', peerFileSystemPath: PEER_FS });
    assert.equal(o.failure, null);
    assert.equal(o.launch?.kind === 'ccaas' ? o.launch.connectionJson : '', '{"address":"h:1","dial_timeout":"3s"}');
    await symlinkTar(join(root, 'link.tar.gz'));
    const bad = await runExternalBuild({ packageId: CCID, metadataJson: Buffer.from('{}'), codeArchivePath: join(root, 'link.tar.gz') }, { builders: [b], workDir: join(root, 'bad-untar'), peerEnv: {}, timeoutMs: 10_000, peerCwd: root, vmEndpoint: '', peerFileSystemPath: PEER_FS });
    assert.equal(bad.failure?.peerError, "could not build chaincode: external builder failed: could not create build context: could not untar source package: invalid file type '50' contained in archive for file 'l'");
    assert.deepEqual(bad.phases, [], 'no builder runs');
  });
});

async function symlinkTar(file: string): Promise<void> {
  const d = join(root, 'linksrc');
  await mkdir(d, { recursive: true });
  execFileSync('ln', ['-sf', 'connection.json', join(d, 'l')]);
  execFileSync('tar', ['-czf', file, '-C', d, 'l']);
}
