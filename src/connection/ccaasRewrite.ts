/**
 * The built-in ccaas builder's build step on connection.json (ccaas_builder/cmd/build/main.go
 * `run`, `execTempl`), as a pure function: decode into its own struct (dial_timeout a string, no
 * domain), template each string field with CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, and write it
 * back with json.Marshal. `stderrError` is the error the builder prints after `::Error: `.
 */
import { marshalString, unmarshal, unmarshalStringMap, type GoStructType } from '../gojson/index.js';
import { execTemplate } from '../gotemplate/index.js';

const str = { kind: 'string' } as const;
const bool = { kind: 'bool' } as const;

/** The builder's `connection` struct (package main of the builder binary). */
export const CCAAS_CONNECTION: GoStructType = {
  name: 'connection',
  pkg: 'main',
  fields: [
    { json: 'address', kind: str },
    { json: 'dial_timeout', kind: str },
    { json: 'tls_required', kind: bool },
    { json: 'client_auth_required', kind: bool },
    { json: 'root_cert', kind: str },
    { json: 'client_key', kind: str },
    { json: 'client_cert', kind: str },
  ],
};

export type RewriteResult =
  | { ok: true; output: Buffer }
  | { ok: false; stderrError: string; unsupported?: true };

export function rewriteConnection(connectionJson: Uint8Array, builderConfig: string | undefined): RewriteResult {
  const d = unmarshal(connectionJson, CCAAS_CONNECTION, 'value');
  if (d.error !== null) return { ok: false, stderrError: d.error };
  const s = (k: string): string => (d.values.get(k) as string | undefined) ?? '';
  const tls = (d.values.get('tls_required') as boolean | undefined) ?? false;
  const clientAuth = (d.values.get('client_auth_required') as boolean | undefined) ?? false;

  let cfg = null;
  if (builderConfig !== undefined && builderConfig !== '') {
    const c = unmarshalStringMap(Buffer.from(builderConfig, 'utf8'));
    if (!c.ok) return { ok: false, stderrError: `Failed to unmarshal ${c.error}` };
    cfg = c.value;
  }

  const fields: [string, string][] = [['Address', 'address'], ['DialTimeout', 'dial_timeout']];
  if (tls) fields.push(['RootCert', 'root_cert'], ['ClientKey', 'client_key'], ['ClientCert', 'client_cert']);
  const rendered = new Map<string, string>();
  for (const [label, key] of fields) {
    const r = execTemplate(s(key), cfg);
    if (!r.ok) {
      if (r.phase === 'unsupported') return { ok: false, stderrError: `cannot reproduce the ${label} field template: ${r.error}`, unsupported: true };
      return { ok: false, stderrError: `Failed to parse the ${label} field template: ${r.error}` };
    }
    rendered.set(key, r.output);
  }
  const out = (k: string): string => marshalString(rendered.get(k) ?? '');
  const json = `{"address":${out('address')},"dial_timeout":${out('dial_timeout')},"tls_required":${tls},"client_auth_required":${tls && clientAuth},` +
    `"root_cert":${out('root_cert')},"client_key":${out('client_key')},"client_cert":${out('client_cert')}}`;
  return { ok: true, output: Buffer.from(json, 'utf8') };
}

/**
 * The builder writes every field, so a connection.json without dial_timeout is released with
 * `"dial_timeout":""`, which the peer's Duration decoder refuses at every launch (reference B10).
 */
export function releasedWithoutDialTimeout(released: string | Uint8Array): boolean {
  return Buffer.from(released).toString('utf8').includes('"dial_timeout":""');
}
