import type { TxSimulator } from '../ledger/simulator.js';
import type { WorldState } from '../ledger/worldState.js';
import { decodeResponse, MessageType as T, type ChaincodeEventData, type ChaincodeMsg, type ResponseData } from './codec.js';
import { PeerHandler, type Invoker, type TxParams } from './handler.js';
import type { ChaincodeRegistry } from './registry.js';

/**
 * ChaincodeSupport of the mock peer (core/chaincode/chaincode_support.go): CheckInvocation
 * against the committed definitions (INIT vs TRANSACTION, `--init-required`), "launch" (find the
 * registered handler of the definition's package), execute with chaincode.executetimeout, and
 * processChaincodeExecutionResult. It is also the Invoker behind INVOKE_CHAINCODE.
 */

/** The key CheckInvocation keeps the initialized version under: "\x00" + U+10FFFF + "initialized". */
export const INITIALIZED_KEY = `\u0000\u{10FFFF}initialized`;

export type Processed =
  | { readonly ok: true; readonly response: ResponseData; readonly event: ChaincodeEventData | null; readonly ms: number }
  | { readonly ok: false; readonly error: string; readonly event: ChaincodeEventData | null; readonly ms: number };

export interface SupportConfig {
  /** chaincode.executetimeout (values below 1 s mean 30 s). */
  readonly executeTimeoutMs: number;
  /** The channels this peer has joined (ledgers that exist). */
  readonly channels: readonly string[];
}

export class ChaincodeSupport implements Invoker {
  constructor(
    readonly registry: ChaincodeRegistry,
    readonly ledger: WorldState,
    private readonly cfg: SupportConfig,
  ) {}

  get executeTimeoutMs(): number {
    return this.cfg.executeTimeoutMs < 1000 ? 30_000 : this.cfg.executeTimeoutMs;
  }

  hasChannel(channelId: string): boolean {
    return this.cfg.channels.includes(channelId);
  }

  newSimulator(channelId: string, txId: string): TxSimulator {
    return this.ledger.newTxSimulator(channelId, txId);
  }

  /** CheckInvocation: which package, and INIT or TRANSACTION. Writes the initialized key for INIT. */
  checkInvocation(params: TxParams, name: string, isInit: boolean): { ok: true; packageId: string; type: 'INIT' | 'TRANSACTION' } | { ok: false; error: string } {
    const def = this.registry.definition(name);
    if (!def) return { ok: false, error: `[channel ${params.channelId}] failed to get chaincode container info for ${name}: chaincode ${name} not found` };
    let needsInitialization = false;
    if (def.initRequired) {
      const v = params.simulator.getState(name, INITIALIZED_KEY);
      needsInitialization = !(v && Buffer.from(v).toString('utf8') === def.version);
    }
    if (isInit) {
      if (!def.initRequired) return { ok: false, error: `chaincode '${name}' does not require initialization but called as init` };
      if (!needsInitialization) return { ok: false, error: `chaincode '${name}' is already initialized but called as init` };
      const e = params.simulator.setState(name, INITIALIZED_KEY, Buffer.from(def.version, 'utf8'));
      if (e) return { ok: false, error: `could not set 'initialized' key: ${e}` };
      return { ok: true, packageId: def.packageId, type: 'INIT' };
    }
    if (needsInitialization) return { ok: false, error: `chaincode '${name}' has not been initialized for this version, must call as init first` };
    return { ok: true, packageId: def.packageId, type: 'TRANSACTION' };
  }

  /** ChaincodeSupport.Invoke: the callee's COMPLETED/ERROR message, or the wrapped error. */
  async invoke(params: TxParams, name: string, args: readonly Uint8Array[], isInit: boolean): Promise<{ ok: true; message: ChaincodeMsg; ms: number } | { ok: false; error: string; ms: number }> {
    const ci = this.checkInvocation(params, name, isInit);
    if (!ci.ok) return { ok: false, error: `invalid invocation: ${ci.error}`, ms: 0 };
    const h = this.registry.handler(ci.packageId);
    if (!(h instanceof PeerHandler) || h.isEnded) {
      return { ok: false, error: `could not launch chaincode ${ci.packageId}: the mock peer has no chaincode server registered for this package`, ms: 0 };
    }
    const r = await h.execute(params, name, ci.type, args, this.executeTimeoutMs);
    return r.ok ? r : { ok: false, error: `error sending: ${r.error}`, ms: r.ms };
  }

  /** ChaincodeSupport.Execute = Invoke + processChaincodeExecutionResult. */
  async execute(params: TxParams, name: string, args: readonly Uint8Array[], isInit: boolean): Promise<Processed> {
    const r = await this.invoke(params, name, args, isInit);
    if (!r.ok) return { ok: false, error: `failed to execute transaction ${params.txId}: ${r.error}`, event: null, ms: r.ms };
    const m = r.message;
    const event = m.event ? { ...m.event, chaincodeId: name, txId: params.txId } : null;
    if (m.type === T.COMPLETED) {
      const response = decodeResponse(m.payload);
      if (!response) return { ok: false, error: `failed to unmarshal response for transaction ${params.txId}: proto: cannot parse invalid wire-format data`, event: null, ms: r.ms };
      return { ok: true, response, event, ms: r.ms };
    }
    if (m.type === T.ERROR) return { ok: false, error: `transaction returned with failure: ${Buffer.from(m.payload).toString('utf8')}`, event, ms: r.ms };
    return { ok: false, error: `unexpected response type ${m.type} for transaction ${params.txId}`, event: null, ms: r.ms };
  }
}
