import { parseDuration } from '../gojson/index.js';
import { PEER } from './defaults.js';

/**
 * What the peer's chaincode support reads from core.yaml and CORE_* variables
 * (core/chaincode/config.go Config.load), for the parts the mock peer's handler uses: KEEPALIVE,
 * the execute timeout and READY's runtime params. Pure: the raw settings in, the peer's values out.
 */

export interface RuntimeParams {
  readonly useWriteBatch: boolean;
  readonly maxSizeWriteBatch: number;
  readonly useGetMultipleKeys: boolean;
  readonly maxSizeGetMultipleKeys: number;
}

/** The raw values, as readPeerBuilderSetup collects them (null: not set). */
export type RawSettings = { readonly [key: string]: string | null | undefined };

export const RUNTIME_PARAM_KEYS = [
  'chaincode.runtimeParams.useWriteBatch',
  'chaincode.runtimeParams.maxSizeWriteBatch',
  'chaincode.runtimeParams.useGetMultipleKeys',
  'chaincode.runtimeParams.maxSizeGetMultipleKeys',
] as const;

/** viper.GetDuration on a string (cast.ToDuration): a unit-less number means nanoseconds; errors give 0. */
export function viperDurationMs(s: string | null | undefined): number | null {
  if (s === null || s === undefined) return null;
  const d = parseDuration(/[nsuµmh]/.test(s) ? s : `${s}ns`);
  return d.ok ? Number(d.nanos / 1_000_000n) : 0;
}

/** chaincode.executetimeout: below one second the peer uses its 30 s default. */
export function executeTimeoutMs(s: RawSettings): number | null {
  const ms = viperDurationMs(s['chaincode.executetimeout']);
  if (ms === null) return null;
  return ms < 1000 ? PEER.executeTimeoutMs : ms;
}

/** The peer's floor on chaincode.startuptimeout (core/chaincode/config.go minimumStartupTimeout, 2.5 and 3.x). */
export const MIN_STARTUP_TIMEOUT_MS = 5_000;

/** chaincode.startuptimeout: at least 5 s (an unparsable value reads as 0, so 5 s). */
export function startupTimeoutMs(s: RawSettings): number | null {
  const ms = viperDurationMs(s['chaincode.startuptimeout']);
  if (ms === null) return null;
  return Math.max(ms, MIN_STARTUP_TIMEOUT_MS);
}

/** chaincode.keepalive: whole seconds (strconv.Atoi); anything else is 0, off. */
export function keepaliveSeconds(s: RawSettings): number | null {
  const v = s['chaincode.keepalive'];
  if (v === null || v === undefined) return null;
  return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
}

/** viper.GetBool (cast.ToBool → strconv.ParseBool): anything unparsable is false. */
function viperBool(v: string): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}

/** A Go integer literal as strconv.ParseInt(s, 0, 0) reads it: sign, base prefix, underscores between digits. */
const GO_INT = /^([+-]?)(?:0[xX](_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)|0[bB](_?[01]+(?:_[01]+)*)|0[oO](_?[0-7]+(?:_[0-7]+)*)|0(_?[0-7]+(?:_[0-7]+)*)|([1-9][0-9]*(?:_[0-9]+)*|0))$/;

/**
 * viper.GetUint32 (cast.ToUint32E on a string): trimZeroDecimal ("1000.0" is 1000), then
 * strconv.ParseInt(s, 0, 0) (0x10, 0o10, 010 octal, 0b10, 1_000); a negative, unparsable or
 * out-of-int64 value is 0; a value above 2^32 wraps as uint32(v) does.
 */
export function viperUint32(v: string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  const m = GO_INT.exec(/^[^.]*\.0+$/.test(v) ? v.slice(0, v.indexOf('.')) : v);
  if (!m || m[1] === '-') return 0;
  const [prefix, digits] = m[2] !== undefined ? ['0x', m[2]] : m[3] !== undefined ? ['0b', m[3]] : m[4] !== undefined ? ['0o', m[4]] : m[5] !== undefined ? ['0o', m[5]] : ['', m[6] as string];
  const n = BigInt(`${prefix}${digits.replace(/_/g, '')}`);
  return n > 0x7fffffffffffffffn ? 0 : Number(n & 0xffffffffn);
}

/**
 * READY's ChaincodeAdditionalParams: a boolean is false unless set; a size of 0 (or unset) is 1000.
 * With a core.yaml read, that is the answer even when it sets none of the keys (false, 1000,
 * false, 1000); without one, null when no CORE_* variable sets any, so the caller's default (the
 * sample core.yaml's) stands.
 */
export function runtimeParams(s: RawSettings, coreYamlRead = false): RuntimeParams | null {
  if (!coreYamlRead && RUNTIME_PARAM_KEYS.every((k) => s[k] === null || s[k] === undefined)) return null;
  const flag = (k: string): boolean => (s[k] === null || s[k] === undefined ? false : viperBool(s[k] as string));
  const size = (k: string): number => viperUint32(s[k]) || 1000;
  return {
    useWriteBatch: flag('chaincode.runtimeParams.useWriteBatch'),
    maxSizeWriteBatch: size('chaincode.runtimeParams.maxSizeWriteBatch'),
    useGetMultipleKeys: flag('chaincode.runtimeParams.useGetMultipleKeys'),
    maxSizeGetMultipleKeys: size('chaincode.runtimeParams.maxSizeGetMultipleKeys'),
  };
}
