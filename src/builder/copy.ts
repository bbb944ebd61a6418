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

export async function copyDir(srcRoot: string, destRoot: string): Promise<CopyResult> {
  const root = toBinary(srcRoot);
  const dest = toBinary(destRoot);
  const entries: CopiedEntry[] = [];
  let truncated = false;
  const list = (e: CopiedEntry): void => {
    if (entries.length < MAX_LISTED) entries.push(e);
    else truncated = true;
  };
  const show = fromBinary;
  const fsErr = (op: string, p: string, e: unknown): CopyFailure => new CopyFailure(pathError(op, show(p), e));

  const visit = async (path: string): Promise<void> => {
    let st;
    try {
      st = await lstat(fsPath(path));
    } catch (e) {
      throw fsErr('lstat', path, e);
    }
    const rel = goRel(root, path);
    const to = goJoin(dest, rel);
    const relShown = show(rel);
    if (st.isDirectory()) {
      try {
        await mkdir(fsPath(to), { recursive: true, mode: st.mode & 0o7777 });
      } catch (e) {
        throw fsErr('mkdir', to, e);
      }
      list({ path: relShown, type: 'dir', mode: (st.mode & 0o7777).toString(8).padStart(4, '0') });
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
      list({ path: relShown, type: 'symlink', mode: '0777', target: show(target) });
      return;
    }
    if (st.isFile()) {
      // copyFile: os.Open(src), os.Create(dest), os.Chmod(dest, src mode), io.Copy.
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
            await chmod(fsPath(to), st.mode & 0o7777);
          } catch (e) {
            throw fsErr('chmod', to, e);
          }
          try {
            await copyHandle(input, output);
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
      list({ path: relShown, type: 'file', mode: (st.mode & 0o7777).toString(8).padStart(4, '0'), size: st.size });
      return;
    }
    throw new CopyFailure(`refusing to copy unsupported file ${show(path)} with mode ${goFileMode(st.mode).toString(8)}`);
  };

  try {
    await visit(root);
    return { ok: true, entries, truncated };
  } catch (e) {
    await rm(fsPath(dest), { recursive: true, force: true });
    return { ok: false, rule: 'BLD-09', error: e instanceof Error ? e.message : String(e) };
  }
}
