/**
 * The mock ledger's world state: versioned keys per channel and namespace. Transactions run
 * against a simulator that records reads and writes; writes reach the state only when the
 * transaction is committed (the harness commits successful ones, as an endorse-and-commit would).
 */

export interface VersionedValue {
  readonly value: Uint8Array;
  /** Block/tx position of the write that produced this value. */
  readonly version: { readonly block: number; readonly tx: number };
}

export interface KeyModification {
  readonly txId: string;
  readonly value: Uint8Array;
  readonly isDelete: boolean;
  readonly timestamp: Date;
}

function nsKey(channel: string, namespace: string): string {
  return `${channel}\u0000${namespace}`;
}

export class WorldState {
  private readonly spaces = new Map<string, Map<string, VersionedValue>>();
  private readonly history = new Map<string, KeyModification[]>();
  private height = 0;

  private space(channel: string, namespace: string): Map<string, VersionedValue> {
    const k = nsKey(channel, namespace);
    let s = this.spaces.get(k);
    if (!s) {
      s = new Map();
      this.spaces.set(k, s);
    }
    return s;
  }

  get(channel: string, namespace: string, key: string): VersionedValue | undefined {
    return this.spaces.get(nsKey(channel, namespace))?.get(key);
  }

  /** Keys of a namespace in ascending byte order (LevelDB order for UTF-8 keys). */
  keys(channel: string, namespace: string): string[] {
    const s = this.spaces.get(nsKey(channel, namespace));
    if (!s) return [];
    return [...s.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  historyOf(channel: string, namespace: string, key: string): readonly KeyModification[] {
    return this.history.get(`${nsKey(channel, namespace)}\u0000${key}`) ?? [];
  }

  /** Seeds a value outside any transaction (Given the world state contains ...). */
  seed(channel: string, namespace: string, key: string, value: Uint8Array): void {
    this.commit(channel, namespace, 'seed', new Map([[key, value]]));
  }

  /** Applies a write set as one transaction in a new block. `null` deletes. */
  commit(channel: string, namespace: string, txId: string, writes: ReadonlyMap<string, Uint8Array | null>): void {
    this.height += 1;
    const s = this.space(channel, namespace);
    let tx = 0;
    const now = new Date();
    for (const [key, value] of writes) {
      const hk = `${nsKey(channel, namespace)}\u0000${key}`;
      const h = this.history.get(hk) ?? [];
      if (value === null) {
        s.delete(key);
        h.push({ txId, value: new Uint8Array(), isDelete: true, timestamp: now });
      } else {
        s.set(key, { value, version: { block: this.height, tx } });
        h.push({ txId, value, isDelete: false, timestamp: now });
      }
      this.history.set(hk, h);
      tx += 1;
    }
  }
}

/** One transaction's view: reads see its own writes first, as Fabric's simulator does not (see note). */
export class TxSimulator {
  readonly reads = new Map<string, VersionedValue['version'] | null>();
  readonly writes = new Map<string, Uint8Array | null>();

  constructor(
    private readonly state: WorldState,
    readonly channel: string,
    readonly namespace: string,
    readonly txId: string,
  ) {}

  /**
   * Fabric's simulator does NOT return the transaction's own uncommitted writes: a GET_STATE after
   * a PUT_STATE in the same transaction returns the committed value. The mock does the same.
   */
  getState(key: string): Uint8Array | undefined {
    const v = this.state.get(this.channel, this.namespace, key);
    if (!this.reads.has(key)) this.reads.set(key, v ? v.version : null);
    return v?.value;
  }

  putState(key: string, value: Uint8Array): void {
    this.writes.set(key, value);
  }

  delState(key: string): void {
    this.writes.set(key, null);
  }

  commit(): void {
    if (this.writes.size > 0) this.state.commit(this.channel, this.namespace, this.txId, this.writes);
  }
}
