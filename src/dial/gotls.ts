import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { certInfo, type CertInfo } from '../pki/certinfo.js';
import { decodePem, encodePem } from '../pki/pem.js';

/**
 * The peer's TLS client as Go builds and runs it, reproduced in TypeScript so verdicts and texts
 * match the real peer rather than Node's OpenSSL:
 * - building the configuration from connection.json (CONN-08): `x509.CertPool.AppendCertsFromPEM`
 *   for root_cert, `tls.X509KeyPair` for the client pair, `ServerName` = domain only with client auth;
 * - verifying the server's certificate (crypto/x509 `Certificate.Verify` with DNSName): validity of
 *   the leaf, then the host name (SANs only, never the Common Name), then a chain to root_cert,
 *   then extended key usage serverAuth along the chain.
 * Texts are Go 1.26's (crypto/tls, crypto/x509) and were checked against a Go program dialling with
 * grpc-go v1.82.1 (the pinned peers vendor v1.81.0 and v1.79.3; test/realpeer checks the 3.1.5 peer's own texts).
 */

export interface TlsSettings {
  readonly rootCert: string;
  readonly client: null | { readonly cert: string; readonly key: string; readonly serverNameOverride: string };
}

export interface SkippedBlock {
  readonly type: string;
  readonly reason: string;
}

export interface PeerTlsConfig {
  /** The certificates AppendCertsFromPEM added to the pool. */
  readonly roots: readonly CertInfo[];
  /** The same, as PEM, for Node (which must not see what Go skipped). */
  readonly rootsPem: string;
  /** Blocks of root_cert that Go skipped silently. */
  readonly skipped: readonly SkippedBlock[];
  readonly client: null | { readonly chain: readonly CertInfo[]; readonly chainPem: string; readonly keyPem: string; readonly keyType: string };
  /** tls.Config.ServerName: `domain` with client auth, else empty (grpc then uses the address host). */
  readonly serverNameOverride: string;
}

export type PeerTlsResult = { readonly ok: true; readonly config: PeerTlsConfig } | { readonly ok: false; readonly error: string; readonly skipped: readonly SkippedBlock[] };

/** The peer's error when no certificate of root_cert parses. */
export const ERR_ROOT_CERT = 'error adding root certificate';

/** Go's `AppendCertsFromPEM`: every CERTIFICATE block without headers that parses; others are skipped. */
export function appendCertsFromPem(pem: string): { roots: CertInfo[]; skipped: SkippedBlock[] } {
  const roots: CertInfo[] = [];
  const skipped: SkippedBlock[] = [];
  for (const b of decodePem(pem)) {
    if (b.type !== 'CERTIFICATE') {
      skipped.push({ type: b.type, reason: `a ${b.type} block is not a certificate` });
      continue;
    }
    if (Object.keys(b.headers).length > 0) {
      skipped.push({ type: b.type, reason: 'a CERTIFICATE block with PEM headers is ignored' });
      continue;
    }
    try {
      roots.push(certInfo(b.bytes));
    } catch (e) {
      skipped.push({ type: b.type, reason: `a CERTIFICATE block does not parse (${e instanceof Error ? e.message : String(e)})` });
    }
  }
  return { roots, skipped };
}

function keyKind(k: KeyObject): string {
  return k.asymmetricKeyType === 'ed25519' ? 'ed25519' : (k.asymmetricKeyType ?? 'unknown');
}

/** Go's `parsePrivateKey`: PKCS#1, then PKCS#8 (RSA, ECDSA, Ed25519 only), then SEC1, by DER content. */
function goParsePrivateKey(der: Buffer): { key: KeyObject } | { error: string } {
  try {
    return { key: createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }) };
  } catch {
    // not PKCS#1
  }
  try {
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    if (['rsa', 'ec', 'ed25519'].includes(key.asymmetricKeyType ?? '')) return { key };
    return { error: 'tls: found unknown private key type in PKCS#8 wrapping' };
  } catch {
    // not PKCS#8
  }
  try {
    return { key: createPrivateKey({ key: der, format: 'der', type: 'sec1' }) };
  } catch {
    return { error: 'tls: failed to parse private key' };
  }
}

/** Go's `tls.X509KeyPair`, with its exact error texts. */
export function x509KeyPair(certPem: string, keyPem: string): { ok: true; chain: CertInfo[]; key: KeyObject } | { ok: false; error: string } {
  const certDers: Buffer[] = [];
  const skippedTypes: string[] = [];
  for (const b of decodePem(certPem)) {
    if (b.type === 'CERTIFICATE') certDers.push(b.bytes);
    else skippedTypes.push(b.type);
  }
  if (certDers.length === 0) {
    if (skippedTypes.length === 0) return { ok: false, error: 'tls: failed to find any PEM data in certificate input' };
    if (skippedTypes.length === 1 && (skippedTypes[0] as string).endsWith('PRIVATE KEY')) {
      return { ok: false, error: 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched' };
    }
    return { ok: false, error: `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${skippedTypes.join(' ')}]` };
  }
  const keySkipped: string[] = [];
  const keyBlock = decodePem(keyPem).find((b) => {
    if (b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY')) return true;
    keySkipped.push(b.type);
    return false;
  });
  if (!keyBlock) {
    if (keySkipped.length === 0) return { ok: false, error: 'tls: failed to find any PEM data in key input' };
    if (keySkipped.length === 1 && keySkipped[0] === 'CERTIFICATE') return { ok: false, error: 'tls: found a certificate rather than a key in the PEM for the private key' };
    return { ok: false, error: `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keySkipped.join(' ')}]` };
  }
  let leaf: CertInfo;
  const chain: CertInfo[] = [];
  try {
    leaf = certInfo(certDers[0] as Buffer);
    chain.push(leaf);
  } catch {
    // Go's text depends on what is malformed; this is its most common one.
    return { ok: false, error: 'x509: malformed certificate' };
  }
  for (const d of certDers.slice(1)) {
    try {
      chain.push(certInfo(d));
    } catch {
      // Go keeps unparsed intermediates as raw bytes; they fail later, at the server.
    }
  }
  const parsed = goParsePrivateKey(keyBlock.bytes);
  if ('error' in parsed) return { ok: false, error: parsed.error };
  const pub = leaf.x509.publicKey;
  const pubKind = keyKind(pub);
  if (!['rsa', 'ec', 'ed25519'].includes(pubKind)) return { ok: false, error: 'tls: unknown public key algorithm' };
  if (keyKind(parsed.key) !== pubKind) return { ok: false, error: 'tls: private key type does not match public key type' };
  const a = createPublicKey(parsed.key).export({ type: 'spki', format: 'der' });
  const b = pub.export({ type: 'spki', format: 'der' });
  if (!a.equals(b)) return { ok: false, error: 'tls: private key does not match public key' };
  return { ok: true, chain, key: parsed.key };
}

/** comm.SecureOptions.TLSConfig for the TLS part of connection.json, or the peer's error (CONN-08). */
export function peerTlsConfig(tls: TlsSettings): PeerTlsResult {
  const { roots, skipped } = appendCertsFromPem(tls.rootCert);
  if (roots.length === 0) return { ok: false, error: ERR_ROOT_CERT, skipped };
  let client: PeerTlsConfig['client'] = null;
  if (tls.client) {
    const kp = x509KeyPair(tls.client.cert, tls.client.key);
    if (!kp.ok) return { ok: false, error: `failed to load client certificate: failed to create key pair: ${kp.error}`, skipped };
    client = {
      chain: kp.chain,
      chainPem: kp.chain.map((c) => encodePem('CERTIFICATE', c.der)).join(''),
      keyPem: kp.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      keyType: kp.chain[0]?.key ?? '',
    };
  }
  return {
    ok: true,
    config: { roots, rootsPem: roots.map((r) => encodePem('CERTIFICATE', r.der)).join(''), skipped, client, serverNameOverride: tls.client?.serverNameOverride ?? '' },
  };
}

/** The name Go verifies the server certificate against: ServerName, else the host of the target's authority. */
export function verifiedName(serverNameOverride: string, authorityHost: string): string {
  return serverNameOverride !== '' ? serverNameOverride : authorityHost;
}

// ---- crypto/x509 Certificate.Verify ----

function lowerAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function validHostname(host: string, isPattern: boolean): boolean {
  const h = isPattern ? host : host.replace(/\.$/, '');
  if (h.length === 0 || h === '*') return false;
  return h.split('.').every((part, i) => {
    if (part === '') return false;
    if (isPattern && i === 0 && part === '*') return true;
    return [...part].every((c, j) => /^[a-zA-Z0-9_]$/.test(c) || (c === '-' && j !== 0));
  });
}

function splitHostname(host: string): string[] {
  return lowerAscii(host.replace(/\.$/, '')).split('.');
}

function matchHostnames(pattern: string, hostParts: readonly string[]): boolean {
  const p = lowerAscii(pattern);
  if (p.length === 0 || hostParts.length === 0) return false;
  const pp = p.split('.');
  if (pp.length !== hostParts.length) return false;
  return pp.every((part, i) => (i === 0 && part === '*') || part === hostParts[i]);
}

function matchExactly(a: string, b: string): boolean {
  if (a === '' || a === '.' || b === '' || b === '.') return false;
  return lowerAscii(a) === lowerAscii(b);
}

function ipEqual(a: string, b: string): boolean {
  const norm = (s: string): string => {
    const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
    if (m) return m[1] as string;
    if (isIP(s) === 6) return new URL(`http://[${s}]`).hostname;
    return s;
  };
  return norm(a) === norm(b);
}

/** Go's `Certificate.VerifyHostname`, returning Go's HostnameError text or null. */
export function goVerifyHostname(c: CertInfo, h: string): string | null {
  const candidateIp = h.length >= 3 && h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  if (isIP(candidateIp)) {
    if (c.ipAddresses.some((ip) => ipEqual(ip, candidateIp))) return null;
    return hostnameErrorText(c, candidateIp);
  }
  const name = lowerAscii(h);
  const validName = validHostname(name, false);
  const parts = splitHostname(name);
  for (const m of c.dnsNames) {
    if (validName && validHostname(m, true) ? matchHostnames(m, parts) : matchExactly(m, name)) return null;
  }
  return hostnameErrorText(c, h);
}

function hostnameErrorText(c: CertInfo, host: string): string {
  if (!c.hasSanExtension && matchHostnames(c.commonName, splitHostname(host))) return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  let valid: string;
  if (isIP(host)) {
    if (c.ipAddresses.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    if (c.ipAddresses.length >= 100) return `x509: certificate is valid for ${c.ipAddresses.length} IP SANs, but none matched ${host}`;
    valid = c.ipAddresses.join(', ');
  } else {
    if (c.dnsNames.length >= 100) return `x509: certificate is valid for ${c.dnsNames.length} names, but none matched ${host}`;
    valid = c.dnsNames.join(', ');
  }
  if (valid.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid}, not ${host}`;
}

/** Go's time.RFC3339 in UTC, as the peer formats validity errors (peers normally run in UTC). */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function goValidityError(c: CertInfo, now: Date): string | null {
  if (now < c.notBefore) return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is before ${rfc3339(c.notBefore)}`;
  if (now > c.notAfter) return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is after ${rfc3339(c.notAfter)}`;
  return null;
}

function signedBy(child: CertInfo, parent: CertInfo): boolean {
  try {
    return child.x509.checkIssued(parent.x509) && child.x509.verify(parent.x509.publicKey);
  } catch {
    return false;
  }
}

export type VerifyFailure = 'expired' | 'name' | 'unknown-authority' | 'usage';

export interface ServerVerdict {
  /** null when Go accepts the certificate. */
  readonly failure: VerifyFailure | null;
  /** The text the peer logs: `tls: failed to verify certificate: x509: ...`. */
  readonly goError: string | null;
  /** The chain Go would build, leaf first, when it builds one. */
  readonly chain: readonly CertInfo[];
}

/**
 * crypto/x509 Verify as the peer's TLS client calls it: `presented` is what the server sent
 * (leaf first, then intermediates), `roots` the pool from root_cert, `name` the verified name.
 */
export function goVerifyServer(presented: readonly CertInfo[], roots: readonly CertInfo[], name: string, now: Date, usage: 'serverAuth' | 'clientAuth' = 'serverAuth'): ServerVerdict {
  const leaf = presented[0];
  const wrap = (failure: VerifyFailure, text: string, chain: readonly CertInfo[] = []): ServerVerdict => ({ failure, goError: `tls: failed to verify certificate: ${text}`, chain });
  if (!leaf) return wrap('unknown-authority', 'x509: certificate signed by unknown authority');
  const expired = goValidityError(leaf, now);
  if (expired) return wrap('expired', expired);
  if (name !== '') {
    const hn = goVerifyHostname(leaf, name);
    if (hn) return wrap('name', hn);
  }
  const chain = buildChain(leaf, presented.slice(1), roots, now);
  if (!chain.ok) {
    const hint = chain.hint ? ` (possibly because of ${JSON.stringify(chain.hint.err)} while trying to verify candidate authority certificate ${JSON.stringify(chain.hint.name)})` : '';
    return wrap('unknown-authority', `x509: certificate signed by unknown authority${hint}`);
  }
  const usable = chain.chain.every((c) => c.extKeyUsage === null || c.extKeyUsage.includes('any') || c.extKeyUsage.includes(usage));
  if (!usable) return wrap('usage', 'x509: certificate specifies an incompatible key usage', chain.chain);
  return { failure: null, goError: null, chain: chain.chain };
}

type ChainResult = { ok: true; chain: CertInfo[] } | { ok: false; hint: { err: string; name: string } | null };

function buildChain(leaf: CertInfo, intermediates: readonly CertInfo[], roots: readonly CertInfo[], now: Date): ChainResult {
  if (roots.some((r) => r.der.equals(leaf.der))) return { ok: true, chain: [leaf] };
  let hint: { err: string; name: string } | null = null;
  const walk = (cert: CertInfo, path: CertInfo[], depth: number): CertInfo[] | null => {
    if (depth > 8) return null;
    for (const pool of [roots, intermediates]) {
      for (const cand of pool) {
        if (path.some((p) => p.der.equals(cand.der))) continue;
        if (cand.subject !== cert.issuer) continue;
        const candName = cand.commonName || cand.serialHex;
        if (!signedBy(cert, cand)) {
          hint ??= { err: cand.key.startsWith('RSA') ? 'crypto/rsa: verification error' : 'x509: ECDSA verification failure', name: candName };
          continue;
        }
        // Go requires basicConstraints CA only of intermediates, not of roots.
        const invalid = goValidityError(cand, now) ?? (pool === roots || cand.isCA ? null : 'x509: certificate is not authorized to sign other certificates');
        if (invalid) {
          hint ??= { err: invalid, name: candName };
          continue;
        }
        const next = [...path, cand];
        if (pool === roots) return next;
        const found = walk(cand, next, depth + 1);
        if (found) return found;
      }
    }
    return null;
  };
  const found = walk(leaf, [leaf], 0);
  return found ? { ok: true, chain: found } : { ok: false, hint };
}

/** grpc-go's text when the server does not select ALPN h2 (grpc-go >= 1.67, checked with v1.82.1). */
export const ERR_NO_ALPN =
  'credentials: cannot check peer: missing selected ALPN property. If you upgraded from a grpc-go version earlier than 1.67, your TLS connections may have stopped working due to ALPN enforcement. For more details, see: https://github.com/grpc/grpc-go/issues/434';

/** Go's TLS 1.2 client cipher suites (Go 1.26 defaults: no RSA key exchange, no 3DES), plus every TLS 1.3 suite, in OpenSSL names. */
export const GO_CLIENT_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
].join(':');
