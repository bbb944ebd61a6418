import { lstat, mkdir, readdir, readlink, copyFile, chmod, symlink, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, dirname } from 'node:path';

/**
 * The peer's CopyDir (BLD-09), used to persist `release` and `bld`: directories recreated with
 * their mode, regular files copied and chmod'ed, symlinks kept only when relative and resolving
 * inside the copied root; anything else refused. On error the destination is removed.
 */

export type CopyResult = { readonly ok: true; readonly files: number } | { readonly ok: false; readonly error: string };

function octalMode(mode: number): string {
  // Go prints os.FileMode with %o of the mode bits including the type bits Go uses; the peer's
  // message shows the Go FileMode in octal. For the special files it refuses, Go sets type bits
  // (ModeNamedPipe 1<<25, ModeSocket 1<<24, ModeDevice 1<<26, ModeCharDevice 1<<21).
  return mode.toString(8);
}

function goFileMode(st: { mode: number; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): number {
  let m = st.mode & 0o777;
  if (st.isFIFO()) m += 2 ** 25;
  if (st.isSocket()) m += 2 ** 24;
  if (st.isBlockDevice()) m += 2 ** 26;
  if (st.isCharacterDevice()) m += 2 ** 26 + 2 ** 21;
  return m;
}

export async function copyDir(src: string, dest: string): Promise<CopyResult> {
  const root = resolve(src);
  let files = 0;
  const walk = async (from: string, to: string): Promise<string | null> => {
    const st = await lstat(from);
    if (st.isDirectory()) {
      await mkdir(to, { recursive: true, mode: st.mode & 0o7777 });
      for (const name of (await readdir(from)).sort()) {
        const err = await walk(join(from, name), join(to, name));
        if (err) return err;
      }
      return null;
    }
    if (st.isSymbolicLink()) {
      const target = await readlink(from);
      if (isAbsolute(target)) return `refusing to copy absolute symlink ${from} -> ${target}`;
      const resolved = resolve(dirname(from), target);
      const rel = relative(root, resolved);
      if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return `refusing to copy symlink ${from} -> ${target} pointing outside of source root`;
      await symlink(target, to);
      files++;
      return null;
    }
    if (st.isFile()) {
      await mkdir(dirname(to), { recursive: true });
      await copyFile(from, to);
      await chmod(to, st.mode & 0o7777);
      files++;
      return null;
    }
    return `refusing to copy unsupported file ${from} with mode ${octalMode(goFileMode(st))}`;
  };
  try {
    const err = await walk(root, dest);
    if (err) {
      await rm(dest, { recursive: true, force: true });
      return { ok: false, error: err };
    }
    return { ok: true, files };
  } catch (e) {
    await rm(dest, { recursive: true, force: true });
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
