import { HARNESS, PEER, TEST_MSP } from '../config/defaults.js';

/**
 * Everything one run of the mock peer needs, as plain JSON: it travels to the Cucumber steps as
 * world parameters.
 */
export interface RunConfig {
  readonly packagePath: string;
  /** core.yaml's chaincode.externalBuilders, in order; empty means the bundled ccaas builder. */
  readonly builders: ReadonlyArray<{ readonly name: string; readonly path: string; readonly propagateEnvironment: readonly string[] }>;
  /** The peer's environment, from which builders get propagated variables. */
  readonly peerEnv: Readonly<Record<string, string>>;
  /** Dial this address instead of connection.json's (a server already running elsewhere). */
  readonly address: string | null;
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
  readonly smoke: { readonly fn: string; readonly args: readonly string[] };
  readonly mspId: string;
  /** The mock peer's own settings (core.yaml chaincode.* and ledger.*, the chaincode definition); absent = the peer's defaults. */
  readonly peer?: PeerSettings;
}

/** Settings of the mock peer's protocol side, ledger and chaincode definition (src/session/stages/protocol.ts). */
export interface PeerSettings {
  /** ledger.state.stateDatabase: goleveldb (default) or CouchDB key rules and Mango queries. */
  readonly stateDb?: 'leveldb' | 'couchdb';
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
