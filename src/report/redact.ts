/**
 * Private keys never leave the harness: every text that reaches a report, a log or the console
 * passes through `redact`, which replaces PEM private key blocks (any label, escaped in JSON or
 * not), the values of key-like JSON fields, and long base64 runs that decode to a PEM key.
 */

const PEM_KEY = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;
/** The same block inside a JSON string, where newlines are written `\n`. */
const PEM_KEY_ESCAPED = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----(?:\\[nr]|[A-Za-z0-9+/=\s])*?-----END \1-----/g;
/** A PEM key split from its BEGIN line (a truncated capture). */
const PEM_KEY_HEAD = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:\\[nr]|[A-Za-z0-9+/=\s])*/g;
const KEY_FIELD = /("(?:client_key|clientKey|private_key|privateKey|key|tls_key|keyPem)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const BASE64_RUN = /[A-Za-z0-9+/]{60,}={0,2}/g;

export const REDACTED = '[REDACTED PRIVATE KEY]';

function base64OfKey(run: string): boolean {
  try {
    return /PRIVATE KEY-----/.test(Buffer.from(run, 'base64').toString('latin1'));
  } catch {
    return false;
  }
}

export function redact(text: string): string {
  return text
    .replace(PEM_KEY, REDACTED)
    .replace(PEM_KEY_ESCAPED, REDACTED)
    .replace(PEM_KEY_HEAD, REDACTED)
    .replace(KEY_FIELD, (_m, head: string) => `${head}"${REDACTED}"`)
    .replace(BASE64_RUN, (run) => (base64OfKey(run) ? REDACTED : run));
}
