/**
 * A protocol script: what a scripted chaincode server does on one stream (registers, then for
 * each transaction the peer starts, issues the listed requests, one at a time, and ends the
 * transaction), and what the peer side starts (the transactions, the seeded world state). The
 * same script runs through Fabric's own Handler (test/oracle-protocol) and through the mock peer;
 * both are plain JSON so a failing one can be printed and replayed.
 */

/** Where a request goes: its own transaction (default), a txid the peer never started, another channel, none. */
export type Target = 'own' | 'unknown-txid' | 'other-channel' | 'no-channel';

export type Step =
  | { readonly op: 'get'; readonly key: string; readonly to?: Target }
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly to?: Target }
  | { readonly op: 'del'; readonly key: string; readonly to?: Target }
  | { readonly op: 'getMultiple'; readonly keys: readonly string[] }
  | { readonly op: 'writeBatch'; readonly recs: ReadonlyArray<{ readonly kind: 'put' | 'del' | 'putMeta' | 'purge' | 'undefined'; readonly key: string; readonly value: string; readonly collection?: string }> }
  | { readonly op: 'range'; readonly start: string; readonly end: string; readonly page?: { readonly pageSize: number; readonly bookmark: string } }
  | { readonly op: 'query'; readonly query: string; readonly page?: { readonly pageSize: number; readonly bookmark: string } }
  | { readonly op: 'history'; readonly key: string }
  /** QUERY_STATE_NEXT / CLOSE on the id of the n-th query answer of this transaction (a bogus id when there is none). */
  | { readonly op: 'next'; readonly iter: number }
  | { readonly op: 'close'; readonly iter: number }
  | { readonly op: 'getMeta'; readonly key: string }
  | { readonly op: 'putMeta'; readonly key: string; readonly metakey: string | null; readonly value: string }
  | { readonly op: 'purge'; readonly key: string; readonly collection: string }
  | { readonly op: 'hash'; readonly key: string; readonly collection: string }
  | { readonly op: 'privateGet'; readonly key: string; readonly collection: string }
  /** A request of `type` whose payload is these bytes (hex): undecodable payloads. */
  | { readonly op: 'raw'; readonly type: number; readonly hex: string }
  /** The same GET_STATE twice without waiting: the second arrives while the first is outstanding. */
  | { readonly op: 'twice'; readonly key: string }
  /** A COMPLETED for a txid the peer does not know (dropped by the peer). */
  | { readonly op: 'strayCompleted' }
  | { readonly op: 'keepalive' };

export type Ending =
  | { readonly kind: 'completed'; readonly status: number; readonly message: string; readonly payload: string }
  | { readonly kind: 'error'; readonly text: string };

export interface ScriptTx {
  readonly txid: string;
  readonly init?: boolean;
  readonly args: readonly string[];
  readonly steps: readonly Step[];
  readonly end: Ending;
}

/** What the server sends before its transactions: REGISTER variants and messages out of turn. */
export type RegisterStep = 'right' | 'wrong-name' | 'empty-name' | 'undecodable' | 'keepalive' | 'get-state-first';

export interface ProtocolScript {
  /** The messages that open the stream (default: one REGISTER with the right package ID). */
  readonly register?: readonly RegisterStep[];
  /** The seeded world state of the chaincode's namespace (and a neighbour namespace). */
  readonly seed: ReadonlyArray<{ readonly namespace: string; readonly key: string; readonly value: string }>;
  readonly txs: readonly ScriptTx[];
  /** ledger.state.totalQueryLimit */
  readonly totalQueryLimit: number;
}

export const SCRIPT_CHANNEL = 'mychannel';
export const SCRIPT_OTHER_CHANNEL = 'otherchannel';
export const SCRIPT_NAMESPACE = 'asset';
export const SCRIPT_UNKNOWN_TXID = 'f00d';
