import { typeName, type ChaincodeMsg } from './codec.js';
import { Inbox } from './inbox.js';

/**
 * The peer's view of one `/protos.Chaincode/Connect` stream, independent of gRPC so the handler
 * can be driven by a socket, an in-process fake or a test.
 */
export interface ChaincodeStream {
  send(m: ChaincodeMsg): void;
  onMessage(cb: (m: ChaincodeMsg) => void): void;
  /** Called once when the stream ends: `reason` is null for a clean end (EOF), else the error text. */
  onEnd(cb: (reason: string | null) => void): void;
  /** Ends the stream from the peer's side (the peer closes the gRPC connection). */
  close(): void;
}

export interface TranscriptEntry {
  /** Milliseconds since the stream opened. */
  readonly at: number;
  readonly dir: 'peer→cc' | 'cc→peer' | 'note';
  readonly type: string;
  readonly txid: string;
  readonly channelId: string;
  readonly payloadBytes: number;
  readonly note?: string;
}

/** Records every message of a stream, for the evidence drawers of the report. */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private readonly t0 = performance.now();

  constructor(private readonly limit = 2_000) {}

  record(dir: 'peer→cc' | 'cc→peer', m: ChaincodeMsg, note?: string): void {
    if (this.entries.length >= this.limit) return;
    this.entries.push({
      at: Math.round((performance.now() - this.t0) * 10) / 10,
      dir,
      type: typeName(m.type),
      txid: m.txid,
      channelId: m.channelId,
      payloadBytes: m.payload.length,
      ...(note ? { note } : {}),
    });
  }

  note(text: string): void {
    if (this.entries.length >= this.limit) return;
    this.entries.push({ at: Math.round((performance.now() - this.t0) * 10) / 10, dir: 'note', type: '', txid: '', channelId: '', payloadBytes: 0, note: text });
  }
}

/** The chaincode's end of an in-process stream (tests): what it sends, what it receives. */
export interface MemoryChaincodeEnd {
  send(m: ChaincodeMsg): void;
  /** The next message from the peer, or null at the end of the stream or after `timeoutMs`. */
  next(timeoutMs?: number): Promise<ChaincodeMsg | null>;
  /** Ends the stream from the chaincode's side (null reason: EOF). */
  end(reason?: string | null): void;
  readonly closedByPeer: boolean;
}

/** An in-process ChaincodeStream pair: the peer's end for a handler, the chaincode's end for a script. */
export function memoryStreams(): { peer: ChaincodeStream; chaincode: MemoryChaincodeEnd } {
  let toPeer: ((m: ChaincodeMsg) => void) | null = null;
  const endCbs: Array<(reason: string | null) => void> = [];
  const inbox = new Inbox<ChaincodeMsg>();
  let ended = false;
  let closedByPeer = false;
  const finish = (reason: string | null): void => {
    if (ended) return;
    ended = true;
    inbox.close();
    for (const cb of endCbs) cb(reason);
  };
  const peer: ChaincodeStream = {
    send: (m) => {
      if (!ended) inbox.push(m);
    },
    onMessage: (cb) => {
      toPeer = cb;
    },
    onEnd: (cb) => endCbs.push(cb),
    close: () => {
      closedByPeer = true;
      finish('cancelled by the peer');
    },
  };
  const chaincode: MemoryChaincodeEnd = {
    send: (m) => {
      if (!ended) queueMicrotask(() => toPeer?.(m));
    },
    next: (timeoutMs = 2_000) => inbox.next(timeoutMs),
    end: (reason = null) => finish(reason),
    get closedByPeer() {
      return closedByPeer;
    },
  };
  return { peer, chaincode };
}
