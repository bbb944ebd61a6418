/**
 * strconv.Unquote for the template's string literals, and newNumber's reading of number literals.
 * Anything whose Go meaning we do not reproduce (bytes >= 0x80 from \x or octal escapes, character
 * constants, hex/octal/binary/underscore/imaginary numbers) is reported as Unsupported.
 */

export class Unsupported extends Error {
  constructor(readonly construct: string) {
    super(`unsupported template construct: ${construct}`);
  }
}

/** strconv.ErrSyntax's text. */
export const INVALID_SYNTAX = 'invalid syntax';

const hexVal = (c: string): number => (/^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1);

/** strconv.Unquote of a "..." or `...` literal; null means ErrSyntax. */
export function goUnquote(s: string): string | null {
  if (s.length < 2) return null;
  const q = s[0]!;
  if (q !== s[s.length - 1]) return null;
  const body = s.slice(1, -1);
  if (q === '`') return body.includes('`') ? null : body.replace(/\r/g, '');
  if (q !== '"') throw new Unsupported(`quoted literal ${s}`);
  if (body.includes('\n')) return null;
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === '"') return null;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return null;
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
    if (simple[e] !== undefined) {
      out += simple[e];
      i += 2;
      continue;
    }
    if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      let v = 0;
      for (let k = 0; k < n; k++) {
        const h = hexVal(body[i + 2 + k] ?? '');
        if (h < 0) return null;
        v = v * 16 + h;
      }
      if (e === 'x') {
        if (v >= 0x80) throw new Unsupported(`byte escape \\x${v.toString(16)} in a string literal`);
      } else if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return null;
      out += String.fromCodePoint(v);
      i += 2 + n;
      continue;
    }
    if (e >= '0' && e <= '7') {
      let v = 0;
      for (let k = 0; k < 3; k++) {
        const d = body[i + 1 + k];
        if (d === undefined || d < '0' || d > '7') return null;
        v = v * 8 + Number(d);
      }
      if (v > 255) return null;
      if (v >= 0x80) throw new Unsupported('octal byte escape in a string literal');
      out += String.fromCharCode(v);
      i += 4;
      continue;
    }
    return null;
  }
  return out;
}

const TWO63 = 2n ** 63n;
const TWO64 = 2n ** 64n;

export type NumberReading =
  | { ok: true; isInt: boolean; isUint: boolean; isFloat: boolean; int64: bigint; float64: number }
  | { ok: false; error: string };

/** newNumber for decimal integer and float literals (the lexer's itemNumber text). */
export function readNumber(text: string, quoted: string): NumberReading {
  if (/[xXoObB_pPi]/.test(text) || /^[+-]?0\d+$/.test(text)) throw new Unsupported(`number literal ${text}`);
  if (/^[+-]?\d+$/.test(text)) {
    const v = BigInt(text);
    const isUint = !/^[+-]/.test(text) && v < TWO64;
    const isInt = v >= -TWO63 && v < TWO63;
    if (isInt) return { ok: true, isInt, isUint: isUint || v === 0n, isFloat: true, int64: v, float64: Number(v) };
    if (isUint) return { ok: true, isInt: false, isUint, isFloat: true, int64: 0n, float64: Number(v) };
    return { ok: false, error: `integer overflow: ${quoted}` };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const f = Number(text);
    if (!Number.isFinite(f)) return { ok: false, error: `illegal number syntax: ${quoted}` };
    const integral = Number.isInteger(f);
    const isInt = integral && f >= -(2 ** 63) && f < 2 ** 63;
    const isUint = integral && f >= 0 && f < 2 ** 64;
    return { ok: true, isInt, isUint, isFloat: true, int64: isInt ? BigInt(f) : 0n, float64: f };
  }
  return { ok: false, error: `illegal number syntax: ${quoted}` };
}
