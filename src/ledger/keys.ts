import { createHash } from 'node:crypto';

/** Key helpers shared by the world state and the simulator. */

export const SEP = '\u0000';

export function nsKey(channel: string, namespace: string): string {
  return `${channel}${SEP}${namespace}`;
}

/** Joins namespace and collection for private write sets and key spaces. */
export function nsColl(namespace: string, collection: string): string {
  return `${namespace}${SEP}${collection}`;
}

/** The hash Fabric keeps of private values (util.ComputeHash: SHA-256). */
export function privateHash(b: Uint8Array | string): Uint8Array {
  return createHash('sha256').update(b).digest();
}

/** Keys in LevelDB order: ascending by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
