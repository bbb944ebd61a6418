/**
 * The rule catalogue's vocabulary. A rule is one behaviour of the real Fabric peer (or of an
 * official shim) that a CCaaS package or chaincode server must satisfy, with the peer's source
 * location and a remediation hint. Checks and scenarios refer to rules by id.
 */

import type { FabricRelease } from './releases.js';

export type Family = 'PKG' | 'CODE' | 'BLD' | 'CONN' | 'DIAL' | 'PROTO' | 'SHIM' | 'DRIFT';

/** MUST: the real peer fails. SHOULD: the peer works, but the setup is fragile or non-portable. */
export type Level = 'MUST' | 'SHOULD';

/**
 * How sure the catalogue is of the peer behaviour it states, in the reference's own terms:
 * code = read in the Fabric source [C]; replica = reproduced with a Go replica [V];
 * inferred = from library semantics, not executed [I]; unsure = either outcome possible [U];
 * settled = an [I]/[U] item decided since by running real Go code (see `settledBy`);
 * fabric = checked by the test suite against Fabric's own code at the pinned commit (the
 * differential oracle test/oracle-fabric, built where Fabric's Go modules can be had), beyond
 * the replica; for PROTO rules, only those the protocol oracle (test/oracle-protocol: Fabric's
 * own chaincode Handler at v2.5.16 and v3.1.5) covers, listed in PROTOCOL_ORACLE_RULES.
 */
export type Confidence = 'code' | 'replica' | 'inferred' | 'unsure' | 'settled' | 'fabric';

export type SourceRepo = 'fabric' | 'fabric-protos' | 'fabric-chaincode-go' | 'fabric-chaincode-node' | 'fabric-chaincode-java' | 'fabric-samples' | 'go';

export interface SourceRef {
  readonly repo: SourceRepo;
  /** Path inside the repository at the commit of `SOURCE_COMMITS`. */
  readonly path: string;
  /** Function, type or constant names, as in the source. */
  readonly symbols?: readonly string[];
}

export interface Rule {
  readonly id: string;
  readonly family: Family;
  readonly level: Level;
  readonly title: string;
  /** What the real peer does, in one or two sentences. */
  readonly peer: string;
  readonly source: readonly SourceRef[];
  /** What the user should change when the rule fails. */
  readonly remedy: string;
  readonly confidence: Confidence;
  /** For `settled` rules: how the [I]/[U] item was decided, and the answer. */
  readonly settledBy?: string;
  /** For DRIFT entries: the documentation's claim, shown beside the code's behaviour. */
  readonly docSays?: string;
  /** Rules this one is a doc-drift of, or depends on. */
  readonly related?: readonly string[];
  /**
   * Which pinned peer releases (src/catalogue/releases.ts) the rule holds for, and how the
   * releases' peers differ on it; absent: every release, identically. The mock peer behaves as the
   * release --fabric-release names (default 3.1).
   */
  readonly releases?: ReleaseScope;
}

export interface ReleaseScope {
  readonly appliesTo: readonly FabricRelease[];
  /** What a release's peer does differently, per release. */
  readonly differences?: Readonly<Partial<Record<FabricRelease, string>>>;
}

/** Commits the catalogue's source locations refer to (reference §0). */
export const SOURCE_COMMITS: Readonly<Record<SourceRepo, string>> = {
  fabric: '0c423ac47fd8',
  'fabric-protos': 'a7cefb8a',
  'fabric-chaincode-go': 'ea8b3041',
  'fabric-chaincode-node': '2d24e8d0',
  'fabric-chaincode-java': 'b95400ba',
  'fabric-samples': 'c9b221e4',
  go: 'go1.26.5',
};

const REPO_URL: Readonly<Record<SourceRepo, string>> = {
  fabric: 'https://github.com/hyperledger/fabric',
  'fabric-protos': 'https://github.com/hyperledger/fabric-protos',
  'fabric-chaincode-go': 'https://github.com/hyperledger/fabric-chaincode-go',
  'fabric-chaincode-node': 'https://github.com/hyperledger/fabric-chaincode-node',
  'fabric-chaincode-java': 'https://github.com/hyperledger/fabric-chaincode-java',
  'fabric-samples': 'https://github.com/hyperledger/fabric-samples',
  go: 'https://github.com/golang/go',
};

/** A link to the source file at the pinned commit, for reports. */
export function sourceUrl(ref: SourceRef): string {
  return `${REPO_URL[ref.repo]}/blob/${SOURCE_COMMITS[ref.repo]}/${ref.path}`;
}
