import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der.js';

/**
 * Certificates for the harness and its tests, generated in-process with node:crypto (no openssl):
 * the test CA and TLS pairs for chaincode servers, the peer's client certificate, and the X.509
 * creator identity of SignedProposals.
 */

export interface Credential {
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
}

export type KeyType = 'ec-p256' | 'rsa-2048';
export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

export interface CertOptions {
  readonly commonName: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  /** Host names and IP addresses for subjectAltName. */
  readonly sans?: readonly string[];
  readonly extendedKeyUsage?: readonly ExtendedKeyUsage[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly isCA?: boolean;
  readonly keyType?: KeyType;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  cn: '2.5.4.3',
  o: '2.5.4.10',
  ou: '2.5.4.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

function newKey(type: KeyType): KeyObject {
  return type === 'rsa-2048'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
}

function name(o: CertOptions): Buffer {
  const rdn = (id: string, v: string): Buffer => der.set(der.sequence(der.oid(id), der.utf8String(v)));
  const parts = [];
  if (o.organization) parts.push(rdn(OID.o, o.organization));
  if (o.organizationalUnit) parts.push(rdn(OID.ou, o.organizationalUnit));
  parts.push(rdn(OID.cn, o.commonName));
  return der.sequence(...parts);
}

function algorithm(key: KeyObject): Buffer {
  return key.asymmetricKeyType === 'rsa' ? der.sequence(der.oid(OID.sha256WithRsa), der.nullValue()) : der.sequence(der.oid(OID.ecdsaWithSha256));
}

function keyId(pub: KeyObject): Buffer {
  return createHash('sha1').update(pub.export({ type: 'spki', format: 'der' })).digest();
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? der.sequence(der.oid(id), der.boolean(true), der.octetString(value)) : der.sequence(der.oid(id), der.octetString(value));
}

function sanEntry(s: string): Buffer {
  const v = isIP(s);
  if (v === 4) return der.implicitPrimitive(7, Buffer.from(s.split('.').map(Number)));
  if (v === 6) {
    const full = new URL(`http://[${s}]`).hostname.slice(1, -1);
    const groups = full.split('::');
    const head = groups[0] ? groups[0].split(':') : [];
    const tail = groups[1] ? groups[1].split(':') : [];
    const mid = Array(8 - head.length - tail.length).fill('0');
    const all = groups.length > 1 ? [...head, ...mid, ...tail] : head;
    return der.implicitPrimitive(7, Buffer.from(all.map((g) => g.padStart(4, '0')).join(''), 'hex'));
  }
  return der.implicitPrimitive(2, Buffer.from(s, 'ascii'));
}

function build(subject: CertOptions, subjectKey: KeyObject, issuer: { name: Buffer; key: KeyObject }, selfSigned: boolean): string {
  const pub = createPublicKey(subjectKey);
  const now = Date.now();
  const notBefore = subject.notBefore ?? new Date(now - 60 * 60 * 1000);
  const notAfter = subject.notAfter ?? new Date(now + 365 * 24 * 60 * 60 * 1000);
  const exts: Buffer[] = [];
  exts.push(extension(OID.basicConstraints, true, subject.isCA ? der.sequence(der.boolean(true)) : der.sequence()));
  // keyUsage bits: digitalSignature(0) keyEncipherment(2) keyCertSign(5) cRLSign(6)
  const ku = subject.isCA ? 0x80 | 0x04 | 0x02 : 0x80 | (pub.asymmetricKeyType === 'rsa' ? 0x20 : 0);
  exts.push(extension(OID.keyUsage, true, der.bitString(Buffer.from([ku]), subject.isCA ? 1 : pub.asymmetricKeyType === 'rsa' ? 5 : 7)));
  if (subject.extendedKeyUsage && subject.extendedKeyUsage.length > 0) {
    exts.push(extension(OID.extKeyUsage, false, der.sequence(...subject.extendedKeyUsage.map((u) => der.oid(OID[u])))));
  }
  if (subject.sans && subject.sans.length > 0) exts.push(extension(OID.subjectAltName, false, der.sequence(...subject.sans.map(sanEntry))));
  exts.push(extension(OID.subjectKeyId, false, der.octetString(keyId(pub))));
  if (!selfSigned) exts.push(extension(OID.authorityKeyId, false, der.sequence(der.implicitPrimitive(0, keyId(createPublicKey(issuer.key))))));
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(serial),
    algorithm(issuer.key),
    issuer.name,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    name(subject),
    pub.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...exts)),
  );
  const signature = sign('sha256', tbs, issuer.key);
  const cert = der.sequence(tbs, algorithm(issuer.key), der.bitString(signature));
  const b64 = cert.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function pkcs8(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A self-signed CA. */
export function createCA(commonName: string, opts: Partial<CertOptions> = {}): Credential {
  const o: CertOptions = { ...opts, commonName, isCA: true };
  const key = newKey(o.keyType ?? 'ec-p256');
  return { certPem: build(o, key, { name: name(o), key }, true), keyPem: pkcs8(key) };
}

/** A certificate issued by `ca` for a new key. */
export function issue(ca: Credential, opts: CertOptions): Credential {
  const caKey = createPrivateKey(ca.keyPem);
  const caName = Buffer.from(new X509Certificate(ca.certPem).raw);
  const key = newKey(opts.keyType ?? 'ec-p256');
  return { certPem: build(opts, key, { name: issuerName(caName), key: caKey }, false), keyPem: pkcs8(key) };
}

/** The subject Name of a DER certificate, to use as the issuer of the certificates it signs. */
function issuerName(certDer: Buffer): Buffer {
  // Certificate -> tbsCertificate -> fields; the subject is the 6th field (after version, serial, alg, issuer, validity).
  const tbs = children(certDer)[0] as Buffer;
  const fields = children(tbs);
  return fields[5] as Buffer;
}

/** The TLVs inside a constructed DER value (header included in each child). */
function children(tlvBuf: Buffer): Buffer[] {
  const { headerLen, len } = header(tlvBuf, 0);
  const out: Buffer[] = [];
  let p = headerLen;
  const end = headerLen + len;
  while (p < end) {
    const h = header(tlvBuf, p);
    out.push(tlvBuf.subarray(p, p + h.headerLen + h.len));
    p += h.headerLen + h.len;
  }
  return out;
}

function header(b: Buffer, at: number): { headerLen: number; len: number } {
  const first = b[at + 1] as number;
  if (first < 0x80) return { headerLen: 2, len: first };
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (b[at + 2 + i] as number);
  return { headerLen: 2 + n, len };
}

/** The same key in SEC1 ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY") form, for tests of the peer's key parsing. */
export function traditionalKeyPem(keyPem: string): string {
  const key = createPrivateKey(keyPem);
  return key.export({ type: key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' }).toString();
}
