import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builderEnvironment, restoreCachedBuild, runExternalBuild, type BuildOptions, type BuilderSpec } from '../../src/builder/runner.js';

/**
 * The peer's external build beyond the reference vectors (§9.2 B1-B13 are Gherkin scenarios in
 * features/vectors/03-builders.feature): the builder environment, what the durable copy persists
 * and how the next build is served from it, and code.tar.gz extracted with the package room's Untar.
 */

const CCID = 'mycc:0123456789abcdef';
const PEER_FS = '/var/hyperledger/production';
let root = '';
let n = 0;

const SH_DETECT_OK = '#!/bin/sh\nexit 0\n';
const SH_BUILD = '#!/bin/sh\nset -eu\ncp "$1/connection.json" "$3/connection.json"\n';
const SH_RELEASE = '#!/bin/sh\nset -eu\nmkdir -p "$2/chaincode/server"\ncp "$1/connection.json" "$2/chaincode/server/connection.json"\n';

async function builder(name: string, programs: Readonly<Record<string, string>>): Promise<BuilderSpec> {
  const dir = join(root, 'builders', `${name}-${n++}`);
  await mkdir(join(dir, 'bin'), { recursive: true });
  for (const [prog, text] of Object.entries(programs)) {
    await writeFile(join(dir, 'bin', prog), text);
    await chmod(join(dir, 'bin', prog), 0o755);
  }
  return { name, path: dir, propagateEnvironment: [] };
}

/** Extraction stand-in: code.tar.gz's content is just connection.json. */
function extractor(): BuildOptions['extract'] {
  return async (_archive, dest) => {
    await writeFile(join(dest, 'connection.json'), '{"address":"h:1","dial_timeout":"10s"}');
    return { ok: true };
  };
}

async function build(builders: BuilderSpec[]) {
  const workDir = join(root, `work-${n++}`);
  const o = await runExternalBuild(
    { packageId: CCID, metadataJson: Buffer.from('{"type":"ccaas","label":"mycc"}'), codeArchivePath: '/nonexistent' },
    { builders, workDir, peerEnv: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, timeoutMs: 10_000, peerCwd: root, vmEndpoint: '', peerFileSystemPath: PEER_FS, extract: extractor() },
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

  it('builderEnvironment: the listed names then the defaults, each only if set; none set passes the whole environment (the Go quirk)', () => {
    assert.deepEqual(builderEnvironment(['MY_VAR', 'UNSET_VAR'], { PATH: '/bin', TMPDIR: '/tmp', MY_VAR: 'v', SECRET: 's' }), { env: { MY_VAR: 'v', PATH: '/bin', TMPDIR: '/tmp' }, wholeEnvironment: false });
    assert.deepEqual(builderEnvironment(['X'], { Y: '1', Z: '2' }), { env: { Y: '1', Z: '2' }, wholeEnvironment: true }, 'none set: Go passes everything');
    assert.deepEqual(builderEnvironment(['X', 'PATH'], { X: '1', PATH: '/bin', Z: '2' }), { env: { X: '1', PATH: '/bin' }, wholeEnvironment: false });
  });

  it('persists: build-info.json 0600 {"builder_name":...}, release and bld with their modes; the next build is served from the cache', async () => {
    const b = await builder('we<ird>&"name"', { detect: SH_DETECT_OK, build: SH_BUILD, release: SH_RELEASE });
    const { o, workDir } = await build([b]);
    assert.equal(o.failure, null);
    const local = join(workDir, 'externalbuilder', 'builds', 'mycc-0123456789abcdef');
    assert.equal(await readFile(join(local, 'build-info.json'), 'utf8'), '{"builder_name":"we\\u003cird\\u003e\\u0026\\"name\\""}');
    assert.equal((await stat(join(local, 'build-info.json'))).mode & 0o777, 0o600);
    assert.equal((await stat(local)).mode & 0o777, 0o700);
    assert.equal(await readFile(join(local, 'release', 'chaincode', 'server', 'connection.json'), 'utf8'), '{"address":"h:1","dial_timeout":"10s"}');
    assert.equal(o.launch?.kind, 'ccaas');
    assert.deepEqual(await restoreCachedBuild(local, o.peerDurableDir, CCID, [{ name: 'other' }, b]), { restored: b.name, error: null });
    // The next build of the same package in the same peer is served from the cache: no program runs.
    const again = await runExternalBuild({ packageId: CCID, metadataJson: Buffer.from('{}'), codeArchivePath: '/nonexistent' }, { builders: [b], workDir, peerEnv: {}, timeoutMs: 10_000, peerCwd: root, vmEndpoint: '', peerFileSystemPath: PEER_FS, extract: extractor() });
    assert.equal(again.builder, b.name);
    assert.deepEqual(again.phases, []);
  });

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
