/**
 * reflect.Value as text/template sees JSON-decoded data: the static type matters for Go's error
 * texts (a map element is an `interface {}` until the pipeline unwraps it).
 */
import type { GoAny, GoMap } from '../gojson/index.js';
import { formatAny } from './format.js';
import { decodedCap } from './slicecap.js';

export type Val =
  | { readonly k: 'invalid' }
  | { readonly k: 'iface'; readonly inner: GoAny }
  | { readonly k: 'map'; readonly v: GoMap }
  | SliceVal
  | { readonly k: 'string'; readonly v: string }
  | { readonly k: 'float64'; readonly v: number }
  | { readonly k: 'int'; readonly v: bigint }
  | { readonly k: 'bool'; readonly v: boolean };

/**
 * A []interface{}: its elements (`v`, len(v) being the slice's len), its capacity, and `spare`,
 * the backing array's elements past len that a re-slice can bring back (an earlier, longer slice's
 * elements); those past `spare` up to cap are the zeroed part of the array: nil interfaces.
 */
export interface SliceVal {
  readonly k: 'slice';
  readonly v: GoAny[];
  readonly cap: number;
  readonly spare: readonly GoAny[];
}

export const INVALID: Val = { k: 'invalid' };

/** A JSON array as encoding/json decodes it: nothing past len but zeroed capacity. */
export function decodedSlice(v: GoAny[]): SliceVal {
  return { k: 'slice', v, cap: decodedCap(v.length), spare: [] };
}

/**
 * reflect's Slice3(lo, hi, max) (Slice when max is the capacity): elements lo..hi of the backing
 * array, capacity max-lo, and the backing elements from hi up to max kept as spare.
 * The caller has checked 0 <= lo <= hi <= max <= cap.
 */
export function reslice(s: SliceVal, lo: number, hi: number, max: number): SliceVal {
  const backing = (i: number): GoAny => (i < s.v.length ? s.v[i]! : s.spare[i - s.v.length] ?? null);
  const v: GoAny[] = [];
  for (let i = lo; i < hi; i++) v.push(backing(i));
  const spare: GoAny[] = [];
  const known = Math.min(max, s.v.length + s.spare.length);
  for (let i = hi; i < known; i++) spare.push(backing(i));
  return { k: 'slice', v, cap: max - lo, spare };
}

/** The concrete value held by a non-nil interface (or invalid for nil). */
export function concrete(v: GoAny): Val {
  if (v === null) return INVALID;
  if (typeof v === 'string') return { k: 'string', v };
  if (typeof v === 'number') return { k: 'float64', v };
  if (typeof v === 'boolean') return { k: 'bool', v };
  if (Array.isArray(v)) return decodedSlice(v);
  return { k: 'map', v };
}

/** reflect.Value.Type().String(). */
export function typeName(v: Val): string {
  switch (v.k) {
    case 'invalid': return '<invalid reflect.Value>';
    case 'iface': return 'interface {}';
    case 'map': return 'map[string]interface {}';
    case 'slice': return '[]interface {}';
    default: return v.k;
  }
}

/** Go's indirectInterface / evalPipeline's unwrapping of an empty-interface value. */
export function unwrap(v: Val): Val {
  return v.k === 'iface' ? concrete(v.inner) : v;
}

/** fmt %v of a value (the interface's content for iface; <nil> for a nil interface). */
export function formatVal(v: Val): string {
  switch (v.k) {
    case 'invalid': return '<invalid reflect.Value>';
    case 'iface': return formatAny(v.inner);
    case 'int': return v.v.toString();
    case 'map': case 'slice': case 'string': case 'float64': case 'bool': return formatAny(v.v);
  }
}

/** text/template's isTrue on an unwrapped value. */
export function isTrue(v: Val): boolean {
  switch (v.k) {
    case 'invalid': return false;
    case 'iface': return v.inner !== null;
    case 'map': return v.v.size > 0;
    case 'slice': return v.v.length > 0;
    case 'string': return v.v.length > 0;
    case 'float64': return v.v !== 0;
    case 'int': return v.v !== 0n;
    case 'bool': return v.v;
  }
}

/** Whether fmt.Sprint treats the operand as a string (no spaces added next to it). */
export const isStringOperand = (v: Val): boolean => unwrap(v).k === 'string';
