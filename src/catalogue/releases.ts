/**
 * The Fabric peer releases a verdict can be given for. Most production networks run the 2.5 LTS
 * line; the newest line is 3.x. Between them the packaging, builder and dial code barely changed,
 * but the chaincode Handler did (READY's ChaincodeAdditionalParams, WRITE_BATCH_STATE and
 * GET_STATE_MULTIPLE exist only in 3.x). Each release is pinned to the commit of its tag, and every
 * test that builds Fabric's own code (the oracles, a real peer) builds it at these commits.
 */

export type FabricRelease = '2.5' | '3.1';

export interface FabricReleasePin {
  readonly release: FabricRelease;
  /** The release tag in hyperledger/fabric. */
  readonly tag: string;
  /** The commit the tag names. */
  readonly commit: string;
}

export const FABRIC_RELEASES: Readonly<Record<FabricRelease, FabricReleasePin>> = {
  '2.5': { release: '2.5', tag: 'v2.5.16', commit: 'f871cf92a026aba7b12e6f06d71ded3e6e659d71' },
  '3.1': { release: '3.1', tag: 'v3.1.5', commit: '86c1172bec37e6590c6b1ae6f847833df48d65fc' },
};

/** The release a run models when none is asked for: the newest line. */
export const DEFAULT_FABRIC_RELEASE: FabricRelease = '3.1';

export function isFabricRelease(s: string): s is FabricRelease {
  return Object.prototype.hasOwnProperty.call(FABRIC_RELEASES, s);
}
