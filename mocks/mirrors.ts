import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_COMMITS } from '../src/catalogue/types.js';

/**
 * The hyperledger repositories the tests build against, read from local bare git mirrors: the Go
 * module proxy refuses github.com/hyperledger/*, so Fabric's own code (the ccaas_builder, the
 * differential oracle test/oracle-fabric) and the Go shim (mocks/chaincode/go) are extracted at
 * pinned commits into git-ignored `.mirror/` folders that `replace` directives point at. Nothing
 * of them is committed. No registry serves them: a missing mirror is a reason to skip.
 */

export interface HyperledgerMirror {
  /** The folder under `.mirror/` that a go.mod replace directive names. */
  readonly dir: string;
  readonly module: string;
  /** The environment variable that moves the mirror. */
  readonly env: string;
  readonly commit: string;
}

export const MIRRORS: Readonly<Record<string, HyperledgerMirror>> = {
  fabric: { dir: 'fabric', module: 'github.com/hyperledger/fabric', env: 'FABRIC_MIRROR', commit: SOURCE_COMMITS.fabric },
  'fabric-protos-go-apiv2': { dir: 'fabric-protos-go-apiv2', module: 'github.com/hyperledger/fabric-protos-go-apiv2', env: 'FABRIC_PROTOS_GO_MIRROR', commit: 'f073c145d26b24f3cc43cd6dabe9d2725da5673d' },
  'fabric-lib-go': { dir: 'fabric-lib-go', module: 'github.com/hyperledger/fabric-lib-go', env: 'FABRIC_LIB_GO_MIRROR', commit: 'd50d9c239ddeb46d99bcc88ebc9297c6a0c49ede' },
  'fabric-chaincode-go': { dir: 'fabric-chaincode-go', module: 'github.com/hyperledger/fabric-chaincode-go/v2', env: 'FABRIC_CHAINCODE_GO_MIRROR', commit: 'ea8b3041f6097ff4970a288ae04c7c566900adcf' },
  'fabric-config': { dir: 'fabric-config', module: 'github.com/hyperledger/fabric-config', env: 'FABRIC_CONFIG_MIRROR', commit: '8d29ca6a59b8c99534b8ac952506b031891356a3' },
};

/** Where a mirror is: its environment variable, else /work/.mirror/hyperledger+<dir>/repo. */
export function mirrorRepo(m: HyperledgerMirror): string {
  return process.env[m.env] || `/work/.mirror/hyperledger+${m.dir}/repo`;
}

/** A commit (full or abbreviated) as the mirror names it in full, or null when it lacks it. */
export function resolveCommit(repo: string, commit: string): string | null {
  const r = spawnSync('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', `${commit}^{commit}`], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Each mirror's pinned commit in full, or why one cannot serve (a one-line reason). */
export function pinnedCommits(mirrors: readonly HyperledgerMirror[]): { readonly commits: ReadonlyMap<string, string> } | { readonly skip: string } {
  const commits = new Map<string, string>();
  for (const m of mirrors) {
    const repo = mirrorRepo(m);
    if (!existsSync(repo)) return { skip: `the ${m.module} mirror is missing: no ${repo} (set ${m.env})` };
    const full = resolveCommit(repo, m.commit);
    if (!full) return { skip: `the ${m.module} mirror at ${repo} lacks commit ${m.commit}` };
    commits.set(m.dir, full);
  }
  return { commits };
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
 * Runs `body` holding a directory lock shared by the test processes that prepare the same files.
 * Acquiring is one rename of a directory that already holds our pid, so a lock never exists
 * without its holder's pid; a dead holder's lock is moved aside by one rename, which only one
 * waiter can win.
 */
export function withLock<T>(lock: string, body: () => T): T {
  const deadline = Date.now() + LOCK_DEADLINE_MS;
  const mine = `${lock}.acquire-${process.pid}`;
  for (;;) {
    rmSync(mine, { recursive: true, force: true });
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, 'pid'), String(process.pid));
    try {
      renameSync(mine, lock);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
    if (!holderAlive(lock)) {
      const aside = `${lock}.stale-${process.pid}`;
      try {
        renameSync(lock, aside);
        rmSync(aside, { recursive: true, force: true });
      } catch {
        /* another waiter moved it first */
      }
      continue;
    }
    if (Date.now() > deadline) {
      rmSync(mine, { recursive: true, force: true });
      throw new Error(`${lock} was held by another process for more than ${LOCK_DEADLINE_MS} ms`);
    }
    sleepSync(200);
  }
  try {
    return body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Reads `commits` (a line "<dir> <commit>" per extracted mirror). */
function readStamp(stamp: string): Map<string, string> {
  const have = new Map<string, string>();
  if (!existsSync(stamp)) return have;
  for (const line of readFileSync(stamp, 'utf8').split('\n')) {
    const [dir, commit] = line.split(' ');
    if (dir && commit) have.set(dir, commit);
  }
  return have;
}

function writeStamp(stamp: string, have: ReadonlyMap<string, string>): void {
  const staged = `${stamp}.${process.pid}`;
  writeFileSync(staged, [...have].map(([dir, commit]) => `${dir} ${commit}\n`).join(''));
  renameSync(staged, stamp);
}

/** The stamp file of a `.mirror/` folder: what is extracted there, at which commit. */
export function stampFile(root: string): string {
  return join(root, 'commits');
}

/**
 * Extracts each mirror at its pinned commit into <root>/<dir> (without vendor/, which a replaced
 * module does not use) when it is absent or stamped with another commit; under a lock, so test
 * processes running at once extract each tree once. A skip reason when a mirror is missing.
 */
export function extractMirrors(root: string, mirrors: readonly HyperledgerMirror[]): { readonly ready: true } | { readonly skip: string } {
  const pinned = pinnedCommits(mirrors);
  if ('skip' in pinned) return pinned;
  mkdirSync(root, { recursive: true });
  return withLock(join(root, '.lock'), () => {
    const stamp = stampFile(root);
    const have = readStamp(stamp);
    for (const m of mirrors) {
      const commit = pinned.commits.get(m.dir) as string;
      const target = join(root, m.dir);
      if (have.get(m.dir) === commit && existsSync(join(target, 'go.mod'))) continue;
      have.delete(m.dir);
      writeStamp(stamp, have);
      const work = `${target}.tmp-${process.pid}`;
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work);
      try {
        const archive = spawnSync('git', ['-C', mirrorRepo(m), 'archive', '--format=tar', commit, '--', '.', ':(exclude)vendor'], { maxBuffer: 1 << 30, timeout: 300_000 });
        if (archive.status !== 0) throw new Error(`git archive of ${mirrorRepo(m)} at ${commit} failed: ${archive.stderr.toString().trim() || archive.error?.message}`);
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

/**
 * `go <args>` with a deadline that takes the whole build with it: GNU timeout runs go in its own
 * process group and signals that group, so the compilers and linkers go build starts die too.
 */
export function goSync(args: readonly string[], o: { readonly cwd: string; readonly timeoutMs: number; readonly env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  const seconds = String(Math.max(1, Math.ceil(o.timeoutMs / 1000)));
  return spawnSync('timeout', ['--kill-after=10', seconds, 'go', ...args], { cwd: o.cwd, encoding: 'utf8', env: o.env ?? process.env, timeout: o.timeoutMs + 20_000 });
}
