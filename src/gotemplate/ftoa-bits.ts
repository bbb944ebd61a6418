/**
 * strconv.FormatFloat(v, fmt, prec, 64) for the formats that print a double's bits rather than
 * its decimal value: 'b' (`-4503599627370496p-52`, precision ignored) and 'x'/'X' (`0x1.8p+01`,
 * with a precision of hex digits rounded half to even, or -1 for as many as needed).
 * NaN and infinities are the caller's (formatFloat's) business.
 */

const MANT_BITS = 52n;
const U64 = (1n << 64n) - 1n;

/** The parts of a finite double: sign, the 53-bit significand and the exponent of its bit 52. */
export interface Parts {
  readonly neg: boolean;
  readonly mant: bigint;
  readonly exp: number;
}

/** Sign, significand (with the implicit bit for normal numbers) and binary exponent of `v`. */
export function parts(v: number): Parts {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> MANT_BITS) & 0x7ffn);
  const frac = bits & ((1n << MANT_BITS) - 1n);
  // A denormal has the smallest normal exponent and no implicit bit.
  if (biased === 0) return { neg: bits >> 63n === 1n, mant: frac, exp: -1022 };
  return { neg: bits >> 63n === 1n, mant: frac | (1n << MANT_BITS), exp: biased - 1023 };
}

/** The 'b' format: the integer significand, `p`, and the power of two it is scaled by. */
export function formatFloatBinary(v: number): string {
  const p = parts(v);
  const exp = p.exp - Number(MANT_BITS);
  return `${p.neg ? '-' : ''}${p.mant.toString()}p${exp >= 0 ? '+' : ''}${exp}`;
}

/**
 * The significand normalised to a leading 1 at bit 60 (zero stays zero, with exponent 0), then
 * rounded to `prec` hex digits after the point when 0 <= prec < 15 (half to even); a carry out
 * of the leading digit moves the exponent up.
 */
function hexSignificand(p: Parts, prec: number): { mant: bigint; exp: number } {
  let mant = p.mant << (60n - MANT_BITS);
  let exp = p.mant === 0n ? 0 : p.exp;
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const keep = BigInt(prec * 4);
    const dropped = (mant << keep) & ((1n << 60n) - 1n);
    mant >>= 60n - keep;
    if ((dropped | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - keep;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  return { mant, exp };
}

/** The 'x' / 'X' format: `0x`, the leading digit, the hex fraction, `p`, a signed 2+ digit exponent. */
export function formatFloatHex(v: number, prec: number, upper: boolean): string {
  const p = parts(v);
  let { mant, exp } = hexSignificand(p, prec);
  const digit = (d: bigint): string => (upper ? d.toString(16).toUpperCase() : d.toString(16));
  let out = `${p.neg ? '-' : ''}0${upper ? 'X' : 'x'}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & U64;
  if (prec < 0 && mant !== 0n) {
    out += '.';
    for (; mant !== 0n; mant = (mant << 4n) & U64) out += digit(mant >> 60n);
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++, mant = (mant << 4n) & U64) out += digit(mant >> 60n);
  }
  out += upper ? 'P' : 'p';
  out += exp < 0 ? '-' : '+';
  return out + String(Math.abs(exp)).padStart(2, '0');
}
