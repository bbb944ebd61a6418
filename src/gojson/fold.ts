/**
 * encoding/json's case-insensitive key matching (Go 1.21+ foldName): ASCII letters are upper-cased;
 * every other rune becomes the smallest rune of its simple case-folding orbit. That is how
 * `addreſs` (U+017F LATIN SMALL LETTER LONG S) matches `address`, `client_Key` with U+212A KELVIN
 * SIGN matches `client_key`, and `domaın` (U+0131 DOTLESS I) matches `domain`.
 */

const single = (s: string): number | null => {
  const cp = s.codePointAt(0)!;
  return String.fromCodePoint(cp).length === s.length ? cp : null;
};

/** The smallest rune reachable from r through one-rune upper/lower mappings (Go's foldRune). */
export function foldRune(r: number): number {
  const seen = new Set<number>([r]);
  const todo = [r];
  while (todo.length > 0) {
    const ch = String.fromCodePoint(todo.pop()!);
    for (const mapped of [ch.toLowerCase(), ch.toUpperCase()]) {
      const cp = single(mapped);
      if (cp !== null && !seen.has(cp)) {
        seen.add(cp);
        todo.push(cp);
      }
    }
  }
  let min = r;
  for (const cp of seen) if (cp < min) min = cp;
  return min;
}

/** Go's foldName on a decoded key (a well-formed string). */
export function foldName(key: string): string {
  let out = '';
  for (const ch of key) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += cp >= 0x61 && cp <= 0x7a ? String.fromCharCode(cp - 0x20) : ch;
    else out += String.fromCodePoint(foldRune(cp));
  }
  return out;
}
