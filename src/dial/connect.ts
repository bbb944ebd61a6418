import * as grpc from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { PEER } from '../config/defaults.js';
import { fromWire, toWire, type WireMessage } from '../peer/codec.js';
import type { ChaincodeStream } from '../peer/stream.js';

/**
 * The peer's dial (DIAL-01..06): a new gRPC client connection per launch to `address`, blocking
 * until READY or until `dial_timeout` expires, with Fabric's client keepalive and message limits,
 * TLS from the PEM strings of connection.json (no system roots), the client key pair only with
 * client auth, and `domain` as the server name only with client auth. Then the
 * `/protos.Chaincode/Connect` stream, on which the peer sends nothing first.
 */

export interface DialTarget {
  readonly address: string;
  /** After the 3s default; may be negative (already expired). */
  readonly dialTimeoutMs: number;
  readonly tls: null | {
    readonly rootCert: string;
    readonly client: null | { readonly cert: string; readonly key: string; readonly serverNameOverride: string };
  };
}

export interface Dialed {
  readonly stream: ChaincodeStream;
  readonly connectMs: number;
  /** Closes the stream and the connection (what the peer does when the handler returns). */
  close(): void;
}

export type DialResult = { readonly ok: true; readonly dialed: Dialed } | { readonly ok: false; readonly ms: number; readonly grpcError: string };

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
  const override = target.tls?.client?.serverNameOverride;
  if (override) o['grpc.ssl_target_name_override'] = override;
  return o;
}

export function credentials(target: DialTarget): grpc.ChannelCredentials {
  if (!target.tls) return grpc.credentials.createInsecure();
  const root = Buffer.from(target.tls.rootCert);
  const c = target.tls.client;
  return c ? grpc.credentials.createSsl(root, Buffer.from(c.key), Buffer.from(c.cert)) : grpc.credentials.createSsl(root);
}

/** Dials like the peer; on failure returns grpc's own error text (the probe explains it). */
export function dial(target: DialTarget): Promise<DialResult> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  let client: peer.ChaincodeClient;
  try {
    client = new peer.ChaincodeClient(target.address, credentials(target), channelOptions(target));
  } catch (e) {
    return Promise.resolve({ ok: false, ms: ms(), grpcError: e instanceof Error ? e.message : String(e) });
  }
  const deadline = Date.now() + Math.max(0, target.dialTimeoutMs);
  return new Promise((resolve) => {
    client.waitForReady(deadline, (err) => {
      if (err) {
        client.close();
        resolve({ ok: false, ms: ms(), grpcError: err.message });
        return;
      }
      const connectMs = ms();
      const call = client.connect();
      resolve({ ok: true, dialed: { stream: wrap(call, () => client.close()), connectMs, close: () => { call.cancel(); client.close(); } } });
    });
  });
}

function wrap(call: grpc.ClientDuplexStream<WireMessage, WireMessage>, closeClient: () => void): ChaincodeStream {
  const endCbs: Array<(reason: string | null) => void> = [];
  let ended = false;
  const end = (reason: string | null): void => {
    if (ended) return;
    ended = true;
    for (const cb of endCbs) cb(reason);
  };
  call.on('error', (e: grpc.ServiceError) => end(`${e.code} ${grpc.status[e.code] ?? ''}: ${e.details}`.trim()));
  call.on('end', () => end(null));
  call.on('close', () => end(null));
  return {
    send: (m) => {
      if (!ended) call.write(toWire(m));
    },
    onMessage: (cb) => call.on('data', (w: WireMessage) => cb(fromWire(w))),
    onEnd: (cb) => endCbs.push(cb),
    close: () => {
      call.cancel();
      closeClient();
    },
  };
}
