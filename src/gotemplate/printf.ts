/**
 * fmt.Sprintf as text/template's `printf` calls it, over the values a template sees when its data
 * comes from encoding/json (string, float64, bool, nil, map[string]interface{}, []interface{})
 * plus template integer constants (int). Reproduced from fmt's behaviour: flags `# 0 + - space`,
 * width, precision, the verbs v s q x X d b o O t e E f F g G T and `%%`, bad verbs
 * (`%!d(string=x)`), missing and extra operands, `%!(NOVERB)`, `*` widths and precisions from
 * int operands (`%!(BADWIDTH)`), `%p` of a non-reference operand (a bad verb). Argument indexes (`%[2]d`),
 * `%#v`, `%p` of a map or slice (an address) and `%c`/`%q`/`%U` on integers throw Unsupported.
 */
import type { GoAny, GoMap } from '../gojson/index.js';
import { goQuote, isPrint } from '../gojson/quote.js';
import { compareGoStrings, formatFloatG } from './format.js';
import { formatFloatBinary, formatFloatHex, parts } from './ftoa-bits.js';
import { Unsupported } from './unquote.js';

/** An operand as fmt sees it: nil (an untyped nil interface) or a concrete value. */
export type Operand =
  | { readonly t: 'nil' }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'float64'; readonly v: number }
  | { readonly t: 'int'; readonly v: bigint }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'map'; readonly v: GoMap }
  | { readonly t: 'slice'; readonly v: readonly GoAny[] };

export function operandOf(v: GoAny): Operand {
  if (v === null) return { t: 'nil' };
  if (typeof v === 'string') return { t: 'string', v };
  if (typeof v === 'number') return { t: 'float64', v };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (Array.isArray(v)) return { t: 'slice', v };
  return { t: 'map', v: v as GoMap };
}

function typeString(o: Operand): string {
  switch (o.t) {
    case 'map': return 'map[string]interface {}';
    case 'slice': return '[]interface {}';
    case 'nil': return '<nil>';
    default: return o.t;
  }
}

interface Flags {
  sharp: boolean;
  zero: boolean;
  plus: boolean;
  minus: boolean;
  space: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
  sharpV: boolean;
}

const clear = (): Flags => ({ sharp: false, zero: false, plus: false, minus: false, space: false, wid: 0, widPresent: false, prec: 0, precPresent: false, sharpV: false });
const runeCount = (s: string): number => [...s].length;

class Printer {
  out = '';
  f: Flags = clear();

  private padding(n: number): void {
    if (n > 0) this.out += (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.out += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.padding(width);
      this.out += s;
    } else {
      this.out += s;
      this.padding(width);
    }
  }

  private withoutZero(fn: () => void): void {
    const z = this.f.zero;
    this.f.zero = false;
    fn();
    this.f.zero = z;
  }

  private truncate(s: string): string {
    if (!this.f.precPresent) return s;
    return [...s].slice(0, this.f.prec).join('');
  }

  badVerb(verb: string, o: Operand): void {
    this.out += `%!${verb}(`;
    if (o.t === 'nil') this.out += '<nil>';
    else {
      this.out += `${typeString(o)}=`;
      this.value(o, 'v', 0);
    }
    this.out += ')';
  }

  /** printArg: a top-level operand. */
  arg(o: Operand, verb: string): void {
    if (o.t === 'nil') {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, o);
      return;
    }
    if (verb === 'T') {
      this.pad(this.truncate(typeString(o)));
      return;
    }
    if (verb === 'p') {
      // fmtPointer: the address of a map or slice (not reproducible); any other kind is a bad verb
      if (o.t === 'map' || o.t === 'slice') throw new Unsupported('printf %p of a map or slice');
      this.badVerb(verb, o);
      return;
    }
    this.value(o, verb, 0);
  }

  /** printValue: an operand at any depth; a nil element of a map or slice prints as <nil>. */
  value(o: Operand, verb: string, depth: number): void {
    if (this.f.sharpV) throw new Unsupported('printf %#v');
    switch (o.t) {
      case 'nil':
        if (depth === 0) this.badVerb(verb, o);
        else this.out += '<nil>';
        return;
      case 'bool':
        if (verb === 't' || verb === 'v') this.pad(o.v ? 'true' : 'false');
        else this.badVerb(verb, o);
        return;
      case 'int':
        return this.integer(o, verb);
      case 'float64':
        return this.float(o, verb);
      case 'string':
        return this.string(o, verb);
      case 'map': {
        this.out += 'map[';
        [...o.v.keys()].sort(compareGoStrings).forEach((k, i) => {
          if (i > 0) this.out += ' ';
          this.value({ t: 'string', v: k }, verb, depth + 1);
          this.out += ':';
          this.value(operandOf(o.v.get(k) ?? null), verb, depth + 1);
        });
        this.out += ']';
        return;
      }
      case 'slice':
        this.out += '[';
        o.v.forEach((e, i) => {
          if (i > 0) this.out += ' ';
          this.value(operandOf(e), verb, depth + 1);
        });
        this.out += ']';
        return;
    }
  }

  private string(o: { t: 'string'; v: string }, verb: string): void {
    switch (verb) {
      case 'v': case 's':
        return this.pad(this.truncate(o.v));
      case 'x': case 'X':
        return this.hexString(o.v, verb === 'X');
      case 'q': {
        const s = this.truncate(o.v);
        if (this.f.sharp && canBackquote(s)) return this.pad('`' + s + '`');
        if (this.f.plus && /[^\x00-\x7f]/.test(s)) throw new Unsupported('printf %+q with non-ASCII text');
        return this.pad(goQuote(s));
      }
      default:
        return this.badVerb(verb, o);
    }
  }

  private hexString(s: string, upper: boolean): void {
    const digits = upper ? '0123456789ABCDEFX' : '0123456789abcdefx';
    let b = Buffer.from(s, 'utf8');
    if (this.f.precPresent && this.f.prec < b.length) b = b.subarray(0, this.f.prec);
    const length = b.length;
    let width = 2 * length;
    if (width > 0) {
      if (this.f.space) {
        if (this.f.sharp) width *= 2;
        width += length - 1;
      } else if (this.f.sharp) width += 2;
    } else {
      if (this.f.widPresent) this.padding(this.f.wid);
      return;
    }
    if (this.f.widPresent && this.f.wid > width && !this.f.minus) this.padding(this.f.wid - width);
    if (this.f.sharp) this.out += '0' + digits[16];
    for (let i = 0; i < length; i++) {
      if (this.f.space && i > 0) {
        this.out += ' ';
        if (this.f.sharp) this.out += '0' + digits[16];
      }
      const c = b[i] as number;
      this.out += (digits[c >> 4] as string) + (digits[c & 0xf] as string);
    }
    if (this.f.widPresent && this.f.wid > width && this.f.minus) this.padding(this.f.wid - width);
  }

  private integer(o: { t: 'int'; v: bigint }, verb: string): void {
    const base = verb === 'v' || verb === 'd' ? 10 : verb === 'b' ? 2 : verb === 'o' || verb === 'O' ? 8 : verb === 'x' || verb === 'X' ? 16 : 0;
    if (base === 0) {
      if (verb === 'c' || verb === 'q' || verb === 'U') throw new Unsupported(`printf %${verb} of an integer`);
      return this.badVerb(verb, o);
    }
    const negative = o.v < 0n;
    const u = negative ? -o.v : o.v;
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.f.prec;
      if (prec === 0 && u === 0n) {
        this.withoutZero(() => this.padding(this.f.wid));
        return;
      }
    } else if (this.f.zero && !this.f.minus && this.f.widPresent) {
      prec = this.f.wid;
      if (negative || this.f.plus || this.f.space) prec--;
    }
    let digits = u.toString(base);
    if (verb === 'X') digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (this.f.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
      else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (this.f.plus) digits = '+' + digits;
    else if (this.f.space) digits = ' ' + digits;
    this.withoutZero(() => this.pad(digits));
  }

  private float(o: { t: 'float64'; v: number }, verb: string): void {
    let fmtVerb: string;
    let prec: number;
    if (verb === 'v') [fmtVerb, prec] = ['g', -1];
    else if (verb === 'g' || verb === 'G' || verb === 'b' || verb === 'x' || verb === 'X') [fmtVerb, prec] = [verb, -1];
    else if (verb === 'e' || verb === 'E' || verb === 'f' || verb === 'F') [fmtVerb, prec] = [verb === 'F' ? 'f' : verb, 6];
    else return this.badVerb(verb, o);
    if (this.f.precPresent) prec = this.f.prec;
    let num = formatFloat(o.v, fmtVerb, prec);
    num = num[0] === '-' || num[0] === '+' ? num : '+' + num;
    if (this.f.space && num[0] === '+' && !this.f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      if (num[1] === 'N' && !this.f.space && !this.f.plus) num = num.slice(1);
      const n = num;
      this.withoutZero(() => this.pad(n));
      return;
    }
    if (this.f.sharp && fmtVerb !== 'b') num = sharpFloat(num, fmtVerb, prec);
    if (this.f.plus || num[0] !== '+') {
      if (this.f.zero && !this.f.minus && this.f.widPresent && this.f.wid > num.length) {
        this.out += num[0] as string;
        this.padding(this.f.wid - num.length);
        this.out += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }
}

/**
 * The `#` flag on e/f/g/x/X (num carries its sign): always a point, and for g/G and x the
 * significant digits padded with zeros up to the precision (6 when none). The exponent tail
 * (`e+07`, `p-02`) stays at the end; in hex `e`/`E` is a digit, and the `x` of `0x` counts
 * as a significant one.
 */
function sharpFloat(num: string, verb: string, prec: number): string {
  let digits = verb === 'g' || verb === 'G' || verb === 'x' ? (prec === -1 ? 6 : prec) : 0;
  const hex = verb === 'x' || verb === 'X';
  const tailAt = [...num].findIndex((c, i) => i > 0 && (c === 'p' || c === 'P' || (!hex && (c === 'e' || c === 'E'))));
  let body = tailAt < 0 ? num : num.slice(0, tailAt);
  const tail = tailAt < 0 ? '' : num.slice(tailAt);
  let hasPoint = false;
  let sawNonzero = false;
  for (let i = 1; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '.') {
      hasPoint = true;
      continue;
    }
    if (c !== '0') sawNonzero = true;
    if (sawNonzero) digits--;
  }
  if (!hasPoint) {
    if (body.length === 2 && body[1] === '0') digits--;
    body += '.';
  }
  while (digits > 0) {
    body += '0';
    digits--;
  }
  return body + tail;
}

// ---- strconv.FormatFloat(v, e|E|f|g|G|b|x|X, prec, 64) ------------------------------------------

/** Decimal digits (no leading zeros, trailing zeros trimmed; '' for zero) and the decimal point position. */
interface Digs {
  d: string;
  dp: number;
}

function trim(d: Digs): Digs {
  const t = d.d.replace(/0+$/, '');
  return t === '' ? { d: '', dp: 0 } : { d: t, dp: d.dp };
}

/** The exact decimal expansion of a finite, non-negative double. */
function exactDigs(x: number): Digs {
  if (x === 0) return { d: '', dp: 0 };
  const { mant, exp } = parts(x);
  // x = mant × 2^e, with e the exponent of the significand's lowest bit
  const e = exp - 52;
  if (e >= 0) {
    const s = (mant << BigInt(e)).toString();
    return trim({ d: s, dp: s.length });
  }
  const s = (mant * 5n ** BigInt(-e)).toString();
  return trim({ d: s, dp: s.length + e });
}

/** The shortest decimal that reads back as x (what strconv's shortest mode and ToString agree on). */
function shortestDigs(x: number): Digs {
  if (x === 0) return { d: '', dp: 0 };
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  return trim({ d: mant.replace('.', ''), dp: Number(exp) + 1 });
}

/** decimal.Round(nd) on an exact expansion: half to even, then trailing zeros trimmed. */
function roundDigs(a: Digs, nd: number): Digs {
  if (nd < 0 || nd >= a.d.length) return a;
  const c = a.d[nd] as string;
  const half = c === '5' && nd + 1 === a.d.length;
  const up = half ? nd > 0 && Number(a.d[nd - 1]) % 2 === 1 : c >= '5';
  if (!up) return trim({ d: a.d.slice(0, nd), dp: a.dp });
  for (let i = nd - 1; i >= 0; i--) {
    if (a.d[i] !== '9') return { d: a.d.slice(0, i) + String(Number(a.d[i]) + 1), dp: a.dp };
  }
  return { d: '1', dp: a.dp + 1 };
}

function fmtE(neg: boolean, digs: Digs, prec: number, ch: string): string {
  let out = neg ? '-' : '';
  out += digs.d.length === 0 ? '0' : digs.d[0];
  if (prec > 0) {
    out += '.';
    const m = Math.min(digs.d.length, prec + 1);
    out += digs.d.slice(1, Math.max(1, m));
    out += '0'.repeat(Math.max(0, prec + 1 - Math.max(1, m)));
  }
  out += ch;
  let exp = digs.d.length === 0 ? 0 : digs.dp - 1;
  out += exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return out + (exp < 10 ? '0' + String(exp) : String(exp));
}

function fmtF(neg: boolean, digs: Digs, prec: number): string {
  let out = neg ? '-' : '';
  if (digs.dp > 0) {
    const m = Math.min(digs.d.length, digs.dp);
    out += digs.d.slice(0, m) + '0'.repeat(digs.dp - m);
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      const j = digs.dp + i;
      out += j >= 0 && j < digs.d.length ? digs.d[j] : '0';
    }
  }
  return out;
}

export function formatFloat(v: number, verb: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (verb === 'b') return formatFloatBinary(v);
  if (verb === 'x' || verb === 'X') return formatFloatHex(v, prec, verb === 'X');
  if (verb === 'g' && prec < 0) return formatFloatG(v);
  const neg = v < 0 || Object.is(v, -0);
  const x = Math.abs(v);
  const shortest = prec < 0;
  let digs: Digs;
  if (shortest) {
    digs = shortestDigs(x);
    prec = verb === 'e' || verb === 'E' ? Math.max(digs.d.length - 1, 0) : verb === 'f' ? Math.max(digs.d.length - digs.dp, 0) : digs.d.length;
  } else {
    const exact = exactDigs(x);
    if (verb === 'e' || verb === 'E') digs = roundDigs(exact, prec + 1);
    else if (verb === 'f') digs = roundDigs(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = roundDigs(exact, prec);
    }
  }
  if (verb === 'e' || verb === 'E') return fmtE(neg, digs, prec, verb);
  if (verb === 'f') return fmtF(neg, digs, prec);
  // %g / %G
  let eprec = prec;
  if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > digs.d.length) prec = digs.d.length;
    return fmtE(neg, digs, prec - 1, verb === 'G' ? 'E' : 'e');
  }
  if (prec > digs.dp) prec = digs.d.length;
  return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
}

/** strconv.CanBackquote. */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0) as number;
    if (r === 0xfeff || r === 0x60 || r === 0x7f) return false;
    if (r < 0x20 && r !== 0x09) return false;
  }
  return true;
}

/** fmt's parsenum: digits at s[i..], or no number (and the end) when it passes 1e6. */
function parsenum(s: string[], i: number): { num: number; isnum: boolean; i: number } {
  let num = 0;
  let isnum = false;
  let j = i;
  for (; j < s.length && (s[j] as string) >= '0' && (s[j] as string) <= '9'; j++) {
    if (num > 1e6) return { num: 0, isnum: false, i: s.length };
    num = num * 10 + Number(s[j]);
    isnum = true;
  }
  return { num, isnum, i: j };
}

/** fmt's intFromArg: a `*` width or precision from the next operand, which must be an int. */
function intFromArg(args: readonly Operand[], argNum: number): { num: number; isInt: boolean; argNum: number } {
  if (argNum >= args.length) return { num: 0, isInt: false, argNum };
  const a = args[argNum] as Operand;
  if (a.t !== 'int' || a.v > 1_000_000n || a.v < -1_000_000n) return { num: 0, isInt: false, argNum: argNum + 1 };
  return { num: Number(a.v), isInt: true, argNum: argNum + 1 };
}

/** fmt.Sprintf(format, args...). */
export function sprintf(format: string, args: readonly Operand[]): string {
  const p = new Printer();
  const s = [...format];
  const end = s.length;
  let argNum = 0;
  let i = 0;
  while (i < end) {
    const lasti = i;
    while (i < end && s[i] !== '%') i++;
    if (i > lasti) p.out += s.slice(lasti, i).join('');
    if (i >= end) break;
    i++;
    p.f = clear();
    flags: for (; i < end; i++) {
      switch (s[i]) {
        case '#': p.f.sharp = true; break;
        case '0': p.f.zero = true; break;
        case '+': p.f.plus = true; break;
        case '-': p.f.minus = true; break;
        case ' ': p.f.space = true; break;
        default: break flags;
      }
    }
    if (s[i] === '[') throw new Unsupported('printf argument indexes');
    if (s[i] === '*') {
      i++;
      const w = intFromArg(args, argNum);
      [p.f.wid, p.f.widPresent, argNum] = [w.num, w.isInt, w.argNum];
      if (!p.f.widPresent) p.out += '%!(BADWIDTH)';
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
    } else {
      const w = parsenum(s, i);
      p.f.wid = w.num;
      p.f.widPresent = w.isnum;
      i = w.i;
    }
    if (i + 1 < end && s[i] === '.') {
      i++;
      if (s[i] === '[') throw new Unsupported('printf argument indexes');
      if (s[i] === '*') {
        i++;
        const pr = intFromArg(args, argNum);
        [p.f.prec, p.f.precPresent, argNum] = [pr.num, pr.isInt, pr.argNum];
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.precPresent = false;
        }
        if (!p.f.precPresent) p.out += '%!(BADPREC)';
      } else {
        const pr = parsenum(s, i);
        p.f.prec = pr.num;
        p.f.precPresent = true;
        i = pr.i;
        if (!pr.isnum) p.f.prec = 0;
      }
    }
    if (s[i] === '[') throw new Unsupported('printf argument indexes');
    if (i >= end) {
      p.out += '%!(NOVERB)';
      break;
    }
    const verb = s[i] as string;
    i++;
    if (verb === '%') {
      p.out += '%';
      continue;
    }
    if (argNum >= args.length) {
      p.out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'w') throw new Unsupported('printf %w');
    if (verb === 'v') {
      p.f.sharpV = p.f.sharp;
      p.f.sharp = false;
      p.f.plus = false;
    }
    p.arg(args[argNum] as Operand, verb);
    argNum++;
  }
  if (argNum < args.length) {
    p.f = clear();
    p.out += '%!(EXTRA ';
    args.slice(argNum).forEach((a, k) => {
      if (k > 0) p.out += ', ';
      if (a.t === 'nil') p.out += '<nil>';
      else {
        p.out += `${typeString(a)}=`;
        p.arg(a, 'v');
      }
    });
    p.out += ')';
  }
  return p.out;
}

/** template's JSEscapeString: quotes, backslash, <>&= and control characters escaped; non-printable runes as \uXXXX. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0) as number;
    if (r < 0x80) {
      switch (ch) {
        case '\\': out += '\\\\'; break;
        case "'": out += "\\'"; break;
        case '"': out += '\\"'; break;
        case '<': out += '\\u003C'; break;
        case '>': out += '\\u003E'; break;
        case '&': out += '\\u0026'; break;
        case '=': out += '\\u003D'; break;
        default: out += r < 0x20 ? `\\u00${r.toString(16).toUpperCase().padStart(2, '0')}` : ch;
      }
    } else if (r === 0xfffd && ch !== '\ufffd') {
      throw new Unsupported('js of invalid UTF-8');
    } else out += isPrint(r) ? ch : `\\u${r.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}
