import { X509Certificate } from 'node:crypto';

/**
 * What a certificate says, read from its DER: the facts the peer's Go TLS client (crypto/x509)
 * and the shims' servers judge it by: names (SANs, and whether a SAN extension exists at all:
 * Go ignores the Common Name), extended key usage, validity, CA flag, signature algorithm, key.
 */

export interface CertInfo {
  readonly x509: X509Certificate;
  readonly der: Buffer;
  readonly subject: string;
  readonly issuer: string;
  readonly commonName: string;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCA: boolean;
  readonly selfIssued: boolean;
  readonly hasSanExtension: boolean;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** null: no extKeyUsage extension (any usage is allowed). */
  readonly extKeyUsage: readonly string[] | null;
  readonly signatureAlgorithm: string;
  /** e.g. `EC P-256`, `RSA 2048`. */
  readonly key: string;
  readonly fingerprint256: string;
}

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly bodyStart: number;
  readonly end: number;
}

function readTlv(b: Buffer, at: number): Tlv {
  const tag = b[at];
  const first = b[at + 1];
  if (tag === undefined || first === undefined) throw new Error('truncated DER');
  let len = first;
  let hl = 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[at + 2 + i] ?? 0);
    hl = 2 + n;
  }
  const end = at + hl + len;
  if (end > b.length) throw new Error('truncated DER');
  return { tag, start: at, bodyStart: at + hl, end };
}

function kids(b: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.bodyStart; p < t.end; ) {
    const c = readTlv(b, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

function oidText(b: Buffer, t: Tlv): string {
  const body = b.subarray(t.bodyStart, t.end);
  const first = body[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let v = 0;
  for (let i = 1; i < body.length; i++) {
    const byte = body[i] as number;
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const SIG_ALGS: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.3.2': 'ECDSA-SHA256',
  '1.2.840.10045.4.3.3': 'ECDSA-SHA384',
  '1.2.840.10045.4.3.4': 'ECDSA-SHA512',
  '1.2.840.10045.4.1': 'ECDSA-SHA1',
  '1.2.840.113549.1.1.5': 'SHA1-RSA',
  '1.2.840.113549.1.1.4': 'MD5-RSA',
  '1.2.840.113549.1.1.11': 'SHA256-RSA',
  '1.2.840.113549.1.1.12': 'SHA384-RSA',
  '1.2.840.113549.1.1.13': 'SHA512-RSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.3.101.112': 'Ed25519',
};

const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'any',
};

function ipText(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
    // Compress the longest run of zero groups, as Go's net.IP.String does.
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== '0') {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  }
  return bytes.toString('hex');
}

/** Parses one DER certificate; throws when Node cannot parse it either. */
export function certInfo(der: Uint8Array): CertInfo {
  const buf = Buffer.from(der);
  const x509 = new X509Certificate(buf);
  const cert = readTlv(buf, 0);
  const [tbs, sigAlg] = kids(buf, cert);
  if (!tbs || !sigAlg) throw new Error('not a certificate');
  const fields = kids(buf, tbs);
  const hasVersion = fields[0]?.tag === 0xa0;
  const at = (i: number): Tlv | undefined => fields[hasVersion ? i : i - 1];
  const validity = at(4);
  const subject = at(5);
  const sigOidTlv = kids(buf, sigAlg)[0];
  const signatureAlgorithm = sigOidTlv ? (SIG_ALGS[oidText(buf, sigOidTlv)] ?? oidText(buf, sigOidTlv)) : 'unknown';
  let isCA = false;
  let hasSanExtension = false;
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  let extKeyUsage: string[] | null = null;
  const extWrap = fields.find((f) => f.tag === 0xa3);
  if (extWrap) {
    const seq = kids(buf, extWrap)[0];
    for (const ext of seq ? kids(buf, seq) : []) {
      const parts = kids(buf, ext);
      const id = parts[0] ? oidText(buf, parts[0]) : '';
      const valueTlv = parts[parts.length - 1];
      if (!valueTlv || valueTlv.tag !== 0x04) continue;
      const inner = readTlv(buf, valueTlv.bodyStart);
      if (id === '2.5.29.17') {
        hasSanExtension = true;
        for (const name of kids(buf, inner)) {
          const body = buf.subarray(name.bodyStart, name.end);
          if (name.tag === 0x82) dnsNames.push(body.toString('latin1'));
          else if (name.tag === 0x87) ipAddresses.push(ipText(body));
        }
      } else if (id === '2.5.29.37') {
        extKeyUsage = kids(buf, inner).map((o) => EKU_NAMES[oidText(buf, o)] ?? oidText(buf, o));
      } else if (id === '2.5.29.19') {
        const bc = kids(buf, inner);
        isCA = bc[0]?.tag === 0x01 && buf[bc[0].bodyStart] !== 0;
      }
    }
  }
  const times = validity ? kids(buf, validity).map((t) => parseTime(buf, t)) : [];
  const cn = subject ? commonNameOf(buf, subject) : '';
  const pk = x509.publicKey;
  const d = pk.asymmetricKeyDetails ?? {};
  const key = pk.asymmetricKeyType === 'rsa' ? `RSA ${d.modulusLength ?? '?'}` : pk.asymmetricKeyType === 'ec' ? `EC ${curveName(d.namedCurve)}` : String(pk.asymmetricKeyType ?? 'unknown');
  return {
    x509,
    der: buf,
    subject: x509.subject.replace(/\n/g, ', '),
    issuer: x509.issuer.replace(/\n/g, ', '),
    commonName: cn,
    serialHex: x509.serialNumber,
    notBefore: times[0] ?? new Date(x509.validFrom),
    notAfter: times[1] ?? new Date(x509.validTo),
    isCA,
    selfIssued: x509.subject === x509.issuer,
    hasSanExtension,
    dnsNames,
    ipAddresses,
    extKeyUsage,
    signatureAlgorithm,
    key,
    fingerprint256: x509.fingerprint256,
  };
}

function curveName(c: string | undefined): string {
  return c === 'prime256v1' ? 'P-256' : c === 'secp384r1' ? 'P-384' : c === 'secp521r1' ? 'P-521' : (c ?? '?');
}

function parseTime(b: Buffer, t: Tlv): Date {
  const s = b.subarray(t.bodyStart, t.end).toString('latin1');
  const full = t.tag === 0x17 ? `${Number(s.slice(0, 2)) >= 50 ? '19' : '20'}${s}` : s;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(full);
  if (!m) return new Date(Number.NaN);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function commonNameOf(b: Buffer, name: Tlv): string {
  let cn = '';
  for (const rdn of kids(b, name)) {
    for (const atv of kids(b, rdn)) {
      const [type, value] = kids(b, atv);
      if (type && value && oidText(b, type) === '2.5.4.3') cn = b.subarray(value.bodyStart, value.end).toString('utf8');
    }
  }
  return cn;
}

/** Days from `now` to the end of validity (negative when expired). */
export function daysLeft(c: CertInfo, now: Date): number {
  return Math.floor((c.notAfter.getTime() - now.getTime()) / 86_400_000);
}
