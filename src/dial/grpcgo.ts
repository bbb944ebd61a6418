/**
 * What the peer (grpc-go v1.82.1 inside `comm.ClientConfig.Dial`, with WithBlock and
 * FailOnNonTempDialError) says for each way a dial can fail, as texts the harness quotes.
 *
 * Settled by running a Go program that dials exactly as the peer does (same grpc-go version, same
 * options, Fabric's TLS config) against the impostors in mocks/impostors:
 * - non-temporary dial errors (refused, unresolvable, bad address, connection reset during the TLS
 *   handshake) fail at once with `connection error: desc = "transport: ..."`;
 * - everything else (TLS verification, ALPN, EOF, a listener that never answers, HTTP/1.1, a
 *   server demanding a client certificate) is retried until dial_timeout and surfaces as
 *   `context deadline exceeded`; the reason is only in the peer's log.
 */

export type PeerWhen = 'immediately' | 'after dial_timeout' | 'on the stream';

export interface PeerView {
  /** The dial error after `error creating grpc connection to <address>: `, when the dial fails. */
  readonly dialError: string | null;
  /** The stream error after `receive from chaincode support stream failed: `, when the dial succeeds but Connect fails. */
  readonly streamError: string | null;
  /** The line the peer logs with the reason, when it logs one. */
  readonly log: string | null;
  /** Which logger writes `log`: Fabric's TLS client wrapper, or grpc-go's transport logger. */
  readonly logger: 'comm.tls' | 'grpc' | null;
  readonly when: PeerWhen;
  /** settled: text seen from grpc-go v1.82.1; inferred: composed from grpc-go's format, not executed. */
  readonly certainty: 'settled' | 'inferred';
}

export const DEADLINE = 'failed to create new connection: context deadline exceeded';

export function transportError(desc: string): string {
  return `failed to create new connection: connection error: desc = ${JSON.stringify(desc)}`;
}

/** Fabric's DynamicClientCredentials log line (internal/pkg/comm/creds.go); grpc-go retries, so it repeats. */
export function tlsLog(err: string): string {
  return `Client TLS handshake failed after <duration> with error: ${err}`;
}

/** grpc-go's transport warning, e.g. `error reading server preface: EOF`. */
export function transportLog(address: string, desc: string): string {
  return `[core] grpc: addrConn.createTransport failed to connect to {Addr: "${address}", ServerName: "${address}", }. Err: connection error: desc = ${JSON.stringify(desc)}`;
}

export const immediate = (desc: string, certainty: PeerView['certainty'] = 'settled'): PeerView => ({
  dialError: transportError(desc),
  streamError: null,
  log: null,
  logger: null,
  when: 'immediately',
  certainty,
});

export const afterTimeout = (log: string | null, logger: PeerView['logger'], certainty: PeerView['certainty'] = 'settled'): PeerView => ({
  dialError: DEADLINE,
  streamError: null,
  log,
  logger,
  when: 'after dial_timeout',
  certainty,
});

export const onStream = (streamError: string, certainty: PeerView['certainty']): PeerView => ({
  dialError: null,
  streamError,
  log: null,
  logger: null,
  when: 'on the stream',
  certainty,
});

/** grpc-go's mapping of a non-200 HTTP status to a gRPC code (internal/transport/http_util.go). */
const HTTP_TO_GRPC: Readonly<Record<number, string>> = {
  400: 'Internal',
  401: 'Unauthenticated',
  403: 'PermissionDenied',
  404: 'Unimplemented',
  429: 'Unavailable',
  502: 'Unavailable',
  503: 'Unavailable',
  504: 'Unavailable',
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** grpc-go's status error for an HTTP/2 response that is not gRPC (seen for 404 + text/html). */
export function notGrpcStreamError(status: number, contentType: string | null, body: string): string {
  const code = HTTP_TO_GRPC[status] ?? 'Unknown';
  const parts = [`unexpected HTTP status code received from server: ${status} (${STATUS_TEXT[status] ?? 'status'})`];
  if (contentType !== null && !/^application\/grpc/.test(contentType)) parts.push(`transport: received unexpected content-type ${JSON.stringify(contentType)}`);
  const data = body.length > 0 ? `\ndata: ${JSON.stringify(body.slice(0, 1024))}` : '';
  return `rpc error: code = ${code} desc = ${parts.join('; ')}${data}`;
}

/**
 * grpc-go's stream error when the connection ends under an open stream: the transport's reader
 * fails with `error reading from server: <cause>`, and the stream's Recv reports that connection
 * error as Unavailable with its description. The real Fabric 3.1.5 peer (grpc-go v1.81.0) printed
 * it with cause `EOF` for a server that sends SETTINGS and closes (test/realpeer, case
 * settings-then-close).
 */
export function readerClosedError(cause: string): string {
  return `rpc error: code = Unavailable desc = error reading from server: ${cause}`;
}

const GRPC_CODES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

export function grpcStatusError(code: number, message: string): string {
  return `rpc error: code = ${GRPC_CODES[code] ?? `Code(${code})`} desc = ${message}`;
}
