/**
 * PEM decoding with the semantics of Go's encoding/pem `Decode`, which is what the peer uses for
 * connection.json's root_cert (x509.CertPool.AppendCertsFromPEM) and client key pair
 * (tls.X509KeyPair). Go's decoder differs from OpenSSL's in ways that decide verdicts: a block
 * must start at the beginning of a line, the END line must name the same type and have nothing
 * after it on its line, headers are allowed, the body is standard base64 with padding, and a
 * malformed block is skipped silently while the search goes on.
 */

export interface PemBlock {
  readonly type: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bytes: Buffer;
  /** Offsets of the block in the input (BEGIN line start, just after the END line). */
  readonly start: number;
  readonly end: number;
}

const BEGIN = '-----BEGIN ';
const END = '\n-----END ';
const DASHES = '-----';

/** One line without its terminator (\n or \r\n) and with trailing spaces and tabs removed. */
function lineAt(s: string, at: number): { line: string; next: number } {
  const nl = s.indexOf('\n', at);
  let stop = nl < 0 ? s.length : nl;
  const next = nl < 0 ? s.length : nl + 1;
  if (nl > at && s[nl - 1] === '\r') stop = nl - 1;
  return { line: s.slice(at, stop).replace(/[ \t]+$/, ''), next };
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Go's base64.StdEncoding: padding required, \r and \n ignored, anything else fails. */
function goBase64(text: string): Buffer | null {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !B64.test(s)) return null;
  return Buffer.from(s, 'base64');
}

/** Every block Go's pem.Decode would return, in order, when called repeatedly on the rest. */
export function decodePem(input: string | Uint8Array): PemBlock[] {
  const s = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  const out: PemBlock[] = [];
  let from = 0;
  for (;;) {
    const b = decodeOne(s, from);
    if (!b) return out;
    out.push(b);
    from = b.end;
  }
}

function decodeOne(s: string, from: number): PemBlock | null {
  // Go looks for the next END marker, then for the last BEGIN before it that starts a line.
  let window = from;
  for (;;) {
    const endAt = s.indexOf(END, window);
    if (endAt < 0) return null;
    const windowStart = window;
    window = endAt + END.length;
    if (endAt - BEGIN.length < windowStart) continue;
    const beginAt = s.lastIndexOf(BEGIN, endAt - BEGIN.length);
    if (beginAt < windowStart || (beginAt > windowStart && s[beginAt - 1] !== '\n')) continue;
    const typeLine = lineAt(s, beginAt + BEGIN.length);
    if (!typeLine.line.endsWith(DASHES)) {
      // Go resumes after the END marker it found.
      continue;
    }
    const type = typeLine.line.slice(0, -DASHES.length);
    let p = typeLine.next;
    const headers: Record<string, string> = {};
    let truncated = false;
    for (;;) {
      if (p >= s.length) {
        truncated = true;
        break;
      }
      const l = lineAt(s, p);
      const colon = l.line.indexOf(':');
      if (colon < 0) break;
      headers[l.line.slice(0, colon).trim()] = l.line.slice(colon + 1).trim();
      p = l.next;
    }
    if (truncated) return null;
    // The body ends at the END marker this iteration found (endAt), which must come after the headers.
    if (Object.keys(headers).length > 0 && endAt < p) continue;
    const trailerStart = endAt + END.length;
    const trailer = `${type}${DASHES}`;
    if (s.slice(trailerStart, trailerStart + trailer.length) !== trailer) continue;
    const afterTrailer = lineAt(s, trailerStart + trailer.length);
    if (afterTrailer.line.length !== 0) continue;
    let bytes: Buffer = Buffer.alloc(0);
    if (endAt > p) {
      const body = s.slice(p, endAt).replace(/[ \t]/g, '');
      const decoded = goBase64(body);
      if (!decoded) continue;
      bytes = decoded;
    }
    return { type, headers, bytes, start: beginAt, end: afterTrailer.next };
  }
}

/** A DER value as PEM text. */
export function encodePem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}
