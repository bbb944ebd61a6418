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

export const chains = {
  /** ChaincodeSupport.Launch */
  launch: (ccid: string, cause: string): string => `could not launch chaincode ${ccid}: ${cause}`,
  /** RuntimeLauncher: build or connection.json problems */
  building: (cause: string): string => `error building chaincode: ${cause}`,
  /** RuntimeLauncher + ExternalChaincodeRuntime.Stream + createConnection */
  connection: (ccid: string, address: string, dialError: string): string =>
    `connection to ${ccid} failed: error cannot create connection for ${ccid}: error creating grpc connection to ${address}: ${dialError}`,
  /** comm.ClientConfig.Dial */
  dial: (grpcError: string): string => `failed to create new connection: ${grpcError}`,
  /** RuntimeLauncher: startup timeout */
  startupTimeout: (ccid: string): string => `timeout expired while starting chaincode ${ccid} for transaction`,
  /** Endorser: what the client of a failed invocation sees */
  simulation: (txid: string, cause: string): string => `error in simulation: failed to execute transaction ${txid}: ${cause}`,
} as const;
