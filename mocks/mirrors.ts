import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FABRIC_RELEASES, type FabricRelease } from '../src/catalogue/releases.js';

/**
 * Fabric's Go modules for the tests, resolved the way Go users resolve them: every Go module here
 * that builds Fabric's code (test/oracle-fabric, test/fabric-ccaas-builder, mocks/chaincode/go)
 * requires github.com/hyperledger/* at pinned versions in its go.mod, with go.sum committed, so
 * `go` with the public module proxy builds it with no set-up. Where the proxy cannot serve them
 * (no network, or a proxy that refuses github.com/hyperledger/*), local bare git mirrors named by
 * environment variables (HYPERLEDGER_REPOS: FABRIC_MIRROR, ...) serve them instead, through a
 * file-based module proxy (GOPROXY=file://...) filled by mocks/goproxy from the mirrors at the
 * versions' commits: the same zips and go.mod files the public proxy serves, checked against go.sum
 * before use, so go.mod and go.sum are identical for both. Nothing of Fabric is committed.
 */

export interface HyperledgerRepo {
  /** The module path of the repository's root; its nested and /vN modules come from it too. */
  readonly module: string;
  /** The environment variable naming a bare git mirror (a `git clone --bare` of the repository). */
  readonly env: string;
}

/** Every repository Fabric's module graph reaches under github.com/hyperledger*, with its variable. */
export const HYPERLEDGER_REPOS: readonly HyperledgerRepo[] = [
  { module: 'github.com/hyperledger/fabric', env: 'FABRIC_MIRROR' },
  { module: 'github.com/hyperledger/fabric-protos-go-apiv2', env: 'FABRIC_PROTOS_GO_APIV2_MIRROR' },
  { module: 'github.com/hyperledger/fabric-protos-go', env: 'FABRIC_PROTOS_GO_MIRROR' },
  { module: 'github.com/hyperledger/fabric-lib-go', env: 'FABRIC_LIB_GO_MIRROR' },
  { module: 'github.com/hyperledger/fabric-chaincode-go', env: 'FABRIC_CHAINCODE_GO_MIRROR' },
  { module: 'github.com/hyperledger/fabric-config', env: 'FABRIC_CONFIG_MIRROR' },
  { module: 'github.com/hyperledger/fabric-amcl', env: 'FABRIC_AMCL_MIRROR' },
  { module: 'github.com/hyperledger/aries-bbs-go', env: 'ARIES_BBS_GO_MIRROR' },
  { module: 'github.com/hyperledger-labs/SmartBFT', env: 'SMARTBFT_MIRROR' },
];

/** The repository a module path lives in (the longest root that is the path or a prefix of it). */
export function repoOf(modulePath: string): HyperledgerRepo | null {
  let best: HyperledgerRepo | null = null;
  for (const r of HYPERLEDGER_REPOS) {
    if ((modulePath === r.module || modulePath.startsWith(`${r.module}/`)) && (!best || r.module.length > best.module.length)) best = r;
  }
  return best;
}

/** The mirrors this environment names: repository and bare git directory. */
export function namedMirrors(env: NodeJS.ProcessEnv = process.env): { readonly repo: HyperledgerRepo; readonly gitDir: string }[] {
  return HYPERLEDGER_REPOS.flatMap((repo) => (env[repo.env] ? [{ repo, gitDir: resolve(env[repo.env] as string) }] : []));
}

/** The checkout this file belongs to (where mocks/goproxy is), from its source or compiled place. */
const ROOT = [resolve(__dirname, '..'), resolve(__dirname, '..', '..')].find((d) => existsSync(join(d, 'mocks', 'goproxy', 'go.mod'))) ?? resolve(__dirname, '..', '..');
/** The file-based module proxy filled from the mirrors (git-ignored). */
export const GOPROXY_DIR = join(ROOT, '.goproxy');

/** A Go module of this repository built against one Fabric release: the directory and its go.mod. */
export interface FabricGoModule {
  readonly dir: string;
  /** go.mod, or the release's alternative module file (go.2.5.mod, passed as -modfile). */
  readonly modfile: string;
  /** Build tags the release's files need. */
  readonly tags: readonly string[];
}

/**
 * The module file of `dir` for a release: go.mod for the newest (3.1), go.<release>.mod with the
 * build tag fabric<release> (dots as underscores) for an older one, when the directory has it.
 */
export function fabricModule(dir: string, release: FabricRelease): FabricGoModule {
  if (release === '3.1') return { dir, modfile: join(dir, 'go.mod'), tags: [] };
  return { dir, modfile: join(dir, `go.${release}.mod`), tags: [`fabric${release.replace(/\./g, '_')}`] };
}

/** Where the Fabric release's code is for a Go user: its module version (a pseudo-version). */
export function fabricModuleVersion(release: FabricRelease, gosum: string): string | null {
  const commit = FABRIC_RELEASES[release].commit.slice(0, 12);
  const line = readFileSync(gosum, 'utf8').split('\n').find((l) => l.startsWith('github.com/hyperledger/fabric ') && l.includes(`-${commit} `));
  return line ? (line.split(' ')[1] as string) : null;
}

export type FabricGo = { readonly env: NodeJS.ProcessEnv; readonly mirrors: readonly string[] } | { readonly skip: string };

const DOWNLOAD_DEADLINE_MS = 900_000;

function sumFile(modfile: string): string {
  return join(dirname(modfile), `${basename(modfile).replace(/\.mod$/, '')}.sum`);
}

function listAppend(value: string | undefined, items: readonly string[], sep: string): string {
  return [...(value ? value.split(sep).filter(Boolean) : []), ...items].join(sep);
}

/**
 * The environment in which `go build` (and any go command) in m.dir resolves Fabric's modules,
 * or a one-line reason why it cannot, saying how to enable it. With no mirror named it is the
 * caller's environment (the public module proxy, or whatever GOPROXY says); each mirror named by
 * its variable serves its repository's modules through a file-based proxy put first in GOPROXY
 * (other modules still come from the next proxy), their checksums from go.sum alone (GONOSUMDB).
 * A non-default module file is passed as -modfile and release tags as -tags in GOFLAGS. The
 * modules are downloaded before this returns (quick when they are in the module cache), so a
 * failure here is a skip, and a build failure later is a real failure. With CI=true there is no
 * skip: the reason is thrown.
 */
export function fabricGoEnv(m: FabricGoModule, base: NodeJS.ProcessEnv = process.env): FabricGo {
  const unavailable = (reason: string): FabricGo => {
    if (base['CI'] === 'true') throw new Error(`${reason} (CI=true requires Fabric's Go modules)`);
    return { skip: reason };
  };
  const go = spawnSync('go', ['version'], { stdio: 'ignore', timeout: 30_000 });
  if (go.error || go.status !== 0) return unavailable('go is not installed: tests of Fabric\'s own Go code skipped');
  if (!existsSync(m.modfile)) throw new Error(`${m.modfile} is missing`);
  const flags: string[] = [];
  if (basename(m.modfile) !== 'go.mod') flags.push(`-modfile=${m.modfile}`);
  if (m.tags.length > 0) flags.push(`-tags=${m.tags.join(',')}`);
  const env: NodeJS.ProcessEnv = { ...base, GOFLAGS: listAppend(base['GOFLAGS'] ?? goEnv('GOFLAGS'), flags, ' ') };
  const mirrors = namedMirrors(base);
  for (const { repo, gitDir } of mirrors) {
    const git = spawnSync('git', ['--git-dir', gitDir, 'rev-parse', '--git-dir'], { stdio: 'ignore', timeout: 30_000 });
    if (git.error || git.status !== 0) return unavailable(`${repo.env}=${gitDir} is not a git repository (want a bare clone of https://${repo.module})`);
  }
  if (mirrors.length > 0) {
    fillProxy(mirrors, sumFile(m.modfile));
    env['GOPROXY'] = listAppend(`file://${GOPROXY_DIR}`, [base['GOPROXY'] || goEnv('GOPROXY') || 'https://proxy.golang.org,direct'], ',');
    env['GONOSUMDB'] = listAppend(base['GONOSUMDB'], mirrors.map((x) => x.repo.module), ',');
  }
  const dl = goSync(['mod', 'download'], { cwd: m.dir, timeoutMs: DOWNLOAD_DEADLINE_MS, env });
  if (dl.status !== 0) return unavailable(downloadFailure(`${dl.stderr ?? ''}${dl.error ? String(dl.error) : ''}`, mirrors.map((x) => x.repo)));
  return { env, mirrors: mirrors.map((x) => x.repo.env) };
}

function goEnv(name: string): string {
  const r = spawnSync('go', ['env', name], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** One line: the first module the go command could not fetch, and the variable that would serve it. */
export function downloadFailure(stderr: string, mirrored: readonly HyperledgerRepo[]): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => /^go: |^verifying |^github\.com\//.test(l) && !l.startsWith('go: downloading')) ?? stderr.trim().split('\n').pop() ?? 'go mod download failed';
  const mod = /(github\.com\/hyperledger(?:-labs)?\/[^@\s:]+)@/.exec(line)?.[1];
  const repo = mod ? repoOf(mod) : null;
  const how = repo && !mirrored.includes(repo) ? `; set ${repo.env} to a bare clone of https://${repo.module} (docs/contributing.md)` : '; see docs/contributing.md (Fabric mirrors)';
  return `Fabric's Go modules cannot be fetched: ${line.slice(0, 300)}${how}`;
}

/** Builds mocks/goproxy (golang.org/x/mod from the module proxy) and fills GOPROXY_DIR for a go.sum. */
function fillProxy(mirrors: ReturnType<typeof namedMirrors>, gosum: string): void {
  mkdirSync(GOPROXY_DIR, { recursive: true });
  withLock(join(GOPROXY_DIR, '.lock'), () => {
    const src = join(ROOT, 'mocks', 'goproxy');
    const tool = join(GOPROXY_DIR, 'bin', 'goproxy');
    const fresh = existsSync(tool) && ['main.go', 'go.mod', 'go.sum'].every((f) => statSync(join(src, f)).mtimeMs <= statSync(tool).mtimeMs);
    if (!fresh) {
      const staged = `${tool}.${process.pid}`;
      const build = goSync(['build', '-o', staged, '.'], { cwd: src, timeoutMs: 300_000, env: { ...process.env, GOFLAGS: '' } });
      if (build.status !== 0) {
        rmSync(staged, { force: true });
        throw new Error(`building mocks/goproxy failed: ${build.stderr || build.error?.message}`);
      }
      renameSync(staged, tool);
    }
    const args = ['-out', GOPROXY_DIR, '-sum', gosum, ...mirrors.flatMap((x) => ['-repo', `${x.repo.module}=${x.gitDir}`])];
    const r = spawnSync('timeout', ['--kill-after=10', '600', tool, ...args], { encoding: 'utf8', timeout: 620_000, maxBuffer: 16 << 20 });
    if (r.status !== 0) throw new Error(`serving Fabric's modules from the mirrors failed: ${(r.stderr || r.error?.message || '').trim()}`);
  });
}

/**
 * Reading a mirror's files directly (git archive, git show), for code that needs a repository's
 * tree rather than its Go module: a mirror is where its variable says, and nowhere by default.
 */
export interface HyperledgerMirror {
  readonly module: string;
  /** The environment variable naming the bare git mirror. */
  readonly env: string;
}

export const MIRRORS: Readonly<Record<string, HyperledgerMirror>> = Object.fromEntries(
  HYPERLEDGER_REPOS.map((r) => [r.module.slice(r.module.lastIndexOf('/') + 1), { module: r.module, env: r.env }]),
);

/** The mirror's git directory from its variable, or '' when the variable is not set. */
export function mirrorRepo(m: HyperledgerMirror): string {
  return process.env[m.env] ? resolve(process.env[m.env] as string) : '';
}

const LOCK_DEADLINE_MS = 900_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function holderAlive(lock: string): boolean {
  let pid = NaN;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return !existsSync(lock) ? false : true;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * One attempt at a directory lock shared by the test processes that prepare the same files:
 * acquiring is one rename of a directory that already holds our pid, so a lock never exists
 * without its holder's pid; a dead holder's lock is moved aside by one rename, which only one
 * waiter can win. 'retry' means try again at once (a stale lock was moved aside).
 */
function tryLock(lock: string): 'acquired' | 'held' | 'retry' {
  const mine = `${lock}.acquire-${process.pid}`;
  rmSync(mine, { recursive: true, force: true });
  mkdirSync(mine, { recursive: true });
  writeFileSync(join(mine, 'pid'), String(process.pid));
  try {
    renameSync(mine, lock);
    return 'acquired';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
  }
  rmSync(mine, { recursive: true, force: true });
  if (holderAlive(lock)) return 'held';
  const aside = `${lock}.stale-${process.pid}`;
  try {
    renameSync(lock, aside);
    rmSync(aside, { recursive: true, force: true });
  } catch {
    /* another waiter moved it first */
  }
  return 'retry';
}

function lockTimedOut(lock: string, deadlineMs: number): Error {
  return new Error(`${lock} was held by another process for more than ${deadlineMs} ms`);
}

/** Runs `body` holding the directory lock `lock` (see tryLock), waiting at most `deadlineMs` for it. */
export function withLock<T>(lock: string, body: () => T, deadlineMs = LOCK_DEADLINE_MS): T {
  const deadline = Date.now() + deadlineMs;
  for (let got = tryLock(lock); got !== 'acquired'; got = tryLock(lock)) {
    if (got === 'retry') continue;
    if (Date.now() > deadline) throw lockTimedOut(lock, deadlineMs);
    sleepSync(200);
  }
  try {
    return body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** withLock for an asynchronous body: waits without blocking the event loop. */
export async function withLockAsync<T>(lock: string, body: () => Promise<T>, deadlineMs = LOCK_DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let got = tryLock(lock); got !== 'acquired'; got = tryLock(lock)) {
    if (got === 'retry') continue;
    if (Date.now() > deadline) throw lockTimedOut(lock, deadlineMs);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * `go <args>` with a deadline that takes the whole build with it: GNU timeout runs go in its own
 * process group and signals that group, so the compilers and linkers go build starts die too.
 */
export function goSync(args: readonly string[], o: { readonly cwd: string; readonly timeoutMs: number; readonly env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const seconds = String(Math.max(1, Math.ceil(o.timeoutMs / 1000)));
  return spawnSync('timeout', ['--kill-after=10', seconds, 'go', ...args], { cwd: o.cwd, encoding: 'utf8', env: o.env ?? process.env, timeout: o.timeoutMs + 20_000, maxBuffer: 64 << 20 });
}
