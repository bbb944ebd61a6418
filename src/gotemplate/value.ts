/**
 * reflect.Value as text/template sees JSON-decoded data: the static type matters for Go's error
 * texts (a map element is an `interface {}` until the pipeline unwraps it).
 */
import type { GoAny, GoMap } from '../gojson/index.js';
import { formatAny } from './format.js';

export type Val =
  | { readonly k: 'invalid' }
  | { readonly k: 'iface'; readonly inner: GoAny }
  | { readonly k: 'map'; readonly v: GoMap }
  | { readonly k: 'slice'; readonly v: GoAny[] }
  | { readonly k: 'string'; readonly v: string }
  | { readonly k: 'float64'; readonly v: number }
  | { readonly k: 'int'; readonly v: bigint }
  | { readonly k: 'bool'; readonly v: boolean };

export const INVALID: Val = { k: 'invalid' };

/** The concrete value held by a non-nil interface (or invalid for nil). */
export function concrete(v: GoAny): Val {
  if (v === null) return INVALID;
  if (typeof v === 'string') return { k: 'string', v };
  if (typeof v === 'number') return { k: 'float64', v };
  if (typeof v === 'boolean') return { k: 'bool', v };
  if (Array.isArray(v)) return { k: 'slice', v };
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
