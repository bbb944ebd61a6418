/**
 * encoding/json's unquote: the text of a (syntactically valid) JSON string literal as Go sees it.
 * Invalid UTF-8 becomes U+FFFD per bad byte; `\u` escapes that are lone or mismatched UTF-16
 * surrogates become U+FFFD; a valid surrogate pair becomes one rune.
 */
import { RUNE_ERROR, decodeRune } from './utf8.js';

const hexVal = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
};

/** The 4-hex-digit value of `\uXXXX` at data[at..], or -1 (Go's getu4). */
function getu4(data: Uint8Array, at: number, end: number): number {
  if (end - at < 6 || data[at] !== 0x5c || data[at + 1] !== 0x75) return -1;
  let r = 0;
  for (let k = 2; k < 6; k++) {
    const v = hexVal(data[at + k]!);
    if (v < 0) return -1;
    r = r * 16 + v;
  }
  return r;
}

const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  0x22: '"', 0x5c: '\\', 0x2f: '/', 0x27: "'", 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t',
};

/** Decodes data[start..end) which must be a scanned JSON string literal including its quotes. */
export function unquote(data: Uint8Array, start: number, end: number): string {
  let out = '';
  let r = start + 1;
  const stop = end - 1;
  while (r < stop) {
    const c = data[r]!;
    if (c === 0x5c) {
      const e = data[r + 1]!;
      if (e !== 0x75) {
        out += SIMPLE_ESCAPES[e] ?? '';
        r += 2;
        continue;
      }
      let rr = getu4(data, r, stop);
      r += 6;
      if (rr >= 0xd800 && rr < 0xe000) {
        const rr1 = getu4(data, r, stop);
        if (rr < 0xdc00 && rr1 >= 0xdc00 && rr1 < 0xe000) {
          out += String.fromCodePoint(0x10000 + ((rr - 0xd800) << 10) + (rr1 - 0xdc00));
          r += 6;
          continue;
        }
        rr = RUNE_ERROR;
      }
      out += String.fromCodePoint(rr);
      continue;
    }
    if (c < 0x80) {
      out += String.fromCharCode(c);
      r++;
      continue;
    }
    const { rune, size } = decodeRune(data.subarray(0, stop), r);
    out += String.fromCodePoint(rune);
    r += size;
  }
  return out;
}
