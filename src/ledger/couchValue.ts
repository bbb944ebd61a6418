/**
 * What CouchDB state gives back for a stored value (statecouchdb couchdoc_conv.go): a value that
 * parses as a JSON object is stored as a document and read back re-marshalled by Go's
 * encoding/json (keys sorted, compact, numbers through float64, HTML characters escaped);
 * anything else is stored as an attachment and comes back byte for byte.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The value as a JSON object, or null when Go's json.Unmarshal into a map would not give one. */
export function asJsonObject(value: Uint8Array): { [k: string]: Json } | null {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(value).toString('utf8'));
  } catch {
    return null;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as { [k: string]: Json }) : null;
}

const HEX = '0123456789abcdef';

function goString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u202${HEX[c & 0xf]}`;
    else out += ch;
  }
  return `${out}"`;
}

/** encoding/json.Marshal of a value decoded into `any` (maps sorted by key, float64 numbers). */
export function goMarshal(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return goString(v);
  if (Array.isArray(v)) return `[${v.map(goMarshal).join(',')}]`;
  const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${goString(k)}:${goMarshal(v[k] as Json)}`).join(',')}}`;
}

export function couchValue(value: Uint8Array): Uint8Array {
  const obj = asJsonObject(value);
  return obj ? Buffer.from(goMarshal(obj), 'utf8') : value;
}

/** statecouchdb validateKey: the texts the peer returns for keys CouchDB cannot store. */
export function couchKeyError(key: string, keyIsUtf8: boolean, keyBytes?: Uint8Array): string | null {
  if (!keyIsUtf8) return `invalid key [${Buffer.from(keyBytes ?? Buffer.from(key)).toString('hex')}], must be a UTF-8 string`;
  if (key.startsWith('_')) return `invalid key [${key}], cannot begin with "_"`;
  if (key === '') return 'invalid key. Empty string is not supported as a key by couchdb';
  return null;
}

/** statecouchdb validateValue: JSON objects must not carry CouchDB's reserved fields. */
export function couchValueError(value: Uint8Array): string | null {
  const obj = asJsonObject(value);
  if (!obj) return null;
  for (const k of Object.keys(obj)) if (k === '~version' || k.startsWith('_')) return `field [${k}] is not valid for the CouchDB state database`;
  return null;
}
