import { spawnSync } from 'node:child_process';
import { chmod, lstat, mkdir, open, readdir, readlink, rm, stat, symlink } from 'node:fs/promises';
import { copyHandle } from '../fdcopy.js';
import { GoError, errnoCode, linkError, pathError } from '../goerr.js';
import { goDir, goJoin } from '../../gopath/filepath.js';

/**
 * The directory copy the built-in ccaas builder uses (`github.com/otiai10/copy` v1.14.1 `Copy`
 * with default options), reproduced from its documented behaviour: symlinks recreated as they are
 * (shallow), directories merged into an existing destination and chmod'ed to the source mode after
 * their contents, files truncated then chmod'ed to the source mode (a chmod error is lost),
 * devices skipped silently, named pipes recreated, a source that vanished skipped. Errors are the
 * Go texts the builder would print. Paths are binary strings (one char per byte).
 */

function fsPath(p: string): Buffer {
  return Buffer.from(p, 'latin1');
}
function show(p: string): string {
  return Buffer.from(p, 'latin1').toString('utf8');
}

/** os.MkdirAll on a binary path, with Go's error text. */
export async function mkdirAll(path: string, perm: number): Promise<void> {
  try {
    const st = await stat(fsPath(path));
    if (st.isDirectory()) return;
    throw new GoError(pathError('mkdir', show(path), { code: 'ENOTDIR' }));
  } catch (e) {
    if (e instanceof GoError) throw e;
  }
  const parent = goDir(path);
  if (parent !== path && parent !== '.' && parent !== '/') await mkdirAll(parent, perm);
  try {
    await mkdir(fsPath(path), perm);
  } catch (e) {
    try {
      if ((await lstat(fsPath(path))).isDirectory()) return;
    } catch {
      // report mkdir's error
    }
    throw new GoError(pathError('mkdir', show(path), e));
  }
}

type Stat = Awaited<ReturnType<typeof lstat>>;

async function fileCopy(src: string, dest: string, info: Stat): Promise<void> {
  let input;
  try {
    input = await open(fsPath(src), 'r');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return;
    throw new GoError(pathError('open', show(src), e));
  }
  try {
    await mkdirAll(goDir(dest), 0o777);
    let output;
    try {
      output = await open(fsPath(dest), 'w+', 0o666);
    } catch (e) {
      throw new GoError(pathError('open', show(dest), e));
    }
    try {
      await chmod(fsPath(dest), Number(info.mode) & 0o7777).catch(() => undefined);
      try {
        await copyHandle(input, output, Number(info.size));
      } catch (e) {
        const op = (e as { op?: string }).op === 'write' ? 'write' : 'read';
        throw new GoError(pathError(op, show(op === 'write' ? dest : src), e));
      }
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

async function dirCopy(src: string, dest: string, info: Stat): Promise<void> {
  try {
    await stat(fsPath(dest));
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw new GoError(pathError('stat', show(dest), e));
  }
  await mkdirAll(dest, 0o755);
  let failure: unknown = null;
  try {
    let names: string[];
    try {
      names = (await readdir(fsPath(src), { encoding: 'latin1' })) as unknown as string[];
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return;
      throw new GoError(pathError('open', show(src), e));
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const entries: Array<[string, Stat]> = [];
    for (const n of names) {
      try {
        entries.push([n, await lstat(fsPath(goJoin(src, n)))]);
      } catch (e) {
        throw new GoError(pathError('lstat', show(goJoin(src, n)), e));
      }
    }
    for (const [n, st] of entries) await switchboard(goJoin(src, n), goJoin(dest, n), st);
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    // The deferred chmod to the source mode; its error counts only when nothing failed before.
    try {
      await chmod(fsPath(dest), Number(info.mode) & 0o7777);
    } catch (e) {
      if (failure === null) throw new GoError(pathError('chmod', show(dest), e));
    }
  }
}

async function linkCopy(src: string, dest: string): Promise<void> {
  let orig: string;
  try {
    orig = (await readlink(fsPath(src), { encoding: 'latin1' })) as unknown as string;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') {
      try {
        await symlink(fsPath(src), fsPath(dest));
        return;
      } catch (e2) {
        throw new GoError(linkError('symlink', show(src), show(dest), e2));
      }
    }
    throw new GoError(pathError('readlink', show(src), e));
  }
  try {
    await lstat(fsPath(dest));
    try {
      await rm(fsPath(dest));
    } catch (e) {
      throw new GoError(pathError('remove', show(dest), e));
    }
  } catch (e) {
    if (e instanceof GoError) throw e;
  }
  try {
    await symlink(fsPath(orig), fsPath(dest));
  } catch (e) {
    throw new GoError(linkError('symlink', show(orig), show(dest), e));
  }
}

async function switchboard(src: string, dest: string, info: Stat): Promise<void> {
  if (info.isBlockDevice() || info.isCharacterDevice()) return;
  if (info.isSymbolicLink()) return linkCopy(src, dest);
  if (info.isDirectory()) return dirCopy(src, dest, info);
  if (info.isFIFO()) {
    await mkdirAll(goDir(dest), 0o777);
    const r = spawnSync('mkfifo', ['-m', (Number(info.mode) & 0o777).toString(8), fsPath(dest).toString('utf8')], { timeout: 10_000 });
    if (r.status !== 0) throw new GoError(r.stderr.toString().includes('File exists') ? 'file exists' : 'mkfifo failed');
    return;
  }
  return fileCopy(src, dest, info);
}

/** copy.Copy(src, dest); throws a GoError with the builder's text. Takes UTF-8 paths. */
export async function treeCopy(srcPath: string, destPath: string): Promise<void> {
  const src = Buffer.from(srcPath, 'utf8').toString('latin1');
  const dest = Buffer.from(destPath, 'utf8').toString('latin1');
  let info: Stat;
  try {
    info = await lstat(fsPath(src));
  } catch (e) {
    throw new GoError(pathError('lstat', show(src), e));
  }
  await switchboard(src, dest, info);
}
