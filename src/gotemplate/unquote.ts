/**
 * strconv.Unquote for the template's string literals, and newNumber's reading of number literals.
 * Anything whose Go meaning we do not reproduce (bytes >= 0x80 from \x or octal escapes, character
 * constants, hexadecimal floats and imaginary numbers) is reported as Unsupported.
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

/**
 * Go's underscore rule for number literals (strconv's underscoreOK): an underscore only between
 * two digits, or between a base prefix and a digit.
 */
function underscoreOK(text: string): boolean {
  let s = /^[+-]/.test(text) ? text.slice(1) : text;
  let saw: '^' | '0' | '_' | '!' = '^';
  let hex = false;
  if (/^0[bBoOxX]/.test(s)) {
    hex = /^0[xX]/.test(s);
    s = s.slice(2);
    saw = '0';
  }
  for (const c of s) {
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) saw = '0';
    else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/** strconv.ParseUint(text, 0, 64): base prefixes 0b 0o 0x, a leading 0 for octal, underscores; null on any error. */
function parseUint0(text: string): bigint | null {
  if (text === '') return null;
  let s = text;
  let base = 10n;
  if (s[0] === '0') {
    const prefix = s.length >= 3 ? (s[1] as string).toLowerCase() : '';
    base = prefix === 'b' ? 2n : prefix === 'x' ? 16n : 8n;
    s = prefix === 'b' || prefix === 'o' || prefix === 'x' ? s.slice(2) : s.slice(1);
  }
  let n = 0n;
  for (const c of s) {
    if (c === '_') continue;
    const d = /[0-9]/.test(c) ? BigInt(c.charCodeAt(0) - 48) : /[a-zA-Z]/.test(c) ? BigInt(c.toLowerCase().charCodeAt(0) - 87) : -1n;
    if (d < 0n || d >= base) return null;
    n = n * base + d;
    if (n >= TWO64) return null;
  }
  if (text.includes('_') && !underscoreOK(text)) return null;
  return n;
}

/** strconv.ParseInt(text, 0, 64); null on any error. */
function parseInt0(text: string): bigint | null {
  const neg = text[0] === '-';
  const u = parseUint0(/^[+-]/.test(text) ? text.slice(1) : text);
  if (u === null) return null;
  if (neg ? u > TWO63 : u >= TWO63) return null;
  return neg ? -u : u;
}

/**
 * strconv.ParseFloat(text, 64) for decimal literals (underscores allowed where Go allows them);
 * null on a syntax error or an overflow to infinity. A hexadecimal mantissa with a `p` exponent
 * is a float Go reads and we do not: Unsupported.
 */
function parseFloat64(text: string): number | null {
  if (/^[+-]?0[xX]./.test(text)) {
    if (/[pP]/.test(text)) throw new Unsupported(`hexadecimal floating-point literal ${text}`);
    return null; // Go's hex float must have an exponent
  }
  if (text.includes('_') && !underscoreOK(text)) return null;
  const plain = text.replace(/_/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(plain)) return null;
  const f = Number(plain);
  return Number.isFinite(f) ? f : null;
}

/**
 * parse.newNumber for the lexer's itemNumber text: the integer readings first (ParseUint and
 * ParseInt with base 0, so 0x1F, 0o17, 017, 0b101 and 1_000 are integers), a float only when
 * neither succeeds, and then an integral float that looks like an integer (`08`, or a decimal
 * too large for 64 bits) is Go's "integer overflow". Imaginary literals are Unsupported.
 */
export function readNumber(text: string, quoted: string): NumberReading {
  if (text.endsWith('i') && parseFloat64(text.slice(0, -1)) !== null) throw new Unsupported(`imaginary number literal ${text}`);
  const u = parseUint0(text);
  const i = parseInt0(text);
  if (i !== null) return { ok: true, isInt: true, isUint: u !== null || i === 0n, isFloat: true, int64: i, float64: Number(i) };
  if (u !== null) return { ok: true, isInt: false, isUint: true, isFloat: true, int64: 0n, float64: Number(u) };
  const f = parseFloat64(text);
  if (f === null) return { ok: false, error: `illegal number syntax: ${quoted}` };
  if (!/[.eEpP]/.test(text)) return { ok: false, error: `integer overflow: ${quoted}` };
  const integral = Number.isInteger(f);
  const isInt = integral && f >= -(2 ** 63) && f < 2 ** 63;
  const isUint = integral && f >= 0 && f < 2 ** 64;
  return { ok: true, isInt, isUint, isFloat: true, int64: isInt ? BigInt(f) : 0n, float64: f };
}
