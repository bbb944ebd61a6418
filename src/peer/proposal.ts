import { createHash, randomBytes } from 'node:crypto';
import { encodeSerializedIdentity, encodeSignedProposal } from './codec.js';
import type { Identity } from './identity.js';

export interface Invocation {
  readonly channelId: string;
  readonly chaincodeName: string;
  readonly args: readonly Uint8Array[];
  readonly isInit: boolean;
  readonly transient?: ReadonlyMap<string, Uint8Array>;
  readonly creator: Identity;
}

export interface BuiltProposal {
  readonly txId: string;
  readonly signedProposal: Uint8Array;
}

/** Fabric's transaction ID: hex(SHA-256(nonce ‖ serialized creator)). */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

/** A SignedProposal as a real client builds it: fresh 24-byte nonce, derived txid, signed bytes. */
export function buildProposal(inv: Invocation, now: Date = new Date()): BuiltProposal {
  const nonce = randomBytes(24);
  const creator = encodeSerializedIdentity(inv.creator.mspId, inv.creator.credential.certPem);
  const txId = computeTxId(nonce, creator);
  const signedProposal = encodeSignedProposal(
    {
      channelId: inv.channelId,
      txId,
      chaincodeName: inv.chaincodeName,
      mspId: inv.creator.mspId,
      creatorCertPem: inv.creator.credential.certPem,
      nonce,
      timestamp: now,
      args: inv.args,
      isInit: inv.isInit,
      transient: inv.transient ?? new Map(),
    },
    (bytes) => inv.creator.sign(bytes),
  );
  return { txId, signedProposal };
}
