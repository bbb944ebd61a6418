import { couchValue } from './couchValue.js';
import { compareKeys, nsKey, SEP } from './keys.js';
import { TxSimulator, type SimulationResults } from './simulator.js';

export { TxSimulator } from './simulator.js';
export { compareKeys, nsColl, privateHash } from './keys.js';

/**
 * The mock ledger's committed state: versioned keys per channel and namespace, private data
 * collections (values on this peer, hashes for everyone), key-level metadata (state-based
 * endorsement), key history and chaincode events. Transactions run against a TxSimulator
 * (simulator.ts) that records reads and writes; its results reach this state only on commit.
 */

export type StateDb = 'leveldb' | 'couchdb';

export interface Version {
  readonly block: number;
  readonly tx: number;
}

export interface VersionedValue {
  readonly value: Uint8Array;
  readonly version: Version;
  /** Key-level metadata (e.g. VALIDATION_PARAMETER), as written with PUT_STATE_METADATA. */
  readonly metadata: ReadonlyMap<string, Uint8Array>;
}

export interface KeyModification {
  readonly txId: string;
  readonly value: Uint8Array;
  readonly isDelete: boolean;
  readonly timestamp: Date;
}

export interface ChaincodeEventRecord {
  readonly channelId: string;
  readonly txId: string;
  readonly chaincodeId: string;
  readonly eventName: string;
  readonly payload: Uint8Array;
}

/** A private data collection as the chaincode definition declares it (the parts the handler checks). */
export interface CollectionConfig {
  readonly name: string;
  /** MSP IDs of the member organisations (the collection's policy, simplified to an OR of members). */
  readonly memberOrgs: readonly string[];
  readonly memberOnlyRead: boolean;
  readonly memberOnlyWrite: boolean;
}

export interface LedgerOptions {
  readonly stateDb?: StateDb;
  /** core.yaml ledger.history.enableHistoryDatabase (default true). */
  readonly historyEnabled?: boolean;
}


class KeySpace {
  readonly values = new Map<string, VersionedValue>();
  private sorted: string[] | null = null;

  set(key: string, v: VersionedValue): void {
    if (!this.values.has(key)) this.sorted = null;
    this.values.set(key, v);
  }

  delete(key: string): void {
    if (this.values.delete(key)) this.sorted = null;
  }

  keys(): readonly string[] {
    this.sorted ??= [...this.values.keys()].sort(compareKeys);
    return this.sorted;
  }
}

export class WorldState {
  stateDb: StateDb;
  historyEnabled: boolean;
  private spaces = new Map<string, KeySpace>();
  /** Private values of this peer (it is a member of every collection it is asked about). */
  private privateSpaces = new Map<string, KeySpace>();
  private history = new Map<string, KeyModification[]>();
  private eventLog: ChaincodeEventRecord[] = [];
  private height = 0;
  private readonly collections = new Map<string, CollectionConfig[]>();

  constructor(opts: LedgerOptions = {}) {
    this.stateDb = opts.stateDb ?? 'leveldb';
    this.historyEnabled = opts.historyEnabled ?? true;
  }

  /** Chooses the state database and history before the first transaction (core.yaml ledger.*). */
  configure(opts: LedgerOptions): void {
    if (opts.stateDb) this.stateDb = opts.stateDb;
    if (opts.historyEnabled !== undefined) this.historyEnabled = opts.historyEnabled;
  }

  /** Forgets every committed value, history entry and event (a fresh ledger for a new scenario). */
  reset(): void {
    this.spaces = new Map();
    this.privateSpaces = new Map();
    this.history = new Map();
    this.eventLog = [];
    this.height = 0;
  }

  get blockHeight(): number {
    return this.height;
  }

  private space(map: Map<string, KeySpace>, k: string): KeySpace {
    let s = map.get(k);
    if (!s) {
      s = new KeySpace();
      map.set(k, s);
    }
    return s;
  }

  /** Declares the collections of a chaincode definition on a channel. */
  defineCollections(channel: string, namespace: string, collections: readonly CollectionConfig[]): void {
    this.collections.set(nsKey(channel, namespace), [...collections]);
  }

  collection(channel: string, namespace: string, name: string): CollectionConfig | undefined {
    return this.collections.get(nsKey(channel, namespace))?.find((c) => c.name === name);
  }

  get(channel: string, namespace: string, key: string): VersionedValue | undefined {
    return this.spaces.get(nsKey(channel, namespace))?.values.get(key);
  }

  /** Keys of a namespace in ascending byte order. */
  keys(channel: string, namespace: string): readonly string[] {
    return this.spaces.get(nsKey(channel, namespace))?.keys() ?? [];
  }

  getPrivate(channel: string, namespace: string, collection: string, key: string): VersionedValue | undefined {
    return this.privateSpaces.get(`${nsKey(channel, namespace)}${SEP}${collection}`)?.values.get(key);
  }

  privateKeys(channel: string, namespace: string, collection: string): readonly string[] {
    return this.privateSpaces.get(`${nsKey(channel, namespace)}${SEP}${collection}`)?.keys() ?? [];
  }

  historyOf(channel: string, namespace: string, key: string): readonly KeyModification[] {
    return this.history.get(`${nsKey(channel, namespace)}${SEP}${key}`) ?? [];
  }

  events(): readonly ChaincodeEventRecord[] {
    return this.eventLog;
  }

  /** A new simulator for one transaction on `channel` (namespaces are given per call). */
  newTxSimulator(channel: string, txId: string): TxSimulator {
    return new TxSimulator(this, channel, txId);
  }

  /** Seeds a value outside any transaction (Given the world state contains ...), as one block. */
  seed(channel: string, namespace: string, key: string, value: Uint8Array): void {
    const sim = this.newTxSimulator(channel, 'seed');
    const err = sim.setState(namespace, key, value);
    if (err) throw new Error(err);
    this.commit(sim.results());
  }

  /**
   * Commits a transaction's results as one block: public writes (a stored value is what the
   * state database gives back: CouchDB re-marshals JSON objects), metadata, private writes and
   * purges, history entries and the chaincode event. `timestamp`: the transaction's channel header
   * timestamp (the client's proposal's), which Fabric's history database returns for each
   * modification (it reads it back from the transaction envelope); the commit time otherwise.
   */
  commit(r: SimulationResults, event?: Omit<ChaincodeEventRecord, 'channelId' | 'txId'>, timestamp?: Date): void {
    this.height += 1;
    const version: Version = { block: this.height, tx: 0 };
    const now = timestamp ?? new Date();
    for (const [ns, writes] of r.writes) {
      const s = this.space(this.spaces, nsKey(r.channel, ns));
      for (const [key, value] of writes) {
        const hk = `${nsKey(r.channel, ns)}${SEP}${key}`;
        const h = this.history.get(hk) ?? [];
        if (value === null) {
          s.delete(key);
          h.push({ txId: r.txId, value: new Uint8Array(), isDelete: true, timestamp: now });
        } else {
          const stored = this.stateDb === 'couchdb' ? couchValue(value) : value;
          s.set(key, { value: stored, version, metadata: s.values.get(key)?.metadata ?? new Map() });
          // the history database reads values from the block: the bytes as written
          h.push({ txId: r.txId, value, isDelete: false, timestamp: now });
        }
        if (this.historyEnabled) this.history.set(hk, h);
      }
    }
    for (const [ns, metas] of r.metadataWrites) {
      const s = this.space(this.spaces, nsKey(r.channel, ns));
      for (const [key, md] of metas) {
        const cur = s.values.get(key);
        if (!cur) continue; // metadata of an absent key is dropped, as the state database does
        const merged = new Map(cur.metadata);
        for (const [k, v] of md) merged.set(k, v);
        s.set(key, { ...cur, metadata: merged, version });
      }
    }
    for (const [nc, writes] of r.privateWrites) {
      const s = this.space(this.privateSpaces, `${r.channel}${SEP}${nc}`);
      for (const [key, value] of writes) {
        if (value === null) s.delete(key);
        else s.set(key, { value, version, metadata: s.values.get(key)?.metadata ?? new Map() });
      }
    }
    for (const [nc, metas] of r.privateMetadataWrites) {
      const s = this.space(this.privateSpaces, `${r.channel}${SEP}${nc}`);
      for (const [key, md] of metas) {
        const cur = s.values.get(key);
        if (!cur) continue;
        const merged = new Map(cur.metadata);
        for (const [k, v] of md) merged.set(k, v);
        s.set(key, { ...cur, metadata: merged, version });
      }
    }
    if (event) this.eventLog.push({ ...event, channelId: r.channel, txId: r.txId });
  }
}

