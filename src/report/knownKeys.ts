import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * Redaction by value: the private keys this run has read (connection.json `client_key`,
 * `--server-key`, PEM keys in builder output), and every way their secrets can be printed.
 * `redact` (src/report/redact.ts) finds keys by their shape; this finds them by their bytes,
 * whatever tool printed them:
 *
 * - the DER key (PKCS#8 and the key type's own form, PKCS#1 or SEC1) as hex, upper or lower case,
 *   with or without `:`, spaces or newlines between bytes (`xxd -p`, `openssl asn1parse`, `od`);
 * - the same as base64 at any line width, from any byte offset (also base64url);
 * - the secret numbers (RSA d, p, q, dp, dq, qinv; the EC or Ed25519 private scalar) as hex, as
 *   base64 and as decimal (`openssl pkey -text`, a JWK, a debugger's dump).
 *
 * A run of hex, base64 or decimal digits in the text that shares an 8-byte (hex), 12-byte (base64)
 * or 24-digit (decimal) stretch with one of these is replaced whole. Stretches that also occur in
 * the public key (the RSA modulus inside the DER) are not secret and never count: a printed
 * certificate or modulus stays.
 */

const HEX_W = 16;
const B64_W = 16;
const DEC_W = 24;

const hexWindows = new Set<string>();
const b64Windows = new Set<string>();
const decWindows = new Set<string>();
/** Every half-window (w/2 characters) of the secrets behind each set: the prefilter of `hits`. */
const HALVES = new Map<Set<string>, Set<string>>([
  [hexWindows, new Set<string>()],
  [b64Windows, new Set<string>()],
  [decWindows, new Set<string>()],
]);
const seen = new Set<string>();
/** Bumped whenever the set of known keys changes: text redacted at one generation is final until the next. */
let generation = 0;

function windows(s: string, w: number, into: Set<string>): void {
  for (let i = 0; i + w <= s.length; i++) into.add(s.slice(i, i + w));
}

function b64Forms(b: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3 && shift < b.length; shift++) {
    const t = b.subarray(shift).toString('base64').replace(/=+$/, '');
    // the last characters depend on what follows the secret: leave them out
    out.push(t.slice(0, Math.max(0, t.length - 3)));
  }
  return out;
}

function b64url(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

interface Material {
  readonly bytes: Buffer[];
  readonly numbers: bigint[];
}

function secretsOf(key: KeyObject): { secret: Material; pub: Buffer[] } {
  const bytes: Buffer[] = [key.export({ format: 'der', type: 'pkcs8' })];
  const numbers: bigint[] = [];
  const pub: Buffer[] = [];
  try {
    pub.push(createPublicKey(key).export({ format: 'der', type: 'spki' }));
  } catch {
    // no public form
  }
  if (key.asymmetricKeyType === 'rsa') bytes.push(key.export({ format: 'der', type: 'pkcs1' }));
  if (key.asymmetricKeyType === 'ec') bytes.push(key.export({ format: 'der', type: 'sec1' }));
  const jwk = key.export({ format: 'jwk' });
  for (const name of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
    const v = jwk[name];
    if (typeof v !== 'string' || v === '') continue;
    const b = b64url(v);
    bytes.push(b);
    numbers.push(BigInt(`0x${b.toString('hex')}`));
  }
  for (const name of ['n', 'x', 'y'] as const) {
    const v = jwk[name];
    if (typeof v === 'string' && v !== '') pub.push(b64url(v));
  }
  return { secret: { bytes, numbers }, pub };
}

/** Remembers one private key (PEM text, DER bytes or a KeyObject). Returns false when it is not one the harness can parse. */
export function rememberPrivateKey(input: string | Buffer | KeyObject): boolean {
  let key: KeyObject;
  try {
    if (typeof input === 'string') key = createPrivateKey(input);
    else if (Buffer.isBuffer(input)) key = createPrivateKey({ key: input, format: 'der', type: 'pkcs8' });
    else key = input;
    if (key.type !== 'private') return false;
  } catch {
    return false;
  }
  let secret: Material;
  let pub: Buffer[];
  try {
    ({ secret, pub } = secretsOf(key));
  } catch {
    return false;
  }
  const id = (secret.bytes[0] as Buffer).toString('base64');
  if (seen.has(id)) return true;
  seen.add(id);
  generation++;
  const pubHex = new Set<string>();
  const pubB64 = new Set<string>();
  const pubDec = new Set<string>();
  for (const b of pub) {
    windows(b.toString('hex'), HEX_W, pubHex);
    for (const f of b64Forms(b)) windows(f, B64_W, pubB64);
    if (b.length > 0) windows(BigInt(`0x${b.toString('hex')}`).toString(10), DEC_W, pubDec);
  }
  const add = (s: string, w: number, into: Set<string>, not: Set<string>): void => {
    windows(s, w / 2, HALVES.get(into) as Set<string>);
    for (let i = 0; i + w <= s.length; i++) {
      const x = s.slice(i, i + w);
      if (!not.has(x)) into.add(x);
    }
  };
  for (const b of secret.bytes) {
    add(b.toString('hex'), HEX_W, hexWindows, pubHex);
    for (const f of b64Forms(b)) add(f, B64_W, b64Windows, pubB64);
  }
  for (const n of secret.numbers) add(n.toString(10), DEC_W, decWindows, pubDec);
  return true;
}

/** PEM private key blocks in `text` (real newlines or JSON `\n` escapes), remembered. Returns how many were new or known. */
export function learnPrivateKeys(text: string): number {
  if (!text.includes('PRIVATE KEY-----')) return 0;
  let n = 0;
  const re = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----([\s\S]{0,16384}?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    const body = (m[2] as string).replace(/\\+r/g, '').replace(/\\+n/g, '\n').replace(/\\+t/g, '');
    if (rememberPrivateKey(`-----BEGIN ${m[1] as string}-----\n${body.trim()}\n-----END ${m[1] as string}-----\n`)) n++;
  }
  return n;
}

/** How many keys are known (for tests and the fault suite). */
export function knownKeyCount(): number {
  return seen.size;
}

/**
 * Which set of known keys is in force. `redact` is idempotent, so text redacted while this was g
 * needs a second pass only if it has changed since (a key learnt later, e.g. printed by a builder).
 */
export function knownKeysGeneration(): number {
  return generation;
}

/** Forgets every key (tests). */
export function forgetPrivateKeys(): void {
  generation++;
  hexWindows.clear();
  b64Windows.clear();
  decWindows.clear();
  for (const h of HALVES.values()) h.clear();
  seen.clear();
}

export const KNOWN_KEY_REDACTED = '[REDACTED PRIVATE KEY]';

// Runs of hex (bytes separated by `:`, blanks, newlines or their JSON escapes), of base64 lines
// (separated by newlines, their escapes, or the joints of a JSON array of lines), of decimal
// digits; captured lines quoted as `a | b | c` are runs too.
const HEX_RUN = /(?:(?<![0-9A-Za-z])|(?<=\\[nrt]))[0-9A-Fa-f]{2,}(?:(?:[:|\s]|\\+[nrt]|"\s*,\s*"|&quot;\s*,\s*&quot;)+[0-9A-Fa-f]{2,})*(?![0-9A-Za-z])/g;
// (Separators are written so that a text can be split into them one way only: no backtracking blow-up on hostile output.)
// (The lookbehinds start a match only where a run starts, where the leftmost match starts anyway,
// so that the engine does not rescan a word once per character.)
const B64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{8,}={0,2}(?:(?:[ \t]*(?:\r?\n|\\+[nrt]|\||"\s*,\s*"|&quot;\s*,\s*&quot;))+[ \t]*[A-Za-z0-9+/_-]{4,}={0,2})*/g;
const DEC_RUN = /(?<![0-9])[0-9]{24,}/g;

/** The run patterns, for test/property/redact-patterns.test.ts. */
export const RUN_PATTERNS = { hex: HEX_RUN, base64: B64_RUN, decimal: DEC_RUN } as const;

/**
 * The part of `run` to redact: from the first to the last character that falls in a window of a
 * known secret, widened to whole tokens (and a short tail such as base64 padding); null when none.
 */
function secretSpan(run: string, token: RegExp, w: number, set: Set<string>, norm: (c: string) => string): [number, number] | null {
  const chars: string[] = [];
  const at: number[] = [];
  for (let i = 0; i < run.length; i++) {
    const c = run[i] as string;
    // a `\n` escape is a separator, not the letter n
    if (c === '\\') {
      while (run[i + 1] === '\\') i++;
      if (run[i + 1] !== undefined && 'nrt'.includes(run[i + 1] as string)) i++;
      continue;
    }
    if (c === '&' && run.startsWith('&quot;', i)) {
      i += 5;
      continue;
    }
    const x = token.test(c) ? norm(c) : '';
    if (x !== '') {
      chars.push(x);
      at.push(i);
    }
  }
  if (chars.length < w) return null;
  const n = chars.join('');
  let lo = -1;
  let hi = -1;
  for (let i = 0; i + w <= n.length; i++) {
    if (set.has(n.slice(i, i + w))) {
      if (lo < 0) lo = i;
      hi = i + w;
    }
  }
  if (lo < 0) return null;
  // a short leftover at either end (padding, a partial byte) goes too
  if (lo <= 4) lo = 0;
  if (n.length - hi <= 4) hi = n.length;
  let start = at[lo] as number;
  let end = (at[hi - 1] as number) + 1;
  while (start > 0 && token.test(run[start - 1] as string)) start--;
  while (end < run.length && token.test(run[end] as string)) end++;
  return [start, end];
}

function redactRuns(text: string, runs: RegExp, token: RegExp, w: number, set: Set<string>, norm: (c: string) => string, quick: (run: string) => string): string {
  return text.replace(runs, (run) => {
    // the common cases first: a run too short to hold a window (normalising only drops
    // characters), or nothing of a known key in it
    if (run.length < w) return run;
    const n = quick(run);
    if (n.length < w || !hits(n, w, set)) return run;
    const span = secretSpan(run, token, w, set, norm);
    return span ? `${run.slice(0, span[0])}${KNOWN_KEY_REDACTED}${run.slice(span[1])}` : run;
  });
}

function hits(n: string, w: number, set: Set<string>): boolean {
  // A stretch of w characters shared with a secret holds an aligned half-window (one starting at
  // a multiple of w/2) that is a substring of the secret: look those up first, a tenth of the work.
  const half = w / 2;
  const pre = HALVES.get(set);
  let maybe = pre === undefined;
  for (let i = 0; !maybe && i + half <= n.length; i += half) maybe = (pre as Set<string>).has(n.slice(i, i + half));
  if (!maybe) return false;
  for (let i = 0; i + w <= n.length; i++) if (set.has(n.slice(i, i + w))) return true;
  return false;
}

const HEX_CHAR = /[0-9A-Fa-f]/;
const B64_CHAR = /[A-Za-z0-9+/_=-]/;
const DEC_CHAR = /[0-9]/;
const lower = (c: string): string => c.toLowerCase();
const std = (c: string): string => (c === '-' ? '+' : c === '_' ? '/' : c === '=' ? '' : c);

/** Replaces every stretch of text that carries a known secret. Idempotent. */
export function redactKnownKeys(text: string): string {
  if (seen.size === 0) return text;
  let out = redactRuns(text, HEX_RUN, HEX_CHAR, HEX_W, hexWindows, lower, (r) => r.replace(/\\+[nrt]|[^0-9A-Fa-f]/g, '').toLowerCase());
  out = redactRuns(out, B64_RUN, B64_CHAR, B64_W, b64Windows, std, (r) => r.replace(/\\+[nrt]|&quot;|[^A-Za-z0-9+/_-]/g, '').replace(/-/g, '+').replace(/_/g, '/'));
  out = redactRuns(out, DEC_RUN, DEC_CHAR, DEC_W, decWindows, (c) => c, (r) => r);
  return out;
}
