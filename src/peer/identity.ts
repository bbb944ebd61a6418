import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { createCA, issue, type Credential } from '../pki/index.js';

/**
 * A test MSP made at run time: an organisation CA and client identities it issues, standing in
 * for the transaction creator the peer would pass in every SignedProposal.
 */
export interface Identity {
  readonly mspId: string;
  readonly name: string;
  readonly credential: Credential;
  /** Signs proposal bytes as a client SDK would (ECDSA P-256 over SHA-256). */
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
    const credential = issue(this.ca, { commonName: name, organization: this.mspId, organizationalUnit: 'client', extendedKeyUsage: ['clientAuth'] });
    const key = createPrivateKey(credential.keyPem);
    const id: Identity = { mspId: this.mspId, name, credential, sign: (data) => cryptoSign('sha256', data, key) };
    this.users.set(name, id);
    return id;
  }
}
