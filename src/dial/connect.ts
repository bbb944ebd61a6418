import { isIP } from 'node:net';
import { connect as tlsConnect, createSecureContext, type PeerCertificate, type SecureContext } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { peer } from '../peer/protos/index.js';
import { PEER } from '../config/defaults.js';
import { fromWire, toWire, type WireMessage } from '../peer/codec.js';
import type { ChaincodeStream } from '../peer/stream.js';
import { certInfo } from '../pki/certinfo.js';
import { GO_CLIENT_CIPHERS, goVerifyHostname, peerTlsConfig, verifiedName, type PeerTlsConfig } from './gotls.js';
import { parseTarget } from './target.js';

/**
 * The peer's dial (DIAL-01..06): a new gRPC client connection per launch to `address`, blocking
 * until READY or until `dial_timeout` expires, with Fabric's client keepalive (60 s / 20 s, pings
 * without streams) and 100 MiB message limits; TLS from the PEM strings of connection.json as Go
 * reads them (only the certificates Go accepts from root_cert, no system roots, the client key pair
 * only with client auth, Go's cipher suites, TLS 1.2 minimum, the host name checked by Go's rules:
 * SANs only, `domain` as the name only with client auth). Then the `/protos.Chaincode/Connect`
 * stream, on which the peer sends nothing first.
 */

export interface DialTarget {
  /** connection.json's address: the gRPC target and :authority, the TLS server name, the peer's quoted errors. */
  readonly address: string;
  /**
   * `host:port` the harness's TCP connections go to instead (--address, --resolve, a relocated
   * --command server; src/dial/redirect.ts). Nothing the peer derives from `address` changes.
   */
  readonly connectTo?: string | null;
  /** After the 3s default; may be negative (already expired). */
  readonly dialTimeoutMs: number;
  readonly tls: null | {
    readonly rootCert: string;
    readonly client: null | { readonly cert: string; readonly key: string; readonly serverNameOverride: string };
  };
}

/** How the server first answered the Connect stream. */
export type FirstAnswer = { readonly kind: 'headers' } | { readonly kind: 'error'; readonly code: number; readonly details: string } | { readonly kind: 'none' };

export interface Dialed {
  readonly stream: ChaincodeStream;
  readonly connectMs: number;
  /** Resolves with the server's first answer on the stream (response headers or an error), or none within `ms`. */
  firstAnswer(ms: number): Promise<FirstAnswer>;
  /** Closes the stream and the connection (what the peer does when the handler returns). */
  close(): void;
}

export type DialResult =
  | { readonly ok: true; readonly dialed: Dialed }
  | {
      readonly ok: false;
      readonly ms: number;
      /** grpc-js's text (or the peer's, for configuration errors and expired deadlines). */
      readonly grpcError: string;
      /** Set when the peer fails before any network I/O: its exact, unwrapped error (CONN-08). */
      readonly configError?: string;
      readonly cancelled?: boolean;
    };

/** grpc-js channel options equivalent to the peer's grpc-go dial options. */
export function channelOptions(target: DialTarget): grpc.ChannelOptions {
  const o: grpc.ChannelOptions = {
    'grpc.keepalive_time_ms': PEER.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': PEER.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_send_message_length': PEER.maxMessageBytes,
    'grpc.max_receive_message_length': PEER.maxMessageBytes,
    // A launch is one attempt; retry quickly within it so a server that is still starting is found.
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 500,
    'grpc.use_local_subchannel_pool': 1,
  };
  // A redirected dial keeps the :authority grpc-go derives from connection.json's address.
  if (target.connectTo) o['grpc.default_authority'] = authorityOf(target.address);
  return o;
}

/** The :authority grpc-go sends for a target: the endpoint after a `dns:///` or `passthrough:///` prefix, `localhost` for unix. */
export function authorityOf(address: string): string {
  const t = parseTarget(address);
  if (t.kind === 'unix') return 'localhost';
  return address.replace(/^(dns|passthrough):\/\/[^/]*\//i, '').replace(/^(dns|passthrough):/i, '');
}

type SecureConnector = ReturnType<grpc.ChannelCredentials['_createSecureConnector']>;

/**
 * grpc-js channel credentials that handshake as the peer's Go client: Go's cipher suites and
 * TLS 1.2 minimum (in the secure context), SNI only for a name (Go never sends an IP address as
 * SNI; Node would, with a DeprecationWarning), and the server certificate's name checked by Go's
 * rules against the name the peer verifies (connection.json's host, or `domain` with client
 * auth), whatever address the TCP connection went to.
 */
class PeerTlsCredentials extends grpc.ChannelCredentials {
  constructor(
    private readonly context: SecureContext,
    private readonly name: string,
  ) {
    super();
  }
  _isSecure(): boolean {
    return true;
  }
  _equals(other: grpc.ChannelCredentials): boolean {
    return other === this;
  }
  _createSecureConnector(_target: Parameters<grpc.ChannelCredentials['_createSecureConnector']>[0], _options: grpc.ChannelOptions, callCredentials?: grpc.CallCredentials): SecureConnector {
    const name = this.name;
    const context = this.context;
    const bare = name.replace(/^\[|\]$/g, '');
    return {
      connect: (socket) =>
        new Promise((resolve, reject) => {
          const s = tlsConnect(
            {
              socket,
              secureContext: context,
              ALPNProtocols: ['h2'],
              ...(isIP(bare) ? {} : { servername: name }),
              // Go checks SANs only; Node would fall back to the Common Name.
              checkServerIdentity: (_host: string, cert: PeerCertificate): Error | undefined => {
                try {
                  const err = goVerifyHostname(certInfo(cert.raw), name);
                  return err ? new Error(err) : undefined;
                } catch (e) {
                  return e instanceof Error ? e : new Error(String(e));
                }
              },
            },
            () => {
              if (!s.authorized) {
                reject(s.authorizationError);
                return;
              }
              resolve({ socket: s, secure: true });
            },
          );
          s.on('error', reject);
        }),
      waitForReady: () => Promise.resolve(),
      getCallCredentials: () => callCredentials ?? grpc.CallCredentials.createEmpty(),
      destroy: () => undefined,
    };
  }
}

/** The host grpc-go takes the server name from when `domain` does not apply. */
export function authorityHost(address: string): string {
  const t = parseTarget(address);
  return t.kind === 'tcp' || t.kind === 'unix' ? t.authorityHost : address;
}

/** grpc-js credentials carrying the TLS configuration Go builds; throws nothing for a valid config. */
export function credentialsFor(target: DialTarget, cfg: PeerTlsConfig | null): grpc.ChannelCredentials {
  if (!target.tls || !cfg) return grpc.credentials.createInsecure();
  const name = verifiedName(cfg.serverNameOverride, authorityHost(target.address));
  const ctx = createSecureContext({
    ca: cfg.rootsPem,
    ...(cfg.client ? { cert: cfg.client.chainPem, key: cfg.client.keyPem } : {}),
    ciphers: GO_CLIENT_CIPHERS,
    minVersion: 'TLSv1.2',
  });
  return new PeerTlsCredentials(ctx, name);
}

/** Kept for callers that build credentials directly. */
export function credentials(target: DialTarget): grpc.ChannelCredentials {
  if (!target.tls) return grpc.credentials.createInsecure();
  const c = peerTlsConfig(target.tls);
  if (!c.ok) throw new Error(c.error);
  return credentialsFor(target, c.config);
}

/** The longest single connectivity watch of a dial: a dial given up leaves no timer longer than this. */
const WATCH_SLICE_MS = 250;

/**
 * grpc-js's Client.waitForReady (same states, same error texts), but watching in slices of at
 * most WATCH_SLICE_MS: grpc-js's own watch keeps a timer to the deadline after the client is
 * closed, which would hold the process open for the rest of a long dial_timeout.
 */
function waitForReady(client: grpc.Client, deadline: number, givenUp: () => boolean, callback: (err?: Error) => void): void {
  const channel = client.getChannel();
  const check = (): void => {
    if (givenUp()) return;
    let state: grpc.connectivityState;
    try {
      state = channel.getConnectivityState(false);
      if (state === grpc.connectivityState.READY) {
        callback();
        return;
      }
      // Past the deadline (a stalled event loop), no new connection attempt: one started in the
      // tick that closes the client is retried by grpc-js every 500 ms for as long as the process lives.
      if (Date.now() >= deadline) {
        callback(new Error('Failed to connect before the deadline'));
        return;
      }
      state = channel.getConnectivityState(true);
    } catch {
      callback(new Error('The channel has been closed'));
      return;
    }
    if (state === grpc.connectivityState.READY) {
      callback();
      return;
    }
    const now = Date.now();
    if (now >= deadline) {
      callback(new Error('Failed to connect before the deadline'));
      return;
    }
    try {
      channel.watchConnectivityState(state, Math.min(deadline, now + WATCH_SLICE_MS), () => check());
    } catch {
      callback(new Error('The channel has been closed'));
    }
  };
  setImmediate(check);
}

/** Dials like the peer; on failure returns grpc's own error text (the probe explains it). */
export function dial(target: DialTarget, signal?: AbortSignal): Promise<DialResult> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  let cfg: PeerTlsConfig | null = null;
  if (target.tls) {
    const c = peerTlsConfig(target.tls);
    if (!c.ok) return Promise.resolve({ ok: false, ms: ms(), grpcError: c.error, configError: c.error });
    cfg = c.config;
  }
  if (!(target.dialTimeoutMs > 0)) {
    return Promise.resolve({ ok: false, ms: ms(), grpcError: 'context deadline exceeded (dial_timeout is not positive: the dial context is already expired)' });
  }
  let client: peer.ChaincodeClient;
  try {
    client = new peer.ChaincodeClient(target.connectTo ?? target.address, credentialsFor(target, cfg), channelOptions(target));
  } catch (e) {
    return Promise.resolve({ ok: false, ms: ms(), grpcError: e instanceof Error ? e.message : String(e) });
  }
  const deadline = Date.now() + target.dialTimeoutMs;
  return new Promise((resolve) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      client.close();
      resolve({ ok: false, ms: ms(), grpcError: 'cancelled', cancelled: true });
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    waitForReady(client, deadline, () => settled, (err) => {
      signal?.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      if (err) {
        client.close();
        resolve({ ok: false, ms: ms(), grpcError: err.message });
        return;
      }
      const connectMs = ms();
      const call = client.connect();
      resolve({ ok: true, dialed: dialed(call, connectMs, () => client.close()) });
    });
  });
}

function dialed(call: grpc.ClientDuplexStream<WireMessage, WireMessage>, connectMs: number, closeClient: () => void): Dialed {
  let answer: FirstAnswer | null = null;
  const waiters: Array<(a: FirstAnswer) => void> = [];
  const settle = (a: FirstAnswer): void => {
    if (answer) return;
    answer = a;
    for (const w of waiters.splice(0)) w(a);
  };
  // grpc-js reports the headers of a non-gRPC answer (HTTP 404...) as metadata, then the error: give the error a moment.
  call.on('metadata', () => setTimeout(() => settle({ kind: 'headers' }), 25));
  call.on('error', (e: grpc.ServiceError) => settle({ kind: 'error', code: e.code, details: e.details }));
  return {
    stream: wrap(call, closeClient),
    connectMs,
    firstAnswer: (ms) =>
      answer
        ? Promise.resolve(answer)
        : new Promise((resolve) => {
            const timer = setTimeout(() => resolve({ kind: 'none' }), Math.max(0, ms));
            waiters.push((a) => {
              clearTimeout(timer);
              resolve(a);
            });
          }),
    close: () => {
      call.cancel();
      closeClient();
    },
  };
}

const FLUSH_DEADLINE_MS = 1_000;
const FLUSH_GRACE_MS = 20;

function wrap(call: grpc.ClientDuplexStream<WireMessage, WireMessage>, closeClient: () => void): ChaincodeStream {
  const endCbs: Array<(reason: string | null) => void> = [];
  let ended = false;
  let endReason: string | null = null;
  const end = (reason: string | null): void => {
    if (ended) return;
    ended = true;
    endReason = reason;
    for (const cb of endCbs) cb(reason);
  };
  call.on('error', (e: grpc.ServiceError) => end(`${e.code} ${grpc.status[e.code] ?? ''}: ${e.details}`.trim()));
  call.on('end', () => end(null));
  call.on('close', () => end(null));
  // The peer's Send returns once the message is handed to the transport, so what it sent before it
  // ends the stream (READY before a second REGISTER ends it, say) reaches the chaincode: closing
  // waits for the writes in flight, at most FLUSH_DEADLINE_MS.
  let inFlight = 0;
  let closing = false;
  let closed = false;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    call.cancel();
    closeClient();
  };
  return {
    send: (m) => {
      if (ended || closing) return;
      inFlight += 1;
      call.write(toWire(m), () => {
        inFlight -= 1;
        if (closing && inFlight === 0) finish();
      });
    },
    onMessage: (cb) => call.on('data', (w: WireMessage) => cb(fromWire(w))),
    // A stream that already ended (e.g. UNIMPLEMENTED before anyone listened) still reports it.
    onEnd: (cb) => {
      if (ended) queueMicrotask(() => cb(endReason));
      else endCbs.push(cb);
    },
    close: () => {
      if (closing) return;
      closing = true;
      if (ended) {
        finish();
        return;
      }
      // half-close first: END_STREAM follows the DATA frames already written, so they are sent;
      // then the cancel (the peer closing its connection), at the latest after FLUSH_DEADLINE_MS
      call.end();
      const flushed = (): void => {
        if (inFlight === 0) setTimeout(finish, FLUSH_GRACE_MS).unref();
        else setTimeout(flushed, 5).unref();
      };
      flushed();
      setTimeout(finish, FLUSH_DEADLINE_MS).unref();
    },
  };
}
