import type { ResolveEntry } from '../dial/redirect.js';
import type { FabricRelease } from '../catalogue/releases.js';
import type { PackageLimits } from '../package/limits.js';
import { HARNESS, PEER, TEST_MSP } from '../config/defaults.js';

/**
 * Everything one run of the mock peer needs, as plain JSON: it travels to the Cucumber steps as
 * world parameters.
 */
export interface RunConfig {
  readonly packagePath: string;
  /** core.yaml's chaincode.externalBuilders, in order; empty without builderSetup means the sample's ccaas_builder (the bundled twin). */
  readonly builders: ReadonlyArray<{ readonly name: string; readonly path: string; readonly propagateEnvironment: readonly string[] }>;
  /** The peer's environment, from which builders get propagated variables. */
  readonly peerEnv: Readonly<Record<string, string>>;
  /** Dial this address instead of connection.json's (a server already running elsewhere). */
  readonly address: string | null;
  /** --resolve HOST:PORT:ADDR entries (curl's meaning): TCP to HOST:PORT goes to ADDR; the peer's view stays HOST:PORT. */
  readonly resolve?: readonly ResolveEntry[];
  /** Start the chaincode server with this shell command. */
  readonly command: string | null;
  /** Package, builder and connection.json only: dial and protocol rules are disabled. */
  readonly offline: boolean;
  /** Scratch space of this run; removed at the end. */
  readonly workDir: string;
  readonly builderTimeoutMs: number;
  readonly registerTimeoutMs: number;
  readonly executeTimeoutMs: number;
  readonly channelId: string;
  /** The smoke transaction: function and arguments. */
  readonly smoke: { readonly fn: string; readonly args: readonly string[]; /** Given with --smoke: its failure fails the run (as the chaincode's answer, not the peer's). */ readonly requested?: boolean };
  readonly mspId: string;
  /** The harness's caps on reading the package (PKG-16); absent = DEFAULT_PACKAGE_LIMITS. */
  readonly packageLimits?: PackageLimits;
  /** The mock peer's own settings (core.yaml chaincode.* and ledger.*, the chaincode definition); absent = the peer's defaults. */
  readonly peer?: PeerSettings;
  /** The chaincode server's own TLS files (--server-cert, --server-key, --server-client-ca), for the certificate lint. */
  readonly serverTls?: { readonly cert: string | null; readonly key: string | null; readonly clientCa: string | null };
  /**
   * Where `builders` came from and what the peer made of it (--core-yaml, CORE_CHAINCODE_EXTERNALBUILDERS,
   * --builder; src/builder/peerConfig.ts). Absent: `builders` as given, or the sample core.yaml's ccaas_builder when empty.
   */
  readonly builderSetup?: {
    readonly source: 'core.yaml' | 'CORE_CHAINCODE_EXTERNALBUILDERS' | 'flags' | 'default';
    /** The peer would refuse to start with this text (BLD-01). */
    readonly startError: string | null;
    readonly startErrorInexact: boolean;
    readonly notes: readonly string[];
    readonly vmEndpoint: string;
    /** Raw core.yaml / CORE_* values the build stage reports on (chaincode.installTimeout, chaincode.keepalive, peer.fileSystemPath...). */
    readonly settings: { readonly [key: string]: string | null };
  };
  /** --peer NAME --builder-config JSON pairs: the package is also built once per peer with that CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG (BLD-22). */
  readonly peers?: ReadonlyArray<{ readonly name: string; readonly builderConfig: string }>;
}

/** Settings of the mock peer's protocol side, ledger and chaincode definition (src/session/stages/protocol.ts). */
export interface PeerSettings {
  /** ledger.state.stateDatabase: goleveldb (default) or CouchDB key rules and Mango queries. */
  readonly stateDb?: 'leveldb' | 'couchdb';
  /** chaincode.startuptimeout (from --core-yaml or CORE_CHAINCODE_STARTUPTIMEOUT; default the sample core.yaml's 300 s). */
  readonly startupTimeoutMs?: number;
  /** chaincode.keepalive in whole seconds; 0 (default) sends no KEEPALIVE. */
  readonly keepaliveSeconds?: number;
  /** The definition's --init-required: the first invocation must be INIT. */
  readonly initRequired?: boolean;
  /** Private data collections of the definition (member MSP IDs). */
  readonly collections?: ReadonlyArray<{ readonly name: string; readonly memberOrgs: readonly string[]; readonly memberOnlyRead?: boolean; readonly memberOnlyWrite?: boolean }>;
  /** chaincode.runtimeParams for READY (default: the sample core.yaml's). */
  readonly runtimeParams?: { readonly useWriteBatch: boolean; readonly maxSizeWriteBatch: number; readonly useGetMultipleKeys: boolean; readonly maxSizeGetMultipleKeys: number };
  /** Skip the extra server checks (second peer, reconnect, concurrency) of the transaction stage. */
  readonly smokeOnly?: boolean;
  /** --fabric-release: the peer release whose chaincode Handler the mock peer behaves as (default 3.1). */
  readonly fabricRelease?: FabricRelease;
}

export function defaultRunConfig(packagePath: string, workDir: string): RunConfig {
  return {
    packagePath,
    builders: [],
    peerEnv: {},
    address: null,
    command: null,
    offline: false,
    workDir,
    builderTimeoutMs: HARNESS.builderTimeoutMs,
    registerTimeoutMs: HARNESS.registerTimeoutMs,
    executeTimeoutMs: PEER.executeTimeoutMs,
    channelId: TEST_MSP.channelId,
    // Every contract-API chaincode (Node, Go, Java) answers this system function with 200.
    smoke: { fn: 'org.hyperledger.fabric:GetMetadata', args: [] },
    mspId: TEST_MSP.mspId,
  };
}
