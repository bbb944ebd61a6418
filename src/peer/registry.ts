import type { CollectionConfig } from '../ledger/worldState.js';

/**
 * The peer-wide state one mock peer shares between its chaincode streams, after Fabric's
 * `handler_registry.go` (which package IDs are being launched, which have a registered handler)
 * and the committed chaincode definitions of `_lifecycle` (name → package, version, init
 * required, collections) that CheckInvocation and INVOKE_CHAINCODE read.
 */

export interface ChaincodeDefinition {
  /** The chaincode name (the namespace of its state). */
  readonly name: string;
  /** The installed package ID this peer runs for the definition. */
  readonly packageId: string;
  readonly version: string;
  /** `--init-required`: the first invocation must be INIT. */
  readonly initRequired: boolean;
  readonly collections: readonly CollectionConfig[];
}

/** What a registered stream offers to the rest of the peer (implemented by PeerHandler). */
export interface RegisteredHandler {
  readonly packageId: string;
}

export type RegisterVerdict = { readonly ok: true } | { readonly ok: false; readonly error: string };

export class ChaincodeRegistry {
  private readonly launching = new Set<string>();
  private readonly handlers = new Map<string, RegisteredHandler>();
  private readonly definitions = new Map<string, ChaincodeDefinition>();

  /** The peer starts a launch for this package ID (it dials, or waits for, the chaincode). */
  launch(packageId: string): void {
    this.launching.add(packageId);
  }

  /** HandlerRegistry.Register: duplicate first, then "was it launched by this peer". */
  register(name: string, h: RegisteredHandler): RegisterVerdict {
    if (this.handlers.has(name)) return { ok: false, error: `duplicate chaincodeID: ${name}` };
    if (!this.launching.has(name)) return { ok: false, error: `peer will not accept external chaincode connection ${name} (except in dev mode)` };
    this.handlers.set(name, h);
    return { ok: true };
  }

  /** HandlerRegistry.Deregister: the stream ended; the next invocation relaunches. */
  deregister(name: string, h: RegisteredHandler): void {
    if (this.handlers.get(name) !== h) return;
    this.handlers.delete(name);
    this.launching.delete(name);
  }

  handler(packageId: string): RegisteredHandler | undefined {
    return this.handlers.get(packageId);
  }

  define(d: ChaincodeDefinition): void {
    this.definitions.set(d.name, d);
  }

  definition(name: string): ChaincodeDefinition | undefined {
    return this.definitions.get(name);
  }
}

/** The names the peer treats as system chaincodes (INVOKE_CHAINCODE ACL and context rules). */
export const SYSTEM_CHAINCODES: ReadonlySet<string> = new Set(['_lifecycle', 'lscc', 'cscc', 'qscc']);

/** ParseName: `name[:version][/channel]` (version ignored). */
export function parseChaincodeName(s: string): { name: string; channel: string } {
  const slash = s.indexOf('/');
  const channel = slash >= 0 ? s.slice(slash + 1) : '';
  const head = slash >= 0 ? s.slice(0, slash) : s;
  const colon = head.indexOf(':');
  return { name: colon >= 0 ? head.slice(0, colon) : head, channel };
}
