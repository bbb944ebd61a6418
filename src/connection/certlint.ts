/**
 * Certificate lint (SHOULD findings) on the TLS material of a CCaaS deployment: the PEM strings in
 * connection.json, the chaincode server's own certificate files when given, the certificate the
 * server actually presents, and files left in the release directory. Everything is judged by
 * the rules of the peer's Go TLS client (src/dial/gotls.ts) and of the shims' servers. Pure:
 * contents in, findings out. Private keys are parsed but never quoted: findings name them only
 * by file or field.
 */
import type { Finding, Json } from '../findings.js';
import { ERR_ROOT_CERT, appendCertsFromPem, goValidityError, goVerifyHostname, goVerifyServer, x509KeyPair } from '../dial/gotls.js';
import { certInfo, daysLeft, type CertInfo } from '../pki/certinfo.js';
import { decodePem } from '../pki/pem.js';
import type { ChaincodeServerUserData } from './userData.js';

export const CERTLINT_RULES = ['DIAL-09', 'DIAL-10', 'DIAL-11', 'CONN-09', 'DRIFT-07'] as const;

/** Days before expiry from which a certificate is worth a warning. */
export const EXPIRY_WARNING_DAYS = 30;

export interface ServerTlsFiles {
  readonly certPath: string | null;
  readonly cert: string | null;
  readonly keyPath: string | null;
  readonly key: string | null;
  readonly clientCaPath: string | null;
  readonly clientCa: string | null;
}

export interface CertLintInput {
  /** connection.json as the peer decoded it (all fields, including those it then ignores). */
  readonly userData: ChaincodeServerUserData;
  /** The host grpc-go takes the server name from (the address's host). */
  readonly dialHost: string;
  /** `domain` in the package's own connection.json, when a builder rewrote it without one. */
  readonly droppedDomain: string | null;
  /** Files under release/chaincode/server other than connection.json: relative path and first bytes. */
  readonly releaseFiles: ReadonlyArray<{ readonly path: string; readonly head: string }>;
  readonly server: ServerTlsFiles | null;
  /** The chain the server presented during the probe (leaf first), when the harness dialled it. */
  readonly presented: readonly CertInfo[] | null;
  readonly now: Date;
  /** false for a peer release that has no `domain` field (2.5): the server name is always the address host. */
  readonly domainUsed?: boolean;
}

const fail = (rule: string, message: string, remedy: string, evidence: { [k: string]: Json } = {}, peerError: string | null = null): Finding => ({ rule, status: 'failed', message, peerError, remedy, evidence });

/** What a string that should be PEM is instead, in words; null when it holds PEM blocks. */
export function pemShape(text: string): string | null {
  if (decodePem(text).length > 0) return null;
  const t = text.trim();
  if (t === '') return 'it is empty';
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(t)) {
    if (t.includes('\\n')) return 'it holds PEM whose line breaks are the two characters \\n (escaped twice), so Go finds no PEM block';
    return 'it holds a PEM header, but Go\'s decoder finds no complete block (BEGIN/END lines must start lines and match, the body must be base64)';
  }
  const compact = t.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.length >= 16) {
    const decoded = Buffer.from(compact, 'base64').toString('latin1');
    if (/-----BEGIN [A-Z0-9 ]+-----/.test(decoded)) return 'it is base64 of a PEM file (what the shims\' *_PATH variables take), not the PEM text itself';
    return 'it is bare base64 (DER?) without PEM BEGIN/END lines';
  }
  if (!t.includes('\n') && /^(\.{0,2}\/|~\/|[A-Za-z]:\\)|\.(pem|crt|cer|key)$/i.test(t)) return `it is a file path (${t}); the peer never reads files for connection.json`;
  return 'it is not PEM';
}

/** A PEM file given as base64 of PEM, decoded for further checks; the PEM itself otherwise. */
function unwrapBase64Pem(text: string): { pem: string; wasBase64: boolean } {
  if (decodePem(text).length > 0) return { pem: text, wasBase64: false };
  const compact = text.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    const decoded = Buffer.from(compact, 'base64').toString('latin1');
    if (decodePem(decoded).length > 0) return { pem: decoded, wasBase64: true };
  }
  return { pem: text, wasBase64: false };
}

function certsOf(pem: string): CertInfo[] {
  const out: CertInfo[] = [];
  for (const b of decodePem(pem)) {
    if (b.type !== 'CERTIFICATE') continue;
    try {
      out.push(certInfo(b.bytes));
    } catch {
      // skipped, as Go skips it
    }
  }
  return out;
}

function names(c: CertInfo): string {
  const all = [...c.dnsNames, ...c.ipAddresses];
  return all.length > 0 ? all.join(', ') : `no SANs (Common Name ${JSON.stringify(c.commonName)}, which Go ignores)`;
}

/** What to do about a certificate's validity: one remedy per cause (not yet valid, expired, expiring soon). */
export interface ValidityRemedies {
  readonly notYetValid: string;
  readonly expired: string;
  readonly expiring: (notAfter: string) => string;
}

function validityFindings(rule: string, what: string, c: CertInfo, now: Date, remedy: ValidityRemedies): Finding[] {
  const v = goValidityError(c, now);
  const dates = { notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString() };
  if (v) return [fail(rule, `${what} (${c.subject}) is not valid now: ${v}.`, now < c.notBefore ? remedy.notYetValid : remedy.expired, dates)];
  const d = daysLeft(c, now);
  if (d < EXPIRY_WARNING_DAYS) return [fail(rule, `${what} (${c.subject}) is valid now, but expires in ${d} day(s), on ${dates.notAfter}; from then on the peer refuses every launch.`, remedy.expiring(dates.notAfter), { notAfter: dates.notAfter })];
  return [];
}

const NOT_YET_VALID = (what: string): string => `${what} is not valid yet: check the clock of the machine that issued it (and of the peer), or reissue it with a notBefore in the past.`;
const ROOT_CERT_VALIDITY: ValidityRemedies = {
  notYetValid: NOT_YET_VALID('The CA in root_cert'),
  expired: 'Replace the expired CA in root_cert with a valid one, and reissue the chaincode server certificate from it.',
  expiring: (d) => `Plan the CA rollover before ${d}: issue a new CA, put both CAs in root_cert meanwhile, and reissue the chaincode server certificate from the new one.`,
};
const SERVER_CERT_VALIDITY: ValidityRemedies = {
  notYetValid: NOT_YET_VALID('The chaincode server certificate'),
  expired: 'Renew the chaincode server certificate and restart the server with it.',
  expiring: (d) => `Renew the chaincode server certificate before ${d} and restart the server with it.`,
};
const CLIENT_CERT_VALIDITY: ValidityRemedies = {
  notYetValid: NOT_YET_VALID('client_cert'),
  expired: 'Renew the peer\'s client certificate in connection.json.',
  expiring: (d) => `Renew the peer's client certificate in connection.json before ${d}.`,
};

/** The fix for a host name Go does not find in the certificate: the Common Name fallback is gone since Go 1.15. */
export function sanRemedy(leaf: CertInfo, verified: string, isIp: boolean): string {
  const entry = isIp ? `IP:${verified}` : `DNS:${verified}`;
  if (!leaf.hasSanExtension) {
    return `Reissue the server certificate with a subjectAltName extension naming ${entry} (e.g. openssl's -addext "subjectAltName=${entry}"): it has no SANs, and since Go 1.15 the peer never falls back to the Common Name${leaf.commonName ? ` (${JSON.stringify(leaf.commonName)})` : ''}.`;
  }
  return `Add ${entry} to the server certificate's subjectAltName${isIp ? ' as an IP address entry' : ''}.`;
}

function usageFinding(rule: string, what: string, chain: readonly CertInfo[], usage: 'serverAuth' | 'clientAuth', remedy: string): Finding[] {
  const bad = chain.find((c) => c.extKeyUsage !== null && !c.extKeyUsage.includes('any') && !c.extKeyUsage.includes(usage));
  if (!bad) return [];
  return [fail(rule, `${what}: ${bad.subject} has extendedKeyUsage ${bad.extKeyUsage?.join(', ') || '(empty)'} without ${usage}, so Go rejects it ("x509: certificate specifies an incompatible key usage").`, remedy, { subject: bad.subject, extKeyUsage: [...(bad.extKeyUsage ?? [])] })];
}

export function certLint(i: CertLintInput): Finding[] {
  const out: Finding[] = [];
  const u = i.userData;
  const tlsOn = u.tlsRequired;
  const mtls = tlsOn && u.clientAuthRequired;

  // DIAL-09: PEM where PEM is expected, in connection.json (only the fields the peer uses).
  if (tlsOn) {
    const fields: Array<[string, string]> = [['root_cert', u.rootCert], ...(mtls ? ([['client_cert', u.clientCert], ['client_key', u.clientKey]] as Array<[string, string]>) : [])];
    for (const [field, value] of fields) {
      const shape = pemShape(value);
      if (shape) out.push(fail('DIAL-09', `connection.json ${field}: ${shape}.`, `Put the PEM text in ${field}, with its line breaks written \\n inside the JSON string (e.g. "-----BEGIN CERTIFICATE-----\\nMIIB...\\n-----END CERTIFICATE-----\\n").`, { field }));
    }
    const { roots, skipped } = appendCertsFromPem(u.rootCert);
    if (roots.length > 0) {
      for (const s of skipped) {
        const isKey = /PRIVATE KEY/.test(s.type);
        out.push(fail('DIAL-09', isKey
          ? `connection.json root_cert contains a ${s.type} block: the peer ignores it, and a private key does not belong in a CA bundle.`
          : `connection.json root_cert: ${s.reason}; the peer skips it silently and trusts only the other ${roots.length} certificate(s).`,
          isKey ? 'Remove the private key from root_cert (and treat it as disclosed).' : 'Remove or fix the block so root_cert says what the peer trusts.', { type: s.type }));
      }
      for (const r of roots) out.push(...validityFindings('DIAL-10', 'a root_cert certificate', r, i.now, ROOT_CERT_VALIDITY));
    }
  }
  if (tlsOn && !u.clientAuthRequired && (u.clientCert !== '' || u.clientKey !== '')) {
    out.push(fail('DIAL-11', 'client_cert/client_key are set but client_auth_required is false: the peer ignores them and presents no client certificate.',
      'Set "client_auth_required": true if the server requires client certificates; otherwise remove client_cert and client_key.', {}));
  }

  // The server's own files (--server-cert/--server-key/--server-client-ca).
  let fileCerts: CertInfo[] = [];
  let clientCaCerts: CertInfo[] = [];
  const s = i.server;
  if (s) {
    const wrapped = (label: string, path: string | null, text: string | null): string | null => {
      if (text === null) return null;
      const w = unwrapBase64Pem(text);
      const where = path ?? label;
      if (w.wasBase64) {
        out.push(fail('DIAL-09', `${where} is base64 of PEM: right only for the *_PATH options (Node \`--chaincode-tls-${label}-path\`, Java CORE_TLS_CLIENT_*_PATH); the *_FILE options, CORE_CHAINCODE_TLS_*_FILE and the Go shim's TLSProps take the PEM text itself.`,
          'Match the file to the option: PEM for *_FILE and TLSProps, base64 of PEM for *_PATH.', { file: where }));
      } else if (pemShape(w.pem)) {
        out.push(fail('DIAL-09', `${where}: ${pemShape(w.pem) ?? ''}.`, 'Give the server a PEM file.', { file: where }));
      }
      return w.pem;
    };
    const certPem = wrapped('cert', s.certPath, s.cert);
    const keyPem = wrapped('key', s.keyPath, s.key);
    const caPem = wrapped('client-cacert', s.clientCaPath, s.clientCa);
    if (certPem) fileCerts = certsOf(certPem);
    if (caPem) clientCaCerts = certsOf(caPem);
    if (certPem && keyPem) {
      const kp = x509KeyPair(certPem, keyPem);
      if (!kp.ok) {
        out.push(fail('DIAL-09', `the server's certificate and key do not load as a pair: ${kp.error} (the Go shim's ChaincodeServer fails with \`failed to parse client key pair: ${kp.error}\`; grpc-js fails to start TLS).`,
          'Give the server the private key that belongs to its certificate (the leaf first in the certificate file).', { cert: s.certPath ?? '', key: s.keyPath ?? '' }));
      }
    }
  }

  // DIAL-10: the server certificate, as presented (preferred) or from its file.
  const serverChain = i.presented && i.presented.length > 0 ? i.presented : fileCerts;
  const leaf = serverChain[0];
  if (leaf && tlsOn) {
    const source = i.presented && i.presented.length > 0 ? 'the certificate the server presents' : `the server certificate in ${s?.certPath ?? 'its file'}`;
    const domainOn = i.domainUsed ?? true;
    const verified = domainOn && mtls && u.domain !== '' ? u.domain : i.dialHost;
    out.push(...validityFindings('DIAL-10', source, leaf, i.now, SERVER_CERT_VALIDITY));
    out.push(...usageFinding('DIAL-10', source, [leaf], 'serverAuth', 'Issue the server certificate with extendedKeyUsage serverAuth (or without the extension).'));
    const hn = goVerifyHostname(leaf, verified);
    if (hn) {
      const domainNote = u.domain !== '' && verified !== u.domain && goVerifyHostname(leaf, u.domain) === null
        ? (domainOn
          ? ` The certificate does name \`domain\` (${u.domain}), but the peer uses domain only when client_auth_required is true; here it checks ${i.dialHost}.`
          : ` The certificate does name \`domain\` (${u.domain}), but a Fabric 2.5 peer has no domain field and always checks the address host ${i.dialHost}.`)
        : '';
      const droppedNote = i.droppedDomain && goVerifyHostname(leaf, i.droppedDomain) === null ? ` The package's connection.json sets domain ${i.droppedDomain}, which the builder dropped (the built-in ccaas builder has no domain field).` : '';
      out.push(fail('DIAL-10', `${source} does not cover the name the peer verifies (${verified}); its SANs: ${names(leaf)}: ${hn}.${domainNote}${droppedNote}`,
        sanRemedy(leaf, verified, isIpLike(verified)), { verifiedName: verified, dnsNames: [...leaf.dnsNames], ipAddresses: [...leaf.ipAddresses] }));
    }
    const { roots } = appendCertsFromPem(u.rootCert);
    if (roots.length > 0) {
      const v = goVerifyServer(serverChain, roots, '', i.now);
      if (v.failure === 'unknown-authority') {
        out.push(fail('DIAL-10', `${source} (issued by ${leaf.issuer}) does not chain to root_cert (${roots.map((r) => r.subject).join('; ')}): ${v.goError ?? ''}.`,
          `Put the CA that issued the server certificate (${leaf.issuer}) in root_cert.`, { issuer: leaf.issuer }));
      }
    }
    if (i.presented && i.presented.length > 0 && fileCerts[0] && !fileCerts[0].der.equals(i.presented[0]?.der ?? Buffer.alloc(0))) {
      out.push(fail('DIAL-10', `the server presents a different certificate (${i.presented[0]?.subject ?? '?'}, ${i.presented[0]?.fingerprint256 ?? ''}) than ${s?.certPath ?? '--server-cert'} (${fileCerts[0].subject}, ${fileCerts[0].fingerprint256}).`,
        'Point --server-cert at the file the server really uses, or restart the server with it.', {}));
    }
  }
  if (tlsOn && u.domain === '' && i.droppedDomain && !leaf) {
    // Handled by the SAN check when a certificate is known; say it plainly otherwise. With client
    // auth this changes the name the peer verifies: the author meant domain, the peer checks the host.
    const meant = mtls && (i.domainUsed ?? true) ? ` With client_auth_required the peer would verify \`domain\` as the server name, so the server certificate must name ${i.dialHost} instead of (or besides) ${i.droppedDomain}.` : '';
    out.push(fail('DIAL-10', `the package's connection.json sets domain ${i.droppedDomain}, which the builder dropped (the built-in ccaas builder has no domain field); the peer verifies ${i.dialHost}.${meant}`, `Make sure the server certificate names ${i.dialHost}.`, { droppedDomain: i.droppedDomain, verifiedName: i.dialHost }));
  }

  // DIAL-11: the peer's client certificate, for mutual TLS.
  if (mtls) {
    const kp = x509KeyPair(u.clientCert, u.clientKey);
    if (kp.ok) {
      const c = kp.chain[0] as CertInfo;
      out.push(...validityFindings('DIAL-11', 'client_cert', c, i.now, CLIENT_CERT_VALIDITY));
      out.push(...usageFinding('DIAL-11', 'client_cert', [c], 'clientAuth', 'Issue client_cert with extendedKeyUsage clientAuth (or without the extension).'));
      if (clientCaCerts.length > 0) {
        const v = goVerifyServer(kp.chain, clientCaCerts, '', i.now, 'clientAuth');
        if (v.failure === 'unknown-authority') {
          out.push(fail('DIAL-11', `client_cert (issued by ${c.issuer}) does not chain to the server's client CA (${clientCaCerts.map((x) => x.subject).join('; ')}); the server rejects it, and the peer (Go) does not even send it, because its issuer is not among the CAs the server asks for.`,
            'Issue client_cert from the CA the server trusts for clients, or add that CA to the server\'s client CA file.', { issuer: c.issuer }));
        }
      }
    }
  }

  // CONN-09 / DRIFT-07: TLS files in the release directory are never read.
  const tlsLike = i.releaseFiles.filter((f) => /\.(pem|crt|cer|key|p12|pfx)$/i.test(f.path) || /(^|\/)tls(\/|$)/i.test(f.path) || /-----BEGIN /.test(f.head));
  if (tlsLike.length > 0) {
    const keys = tlsLike.filter((f) => /PRIVATE KEY-----/.test(f.head) || /\.key$/i.test(f.path));
    const list = tlsLike.map((f) => f.path);
    const msg = `the release holds TLS files in chaincode/server (${list.join(', ')}), which the peer never reads: only connection.json is read, and its TLS material must be inline PEM strings.${keys.length > 0 ? ` ${keys.length} of them hold a private key, copied into the peer's durable build output.` : ''}`;
    out.push(fail('CONN-09', msg, 'Inline the PEM strings in connection.json and stop copying TLS files into release/chaincode/server.', { files: list }));
    out.push(fail('DRIFT-07', `As the sample bin/release comment suggests, ${msg}`, 'Inline the PEM strings in connection.json; the sample release script\'s tls copy is dead weight.', { files: list }));
  }
  return out;
}

function isIpLike(s: string): boolean {
  return /^[\d.]+$/.test(s) || s.includes(':');
}

export { ERR_ROOT_CERT };
