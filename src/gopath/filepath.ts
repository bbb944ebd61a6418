/**
 * Go's path/filepath on Unix (Clean, Join, Dir, Base, IsAbs, Rel), on binary strings (one char
 * per byte), for every place where the peer or the ccaas builder computes a path (Untar,
 * CopyDir, the ccaas programs); written from the functions' documented rules.
 */

export function goClean(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  if (rooted) return `/${s}`;
  return s === '' ? '.' : s;
}

export function goIsAbs(path: string): boolean {
  return path.startsWith('/');
}

export function goJoin(...elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== '');
  return nonEmpty.length === 0 ? '' : goClean(nonEmpty.join('/'));
}

export function goDir(path: string): string {
  const i = path.lastIndexOf('/');
  return goClean(path.slice(0, i + 1));
}

export function goBase(path: string): string {
  if (path === '') return '.';
  let p = path;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  if (p === '/') return '/';
  return p.slice(p.lastIndexOf('/') + 1);
}

/** filepath.Rel; throws Go's error text when no relative path exists. */
export function goRel(basepath: string, targpath: string): string {
  let base = goClean(basepath);
  const targ = goClean(targpath);
  if (targ === base) return '.';
  if (base === '.') base = '';
  if ((base.length > 0 && base[0] === '/') !== (targ[0] === '/')) throw new Error(`Rel: can't make ${targpath} relative to ${basepath}`);
  const bl = base.length;
  const tl = targ.length;
  let b0 = 0;
  let bi = 0;
  let t0 = 0;
  let ti = 0;
  for (;;) {
    while (bi < bl && base[bi] !== '/') bi++;
    while (ti < tl && targ[ti] !== '/') ti++;
    if (targ.slice(t0, ti) !== base.slice(b0, bi)) break;
    if (bi < bl) bi++;
    if (ti < tl) ti++;
    b0 = bi;
    t0 = ti;
  }
  if (base.slice(b0, bi) === '..') throw new Error(`Rel: can't make ${targpath} relative to ${basepath}`);
  if (b0 !== bl) {
    const seps = base.slice(b0, bl).split('/').length - 1;
    let s = '..' + '/..'.repeat(seps);
    if (tl !== t0) s += `/${targ.slice(t0)}`;
    return s;
  }
  return targ.slice(t0);
}

/** externalbuilder.ValidPath: not absolute and not escaping after Clean. */
export function validPath(name: string): boolean {
  const c = goClean(name);
  if (goIsAbs(c)) return false;
  return !(c.startsWith('../') || c === '..');
}
