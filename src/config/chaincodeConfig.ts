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

/** viper.GetUint32 (cast.ToUint32): a whole number in range, else 0. */
function viperUint32(v: string | null | undefined): number {
  if (v === null || v === undefined || !/^\+?[0-9]+$/.test(v)) return 0;
  const n = Number(v);
  return n <= 0xffffffff ? n : 0;
}

/**
 * READY's ChaincodeAdditionalParams: a boolean is false unless set; a size of 0 (or unset) is 1000.
 * null when none of the four keys is set, so the caller's default stands.
 */
export function runtimeParams(s: RawSettings): RuntimeParams | null {
  if (RUNTIME_PARAM_KEYS.every((k) => s[k] === null || s[k] === undefined)) return null;
  const flag = (k: string): boolean => (s[k] === null || s[k] === undefined ? false : viperBool(s[k] as string));
  const size = (k: string): number => viperUint32(s[k]) || 1000;
  return {
    useWriteBatch: flag('chaincode.runtimeParams.useWriteBatch'),
    maxSizeWriteBatch: size('chaincode.runtimeParams.maxSizeWriteBatch'),
    useGetMultipleKeys: flag('chaincode.runtimeParams.useGetMultipleKeys'),
    maxSizeGetMultipleKeys: size('chaincode.runtimeParams.maxSizeGetMultipleKeys'),
  };
}
