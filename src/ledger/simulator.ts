import { asJsonObject, couchKeyError, couchValueError, goMarshal } from './couchValue.js';
import { decodeBookmark, encodeBookmark, parseMango, runMango, type MangoDoc } from './mango.js';
import { compareKeys, nsColl, privateHash } from './keys.js';
import type { WorldState } from './worldState.js';

/**
 * One transaction's simulation, as Fabric's txSimulator behaves (core/ledger/kvledger/txmgmt/
 * txmgr/tx_simulator.go, query_executor.go): reads see committed state only (never the
 * transaction's own writes), writes are collected per namespace, private data writes per
 * collection, and the read-only rules hold (no writes after a paginated or private-data query,
 * no such queries after a write). Errors are returned as the ledger's own texts.
 */

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
function err<T = never>(error: string): Result<T> {
  return { ok: false, error };
}

export type QueryItem =
  | { readonly kind: 'kv'; readonly namespace: string; readonly key: string; readonly value: Uint8Array }
  | { readonly kind: 'km'; readonly txId: string; readonly value: Uint8Array; readonly timestamp: Date; readonly isDelete: boolean };

/** A ledger results iterator: `next()` gives null at the end; `bookmark()` is the paginated one. */
export interface ResultsIterator {
  next(): QueryItem | null;
  /** For paginated queries: where the next page starts ('' when nothing is left). */
  bookmark(): string;
  /** Notes for the transcript (e.g. what CouchDB would additionally require). */
  readonly notes: readonly string[];
}

export interface SimulationResults {
  readonly channel: string;
  readonly txId: string;
  readonly writes: ReadonlyMap<string, ReadonlyMap<string, Uint8Array | null>>;
  readonly metadataWrites: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>>;
  readonly privateWrites: ReadonlyMap<string, ReadonlyMap<string, Uint8Array | null>>;
  readonly privateMetadataWrites: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>>;
  /** Namespace → keys read, with the version seen (null when absent). */
  readonly reads: ReadonlyMap<string, ReadonlyMap<string, string | null>>;
}

function sub<K, V>(m: Map<string, Map<K, V>>, k: string): Map<K, V> {
  let s = m.get(k);
  if (!s) {
    s = new Map();
    m.set(k, s);
  }
  return s;
}

function listIterator(items: QueryItem[], bookmark = '', notes: readonly string[] = []): ResultsIterator {
  let i = 0;
  return { next: () => (i < items.length ? (items[i++] as QueryItem) : null), bookmark: () => bookmark, notes };
}

export class TxSimulator {
  private readonly writes = new Map<string, Map<string, Uint8Array | null>>();
  private readonly metadataWrites = new Map<string, Map<string, Map<string, Uint8Array>>>();
  private readonly privateWrites = new Map<string, Map<string, Uint8Array | null>>();
  private readonly privateMetadataWrites = new Map<string, Map<string, Map<string, Uint8Array>>>();
  private readonly reads = new Map<string, Map<string, string | null>>();
  private writePerformed = false;
  private pvtdataQueriesPerformed = false;
  private paginatedQueriesPerformed = false;

  constructor(
    private readonly state: WorldState,
    readonly channel: string,
    readonly txId: string,
  ) {}

  get hasWrites(): boolean {
    return this.writes.size + this.privateWrites.size + this.metadataWrites.size + this.privateMetadataWrites.size > 0;
  }

  // ---- public state ---------------------------------------------------------------------------

  getState(ns: string, key: string): Uint8Array | undefined {
    const v = this.state.get(this.channel, ns, key);
    const r = sub(this.reads, ns);
    if (!r.has(key)) r.set(key, v ? `${v.version.block}:${v.version.tx}` : null);
    return v?.value;
  }

  getStateMultiple(ns: string, keys: readonly string[]): Array<Uint8Array | undefined> {
    return keys.map((k) => this.getState(ns, k));
  }

  getStateMetadata(ns: string, key: string): ReadonlyMap<string, Uint8Array> {
    return this.state.get(this.channel, ns, key)?.metadata ?? new Map();
  }

  private checkWritePrecondition(key: string, value: Uint8Array | null, badKey: Uint8Array | null): string | null {
    if (this.pvtdataQueriesPerformed) return `txid [${this.txId}]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed`;
    if (this.paginatedQueriesPerformed) return `txid [${this.txId}]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed`;
    this.writePerformed = true;
    if (this.state.stateDb === 'couchdb') return couchKeyError(key, badKey === null, badKey ?? undefined) ?? (value ? couchValueError(value) : null);
    return null;
  }

  /** SetState (value) or DeleteState (null); returns the ledger's error text, if any. */
  /** `badKey`: the key's bytes when the request carried invalid UTF-8 (CouchDB refuses them). */
  setState(ns: string, key: string, value: Uint8Array | null, badKey: Uint8Array | null = null): string | null {
    const e = this.checkWritePrecondition(key, value, badKey);
    if (e) return e;
    // the write set's KVWrite has IsDelete = len(value) == 0: an empty value is a delete
    sub(this.writes, ns).set(key, value && value.length > 0 ? value : null);
    return null;
  }

  setStateMetadata(ns: string, key: string, metadata: ReadonlyMap<string, Uint8Array>): string | null {
    const e = this.checkWritePrecondition(key, null, null);
    if (e) return e;
    // rwsetBuilder.AddToMetadataWriteSet: a later write of the key's metadata replaces the earlier one
    sub(this.metadataWrites, ns).set(key, new Map(metadata));
    return null;
  }

  // ---- private data ---------------------------------------------------------------------------

  /** queryExecutor.validateCollName: the collection must be in the chaincode definition. */
  validateCollName(ns: string, coll: string): string | null {
    // A chaincode defined through _lifecycle always has a collection config package (its implicit
    // org collections at least); the validator marks a namespace's cached config with the empty
    // collection name, so '' passes (collection_val.go collConfigCache.populate).
    if (coll === '') return null;
    if (this.state.collection(this.channel, ns, coll)) return null;
    return `collection [${coll}] not defined in the collection config for chaincode [${ns}]`;
  }

  getPrivateData(ns: string, coll: string, key: string): Result<Uint8Array | undefined> {
    const e = this.validateCollName(ns, coll);
    if (e) return err(e);
    return ok(this.state.getPrivate(this.channel, ns, coll, key)?.value);
  }

  getPrivateDataMultiple(ns: string, coll: string, keys: readonly string[]): Result<Array<Uint8Array | undefined>> {
    const e = this.validateCollName(ns, coll);
    if (e) return err(e);
    return ok(keys.map((k) => this.state.getPrivate(this.channel, ns, coll, k)?.value));
  }

  /** The hash of the committed private value (what every peer of the channel has). */
  getPrivateDataHash(ns: string, coll: string, key: string): Result<Uint8Array | undefined> {
    const e = this.validateCollName(ns, coll);
    if (e) return err(e);
    const v = this.state.getPrivate(this.channel, ns, coll, key);
    return ok(v ? privateHash(v.value) : undefined);
  }

  getPrivateDataMetadata(ns: string, coll: string, key: string): Result<ReadonlyMap<string, Uint8Array>> {
    const e = this.validateCollName(ns, coll);
    if (e) return err(e);
    return ok(this.state.getPrivate(this.channel, ns, coll, key)?.metadata ?? new Map());
  }

  setPrivateData(ns: string, coll: string, key: string, value: Uint8Array | null, badKey: Uint8Array | null = null): string | null {
    const e = this.validateCollName(ns, coll) ?? this.checkWritePrecondition(key, value, badKey);
    if (e) return e;
    sub(this.privateWrites, nsColl(ns, coll)).set(key, value && value.length > 0 ? value : null);
    return null;
  }

  purgePrivateData(ns: string, coll: string, key: string): string | null {
    // Purging removes the value and its hash, like a delete that also drops history (BTL-less purge).
    return this.setPrivateData(ns, coll, key, null);
  }

  setPrivateDataMetadata(ns: string, coll: string, key: string, metadata: ReadonlyMap<string, Uint8Array>): string | null {
    const e = this.validateCollName(ns, coll) ?? this.checkWritePrecondition(key, null, null);
    if (e) return e;
    sub(this.privateMetadataWrites, nsColl(ns, coll)).set(key, new Map(metadata));
    return null;
  }

  // ---- queries --------------------------------------------------------------------------------

  private rangeKeys(keys: readonly string[], startKey: string, endKey: string): string[] {
    return keys.filter((k) => (startKey === '' || compareKeys(k, startKey) >= 0) && (endKey === '' || compareKeys(k, endKey) < 0));
  }

  getStateRangeScanIterator(ns: string, startKey: string, endKey: string): Result<ResultsIterator> {
    const keys = this.rangeKeys(this.state.keys(this.channel, ns), startKey, endKey);
    return ok(listIterator(keys.map((key) => ({ kind: 'kv', namespace: ns, key, value: (this.state.get(this.channel, ns, key) as { value: Uint8Array }).value }))));
  }

  /** LevelDB and CouchDB paginated range: at most pageSize results; bookmark = the next key ('' at the end). */
  getStateRangeScanIteratorWithPagination(ns: string, startKey: string, endKey: string, pageSize: number): Result<ResultsIterator> {
    if (this.writePerformed) return err(`txid [${this.txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`);
    this.paginatedQueriesPerformed = true;
    const keys = this.rangeKeys(this.state.keys(this.channel, ns), startKey, endKey);
    const limit = pageSize > 0 ? pageSize : keys.length;
    let i = 0;
    return ok({
      next: () => {
        if (i >= limit || i >= keys.length) return null;
        const key = keys[i++] as string;
        return { kind: 'kv', namespace: ns, key, value: (this.state.get(this.channel, ns, key) as { value: Uint8Array }).value };
      },
      bookmark: () => keys[i] ?? '',
      notes: [],
    });
  }

  getPrivateDataRangeScanIterator(ns: string, coll: string, startKey: string, endKey: string): Result<ResultsIterator> {
    if (this.writePerformed) return err(`txid [${this.txId}]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction`);
    this.pvtdataQueriesPerformed = true;
    const e = this.validateCollName(ns, coll);
    if (e) return err(e);
    const keys = this.rangeKeys(this.state.privateKeys(this.channel, ns, coll), startKey, endKey);
    return ok(listIterator(keys.map((key) => ({ kind: 'kv', namespace: ns, key, value: (this.state.getPrivate(this.channel, ns, coll, key) as { value: Uint8Array }).value }))));
  }

  private docs(keys: readonly string[], valueOf: (k: string) => Uint8Array): MangoDoc[] {
    return keys.map((key) => {
      const value = valueOf(key);
      return { key, fields: asJsonObject(value), value };
    });
  }

  private mango(ns: string, query: string, docs: MangoDoc[], bookmark: string, pageSize: number): Result<ResultsIterator> {
    if (this.state.stateDb !== 'couchdb') return err(pageSize > 0 || bookmark !== '' ? 'ExecuteQueryWithMetadata not supported for leveldb' : 'ExecuteQuery not supported for leveldb');
    const q = parseMango(query);
    if (!q.ok) return err(q.error);
    const start = decodeBookmark(bookmark);
    if (start === null) return err(`invalid bookmark '${bookmark}' (the mock peer's CouchDB bookmarks come from its own earlier pages)`);
    const all = runMango(q.value, docs);
    const page = pageSize > 0 ? all.slice(start, start + pageSize) : all.slice(start);
    const items: QueryItem[] = page.map((h) => ({ kind: 'kv', namespace: ns, key: h.key, value: h.fields ? Buffer.from(goMarshal(h.fields), 'utf8') : h.value }));
    return ok(listIterator(items, encodeBookmark(start + page.length), q.value.notes));
  }

  executeQuery(ns: string, query: string): Result<ResultsIterator> {
    return this.mango(ns, query, this.docs(this.state.keys(this.channel, ns), (k) => (this.state.get(this.channel, ns, k) as { value: Uint8Array }).value), '', 0);
  }

  executeQueryWithPagination(ns: string, query: string, bookmark: string, pageSize: number): Result<ResultsIterator> {
    if (this.writePerformed) return err(`txid [${this.txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`);
    this.paginatedQueriesPerformed = true;
    return this.mango(ns, query, this.docs(this.state.keys(this.channel, ns), (k) => (this.state.get(this.channel, ns, k) as { value: Uint8Array }).value), bookmark, pageSize);
  }

  executeQueryOnPrivateData(ns: string, coll: string, query: string): Result<ResultsIterator> {
    if (this.writePerformed) return err(`txid [${this.txId}]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction`);
    this.pvtdataQueriesPerformed = true;
    const e = this.validateCollName(ns, coll);
    if (e) return err(e);
    return this.mango(ns, query, this.docs(this.state.privateKeys(this.channel, ns, coll), (k) => (this.state.getPrivate(this.channel, ns, coll, k) as { value: Uint8Array }).value), '', 0);
  }

  /** The history database: every committed modification of the key, newest first (as Fabric returns them). */
  getHistoryForKey(ns: string, key: string): Result<ResultsIterator> {
    if (!this.state.historyEnabled) return err('history database is not enabled');
    const h = [...this.state.historyOf(this.channel, ns, key)].reverse();
    return ok(listIterator(h.map((m) => ({ kind: 'km', txId: m.txId, value: m.value, timestamp: m.timestamp, isDelete: m.isDelete }))));
  }

  results(): SimulationResults {
    return {
      channel: this.channel,
      txId: this.txId,
      writes: this.writes,
      metadataWrites: this.metadataWrites,
      privateWrites: this.privateWrites,
      privateMetadataWrites: this.privateMetadataWrites,
      reads: this.reads,
    };
  }
}
