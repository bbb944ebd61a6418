/**
 * Go's time.ParseDuration (Go 1.26) with its exact error texts, and the float64 → time.Duration
 * conversion Fabric's Duration unmarshaler performs on amd64.
 */
import { timeQuote } from './quote.js';
import { stringToGoBytes } from './utf8.js';

export type DurationResult = { ok: true; nanos: bigint } | { ok: false; error: string };

/** Go's unitMap, keyed by the unit's UTF-8 bytes read as latin1 (Go looks units up by bytes). */
const UNITS: ReadonlyMap<string, bigint> = new Map(
  ([['ns', 1n], ['us', 1000n], ['\u00b5s', 1000n], ['\u03bcs', 1000n], ['ms', 1_000_000n],
    ['s', 1_000_000_000n], ['m', 60_000_000_000n], ['h', 3_600_000_000_000n]] as const)
    .map(([k, v]) => [Buffer.from(k, 'utf8').toString('latin1'), v] as const),
);

const TWO63 = 1n << 63n;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** time.ParseDuration on a Go string (bytes) or a JS string (its UTF-8 bytes). */
export function parseDuration(input: string | Uint8Array): DurationResult {
  const bytes = typeof input === 'string' ? stringToGoBytes(input) : input;
  const err = (message: string): DurationResult => ({ ok: false, error: `time: ${message} ${timeQuote(bytes)}` });
  let i = 0;
  let neg = false;
  if (bytes.length > 0 && (bytes[0] === 0x2d || bytes[0] === 0x2b)) {
    neg = bytes[0] === 0x2d;
    i = 1;
  }
  if (bytes.length - i === 1 && bytes[i] === 0x30) return { ok: true, nanos: 0n };
  if (i === bytes.length) return err('invalid duration');
  let d = 0n;
  while (i < bytes.length) {
    const c0 = bytes[i]!;
    if (!(c0 === 0x2e || isDigit(c0))) return err('invalid duration');
    // Integer part: overflow past 2^63 is an error.
    const intStart = i;
    let v = 0n;
    while (i < bytes.length && isDigit(bytes[i]!)) {
      if (v > TWO63 / 10n) return err('invalid duration');
      v = v * 10n + BigInt(bytes[i]! - 0x30);
      if (v > TWO63) return err('invalid duration');
      i++;
    }
    const pre = i !== intStart;
    // Fraction: digits past what fits are ignored.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (i < bytes.length && bytes[i] === 0x2e) {
      i++;
      const fracStart = i;
      let overflow = false;
      while (i < bytes.length && isDigit(bytes[i]!)) {
        if (!overflow) {
          if (f > (TWO63 - 1n) / 10n) overflow = true;
          else {
            const y = f * 10n + BigInt(bytes[i]! - 0x30);
            if (y > TWO63) overflow = true;
            else { f = y; scale *= 10; }
          }
        }
        i++;
      }
      post = i !== fracStart;
    }
    if (!pre && !post) return err('invalid duration');
    const unitStart = i;
    while (i < bytes.length && !(bytes[i] === 0x2e || isDigit(bytes[i]!))) i++;
    if (i === unitStart) return err('missing unit in duration');
    const unitBytes = bytes.subarray(unitStart, i);
    const unit = UNITS.get(Buffer.from(unitBytes).toString('latin1'));
    if (unit === undefined) return err(`unknown unit ${timeQuote(unitBytes)} in duration`);
    if (v > TWO63 / unit) return err('invalid duration');
    v *= unit;
    if (f > 0n) {
      // Go computes the fraction in float64: uint64(float64(f) * (float64(unit) / scale)).
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO63) return err('invalid duration');
    }
    d += v;
    if (d > TWO63) return err('invalid duration');
  }
  if (neg) return { ok: true, nanos: d === TWO63 ? -TWO63 : -d };
  if (d > TWO63 - 1n) return err('invalid duration');
  return { ok: true, nanos: d };
}

/**
 * Go's `time.Duration(f)` for a float64 f on amd64 (CVTTSD2SQ): truncation toward zero; NaN and
 * values outside the int64 range become the "integer indefinite" value, math.MinInt64.
 */
export function float64ToDurationAmd64(f: number): bigint {
  if (Number.isNaN(f) || f >= 9223372036854775808 || f < -9223372036854775808) return -TWO63;
  return BigInt(Math.trunc(f));
}

/** time.Duration.String(), for messages (e.g. `10s`, `1h2m3.5s`, `-1ns`, `0s`). */
export function formatDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const neg = nanos < 0n;
  let u = neg ? -nanos : nanos;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, div] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['\u00b5s', 1000n] : ['ms', 1_000_000n];
    out = fixed(u, div) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = (h > 0n ? `${h}h` : '') + (h > 0n || m > 0n ? `${m}m` : '') + fixed(u, 1_000_000_000n) + 's';
  }
  return neg ? '-' + out : out;
}

function fixed(v: bigint, div: bigint): string {
  const whole = v / div;
  const frac = v % div;
  if (frac === 0n) return whole.toString();
  const digits = div.toString().length - 1;
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
