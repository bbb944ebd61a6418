import type { FabricRelease } from '../catalogue/releases.js';
import type { RuntimeParams } from './codec.js';
import { Endorser, type ProposalRequest, type ProposalResult } from './endorser.js';
import { PeerHandler } from './handler.js';
import { TestMsp } from './identity.js';
import { ChaincodeRegistry, type ChaincodeDefinition } from './registry.js';
import type { ChaincodeStream } from './stream.js';
import { Transcript } from './stream.js';
import { ChaincodeSupport } from './support.js';
import { WorldState, type StateDb } from '../ledger/worldState.js';

/**
 * One mock peer: its ledger, its test MSP, the committed chaincode definitions, the registry of
 * chaincode streams, ChaincodeSupport and the endorser. Streams (dialled by the harness, or
 * in-process) are attached with the package ID the peer launched them for.
 */

export interface MockPeerConfig {
  readonly channels: readonly string[];
  readonly runtimeParams: RuntimeParams;
  readonly executeTimeoutMs: number;
  /** chaincode.keepalive in whole seconds (0 = off, the default). */
  readonly keepaliveSeconds?: number;
  readonly totalQueryLimit?: number;
  /** Channel application capability, e.g. 2.5. */
  readonly applicationCapability?: number;
  readonly stateDb?: StateDb;
  readonly historyEnabled?: boolean;
  /** The peer release whose chaincode Handler to behave as (default: the newest 3.x). */
  readonly fabricRelease?: FabricRelease;
  /** HandlerOptions.misroutedGraceMs: a conformance run's shortcut after a dropped completion. */
  readonly misroutedGraceMs?: number;
}

export class MockPeer {
  readonly registry = new ChaincodeRegistry();
  readonly support: ChaincodeSupport;
  readonly endorser: Endorser;

  constructor(
    readonly config: MockPeerConfig,
    readonly ledger: WorldState = new WorldState(),
    readonly msp: TestMsp = new TestMsp('Org1MSP'),
  ) {
    ledger.configure({ ...(config.stateDb ? { stateDb: config.stateDb } : {}), ...(config.historyEnabled !== undefined ? { historyEnabled: config.historyEnabled } : {}) });
    this.support = new ChaincodeSupport(this.registry, ledger, { executeTimeoutMs: config.executeTimeoutMs, channels: config.channels });
    this.endorser = new Endorser(this.support, ledger);
  }

  /** Commits a chaincode definition on every channel of this peer (name, package, collections). */
  define(d: ChaincodeDefinition): void {
    this.registry.define(d);
    for (const ch of this.config.channels) this.ledger.defineCollections(ch, d.name, d.collections);
  }

  definition(name: string): ChaincodeDefinition | undefined {
    return this.registry.definition(name);
  }

  /** The peer launched `packageId` and has its stream: the handler waits for REGISTER. */
  attach(stream: ChaincodeStream, packageId: string, transcript?: Transcript, beforeRegistered?: () => Promise<void>): PeerHandler {
    this.registry.launch(packageId);
    return new PeerHandler(stream, {
      packageId,
      runtimeParams: this.config.runtimeParams,
      ledger: this.ledger,
      registry: this.registry,
      invoker: this.support,
      ...(transcript ? { transcript } : {}),
      ...(beforeRegistered ? { beforeRegistered } : {}),
      ...(this.config.keepaliveSeconds ? { keepaliveSeconds: this.config.keepaliveSeconds } : {}),
      ...(this.config.totalQueryLimit ? { totalQueryLimit: this.config.totalQueryLimit } : {}),
      ...(this.config.applicationCapability ? { applicationCapability: this.config.applicationCapability } : {}),
      ...(this.config.fabricRelease ? { fabricRelease: this.config.fabricRelease } : {}),
      ...(this.config.misroutedGraceMs !== undefined ? { misroutedGraceMs: this.config.misroutedGraceMs } : {}),
    });
  }

  /** A proposal through the endorser: `commit` true is invoke, false is query. */
  propose(req: ProposalRequest): Promise<ProposalResult> {
    return this.endorser.propose(req);
  }
}
