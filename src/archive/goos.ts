import { closeSync, lstatSync, mkdirSync, openSync, statSync, constants as fsc } from 'node:fs';
import { display } from './tar.js';

/**
 * The few Go `os` calls the peer's Untar makes (MkdirAll, OpenFile), with Go's error texts
 * (`*PathError`: "<op> <path>: <errno text>"). Paths are Go strings: binary JS strings (one char
 * per byte) handed to the file system as raw bytes, and shown as Go shows them.
 */

function fsPath(p: string): Buffer {
  return Buffer.from(p, 'latin1');
}

/** Go's syscall.Errno texts (Linux) for the codes these calls can return. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  EEXIST: 'file exists',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMLINK: 'too many links',
  EINVAL: 'invalid argument',
  EIO: 'input/output error',
  ETXTBSY: 'text file busy',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  EBUSY: 'device or resource busy',
  EFBIG: 'file too large',
};

export function errnoText(e: unknown): string {
  const code = (e as { code?: string }).code ?? '';
  return ERRNO_TEXT[code] ?? (e instanceof Error ? e.message : String(e));
}

/** A Go *PathError text. `goPath` is the path as Go would print it. */
export function pathError(op: string, goPath: string, e: unknown): string {
  return `${op} ${goPath}: ${errnoText(e)}`;
}

/**
 * os.MkdirAll(path, perm): null on success, else Go's error text.
 */
export function mkdirAll(path: string, perm: number, show: (p: string) => string = display): string | null {
  try {
    const st = statSync(fsPath(path));
    if (st.isDirectory()) return null;
    return pathError('mkdir', show(path), { code: 'ENOTDIR' });
  } catch {
    /* slow path */
  }
  let i = path.length - 1;
  while (i >= 0 && path[i] === '/') i--;
  while (i >= 0 && path[i] !== '/') i--;
  if (i < 0) i = 0;
  const parent = path.slice(0, i);
  if (parent.length > 0) {
    const err = mkdirAll(parent, perm, show);
    if (err !== null) return err;
  }
  try {
    mkdirSync(fsPath(path), perm);
  } catch (e) {
    try {
      if (lstatSync(fsPath(path)).isDirectory()) return null;
    } catch {
      /* report mkdir's error */
    }
    return pathError('mkdir', show(path), e);
  }
  return null;
}

const MODE_SETUID = 1 << 23;
const MODE_SETGID = 1 << 22;
const MODE_STICKY = 1 << 20;

/** os.FileMode(int64 mode) as syscallMode turns it into open(2)'s mode argument. */
export function syscallMode(mode: bigint): number {
  const m = Number(BigInt.asUintN(32, mode));
  let o = m & 0o777;
  if (m & MODE_SETUID) o |= 0o4000;
  if (m & MODE_SETGID) o |= 0o2000;
  if (m & MODE_STICKY) o |= 0o1000;
  return o;
}

/** os.OpenFile(name, O_CREATE|O_RDWR, FileMode(mode)): the fd, or Go's error text. */
export function openCreateRdwr(path: string, mode: bigint, show: (p: string) => string = display): { fd: number; err: null } | { fd: null; err: string } {
  try {
    return { fd: openSync(fsPath(path), fsc.O_CREAT | fsc.O_RDWR, syscallMode(mode)), err: null };
  } catch (e) {
    return { fd: null, err: pathError('open', show(path), e) };
  }
}

export function closeQuietly(fd: number | null): void {
  if (fd === null) return;
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
}
