/**
 * The peer's error chains, built in one place from the wrapping the Fabric code does
 * (`errors.WithMessage` joins with ": "). Sources: core/chaincode/chaincode_support.go (Launch,
 * Invoke), runtime_launcher.go (Launch), extcc/extcc_handler.go (Stream, createConnection),
 * internal/pkg/comm/config.go (Dial), core/endorser/endorser.go.
 */

/** The peer's own data directory in the sample core.yaml (peer.fileSystemPath). */
export const PEER_FS = '/var/hyperledger/production';

export function sanitizeCcidPath(ccid: string): string {
  return ccid.replace(/[<>:"/\\|?*&]/g, '-');
}

/** Where the peer reads connection.json from for this package (CONN-01). */
export function peerConnectionJsonPath(ccid: string): string {
  return `${PEER_FS}/externalbuilder/builds/${sanitizeCcidPath(ccid)}/release/chaincode/server/connection.json`;
}

import type { FabricRelease } from '../catalogue/releases.js';

/** Go's codes.Code String() names, by number (google.golang.org/grpc/codes). */
const GO_CODE_NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'] as const;

/** grpc-go's status error text (`rpc error: code = <Name> desc = <message>`) for a status code and message. */
export function goStatusError(code: number, details: string): string {
  return `rpc error: code = ${GO_CODE_NAMES[code] ?? `Code(${code})`} desc = ${details}`;
}

/** The Go status error for a stream end as the harness's client records it (`<code> <NAME>: <details>`, null: a clean end). */
export function goErrorOfStreamEnd(reason: string | null): string | null {
  if (reason === null) return null;
  const m = /^(\d+) [A-Z_]*:? ?([\s\S]*)$/.exec(reason);
  return m ? goStatusError(Number(m[1]), m[2] ?? '') : reason;
}

/**
 * What HandleChaincodeStream returns when the chaincode's stream ends: io.EOF for a clean end,
 * else the Recv error wrapped by ProcessStream (core/chaincode/handler.go).
 */
export function streamEndError(goError: string | null): string {
  return goError === null ? 'EOF' : `receive from chaincode support stream failed: ${goError}`;
}

export const chains = {
  /** ChaincodeSupport.Launch */
  launch: (ccid: string, cause: string): string => `could not launch chaincode ${ccid}: ${cause}`,
  /** RuntimeLauncher: build or connection.json problems */
  building: (cause: string): string => `error building chaincode: ${cause}`,
  /** RuntimeLauncher + ExternalChaincodeRuntime.Stream + createConnection */
  connection: (ccid: string, address: string, dialError: string): string =>
    `connection to ${ccid} failed: error cannot create connection for ${ccid}: error creating grpc connection to ${address}: ${dialError}`,
  /**
   * RuntimeLauncher + ExternalChaincodeRuntime.Stream: the stream ended (`streamError`, as
   * HandleChaincodeStream returns it) before the chaincode was ready. 3.x wraps the error
   * (`connection to <ccid> failed: error handling chaincode stream for <ccid>: <err>`); 2.5's Stream
   * drops it and returns nil, so the launcher notifies `connection to <ccid> terminated` and Launch
   * reports `chaincode registration failed: ...` (extcc_handler.go, runtime_launcher.go at v2.5.16).
   */
  streamEnded: (ccid: string, release: FabricRelease, streamError: string): string =>
    release === '2.5'
      ? `chaincode registration failed: connection to ${ccid} terminated`
      : `connection to ${ccid} failed: error handling chaincode stream for ${ccid}: ${streamError}`,
  /**
   * ChaincodeSupport.Launch: the launch completed (the chaincode registered) but the handler was
   * gone when Launch looked it up, because the stream had ended in between (both releases).
   */
  handlerGone: (ccid: string): string => `claimed to start chaincode container for ${ccid} but could not find handler`,
  /** comm.ClientConfig.Dial */
  dial: (grpcError: string): string => `failed to create new connection: ${grpcError}`,
  /** RuntimeLauncher: startup timeout */
  startupTimeout: (ccid: string): string => `timeout expired while starting chaincode ${ccid} for transaction`,
  /** Endorser: what the client of a failed invocation sees */
  simulation: (txid: string, cause: string): string => `error in simulation: failed to execute transaction ${txid}: ${cause}`,
} as const;
