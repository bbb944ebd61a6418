import { constants as h2, createServer as createH2Server, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { startImpostor, type Impostor, type ImpostorConn, type Script } from '../../mocks/chaincode/impostors/server.js';
import { packageIdFor, peerConfig } from '../../mocks/chaincode/impostors/live.js';
import { dial, type Dialed } from '../../src/dial/connect.js';
import { MessageType as T, encodeChaincodeId, encodeResponse, messageBytes, type ChaincodeMsg } from '../../src/peer/codec.js';
import type { PeerHandler } from '../../src/peer/handler.js';
import { MockPeer, type MockPeerConfig } from '../../src/peer/mockPeer.js';

/**
 * For the stream and protocol vectors (contract §9.4): a mock peer that dials impostor chaincode
 * servers over real gRPC (each does exactly what a vector says), what those servers saw, and a
 * chaincode server enforcing grpc-go's keepalive policy (S30). No Cucumber here: the node:test
 * cases of test/e2e/protocol-vectors.test.ts use it too.
 */

export const CH = 'mychannel';
export const NAME = 'asset';
export const PKG = packageIdFor(NAME);
export const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
export const txt = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
export const hexOf = (m: ChaincodeMsg): string => Buffer.from(messageBytes(m)).toString('hex');
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `f` until it gives a value (not null/undefined/false), or fails at the deadline naming `what`. */
export async function until<V>(what: string, ms: number, f: () => V | null | undefined | false): Promise<V> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

/** REGISTER with `name` and wait for READY; false when READY does not come. */
export async function register(c: ImpostorConn, name = PKG): Promise<boolean> {
  c.send({ type: T.REGISTER, payload: encodeChaincodeId(name) });
  return (await c.nextOf(T.READY)) !== null;
}

export function complete(c: ImpostorConn, tx: ChaincodeMsg, status = 200, payload = '', message = ''): void {
  c.send({ type: T.COMPLETED, txid: tx.txid, channelId: tx.channelId, payload: encodeResponse({ status, message, payload: enc(payload) }) });
}

/** A request from the chaincode under `tx`'s ids, and the peer's answer to it (null: none within 5 s). */
export async function ask(c: ImpostorConn, tx: { readonly txid: string; readonly channelId: string }, type: number, payload: Uint8Array): Promise<ChaincodeMsg | null> {
  c.send({ type, payload, txid: tx.txid, channelId: tx.channelId });
  return c.next(5_000);
}

/**
 * What a chaincode server's script saw, by label (the peer's reply to a request, a page of
 * results...), for the assertions to wait on. A script that throws is reported by the next wait.
 */
export class Seen {
  private readonly values = new Map<string, unknown>();
  private readonly waiters: Array<() => void> = [];
  private failure: unknown = null;

  set(label: string, v: unknown): void {
    this.values.set(label, v);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Wraps a script so that its failure is kept for the assertions. */
  script(body: (c: ImpostorConn) => Promise<void> | void): Script {
    return async (c) => {
      try {
        await body(c);
      } catch (e) {
        this.failure = e;
        for (const w of this.waiters.splice(0)) w();
        throw e;
      }
    };
  }

  /** The value recorded under `label`, waiting at most `ms` for the script to get there. */
  async get<V>(label: string, ms = 6_000): Promise<V> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.values.has(label)) return this.values.get(label) as V;
      if (this.failure) throw new Error(`the chaincode server's script failed before "${label}": ${this.failure instanceof Error ? this.failure.message : String(this.failure)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the chaincode server never got to "${label}" within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** A mock peer with chaincode "asset" (package PKG, collection c1) defined on channel mychannel. */
export function newPeer(config: Partial<MockPeerConfig> = {}, initRequired = false): MockPeer {
  const peer = new MockPeer(peerConfig({ executeTimeoutMs: 3_000, ...config }));
  peer.define({ name: NAME, packageId: PKG, version: '1.0', initRequired, collections: [{ name: 'c1', memberOrgs: ['Org1MSP'], memberOnlyRead: true, memberOnlyWrite: true }] });
  return peer;
}

export interface InvokeOptions {
  readonly isInit?: boolean;
  /** true: an invoke (endorse and commit); false: a query. */
  readonly commit?: boolean;
}

/** One impostor chaincode server and the peer's streams to it. */
export class StreamRig {
  private readonly dialed: Dialed[] = [];

  private constructor(
    readonly peer: MockPeer,
    readonly impostor: Impostor,
    readonly packageId: string,
  ) {}

  /** Starts a chaincode server running `script` on each stream; the peer is a new one unless given. */
  static async start(script: Script, o: { readonly peer?: MockPeer; readonly config?: Partial<MockPeerConfig>; readonly initRequired?: boolean; readonly packageId?: string } = {}): Promise<StreamRig> {
    const peer = o.peer ?? newPeer(o.config, o.initRequired);
    return new StreamRig(peer, await startImpostor(script), o.packageId ?? PKG);
  }

  /** The server's side of each stream, in the order they were opened. */
  get conns(): ImpostorConn[] {
    return this.impostor.connections;
  }

  /** Dials the server as the peer does at launch, opens the Connect stream and attaches the peer's handler. */
  async connect(): Promise<PeerHandler> {
    const d = await dial({ address: this.impostor.address, dialTimeoutMs: 5_000, tls: null });
    if (!d.ok) throw new Error(`dial ${this.impostor.address}: ${d.grpcError}`);
    this.dialed.push(d.dialed);
    return this.peer.attach(d.dialed.stream, this.packageId);
  }

  /** A client's proposal to chaincode "asset" on mychannel. */
  invoke(args: readonly string[] = ['fn'], x: InvokeOptions = {}): ReturnType<MockPeer['propose']> {
    return this.peer.propose({ channelId: CH, chaincodeName: NAME, args: args.map(enc), isInit: x.isInit ?? false, creator: this.peer.msp.user('User1'), commit: x.commit ?? true });
  }

  async stop(): Promise<void> {
    for (const d of this.dialed) d.close();
    await this.impostor.stop();
  }
}

/** grpc-go's keepalive enforcement policy on a server (keepalive.EnforcementPolicy, maxPingStrikes). */
export interface PingPolicy {
  /** MinTime: pings closer together than this are strikes (grpc-go's default: 5 min). */
  readonly minTimeMs: number;
  /** Strikes tolerated; one more and the server sends GOAWAY (grpc-go: 2). */
  readonly maxPingStrikes: number;
  /** Pings allowed without an active stream (grpc-go's default: false). */
  readonly permitWithoutStream: boolean;
}

export interface PingEnforcingServer {
  readonly address: string;
  /** When each PING arrived, in ms since the connection opened, with the strikes counted after it. */
  readonly pings: Array<{ readonly at: number; readonly strikes: number }>;
  /** The GOAWAY the server sent, if it did. */
  goaway: { readonly code: number; readonly debugData: string; readonly at: number } | null;
  close(): Promise<void>;
}

/**
 * An HTTP/2 server answering /protos.Chaincode/Connect with gRPC response headers and then
 * staying quiet (a chaincode between transactions), which judges the client's PINGs the way
 * grpc-go's server transport does: a write by the server (headers, data) forgives the strikes; a
 * ping sooner than MinTime after the previous one (or, with no active stream and
 * permitWithoutStream false, sooner than 2 h) is a strike; more than maxPingStrikes strikes and
 * the server sends GOAWAY ENHANCE_YOUR_CALM with debug data "too_many_pings" and closes the
 * connection. grpc-js servers do not enforce pings at all, hence this server.
 */
export function startPingEnforcingServer(policy: PingPolicy): Promise<PingEnforcingServer> {
  const sessions = new Set<ServerHttp2Session>();
  const sockets = new Set<Socket>();
  const server = createH2Server();
  let address = '';
  const state: PingEnforcingServer = {
    get address() {
      return address;
    },
    pings: [],
    goaway: null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('error', () => undefined);
    session.once('close', () => sessions.delete(session));
    const t0 = performance.now();
    let lastPingAt: number | null = null;
    let strikes = 0;
    let resetStrikes = false;
    let lastStreamId = 0;
    let active = 0;
    session.on('stream', (stream) => {
      lastStreamId = Math.max(lastStreamId, stream.id ?? 0);
      active++;
      stream.on('error', () => undefined);
      stream.once('close', () => active--);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      resetStrikes = true;
    });
    session.on('ping', () => {
      const now = performance.now();
      const previous = lastPingAt;
      lastPingAt = now;
      if (resetStrikes) {
        resetStrikes = false;
        strikes = 0;
      } else if (previous !== null) {
        const allowedAfter = active < 1 && !policy.permitWithoutStream ? 2 * 3_600_000 : policy.minTimeMs;
        if (now - previous < allowedAfter) strikes++;
      }
      state.pings.push({ at: Math.round(now - t0), strikes });
      if (strikes > policy.maxPingStrikes && !state.goaway) {
        state.goaway = { code: h2.NGHTTP2_ENHANCE_YOUR_CALM, debugData: 'too_many_pings', at: Math.round(now - t0) };
        session.goaway(h2.NGHTTP2_ENHANCE_YOUR_CALM, lastStreamId, Buffer.from('too_many_pings', 'ascii'));
        // grpc-go closes the connection once the GOAWAY is written.
        setTimeout(() => session.destroy(), 20).unref();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      address = `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
      resolve(state);
    });
  });
}
