import type { Json } from '../findings.js';
import { certInfo, daysLeft } from '../pki/certinfo.js';
import { decodePem } from '../pki/pem.js';

/**
 * Certificate details for the evidence drawer of the connection stage: what each certificate of
 * connection.json says (subject, issuer, names, validity, usage, key), read from the PEM blocks
 * the way the peer's Go TLS client reads them. Private keys are never looked at here.
 */
export function certificateDetails(field: string, pem: string, now: Date): Json[] {
  const blocks = decodePem(pem);
  if (blocks.length === 0) return [{ field, problem: 'no PEM block found (the peer would not load it)' }];
  return blocks.map((b, i): Json => {
    if (b.type !== 'CERTIFICATE') return { field, index: i, pemType: b.type, problem: `a ${b.type} block, not a CERTIFICATE` };
    try {
      const c = certInfo(b.bytes);
      return {
        field,
        index: i,
        subject: c.subject,
        issuer: c.issuer,
        serial: c.serialHex,
        notBefore: c.notBefore.toISOString(),
        notAfter: c.notAfter.toISOString(),
        daysLeft: daysLeft(c, now),
        isCA: c.isCA,
        selfIssued: c.selfIssued,
        dnsNames: [...c.dnsNames],
        ipAddresses: [...c.ipAddresses],
        hasSanExtension: c.hasSanExtension,
        extKeyUsage: c.extKeyUsage === null ? null : [...c.extKeyUsage],
        signatureAlgorithm: c.signatureAlgorithm,
        key: c.key,
        fingerprint256: c.fingerprint256,
      };
    } catch (e) {
      return { field, index: i, problem: `not a parsable certificate: ${e instanceof Error ? e.message : String(e)}` };
    }
  });
}
