import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_COMMITS } from '../../src/catalogue/types.js';
import { ROOT } from './cli.js';

/**
 * Fabric's own code for the tests, from a local Fabric mirror (a bare git repository; FABRIC_MIRROR,
 * default /work/.mirror/hyperledger+fabric/repo), never copied into this repository: the Go module
 * proxy these machines reach refuses github.com/hyperledger/*, so Fabric cannot be a Go dependency.
 */
export const FABRIC_MIRROR = process.env['FABRIC_MIRROR'] ?? '/work/.mirror/hyperledger+fabric/repo';

/** A commit (full or abbreviated) as a mirror names it in full, or null when the mirror lacks it. */
function resolveCommit(mirror: string, commit: string): string | null {
  const r = spawnSync('git', ['-C', mirror, 'rev-parse', '--verify', '--quiet', `${commit}^{commit}`], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The pinned Fabric commit the catalogue cites, as the mirror names it in full. */
function pinnedCommit(): string | null {
  return resolveCommit(FABRIC_MIRROR, SOURCE_COMMITS.fabric);
}

export type RealBuilder = { readonly dir: string; readonly commit: string } | { readonly skip: string };

let built: RealBuilder | null = null;

/**
 * The real built-in ccaas builder: `ccaas_builder/` of the pinned Fabric commit (its own Go module,
 * whose dependencies come from the Go module proxy), built once per checkout into
 * test/oracle/bin/fabric-ccaas-<commit>/bin/{detect,build,release}, a builder directory the
 * harness can run with --builder. A skip reason when the mirror, the commit or go is missing.
 */
export function realCcaasBuilder(): RealBuilder {
  if (built) return built;
  built = buildRealCcaasBuilder();
  return built;
}

function buildRealCcaasBuilder(): RealBuilder {
  if (!existsSync(FABRIC_MIRROR)) return { skip: `Fabric mirror not found at ${FABRIC_MIRROR} (set FABRIC_MIRROR): the real ccaas_builder cannot be built` };
  const commit = pinnedCommit();
  if (!commit) return { skip: `the Fabric mirror at ${FABRIC_MIRROR} lacks commit ${SOURCE_COMMITS.fabric}: the real ccaas_builder cannot be built` };
  const home = join(ROOT, 'test', 'oracle', 'bin', `fabric-ccaas-${commit.slice(0, 12)}`);
  const dir = join(home, 'builder');
  if (['detect', 'build', 'release'].every((p) => existsSync(join(dir, 'bin', p)))) return { dir, commit };
  const work = `${home}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const archive = spawnSync('git', ['-C', FABRIC_MIRROR, 'archive', '--format=tar', commit, 'ccaas_builder'], { maxBuffer: 64 << 20, timeout: 60_000 });
    if (archive.status !== 0) return { skip: `git archive of ccaas_builder failed: ${archive.stderr.toString().trim()}` };
    const untar = spawnSync('tar', ['-x', '-C', work], { input: archive.stdout, timeout: 60_000 });
    if (untar.status !== 0) return { skip: `could not unpack ccaas_builder: ${untar.stderr.toString().trim()}` };
    const out = join(work, 'builder', 'bin');
    mkdirSync(out, { recursive: true });
    const go = spawnSync('go', ['build', '-o', out, './cmd/detect', './cmd/build', './cmd/release'], { cwd: join(work, 'ccaas_builder'), encoding: 'utf8', timeout: 600_000, env: { ...process.env, GOFLAGS: '-mod=mod' } });
    if (go.error) return { skip: `go is not available (${go.error.message}): the real ccaas_builder cannot be built` };
    if (go.status !== 0) throw new Error(`building Fabric's ccaas_builder at ${commit} failed:\n${go.stderr}`);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    renameSync(join(work, 'builder'), dir);
    return { dir, commit };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The repositories test/oracle-fabric is built from (its go.mod replaces each module with
 * ./.mirror/<dir>): Fabric at the commit the catalogue cites, its Go dependencies at the commits
 * they were pinned at when the oracle's go.sum was made. Each mirror is a bare git repository;
 * its location can be overridden by the named environment variable.
 */
export const FABRIC_ORACLE_MIRRORS: readonly { readonly dir: string; readonly env: string; readonly mirror: string; readonly commit: string }[] = [
  { dir: 'fabric', env: 'FABRIC_MIRROR', mirror: FABRIC_MIRROR, commit: SOURCE_COMMITS.fabric },
  ...([
    ['fabric-protos-go-apiv2', 'FABRIC_PROTOS_GO_MIRROR', 'f073c145d26b24f3cc43cd6dabe9d2725da5673d'],
    ['fabric-lib-go', 'FABRIC_LIB_GO_MIRROR', 'd50d9c239ddeb46d99bcc88ebc9297c6a0c49ede'],
    ['fabric-chaincode-go', 'FABRIC_CHAINCODE_GO_MIRROR', 'ea8b3041f6097ff4970a288ae04c7c566900adcf'],
    ['fabric-config', 'FABRIC_CONFIG_MIRROR', '8d29ca6a59b8c99534b8ac952506b031891356a3'],
  ] as const).map(([dir, env, commit]) => ({ dir, env, mirror: process.env[env] ?? `/work/.mirror/hyperledger+${dir}/repo`, commit })),
];

/** Each mirror's pinned commit in full, or why the Fabric oracle cannot be built (one line). */
export function fabricOracleCommits(): { readonly commits: ReadonlyMap<string, string> } | { readonly skip: string } {
  const commits = new Map<string, string>();
  for (const m of FABRIC_ORACLE_MIRRORS) {
    if (!existsSync(m.mirror)) return { skip: `${m.dir} mirror not found at ${m.mirror} (set ${m.env}): Fabric oracle tests skipped` };
    const full = resolveCommit(m.mirror, m.commit);
    if (!full) return { skip: `the ${m.dir} mirror at ${m.mirror} lacks commit ${m.commit}: Fabric oracle tests skipped` };
    commits.set(m.dir, full);
  }
  return { commits };
}

const STAMP = 'commits';
const LOCK_DEADLINE_MS = 600_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A directory lock between test processes preparing the same mirrors; a dead holder's lock is taken over. */
function withLock<T>(lock: string, body: () => T): T {
  const deadline = Date.now() + LOCK_DEADLINE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try { holder = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being written or removed */ }
      let alive = true;
      if (Number.isInteger(holder) && holder > 0) {
        try { process.kill(holder, 0); } catch (k) { alive = (k as NodeJS.ErrnoException).code !== 'ESRCH'; }
      }
      if (!alive) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`${lock} held by process ${holder} for more than ${LOCK_DEADLINE_MS} ms`);
      sleepSync(200);
    }
  }
  try {
    return body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Extracts each mirror at its pinned commit into <oracleDir>/.mirror/<dir> (without vendor/,
 * which a replaced module does not use) when it is absent or its line in .mirror/commits differs,
 * then rewrites the stamp. Returns a skip reason when a mirror or a commit is missing.
 */
export function prepareFabricOracleMirrors(oracleDir: string): { readonly ready: true } | { readonly skip: string } {
  const pinned = fabricOracleCommits();
  if ('skip' in pinned) return pinned;
  const root = join(oracleDir, '.mirror');
  mkdirSync(root, { recursive: true });
  return withLock(join(root, '.lock'), () => {
    const stamp = join(root, STAMP);
    const have = new Map<string, string>();
    if (existsSync(stamp)) {
      for (const line of readFileSync(stamp, 'utf8').split('\n')) {
        const [dir, commit] = line.split(' ');
        if (dir && commit) have.set(dir, commit);
      }
    }
    for (const m of FABRIC_ORACLE_MIRRORS) {
      const commit = pinned.commits.get(m.dir) as string;
      const target = join(root, m.dir);
      if (have.get(m.dir) === commit && existsSync(join(target, 'go.mod'))) continue;
      have.delete(m.dir);
      writeStamp(stamp, have);
      const work = `${target}.tmp-${process.pid}`;
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work);
      try {
        const archive = spawnSync('git', ['-C', m.mirror, 'archive', '--format=tar', commit, '--', '.', ':(exclude)vendor'], { maxBuffer: 1 << 30, timeout: 300_000 });
        if (archive.status !== 0) throw new Error(`git archive of ${m.mirror} at ${commit} failed: ${archive.stderr.toString().trim() || archive.error?.message}`);
        const untar = spawnSync('tar', ['-x', '-C', work], { input: archive.stdout, timeout: 300_000 });
        if (untar.status !== 0) throw new Error(`could not unpack ${m.dir} at ${commit}: ${untar.stderr.toString().trim() || untar.error?.message}`);
        rmSync(target, { recursive: true, force: true });
        renameSync(work, target);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      have.set(m.dir, commit);
      writeStamp(stamp, have);
    }
    for (const name of readdirSync(root)) if (/\.tmp-\d+$/.test(name)) rmSync(join(root, name), { recursive: true, force: true });
    return { ready: true } as const;
  });
}

function writeStamp(stamp: string, have: ReadonlyMap<string, string>): void {
  const staged = `${stamp}.${process.pid}`;
  writeFileSync(staged, [...have].map(([dir, commit]) => `${dir} ${commit}\n`).join(''));
  renameSync(staged, stamp);
}
