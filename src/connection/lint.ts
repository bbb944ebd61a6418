/**
 * SHOULD-level findings on connection.json: what the peer accepts but silently reinterprets
 * (CONN-04 key spelling, duplicates, null) and where Fabric's documentation misleads
 * (DRIFT-01 string booleans, DRIFT-02 absent tls_required, DRIFT-03 domain, DRIFT-05 numeric
 * dial_timeout). Pure: the document tree in, findings out.
 */
import type { Finding, Json } from '../findings.js';
import { foldName, formatDuration, scan, unquote, type JsonNode } from '../gojson/index.js';
import { unmarshalDialTimeout } from './dialTimeout.js';
import { CHAINCODE_SERVER_USER_DATA } from './userData.js';

const FIELDS = CHAINCODE_SERVER_USER_DATA.fields.map((f) => f.json);

/** Common misspellings seen in the wild, and the field the author meant. */
const MEANT: Readonly<Record<string, string>> = {
  timeout: 'dial_timeout', dialtimeout: 'dial_timeout', connect_timeout: 'dial_timeout',
  tls: 'tls_required', tlsenabled: 'tls_required', tls_enabled: 'tls_required',
  clientauth: 'client_auth_required', client_auth: 'client_auth_required', mtls: 'client_auth_required',
  rootcerts: 'root_cert', root_certs: 'root_cert', ca_cert: 'root_cert', cacert: 'root_cert', ca: 'root_cert', tls_root_cert: 'root_cert',
  cert: 'client_cert', key: 'client_key', server_name: 'domain', servername: 'domain', hostname: 'domain', host: 'address', url: 'address', endpoint: 'address',
};

function meantField(raw: string): string | null {
  const squashed = raw.toLowerCase().replace(/[-_\s]/g, '');
  const byShape = FIELDS.find((f) => f.replace(/_/g, '') === squashed);
  return byShape ?? MEANT[raw.toLowerCase()] ?? MEANT[squashed] ?? null;
}

function matchField(raw: string): string | null {
  if (FIELDS.includes(raw)) return raw;
  const folded = foldName(raw);
  return FIELDS.find((f) => foldName(f) === folded) ?? null;
}

const finding = (rule: string, message: string, remedy: string, evidence: { [k: string]: Json }, peerError: string | null = null): Finding =>
  ({ rule, status: 'failed', message, peerError, remedy, evidence });

/** Findings for a connection.json at `path`; nothing for documents that are not a JSON object. */
export function lintConnection(bytes: Uint8Array, path: string): Finding[] {
  const s = scan(bytes);
  if (!s.ok || s.root.t !== 'object') return [];
  const out: Finding[] = [];
  const seen = new Map<string, { raw: string; node: JsonNode }[]>();
  for (const { key, value } of s.root.members) {
    const raw = unquote(bytes, key.start, key.end);
    const field = matchField(raw);
    if (field === null) {
      const meant = meantField(raw);
      out.push(finding('CONN-04', `connection.json key \`${raw}\` is not a field the peer knows; the peer ignores it${meant ? ` (did you mean \`${meant}\`?)` : ''}.`,
        meant ? `Rename \`${raw}\` to \`${meant}\`.` : `Remove \`${raw}\`; the peer reads only ${FIELDS.map((f) => `\`${f}\``).join(', ')}.`,
        { key: raw, ...(meant ? { meant } : {}) }));
      continue;
    }
    if (raw !== field) {
      out.push(finding('CONN-04', `connection.json key \`${raw}\` matches \`${field}\` only through Go's case-insensitive matching.`,
        `Spell the key exactly \`${field}\`; other decoders (and the built-in ccaas builder's output) use the exact lower-case name.`, { key: raw, field }));
    }
    const list = seen.get(field) ?? [];
    list.push({ raw, node: value });
    seen.set(field, list);
  }
  for (const [field, list] of seen) {
    if (list.length > 1) {
      const last = list[list.length - 1]!;
      const lastNonNull = [...list].reverse().find((e) => e.node.t !== 'null');
      const effective = field === 'dial_timeout' ? last : lastNonNull;
      out.push(finding('CONN-04', `\`${field}\` is given ${list.length} times (${list.map((e) => `\`${e.raw}\``).join(', ')}); the peer keeps the ${effective ? `value of the last non-null one, \`${effective.raw}\` = ${Buffer.from(bytes.subarray(effective.node.start, effective.node.end)).toString('utf8')}` : 'default'}.`,
        `Give \`${field}\` exactly once.`, { field, keys: list.map((e) => e.raw) }));
    }
    const nulls = list.filter((e) => e.node.t === 'null');
    if (nulls.length > 0 && field !== 'dial_timeout') {
      const overridden = list.some((e, i) => e.node.t !== 'null' && i < list.indexOf(nulls[nulls.length - 1]!));
      out.push(finding('CONN-04', overridden
        ? `\`${field}\` is set and later given null; null does not clear it: the peer keeps the earlier value.`
        : `\`${field}\` is null; the peer treats null as absent (${field === 'tls_required' || field === 'client_auth_required' ? 'false' : 'empty string'}).`,
        overridden ? `Remove the null \`${field}\` entry, or the earlier one, so the file says what the peer does.` : `Remove \`${field}\` or give it a real value.`, { field }));
    }
  }
  out.push(...driftFindings(bytes, path, seen));
  return out;
}

type Seen = ReadonlyMap<string, readonly { raw: string; node: JsonNode }[]>;

function driftFindings(bytes: Uint8Array, path: string, seen: Seen): Finding[] {
  const out: Finding[] = [];
  const last = (f: string): JsonNode | null => seen.get(f)?.filter((e) => e.node.t !== 'null').at(-1)?.node ?? null;
  for (const f of ['tls_required', 'client_auth_required']) {
    for (const e of seen.get(f) ?? []) {
      if (e.node.t !== 'string') continue;
      const text = unquote(bytes, e.node.start, e.node.end);
      out.push(finding('DRIFT-01', `\`${e.raw}\` is the JSON string ${JSON.stringify(text)}, as in Fabric's documentation; the peer's field is a Go bool and rejects it at every launch.`,
        `Write \`"${f}": ${text.toLowerCase() === 'true' ? 'true' : 'false'}\` without quotes.`, { field: f, value: text },
        `malformed chaincode info at '${path}': json: cannot unmarshal string into Go struct field ChaincodeServerUserData.${f} of type bool`));
    }
  }
  const tls = last('tls_required');
  if (!seen.has('tls_required') || (seen.get('tls_required') ?? []).every((e) => e.node.t === 'null')) {
    out.push(finding('DRIFT-02', 'tls_required is absent: the peer dials the chaincode server in plaintext and checks no TLS field (the documentation claims the default is true).',
      'Write `"tls_required": true` with `root_cert`, or `"tls_required": false` to make plaintext explicit.', {}));
  }
  const domain = last('domain');
  const clientAuth = last('client_auth_required');
  if (domain && domain.t === 'string' && unquote(bytes, domain.start, domain.end) !== '' && !(tls?.t === 'true' && clientAuth?.t === 'true')) {
    out.push(finding('DRIFT-03', '`domain` is set but the peer uses it (as the TLS server name) only when tls_required and client_auth_required are both true; here it is ignored, and the built-in ccaas builder drops it in any case.',
      'Put the host name the peer dials into the chaincode server certificate\'s subject alternative names instead of relying on `domain`.', { domain: unquote(bytes, domain.start, domain.end) }));
  }
  for (const e of seen.get('dial_timeout') ?? []) {
    if (e.node.t !== 'number') continue;
    const raw = Buffer.from(bytes.subarray(e.node.start, e.node.end)).toString('latin1');
    const r = unmarshalDialTimeout(Buffer.from(raw, 'latin1'));
    const nanos = r.ok ? (r.value as bigint) : null;
    const meaning = nanos === null ? 'out of float64 range' : nanos === 0n ? '0, so the peer uses its 3s default' : `${formatDuration(nanos)} (${nanos} ns)`;
    out.push(finding('DRIFT-05', `dial_timeout is the JSON number ${raw}, which the peer reads as nanoseconds: ${meaning}; the built-in ccaas builder rejects numbers outright.`,
      `Write a Go duration string, e.g. \`"dial_timeout": "${suggestSeconds(nanos)}"\`.`, { raw, nanos: nanos === null ? null : nanos.toString() }));
  }
  return out;
}

/** A sensible string for a numeric dial_timeout: the author probably meant seconds or milliseconds. */
function suggestSeconds(nanos: bigint | null): string {
  if (nanos === null || nanos <= 0n) return '10s';
  if (nanos < 1000n) return `${nanos}s`;
  return formatDuration(nanos);
}
