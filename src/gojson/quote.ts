/**
 * Go's quoting rules, needed to reproduce error texts exactly: strconv.Quote (used by %q),
 * strconv.IsPrint, fmt's %#U, encoding/json's quoteChar and the time package's private quote.
 */
import { GO_PRINT_RANGES } from './isprint-table.js';
import { RUNE_ERROR, encodeRune, runes, stringToGoBytes } from './utf8.js';

/** Go's strconv.IsPrint (Unicode 15.0.0 tables, as Go 1.26 ships). */
export function isPrint(r: number): boolean {
  let lo = 0;
  let hi = GO_PRINT_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const a = GO_PRINT_RANGES[2 * mid]!;
    const b = GO_PRINT_RANGES[2 * mid + 1]!;
    if (r < a) hi = mid - 1;
    else if (r > b) lo = mid + 1;
    else return true;
  }
  return false;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function escapeRune(r: number, quote: number): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCodePoint(r);
  if (isPrint(r)) return String.fromCodePoint(r);
  switch (r) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
    default:
      if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
      if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return '\\u' + hex(RUNE_ERROR, 4);
      if (r < 0x10000) return '\\u' + hex(r, 4);
      return '\\U' + hex(r, 8);
  }
}

/** strconv.Quote of a Go string given as bytes (or a JS string, taken as its UTF-8 bytes). */
export function goQuote(s: Uint8Array | string): string {
  const bytes = typeof s === 'string' ? stringToGoBytes(s) : s;
  let out = '"';
  for (const { rune, at, size } of runes(bytes)) {
    if (rune === RUNE_ERROR && size === 1) {
      out += '\\x' + hex(bytes[at]!, 2);
      continue;
    }
    out += escapeRune(rune, 0x22);
  }
  return out + '"';
}

/** fmt's %#U: `U+007D '}'` (the character only when printable). */
export function formatSharpU(r: number): string {
  const head = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  return r >= 0 && r <= 0x10ffff && isPrint(r) ? `${head} '${String.fromCodePoint(r)}'` : head;
}

/** encoding/json's quoteChar: a scanner byte, taken as the rune of the same value. */
export function jsonQuoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const q = goQuote(Buffer.from(encodeRune(c)));
  return "'" + q.slice(1, -1) + "'";
}

/**
 * The time package's own quote (used by ParseDuration errors since Go 1.20): ASCII printable bytes
 * as is (with `"` and `\` escaped), every byte of a non-ASCII or control rune as `\xNN`.
 */
export function timeQuote(s: Uint8Array | string): string {
  const bytes = typeof s === 'string' ? stringToGoBytes(s) : s;
  let out = '"';
  for (const { rune, at, size } of runes(bytes)) {
    if (rune >= 0x80 || rune < 0x20) {
      // `for range` reports a width-1 U+FFFD for an invalid byte and width 3 for a real U+FFFD.
      for (let j = 0; j < size; j++) out += '\\x' + hex(bytes[at + j]!, 2);
    } else {
      if (rune === 0x22 || rune === 0x5c) out += '\\';
      out += String.fromCharCode(rune);
    }
  }
  return out + '"';
}
