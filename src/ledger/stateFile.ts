/**
 * The world-state file of `invoke`, `query` and `bench` (`--state FILE` in, `--save-state FILE`
 * out): one chaincode's public keys as a JSON object, so one command can start where another
 * ended without a network.
 *
 *   { "asset1": "{\"id\":\"asset1\"}", "count": 3, "blob": { "base64": "AAEC" } }
 *
 * A string is stored as its UTF-8 bytes; `{ "base64": "..." }` (exactly that one key) as the
 * decoded bytes; any other JSON value as its JSON text (what a contract's JSON.stringify would
 * have written). Saving writes strings for values that are valid UTF-8 and the base64 form for the
 * rest, so a saved file loads back to the same bytes.
 */

export interface StateEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

export type StateFileResult = { readonly ok: true; readonly entries: readonly StateEntry[] } | { readonly ok: false; readonly error: string };

function isBase64Form(v: unknown): v is { base64: string } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === 'base64' && typeof (v as { base64: unknown }).base64 === 'string';
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parses a state file's text; the error names the file's problem (the caller adds the path). */
export function parseStateFile(text: string): StateFileResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, error: 'the world state must be a JSON object of key: value' };
  const entries: StateEntry[] = [];
  for (const [key, v] of Object.entries(doc as Record<string, unknown>)) {
    if (key === '') return { ok: false, error: 'an empty key: the shims refuse to write one' };
    if (typeof v === 'string') entries.push({ key, value: Buffer.from(v, 'utf8') });
    else if (isBase64Form(v)) {
      if (!BASE64.test(v.base64)) return { ok: false, error: `key ${JSON.stringify(key)}: "base64" is not standard padded base64` };
      entries.push({ key, value: Buffer.from(v.base64, 'base64') });
    } else entries.push({ key, value: Buffer.from(JSON.stringify(v), 'utf8') });
  }
  return { ok: true, entries };
}

/** Bytes that decode as UTF-8 and encode back to the same bytes. */
function isUtf8(b: Uint8Array): boolean {
  return Buffer.from(Buffer.from(b).toString('utf8'), 'utf8').equals(Buffer.from(b));
}

/** The file text for `entries`, keys in the ledger's order, ending with a newline. */
export function formatStateFile(entries: readonly StateEntry[]): string {
  const doc = Object.create(null) as Record<string, string | { base64: string }>; // a key may be __proto__
  for (const e of entries) doc[e.key] = isUtf8(e.value) ? Buffer.from(e.value).toString('utf8') : { base64: Buffer.from(e.value).toString('base64') };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
