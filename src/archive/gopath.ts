/**
 * Go's path/filepath on Unix (Clean, Join, Dir, IsAbs), on binary strings (one char per byte),
 * as the peer's externalbuilder.Untar uses them; written from the functions' documented rules.
 */

/** filepath.Clean: the shortest equivalent path by purely lexical processing. */
export function clean(path: string): string {
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
  const body = out.join('/');
  if (rooted) return '/' + body;
  return body === '' ? '.' : body;
}

export function isAbs(path: string): boolean {
  return path.startsWith('/');
}

/** filepath.Join: non-empty elements joined by `/`, then cleaned; "" when all are empty. */
export function join(...elems: string[]): string {
  const parts = elems.filter((e) => e !== '');
  return parts.length === 0 ? '' : clean(parts.join('/'));
}

/** filepath.Dir */
export function dir(path: string): string {
  let i = path.length - 1;
  while (i >= 0 && path[i] !== '/') i--;
  return clean(path.slice(0, i + 1));
}

/** externalbuilder.ValidPath: not absolute and not escaping after Clean. */
export function validPath(name: string): boolean {
  const c = clean(name);
  if (isAbs(c)) return false;
  return !(c.startsWith('../') || c === '..');
}
