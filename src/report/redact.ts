import type { Json } from '../findings.js';
import { redactKnownKeys } from './knownKeys.js';

export { learnPrivateKeys, rememberPrivateKey } from './knownKeys.js';

/**
 * Private keys never leave the harness. Every text that reaches a report, a log or the console
 * passes through `redact`; structured values pass through `redactJson` first. What counts as a
 * private key ("anything that looks like one"):
 *
 * - a PEM block whose label ends in PRIVATE KEY (PKCS#1, SEC1, PKCS#8, encrypted, OpenSSH), with
 *   its lines separated by real newlines, `\n` escapes at any JSON nesting depth, or split over
 *   JSON string array elements (builder stderr is kept line by line); a BEGIN line whose END was
 *   cut off, and an END line whose BEGIN was cut off (a tail of captured output), take the base64
 *   lines next to them along;
 * - a base64 block (one line or wrapped) that decodes to such a PEM block (the Node and Java
 *   shims' `*_PATH` files hold base64 of PEM) or to a DER private key (PKCS#1, SEC1, PKCS#8);
 * - the value of a JSON field named like a key (`client_key`, `private_key`, `tls_key`), whatever
 *   it holds, and of an environment assignment named like one (`CORE_..._KEY=`) unless it is a
 *   file path or a `$` reference (a file path, `SRV_KEY=/path/to/key`, is not a key and stays, so that a re-run
 *   command can be pasted back);
 * - every encoding of a key the run has read (src/report/knownKeys.ts: hex, base64, the secret
 *   numbers in hex and decimal).
 *
 * Redacting twice gives what redacting once gave.
 */

export const REDACTED = '[REDACTED PRIVATE KEY]';

const MARKER = /-----(BEGIN|END) ([A-Z0-9 ]*PRIVATE KEY)-----/g;
/** A base64 token, or a separator between two lines of one block. */
const TOKEN = /[A-Za-z0-9+/]+={0,2}/y;
const SEPARATOR = /(?:[ \t\r\n]|\\+[nrt]|"\s*,\s*"|&quot;\s*,\s*&quot;)+/y;
/** A PEM header line (encrypted traditional keys). */
const PEM_HEADER = /(?:Proc-Type|DEK-Info):[^\r\n\\"]*/y;

/** Fields whose string values are private keys by name (JSON, escaped JSON, HTML-escaped JSON). */
export const KEY_FIELD_NAMES = ['client_key', 'clientKey', 'private_key', 'privateKey', 'priv_key', 'privkey', 'tls_key', 'tlsKey', 'tls_private_key', 'key_pem', 'keyPem', 'keyPEM', 'signing_key', 'signingKey'] as const;
const KEY_NAMES = KEY_FIELD_NAMES.join('|');
// `+` not `*`: an empty value ("client_key": "") hides nothing and stays visible as empty.
const KEY_FIELD = new RegExp(`("(?:${KEY_NAMES})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)+"`, 'gi');
const KEY_FIELD_ESCAPED = new RegExp(`(\\\\+"(?:${KEY_NAMES})\\\\+"\\s*:\\s*)(\\\\+")(?:(?!\\\\+").)*\\\\+"`, 'gi');
const KEY_FIELD_HTML = new RegExp(`(&quot;(?:${KEY_NAMES})&quot;\\s*:\\s*)&quot;(?:(?!&quot;).)*&quot;`, 'gi');
const KEY_NAME_EXACT = new RegExp(`^(?:${KEY_NAMES})$`, 'i');
/** `NAME_KEY=value` in a command line or an environment dump. */
const KEY_ENV = /\b([A-Z][A-Z0-9_]*(?:_KEY|PRIVATE_KEY|_KEY_PEM))=('[^']*'|"[^"]*"|[^\s"',\]]+)/g;
/** A file path (absolute, relative to . or ~, or a variable): names a key, does not hold one. */
const PATH_LIKE = /^['"]?(?:~|\.{1,2}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)?\/[^\s'"]*['"]?$/;

/** Whether an environment value named like a key is taken for one: not a path, not a `$` reference, not already redacted. */
function envValueIsKey(value: string): boolean {
  if (value.includes('[REDACTED')) return false;
  // `\"`: an escaped quote opens the value (a command inside JSON); what it holds is judged by its shape
  if (/^\\+$/.test(value)) return false;
  if (/^['"]?\$/.test(value)) return false;
  return !(PATH_LIKE.test(value) && !value.split('/').some((seg) => seg.length >= 64));
}

// The lookbehind starts a match only where a run of base64 characters starts (where the leftmost
// match starts anyway): without it the engine rescans every shorter word once per character.
export const BASE64_BLOCK = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,}={0,2}(?:(?:[ \t\r\n]|\\+[nrt]|"\s*,\s*"|&quot;\s*,\s*&quot;)+[A-Za-z0-9+/]{4,}={0,2})*/g;

interface Span {
  start: number;
  end: number;
}

function tokenAt(text: string, re: RegExp, at: number): number {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0].length : 0;
}

/** Forward from `at` over base64 lines (and PEM headers) and their separators; returns the end of the last line. */
function walkForward(text: string, at: number): number {
  let end = at;
  let p = at;
  for (;;) {
    p += tokenAt(text, SEPARATOR, p);
    const t = tokenAt(text, TOKEN, p) || tokenAt(text, PEM_HEADER, p);
    if (t === 0) return end;
    p += t;
    end = p;
  }
}

const B64_CHAR = /[A-Za-z0-9+/=]/;

/** Backward from `at` over whole base64 lines of a PEM body (the first line seen may be short). */
function walkBackward(text: string, at: number): number {
  let start = at;
  let p = at;
  let first = true;
  for (;;) {
    // separator, backwards
    let q = p;
    for (;;) {
      const c = text[q - 1];
      if (c === undefined) break;
      if (/[ \t\r\n]/.test(c)) q--;
      else if (/[nrt]/.test(c) && text[q - 2] === '\\') {
        q -= 2;
        while (text[q - 1] === '\\') q--;
      } else if (c === '"' && /"\s*,\s*"$/.test(text.slice(Math.max(0, q - 8), q))) {
        const m = /"\s*,\s*"$/.exec(text.slice(Math.max(0, q - 8), q));
        q -= m ? m[0].length : 1;
      } else if (c === ';' && /&quot;\s*,\s*&quot;$/.test(text.slice(Math.max(0, q - 20), q))) {
        const m = /&quot;\s*,\s*&quot;$/.exec(text.slice(Math.max(0, q - 20), q));
        q -= m ? m[0].length : 1;
      } else break;
    }
    if (q === p && !first) return start;
    let r = q;
    while (r > 0 && B64_CHAR.test(text[r - 1] as string)) r--;
    const len = q - r;
    // A PEM body line is 64 characters (76 in some tools); only the last one is shorter.
    if (len === 0 || (!first && len < 40)) return start;
    start = r;
    p = r;
    first = false;
  }
}

function pemSpans(text: string): Span[] {
  const spans: Span[] = [];
  const markers = [...text.matchAll(MARKER)].map((m) => ({ kind: m[1] as 'BEGIN' | 'END', label: m[2] as string, start: m.index, end: m.index + m[0].length }));
  const used = new Set<number>();
  for (let i = 0; i < markers.length; i++) {
    const b = markers[i];
    if (!b || b.kind !== 'BEGIN' || used.has(i)) continue;
    used.add(i);
    let matched = -1;
    for (let j = i + 1; j < markers.length; j++) {
      const e = markers[j];
      if (!e || used.has(j)) continue;
      if (e.kind === 'BEGIN') break;
      if (e.label === b.label && e.start - b.end < 64 * 1024) matched = j;
      break;
    }
    if (matched >= 0) {
      used.add(matched);
      spans.push({ start: b.start, end: (markers[matched] as { end: number }).end });
    } else spans.push({ start: b.start, end: walkForward(text, b.end) });
  }
  for (let i = 0; i < markers.length; i++) {
    const e = markers[i];
    if (!e || e.kind !== 'END' || used.has(i)) continue;
    spans.push({ start: walkBackward(text, e.start), end: e.end });
  }
  return spans;
}

/** DER that starts like a private key: PKCS#1 / SEC1 / PKCS#8 (a version INTEGER first) or encrypted PKCS#8. */
export function looksLikeDerPrivateKey(der: Buffer): boolean {
  const seq = readHeader(der, 0);
  if (!seq || seq.tag !== 0x30) return false;
  const first = readHeader(der, seq.body);
  if (!first) return false;
  if (first.tag === 0x02 && first.len === 1 && (der[first.body] === 0 || der[first.body] === 1)) {
    const second = readHeader(der, first.body + first.len);
    return !!second && (second.tag === 0x30 || second.tag === 0x04 || second.tag === 0x02);
  }
  if (first.tag === 0x30) {
    // EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier { OID ... }, OCTET STRING }
    const alg = readHeader(der, first.body);
    const after = readHeader(der, first.body + first.len);
    return !!alg && alg.tag === 0x06 && !!after && after.tag === 0x04;
  }
  return false;
}

function readHeader(b: Buffer, at: number): { tag: number; len: number; body: number } | null {
  const tag = b[at];
  const l0 = b[at + 1];
  if (tag === undefined || l0 === undefined) return null;
  if (l0 < 0x80) return { tag, len: l0, body: at + 2 };
  const n = l0 & 0x7f;
  if (n === 0 || n > 3) return null;
  let len = 0;
  for (let i = 0; i < n; i++) {
    const byte = b[at + 2 + i];
    if (byte === undefined) return null;
    len = len * 256 + byte;
  }
  return { tag, len, body: at + 2 + n };
}

function base64LooksLikeKey(block: string): boolean {
  const joined = block.replace(/\\+[nrt]|"\s*,\s*"|&quot;\s*,\s*&quot;|\s/g, '');
  const whole = Buffer.from(joined, 'base64');
  if (/PRIVATE KEY-----/.test(whole.toString('latin1'))) return true;
  if (looksLikeDerPrivateKey(whole)) return true;
  // A single token of a wrapped block may be a key on its own line.
  for (const token of block.split(/\\+[nrt]|"\s*,\s*"|&quot;\s*,\s*&quot;|\s+/)) {
    if (token.length < 40) continue;
    const b = Buffer.from(token, 'base64');
    if (/PRIVATE KEY-----/.test(b.toString('latin1')) || looksLikeDerPrivateKey(b)) return true;
  }
  return false;
}

function applySpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.end <= at) continue;
    out += text.slice(at, Math.max(at, s.start)) + REDACTED;
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * Whether the text holds a run of 40 base64 characters, where a BASE64_BLOCK match must start.
 * A loop over the characters is several times faster than the block's regexp (whose lookbehind
 * is tried at every position) and most texts (a run's envelopes: 14 lines in 1,086) hold none.
 */
export function hasBase64Run(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A-Z, a-z, / and 0-9 (47-57), +
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 47 && c <= 57) || c === 43) {
      if (++run >= 40) return true;
    } else run = 0;
  }
  return false;
}

/**
 * A text without `key` (any case) has no key-named field and no KEY_ENV assignment: every
 * KEY_FIELD_NAMES entry and every name KEY_ENV takes holds it (test/property/redact-patterns.test.ts).
 */
export const KEY_WORD = /key/i;

export function redact(text: string): string {
  let out = applySpans(text, pemSpans(text));
  out = redactKnownKeys(out);
  if (hasBase64Run(out)) out = out.replace(BASE64_BLOCK, (block) => (base64LooksLikeKey(block) ? REDACTED : block));
  if (!KEY_WORD.test(out)) return out;
  out = out
    .replace(KEY_FIELD, (_m, head: string) => `${head}"${REDACTED}"`)
    .replace(KEY_FIELD_ESCAPED, (_m, head: string, q: string) => `${head}${q}${REDACTED}${q}`)
    .replace(KEY_FIELD_HTML, (_m, head: string) => `${head}&quot;${REDACTED}&quot;`)
    .replace(KEY_ENV, (m, name: string, value: string) => (envValueIsKey(value) ? `${name}=${REDACTED}` : m));
  return out;
}

/**
 * Redacts a JSON value: strings through `redact`, arrays of strings as one text (a key printed
 * over several captured lines is still one key), and key-named fields entirely.
 */
export function redactJson(v: Json): Json {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'string')) {
      const joined = (v as string[]).join('\n');
      const r = redact(joined);
      return r === joined ? v : r.split('\n');
    }
    return v.map(redactJson);
  }
  if (v && typeof v === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) out[k] = KEY_NAME_EXACT.test(k) && typeof x === 'string' && x !== '' ? REDACTED : redactJson(x);
    return out;
  }
  return v;
}
