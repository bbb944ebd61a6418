import { chmod, lstat, mkdir, open, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { copyHandle } from './fdcopy.js';
import { pathError, linkError } from './goerr.js';
import { goClean, goDir, goIsAbs, goJoin, goRel } from '../gopath/filepath.js';

/**
 * The peer's CopyDir (core/container/externalbuilder/copy.go, BLD-09), used to persist `release`
 * then `bld`: a filepath.Walk in lexical byte order; directories recreated with MkdirAll and their
 * mode; regular files created, chmod'ed to the source mode, then filled; symlinks recreated only
 * when relative and resolving inside the copied root; anything else refused. On the first error
 * the destination is removed and the error returned. Paths are Go strings: binary JS strings, one
 * char per byte, so any file name survives.
 */

export interface CopiedEntry {
  /** Path relative to the copied root ('.' for the root), as UTF-8 text. */
  readonly path: string;
  readonly type: 'dir' | 'file' | 'symlink';
  readonly mode: string;
  readonly size?: number;
  readonly target?: string;
}

export type CopyResult =
  | { readonly ok: true; readonly entries: readonly CopiedEntry[]; readonly truncated: boolean }
  | { readonly ok: false; readonly error: string; readonly rule: 'BLD-09' };

/** Entries listed as evidence per copy. */
const MAX_LISTED = 500;

export function toBinary(p: string): string {
  return Buffer.from(p, 'utf8').toString('latin1');
}
export function fromBinary(p: string): string {
  return Buffer.from(p, 'latin1').toString('utf8');
}
function fsPath(p: string): Buffer {
  return Buffer.from(p, 'latin1');
}

/**
 * Go's os.FileMode bits for a Unix mode, as `%o` prints them in
 * `refusing to copy unsupported file <path> with mode <octal>`.
 */
export function goFileMode(mode: number): number {
  const fmt = mode & 0o170000;
  let m = mode & 0o777;
  if (fmt === 0o060000) m += 2 ** 26; // block device: ModeDevice
  if (fmt === 0o020000) m += 2 ** 26 + 2 ** 21; // character device: ModeDevice | ModeCharDevice
  if (fmt === 0o010000) m += 2 ** 25; // FIFO: ModeNamedPipe
  if (fmt === 0o140000) m += 2 ** 24; // socket: ModeSocket
  if (mode & 0o4000) m += 2 ** 23; // ModeSetuid
  if (mode & 0o2000) m += 2 ** 22; // ModeSetgid
  if (mode & 0o1000) m += 2 ** 20; // ModeSticky
  return m;
}

class CopyFailure extends Error {}

/** Go's *PathError text for an operation on a binary path. */
function fsErr(op: string, p: string, e: unknown): CopyFailure {
  return new CopyFailure(pathError(op, fromBinary(p), e));
}

/** Regular files copied at once. The walk itself stays serial, in Go's order. */
const FILE_COPIES_IN_FLIGHT = 8;

/** A failure and its place in the walk: the one earliest in walk order is the one Go returns. */
interface Failure {
  readonly seq: number;
  readonly error: CopyFailure;
}

/**
 * Go's copyFile: os.Open(src), os.Create(dest), os.Chmod(dest, src mode), io.Copy. Paths are Go
 * strings (binary); errors are Go's *PathError texts.
 */
export async function copyRegularFile(path: string, to: string, mode: number, size: number): Promise<void> {
  let input;
  try {
    input = await open(fsPath(path), 'r');
  } catch (e) {
    throw fsErr('open', path, e);
  }
  try {
    let output;
    try {
      output = await open(fsPath(to), 'w', 0o666);
    } catch (e) {
      throw fsErr('open', to, e);
    }
    try {
      try {
        await chmod(fsPath(to), mode);
      } catch (e) {
        throw fsErr('chmod', to, e);
      }
      try {
        await copyHandle(input, output, size);
      } catch (e) {
        const op = (e as { op?: string }).op === 'write' ? 'write' : 'read';
        throw fsErr(op, op === 'write' ? to : path, e);
      }
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

export interface CopyOptions {
  /** Regular files copied at once (default FILE_COPIES_IN_FLIGHT; 1 copies one file at a time). */
  readonly inFlight?: number;
  /**
   * Copies one regular file (binary paths, the source's permission bits, its size when walked);
   * throws an Error whose message is the peer's text. Default: Go's copyFile on this disk.
   */
  readonly copyFile?: (from: string, to: string, mode: number, size: number) => Promise<void>;
}

/**
 * Copies `srcRoot` to `destRoot` as the peer's CopyDir does. The walk (lstat, mkdir, readdir,
 * symlinks, refusals) is serial in Go's order; the regular files it meets are copied up to
 * FILE_COPIES_IN_FLIGHT at a time (each is `open`, `create`, `chmod`, `io.Copy`, as in Go, on
 * distinct paths, so their order is not observable). Go stops at the first error in walk order:
 * the walk stops starting work after any error, lets the copies already started finish, and
 * returns the earliest error of all, which is the one Go meets first.
 */
export async function copyDir(srcRoot: string, destRoot: string, options: CopyOptions = {}): Promise<CopyResult> {
  const inFlight = Math.max(1, options.inFlight ?? FILE_COPIES_IN_FLIGHT);
  const copyFile = options.copyFile ?? copyRegularFile;
  const root = toBinary(srcRoot);
  const dest = toBinary(destRoot);
  /** Walk-order slots of the listed entries; a file's slot is filled when its copy is done. */
  const listed: Array<CopiedEntry | undefined> = [];
  let seen = 0;
  let failure: Failure | null = null;
  const running = new Set<Promise<void>>();
  const show = fromBinary;
  const fail = (seq: number, e: unknown): void => {
    const error = e instanceof CopyFailure ? e : new CopyFailure(e instanceof Error ? e.message : String(e));
    if (failure === null || seq < failure.seq) failure = { seq, error };
  };
  const list = (seq: number, e: CopiedEntry): void => {
    if (seq < MAX_LISTED) listed[seq] = e;
  };

  /** Starts a file's copy once a slot is free; its failure is recorded with its place in the walk. */
  const startCopy = async (seq: number, task: () => Promise<CopiedEntry>): Promise<void> => {
    while (running.size >= inFlight) await Promise.race(running);
    if (failure !== null) return;
    const p: Promise<void> = task().then(
      (entry) => list(seq, entry),
      (e: unknown) => fail(seq, e),
    ).finally(() => running.delete(p));
    running.add(p);
  };

  const visit = async (path: string): Promise<void> => {
    if (failure !== null) return;
    const seq = seen++;
    let st;
    try {
      st = await lstat(fsPath(path));
    } catch (e) {
      throw fsErr('lstat', path, e);
    }
    const rel = goRel(root, path);
    const to = goJoin(dest, rel);
    const relShown = show(rel);
    const mode = st.mode & 0o7777;
    const octal = mode.toString(8).padStart(4, '0');
    if (st.isDirectory()) {
      try {
        await mkdir(fsPath(to), { recursive: true, mode });
      } catch (e) {
        throw fsErr('mkdir', to, e);
      }
      list(seq, { path: relShown, type: 'dir', mode: octal });
      let names: string[];
      try {
        names = (await readdir(fsPath(path), { encoding: 'latin1' })) as unknown as string[];
      } catch (e) {
        throw fsErr('open', path, e);
      }
      names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const n of names) await visit(goJoin(path, n));
      return;
    }
    if (st.isSymbolicLink()) {
      let target: string;
      try {
        target = (await readlink(fsPath(path), { encoding: 'latin1' })) as unknown as string;
      } catch (e) {
        throw fsErr('readlink', path, e);
      }
      if (goIsAbs(target)) throw new CopyFailure(`refusing to copy absolute symlink ${show(path)} -> ${show(target)}`);
      const resolved = goClean(goJoin(goDir(path), target));
      const relTarget = goRel(root, resolved);
      if (relTarget.split('/')[0] === '..') throw new CopyFailure(`refusing to copy symlink ${show(path)} -> ${show(target)} pointing outside of source root`);
      try {
        await symlink(fsPath(target), fsPath(to));
      } catch (e) {
        throw new CopyFailure(linkError('symlink', show(target), show(to), e));
      }
      list(seq, { path: relShown, type: 'symlink', mode: '0777', target: show(target) });
      return;
    }
    if (st.isFile()) {
      const size = st.size;
      await startCopy(seq, async () => {
        await copyFile(path, to, mode, size);
        return { path: relShown, type: 'file', mode: octal, size };
      });
      return;
    }
    throw new CopyFailure(`refusing to copy unsupported file ${show(path)} with mode ${goFileMode(st.mode).toString(8)}`);
  };

  try {
    await visit(root);
  } catch (e) {
    // The walk's own error comes after every copy it started: it is the last place reached so far.
    fail(seen - 1, e);
  }
  while (running.size > 0) await Promise.race(running);
  const failed = failure as Failure | null;
  if (failed !== null) {
    await rm(fsPath(dest), { recursive: true, force: true });
    return { ok: false, rule: 'BLD-09', error: failed.error.message };
  }
  return { ok: true, entries: listed.filter((e): e is CopiedEntry => e !== undefined), truncated: seen > MAX_LISTED };
}
