import type { TxSimulator } from '../ledger/simulator.js';
import type { WorldState } from '../ledger/worldState.js';
import { decodeSignedProposal, type ProposalView, type ResponseData } from './codec.js';
import type { TxParams } from './handler.js';
import type { Identity } from './identity.js';
import { buildProposal, type BuiltProposal } from './proposal.js';
import type { ChaincodeSupport } from './support.js';

/**
 * The endorser's part of an invocation, as core/endorser/endorser.go does it, plus the commit a
 * network would do afterwards: a SignedProposal built like a client's, the definition check,
 * simulation through ChaincodeSupport, the status rules (< 400 endorsed; 400..499 response only;
 * >= 500 response and payload, not endorsed), and the write set committed to the mock ledger
 * when the proposal was endorsed (configurable: queries never commit).
 */

export interface ProposalRequest {
  readonly channelId: string;
  readonly chaincodeName: string;
  readonly args: readonly Uint8Array[];
  readonly isInit?: boolean;
  readonly transient?: ReadonlyMap<string, Uint8Array>;
  readonly creator: Identity;
  /** Commit the simulation results when endorsed (invoke); false for query (evaluate). */
  readonly commit: boolean;
  /** A SignedProposal the client built beforehand (benchmarks keep client work out of the peer's time). */
  readonly signed?: BuiltProposal;
}

export interface ProposalResult {
  readonly txId: string;
  /** The Response the client sees (status 500 with the peer's message when simulation failed). */
  readonly response: ResponseData;
  readonly endorsed: boolean;
  /** The peer's error text when the simulation failed (`error in simulation: ...`), else null. */
  readonly peerError: string | null;
  readonly event: { readonly name: string; readonly payload: Uint8Array } | null;
  readonly committed: boolean;
  readonly ms: number;
  /** The simulator, for inspecting what the transaction read and wrote. */
  readonly simulator: TxSimulator;
}

/** The transaction's parameters; the SignedProposal is parsed only when the peer needs the creator. */
class ProposalParams implements TxParams {
  private view: ProposalView | null | undefined = undefined;

  constructor(
    readonly txId: string,
    readonly channelId: string,
    readonly signedProposal: Uint8Array,
    readonly simulator: TxSimulator,
  ) {}

  get proposal(): ProposalView | null {
    if (this.view === undefined) this.view = decodeSignedProposal(this.signedProposal);
    return this.view;
  }
}

export class Endorser {
  constructor(
    private readonly support: ChaincodeSupport,
    private readonly ledger: WorldState,
  ) {}

  async propose(req: ProposalRequest): Promise<ProposalResult> {
    const started = performance.now();
    const isInit = req.isInit ?? false;
    const built = req.signed ?? buildProposal({ channelId: req.channelId, chaincodeName: req.chaincodeName, args: req.args, isInit, creator: req.creator, ...(req.transient ? { transient: req.transient } : {}) });
    const simulator = this.ledger.newTxSimulator(req.channelId, built.txId);
    const params = new ProposalParams(built.txId, req.channelId, built.signedProposal, simulator);
    const txId = built.txId;
    const elapsed = (): number => Math.round(performance.now() - started);
    if (!this.support.registry.definition(req.chaincodeName)) {
      const msg = `make sure the chaincode ${req.chaincodeName} has been successfully defined on channel ${req.channelId} and try again: chaincode ${req.chaincodeName} not found`;
      return { txId, simulator, response: { status: 500, message: msg, payload: new Uint8Array() }, endorsed: false, peerError: msg, event: null, committed: false, ms: elapsed() };
    }
    const r = await this.support.execute(params, req.chaincodeName, req.args, isInit);
    if (!r.ok) {
      const msg = `error in simulation: ${r.error}`;
      return { txId, simulator, response: { status: 500, message: msg, payload: new Uint8Array() }, endorsed: false, peerError: msg, event: null, committed: false, ms: elapsed() };
    }
    const status = r.response.status;
    const endorsed = status < 400;
    // 400..499: the proposal response carries only the Response; >= 500 also the (unendorsed) payload.
    const response = r.response;
    const event = endorsed && r.event ? { name: r.event.eventName, payload: r.event.payload } : null;
    let committed = false;
    if (endorsed && req.commit) {
      this.ledger.commit(simulator.results(), r.event ? { chaincodeId: req.chaincodeName, eventName: r.event.eventName, payload: r.event.payload } : undefined, params.proposal?.timestamp ?? undefined);
      committed = true;
    }
    return { txId, simulator, response, endorsed, peerError: null, event, committed, ms: elapsed() };
  }
}
