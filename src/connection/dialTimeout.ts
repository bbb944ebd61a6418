/**
 * The peer's `Duration` type for connection.json's dial_timeout (instance.go Duration.UnmarshalJSON):
 * the raw value is decoded into a Go `interface{}`; a float64 is converted to time.Duration
 * (nanoseconds, truncated toward zero; out of the int64 range → math.MinInt64 on amd64); a string
 * goes through time.ParseDuration; anything else, null included, is `invalid duration`.
 */
import { float64ToDurationAmd64, parseDuration, unmarshalAny, type GoUnmarshalResult } from '../gojson/index.js';

/** The peer's default when the decoded dial timeout is exactly zero (instance.go DialTimeout). */
export const DEFAULT_DIAL_TIMEOUT_NANOS = 3_000_000_000n;

export function unmarshalDialTimeout(raw: Buffer): GoUnmarshalResult {
  const any = unmarshalAny(raw);
  if (!any.ok) return any;
  const v = any.value;
  if (typeof v === 'number') return { ok: true, value: float64ToDurationAmd64(v) };
  if (typeof v === 'string') {
    const d = parseDuration(v);
    return d.ok ? { ok: true, value: d.nanos } : { ok: false, error: d.error };
  }
  return { ok: false, error: 'invalid duration' };
}
