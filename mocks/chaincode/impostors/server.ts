import * as grpc from '@grpc/grpc-js';
import { ChaincodeServiceDefinition, fromWire, messageBytes, toWire, type ChaincodeMsg, type WireMessage } from '../../../src/peer/codec.js';
import { Inbox } from '../../../src/peer/inbox.js';

/**
 * Impostor chaincode servers for the tests: grpc-js servers of `protos.Chaincode/Connect` that
 * speak ChaincodeMessage through the project's codec and do exactly what a script says, for the
 * protocol vectors no real shim misbehaves like (wrong REGISTER, out-of-state messages, bad
 * completions, duplicate requests, raw request payloads, dropped streams...).
 */

export interface OutMsg {
  readonly type: number;
  readonly payload?: Uint8Array;
  readonly txid?: string;
  readonly channelId?: string;
  readonly event?: ChaincodeMsg['event'];
}

/** One Connect stream, from the chaincode's side. */
export interface ImpostorConn {
  send(m: OutMsg): void;
  /** The next message from the peer (null when the stream ended or `timeoutMs` passed). */
  next(timeoutMs?: number): Promise<ChaincodeMsg | null>;
  /** The next message of this type, skipping others (null on end/timeout). */
  nextOf(type: number, timeoutMs?: number): Promise<ChaincodeMsg | null>;
  /** Every message the peer sent so far, with its exact bytes. */
  readonly received: Array<{ readonly msg: ChaincodeMsg; readonly bytes: Uint8Array; readonly at: number }>;
  /** Ends the stream from the server's side (the shim process going away). */
  end(): void;
  readonly isEnded: boolean;
  /** Resolves when the peer (or the server) ended the stream. */
  readonly ended: Promise<void>;
}

export type Script = (c: ImpostorConn) => Promise<void> | void;

export interface Impostor {
  readonly address: string;
  /** Connections accepted so far. */
  readonly connections: ImpostorConn[];
  stop(): Promise<void>;
}

function connFor(call: grpc.ServerDuplexStream<WireMessage, WireMessage>): ImpostorConn {
  const t0 = performance.now();
  const inbox = new Inbox<ChaincodeMsg>();
  const received: ImpostorConn['received'] = [];
  let isEnded = false;
  let resolveEnded: () => void = () => undefined;
  const ended = new Promise<void>((r) => (resolveEnded = r));
  const finish = (): void => {
    if (isEnded) return;
    isEnded = true;
    resolveEnded();
    inbox.close();
  };
  call.on('data', (w: WireMessage) => {
    const msg = fromWire(w);
    received.push({ msg, bytes: w.serializeBinary(), at: performance.now() - t0 });
    inbox.push(msg);
  });
  call.on('end', finish);
  call.on('error', finish);
  call.on('close', finish);
  call.on('cancelled', finish);
  const next = (timeoutMs = 5_000): Promise<ChaincodeMsg | null> => inbox.next(timeoutMs);
  return {
    send: (m) => {
      if (isEnded) return;
      call.write(toWire({ type: m.type, payload: m.payload ?? new Uint8Array(), txid: m.txid ?? '', channelId: m.channelId ?? '', ...(m.event ? { event: m.event } : {}) }));
    },
    next,
    nextOf: async (type, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = await next(Math.max(1, deadline - Date.now()));
        if (!m || m.type === type) return m;
      }
    },
    received,
    end: () => {
      if (isEnded) return;
      call.end();
      finish();
    },
    get isEnded() {
      return isEnded;
    },
    ended,
  };
}

/** Starts an impostor on a free loopback port; `script` runs for every Connect stream. */
export function startImpostor(script: Script): Promise<Impostor> {
  const server = new grpc.Server();
  const connections: ImpostorConn[] = [];
  server.addService(ChaincodeServiceDefinition, {
    connect: (call: grpc.ServerDuplexStream<WireMessage, WireMessage>) => {
      const c = connFor(call);
      connections.push(c);
      Promise.resolve(script(c)).catch((e: unknown) => {
        process.stderr.write(`impostor script failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        c.end();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) {
        reject(err);
        return;
      }
      resolve({
        address: `127.0.0.1:${port}`,
        connections,
        stop: () =>
          new Promise<void>((r) => {
            for (const c of connections) c.end();
            server.tryShutdown(() => r());
            setTimeout(() => {
              server.forceShutdown();
              r();
            }, 1_000).unref();
          }),
      });
    });
  });
}

/** The exact bytes of a message, for byte-level vectors. */
export function hex(m: ChaincodeMsg): string {
  return Buffer.from(messageBytes(m)).toString('hex');
}
