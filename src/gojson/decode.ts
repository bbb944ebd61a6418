/**
 * encoding/json v1 Unmarshal (Go 1.26, GOEXPERIMENT=jsonv2 off) for the targets the peer uses:
 * a struct of string/bool/custom fields, `interface{}`, and `map[string]interface{}`.
 * Semantics reproduced: whole-document syntax check first; exact then case-folded key match; last
 * duplicate wins; null is a no-op for string/bool; type mismatches are saved and the first one is
 * reported after the document is decoded; a custom unmarshaler's error aborts at once.
 */
import { scan, type JsonNode } from './scanner.js';
import { foldName } from './fold.js';
import { unquote } from './unquote.js';
import type { GoAny, GoDecodeResult, GoMap, GoStructType, GoUnmarshalResult } from './types.js';

/** The word Go uses for a JSON value's kind in UnmarshalTypeError. */
function kindWord(n: JsonNode): string {
  switch (n.t) {
    case 'true': case 'false': return 'bool';
    case 'null': return 'null';
    default: return n.t;
  }
}

const typeErrorText = (value: string, type: string, context: { struct: string; field: string } | null): string =>
  context
    ? `json: cannot unmarshal ${value} into Go struct field ${context.struct}.${context.field} of type ${type}`
    : `json: cannot unmarshal ${value} into Go value of type ${type}`;

/** Decoding into interface{}: the value, and the first saved error (float64 range only). */
function toAny(data: Uint8Array, node: JsonNode, saved: { error: string | null; typeValue?: string }): GoAny {
  switch (node.t) {
    case 'null': return null;
    case 'true': return true;
    case 'false': return false;
    case 'string': return unquote(data, node.start, node.end);
    case 'number': {
      const text = Buffer.from(data.subarray(node.start, node.end)).toString('latin1');
      const f = Number(text);
      if (!Number.isFinite(f)) {
        if (saved.error === null) {
          saved.error = typeErrorText(`number ${text}`, 'float64', null);
          saved.typeValue = `number ${text}`;
        }
        return null;
      }
      return f;
    }
    case 'array': return node.items.map((it) => toAny(data, it, saved));
    case 'object': {
      const m: GoMap = new Map();
      for (const { key, value } of node.members) m.set(unquote(data, key.start, key.end), toAny(data, value, saved));
      return m;
    }
  }
}

/** json.Unmarshal(doc, &v) with `var v any`. */
export function unmarshalAny(doc: Uint8Array): GoUnmarshalResult & { value?: GoAny } {
  const s = scan(doc);
  if (!s.ok) return { ok: false, error: s.error };
  const saved: { error: string | null; typeValue?: string } = { error: null };
  const value = toAny(doc, s.root, saved);
  if (saved.error !== null) return { ok: false, error: saved.error, typeError: { value: saved.typeValue!, type: 'float64' } };
  return { ok: true, value };
}

/** json.Unmarshal(doc, &m) with `var m map[string]interface{}`; null leaves m nil. */
export function unmarshalStringMap(doc: Uint8Array): { ok: true; value: GoMap | null } | { ok: false; error: string } {
  const s = scan(doc);
  if (!s.ok) return { ok: false, error: s.error };
  const root = s.root;
  if (root.t === 'null') return { ok: true, value: null };
  if (root.t !== 'object') return { ok: false, error: typeErrorText(kindWord(root), 'map[string]interface {}', null) };
  const saved: { error: string | null } = { error: null };
  const m = toAny(doc, root, saved) as GoMap;
  return saved.error !== null ? { ok: false, error: saved.error } : { ok: true, value: m };
}

/** json.Unmarshal into a struct (target 'value') or into a pointer to a struct pointer ('pointer'). */
export function unmarshal(doc: Uint8Array, type: GoStructType, target: 'value' | 'pointer' = 'value'): GoDecodeResult {
  const values = new Map<string, unknown>();
  const keys: { raw: string; field: string | null }[] = [];
  let errorField: string | null = null;
  const result = (error: string | null, isNil = false): GoDecodeResult => ({ error, isNil, values, keys, errorField });
  const s = scan(doc);
  if (!s.ok) return result(s.error);
  const root = s.root;
  if (root.t === 'null') return result(null, target === 'pointer');
  if (root.t !== 'object') return result(typeErrorText(kindWord(root), `${type.pkg}.${type.name}`, null));

  const byExact = new Map(type.fields.map((f) => [f.json, f] as const));
  const byFolded = new Map<string, (typeof type.fields)[number]>();
  for (const f of type.fields) if (!byFolded.has(foldName(f.json))) byFolded.set(foldName(f.json), f);

  let saved: string | null = null;
  const save = (e: string, field: string): void => { if (saved === null) { saved = e; errorField = field; } };
  for (const { key, value } of root.members) {
    const raw = unquote(doc, key.start, key.end);
    const field = byExact.get(raw) ?? byFolded.get(foldName(raw)) ?? null;
    keys.push({ raw, field: field ? field.json : null });
    if (!field) continue;
    const context = { struct: type.name, field: field.json };
    const kind = field.kind;
    if (kind.kind === 'custom') {
      const r = kind.unmarshal(Buffer.from(doc.subarray(value.start, value.end)));
      if (!r.ok) {
        errorField = field.json;
        return result(r.typeError ? typeErrorText(r.typeError.value, r.typeError.type, context) : r.error);
      }
      values.set(field.json, r.value);
      continue;
    }
    if (value.t === 'null') continue;
    if (kind.kind === 'string' && value.t === 'string') values.set(field.json, unquote(doc, value.start, value.end));
    else if (kind.kind === 'bool' && (value.t === 'true' || value.t === 'false')) values.set(field.json, value.t === 'true');
    else save(typeErrorText(kindWord(value), kind.kind, context), field.json);
  }
  return result(saved);
}
