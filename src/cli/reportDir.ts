import { constants, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { access, lstat, mkdir, mkdtemp, open, readFile, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InputError } from './exit.js';

/**
 * The report directory, checked before any work and written as a whole at the end:
 *
 * - `prepareReportDir` creates the directory (one level at a time: Node's recursive mkdir spins
 *   forever under /proc) and a staging directory inside it; any problem is one line, exit 2.
 * - The run writes every report file into the staging directory; `commitReport` moves them into
 *   place under a lock file, so two runs sharing the directory each leave a whole report (the
 *   later one wins) and a run interrupted before that moment leaves the previous report untouched.
 * - `discardStaging` removes the staging directory (and the report directory when this run made
 *   it and it is still empty).
 */

export const REPORT_FILES = ['messages.ndjson', 'cucumber.html', 'result.json', 'junit.xml', 'index.html'] as const;
const LOCK = '.ccaas-conformance.lock';
const STAGING_PREFIX = '.ccaas-staging-';
/** How long a run waits for another run's commit (renaming five files takes milliseconds). */
const LOCK_WAIT_MS = 10_000;

export interface ReportTarget {
  readonly dir: string;
  readonly staging: string;
  /** This run created `dir` (it goes again if the run leaves nothing in it). */
  readonly created: boolean;
  /** A report of an earlier run is there. */
  readonly previous: boolean;
}

function why(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a part of the path is not a directory',
    ENOENT: 'the file system does not allow it',
    ENOSPC: 'no space left on device',
    EEXIST: 'exists and is not a directory',
    ELOOP: 'too many symbolic links',
    ENAMETOOLONG: 'name too long',
  };
  return err.code ? `${text[err.code] ?? err.message} (${err.code})` : String(e);
}

/** Checks (and creates) the report directory and its staging directory; throws InputError with one line. */
export async function prepareReportDir(dirArg: string): Promise<ReportTarget> {
  const dir = resolve(dirArg);
  const fail = (what: string): never => {
    throw new InputError(`cannot write reports to --report-dir ${dirArg}: ${what}`);
  };
  // The nearest part of the path that exists.
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    const st = await stat(at).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : fail(`${at}: ${why(e)}`)));
    if (st) {
      if (!st.isDirectory()) fail(at === dir ? 'it is a file, not a directory' : `${at} is not a directory`);
      break;
    }
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) fail('no part of the path exists');
    at = up;
  }
  for (const d of missing) {
    await mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') fail(`cannot create ${d}: ${why(e)}`);
    });
  }
  await access(dir, constants.W_OK | constants.X_OK).catch((e: unknown) => fail(why(e)));
  for (const f of REPORT_FILES) {
    const st = await lstat(join(dir, f)).catch(() => null);
    if (st && !st.isFile()) fail(`${join(dir, f)} exists and is not a regular file`);
  }
  const staging = await mkdtemp(join(dir, STAGING_PREFIX)).catch((e: unknown) => fail(why(e)));
  const previous = (await stat(join(dir, 'result.json')).catch(() => null)) !== null;
  return { dir, staging, created: missing.length > 0, previous };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the report directory's lock; a lock whose run is gone is taken over. Throws InputError after LOCK_WAIT_MS. */
async function lock(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => unlink(file).catch(() => undefined);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new InputError(`cannot write reports to ${dir}: ${why(e)}`);
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      // Its run died while committing: take the lock over (rename is atomic, so only one run wins).
      const stale = `${file}.${process.pid}`;
      await rename(file, stale).then(() => unlink(stale), () => undefined).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) throw new InputError(`cannot write reports to ${dir}: another run (pid ${owner || 'unknown'}) has held ${LOCK} for ${LOCK_WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Moves the staged report into place, every file under the lock, then removes the staging directory. */
export async function commitReport(t: ReportTarget): Promise<void> {
  const release = await lock(t.dir);
  try {
    for (const f of REPORT_FILES) {
      const from = join(t.staging, f);
      if (await stat(from).catch(() => null)) await rename(from, join(t.dir, f));
      else await rm(join(t.dir, f), { force: true }); // a file this run did not write is not left from an older one
    }
  } finally {
    await release();
  }
  await rm(t.staging, { recursive: true, force: true });
}

/** `discardStaging`, synchronously (for the last moment of an interrupted run). */
export function discardStagingSync(t: ReportTarget): void {
  rmSync(t.staging, { recursive: true, force: true, maxRetries: 3 });
  try {
    if (t.created && readdirSync(t.dir).length === 0) rmdirSync(t.dir);
  } catch {
    // not ours to remove any more
  }
}

/** Removes the staging directory, and the report directory when this run created it and it is empty. */
export async function discardStaging(t: ReportTarget): Promise<void> {
  await rm(t.staging, { recursive: true, force: true });
  if (t.created && (await readdir(t.dir).catch(() => ['?'])).length === 0) await rmdir(t.dir).catch(() => undefined);
}
