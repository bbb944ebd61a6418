/** The public vocabulary of src/gojson (re-exported by index.ts). */

/** A custom unmarshaler's verdict. `typeError` marks a *json.UnmarshalTypeError (Go adds the
 * struct/field context to those when they escape a custom UnmarshalJSON). */
export type GoUnmarshalResult =
  | { ok: true; value: unknown }
  | { ok: false; error: string; typeError?: { readonly value: string; readonly type: string } };

export type GoFieldKind =
  | { readonly kind: 'string' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'custom'; readonly goType: string; readonly unmarshal: (raw: Buffer) => GoUnmarshalResult };

export interface GoStructType {
  /** Go type name as in errors, e.g. 'ChaincodeServerUserData'. */
  readonly name: string;
  /** Go package name, e.g. 'externalbuilder' (errors say 'Go value of type externalbuilder.ChaincodeServerUserData'). */
  readonly pkg: string;
  readonly fields: ReadonlyArray<{ readonly json: string; readonly kind: GoFieldKind }>;
}

export interface GoDecodeResult {
  /** Go's exact error text (as json.Unmarshal's err.Error()), or null. */
  readonly error: string | null;
  /** True when the target is a pointer-to-pointer and the document is `null`. */
  readonly isNil: boolean;
  /** json field name -> decoded value, only for fields that were set. */
  readonly values: ReadonlyMap<string, unknown>;
  /** Every top-level key in order and the field it matched (for lint). */
  readonly keys: ReadonlyArray<{ readonly raw: string; readonly field: string | null }>;
  /** The json field whose value produced `error` (null for syntax and top-level type errors). */
  readonly errorField?: string | null;
}

/** A Go `interface{}` value decoded from JSON: nil, bool, float64, string, []any, map[string]any. */
export type GoAny = null | boolean | number | string | GoAny[] | GoMap;
export type GoMap = Map<string, GoAny>;
