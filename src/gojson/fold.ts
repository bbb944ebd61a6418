/**
 * encoding/json's case-insensitive key matching (Go 1.21+ foldName): ASCII letters are upper-cased;
 * every other rune becomes the smallest rune of its unicode.SimpleFold orbit. That is how
 * `addreſs` (U+017F LATIN SMALL LETTER LONG S) matches `address` and `client_Key` with U+212A
 * KELVIN SIGN matches `client_key`; U+0131 (dotless i) matches nothing.
 */
import { GO_FOLD_RUNS } from './fold-table.js';

/** Go's foldRune for a non-ASCII rune. */
export function foldRune(r: number): number {
  for (let i = 0; i < GO_FOLD_RUNS.length; i += 4) {
    const lo = GO_FOLD_RUNS[i]!;
    if (r < lo) break;
    if (r <= GO_FOLD_RUNS[i + 1]! && (r - lo) % GO_FOLD_RUNS[i + 2]! === 0) return r + GO_FOLD_RUNS[i + 3]!;
  }
  return r;
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
