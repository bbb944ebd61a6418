import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { createCA, issue, type Credential } from '../pki/index.js';

/**
 * A test MSP made at run time: an organisation CA and client identities it issues, standing in
 * for the transaction creator the peer would pass in every SignedProposal.
 */
export interface Identity {
  readonly mspId: string;
  readonly name: string;
  readonly credential: Credential;
  /** Signs proposal bytes as a client SDK would (ECDSA P-256 over SHA-256, low-S). */
  sign(data: Uint8Array): Uint8Array;
}

export class TestMsp {
  private readonly ca: Credential;
  private readonly users = new Map<string, Identity>();

  constructor(readonly mspId: string) {
    this.ca = createCA(`ca.${mspId.toLowerCase()}`, { organization: mspId });
  }

  get caCertPem(): string {
    return this.ca.certPem;
  }

  /** The identity `name` of this MSP, created on first use. */
  user(name: string): Identity {
    const existing = this.users.get(name);
    if (existing) return existing;
    // As cryptogen issues an MSP signing certificate: keyUsage digitalSignature, no extendedKeyUsage.
    // Fabric's MSP validates the creator's chain with Go's default key usage (serverAuth), so a
    // clientAuth-only certificate is "not valid: x509: certificate specifies an incompatible key usage".
    const credential = issue(this.ca, { commonName: name, organization: this.mspId, organizationalUnit: 'client' });
    const key = createPrivateKey(credential.keyPem);
    const id: Identity = { mspId: this.mspId, name, credential, sign: (data) => signLowS(data, key) };
    this.users.set(name, id);
    return id;
  }
}

/** The order of P-256's base point. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

function derInteger(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, 'hex');
  if ((b[0] ?? 0) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}

/**
 * Pure: an ECDSA P-256 signature (r||s, 64 bytes) as DER with s in the lower half of the group
 * order, as Fabric's signers produce it (bccsp/utils.SignatureToLowS): Fabric's verifier
 * (bccsp/sw verifyECDSA) rejects any other with "Invalid S. Must be smaller than half the order",
 * so a client SDK normalises s before it sends a proposal.
 */
export function lowSDer(p1363: Uint8Array): Uint8Array {
  const r = BigInt(`0x${Buffer.from(p1363.subarray(0, 32)).toString('hex')}`);
  let s = BigInt(`0x${Buffer.from(p1363.subarray(32, 64)).toString('hex')}`);
  if (s > P256_N >> 1n) s = P256_N - s;
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function signLowS(data: Uint8Array, key: KeyObject): Uint8Array {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return cryptoSign('sha256', data, key);
  return lowSDer(cryptoSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }));
}
