/**
 * connection.json as the peer reads it at launch (instance.go Instance.ChaincodeServerInfo):
 * decode (CONN-02..06), then validate (CONN-07). A failure carries the peer's full text up to
 * ChaincodeServerInfo; the launch chain around it (`could not launch chaincode ...`) is built by
 * the caller. SHOULD-level findings come from lint.ts.
 */
import { DEFAULT_FABRIC_RELEASE, type FabricRelease } from '../catalogue/releases.js';
import type { Finding, PeerFailure } from '../findings.js';
import { ERR_ADDRESS, ERR_TLS_KEY, ERR_TLS_CERT, ERR_TLS_ROOT, chaincodeServerInfo, type ChaincodeServerInfo } from './serverInfo.js';
import { decodeUserData, type ChaincodeServerUserData } from './userData.js';
import { lintConnection } from './lint.js';

export type { ChaincodeServerInfo } from './serverInfo.js';
export type { ChaincodeServerUserData } from './userData.js';

/** What a Go runtime prints first when the peer dereferences the nil *ChaincodeServerUserData. */
export const NIL_DEREFERENCE_PANIC = 'panic: runtime error: invalid memory address or nil pointer dereference';

export interface ConnectionRead {
  info: ChaincodeServerInfo | null;
  userData: ChaincodeServerUserData | null;
  failure: PeerFailure | null;
  findings: Finding[];
}

function decodeFailure(error: string, field: string | null, path: string): PeerFailure {
  const peerError = `malformed chaincode info at '${path}': ${error}`;
  if (field === 'dial_timeout') {
    return { rule: 'CONN-06', peerError, message: `dial_timeout is rejected by the peer's Duration decoder: ${error}.`,
      remedy: 'Write dial_timeout as a Go duration string with a unit, e.g. "dial_timeout": "10s" (units ns, us, µs, ms, s, m, h; no spaces).', evidence: { field } };
  }
  if (field !== null) {
    const isBool = field === 'tls_required' || field === 'client_auth_required';
    return { rule: 'CONN-03', peerError, message: `connection.json field \`${field}\` has the wrong JSON type for the peer: ${error}.`,
      remedy: isBool ? `Write \`"${field}": true\` or \`false\`, a JSON boolean without quotes.` : `Write \`${field}\` as a JSON string.`, evidence: { field } };
  }
  return { rule: 'CONN-02', peerError, message: `the peer cannot decode connection.json: ${error}.`,
    remedy: 'Write connection.json as one JSON object, UTF-8 without a byte-order mark, with nothing after the closing brace.' };
}

const VALIDATION_REMEDY: Readonly<Record<string, string>> = {
  [ERR_ADDRESS]: 'Set "address" to the host:port where the peer can reach the chaincode server.',
  [ERR_TLS_KEY]: 'With client_auth_required, set "client_key" to the PEM private key the peer presents (inline, newlines as \\n).',
  [ERR_TLS_CERT]: 'With client_auth_required, set "client_cert" to the PEM certificate the peer presents (inline, newlines as \\n).',
  [ERR_TLS_ROOT]: 'With tls_required, set "root_cert" to the PEM CA certificate that issued the chaincode server\'s TLS certificate.',
};

export function readConnection(bytes: Uint8Array, path: string, release: FabricRelease = DEFAULT_FABRIC_RELEASE): ConnectionRead {
  const findings = lintConnection(bytes, path);
  const d = decodeUserData(bytes);
  if (d.kind === 'error') return { info: null, userData: null, failure: decodeFailure(d.error, d.field, path), findings };
  if (d.kind === 'nil') {
    return {
      info: null, userData: null, findings,
      failure: {
        rule: 'CONN-02', peerError: NIL_DEREFERENCE_PANIC,
        message: 'connection.json is the JSON literal null: the peer decodes it into a nil pointer, dereferences it in the launch goroutine and crashes the whole peer process.',
        remedy: 'Write connection.json as a JSON object, e.g. {"address": "host:9999", "dial_timeout": "10s", "tls_required": false}.',
        evidence: { crash: true },
      },
    };
  }
  const r = chaincodeServerInfo(d.userData, release);
  if (!r.ok) {
    return { info: null, userData: d.userData, findings,
      failure: { rule: 'CONN-07', peerError: r.error, message: `the peer rejects connection.json after decoding: ${r.error}.`, remedy: VALIDATION_REMEDY[r.error] ?? '' } };
  }
  return { info: r.info, userData: d.userData, failure: null, findings };
}
