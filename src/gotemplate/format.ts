/**
 * fmt's %v for the values a template sees when its data comes from encoding/json
 * (map[string]interface{}, []interface{}, string, float64, bool, nil) plus template ints.
 */
import type { GoAny } from '../gojson/index.js';

/** strconv.FormatFloat(f, 'g', -1, 64), which is what %v prints for a float64. */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expText] = Math.abs(f).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const sign = f < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${digits[0]}${digits.length > 1 ? '.' + digits.slice(1) : ''}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return sign + intPart + (frac ? '.' + frac : '');
}

/** Go's byte-wise string order (fmtsort sorts map keys with <). */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** fmt.Sprint(v) for one JSON-decoded value; nested nils print as <nil>. */
export function formatAny(v: GoAny): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloatG(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(formatAny).join(' ') + ']';
  const keys = [...v.keys()].sort(compareGoStrings);
  return 'map[' + keys.map((k) => `${k}:${formatAny(v.get(k)!)}`).join(' ') + ']';
}
