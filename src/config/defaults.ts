/**
 * The peer's defaults and the harness's own deadlines, in one place. Peer values cite their
 * source (reference Appendix A); harness values exist because the peer has none, or because the
 * peer's would make a user wait minutes for a verdict the harness can give in seconds.
 */
export const PEER = {
  /** externalbuilder.DialTimeout: used when connection.json's dial_timeout is 0 or absent. */
  dialTimeoutMs: 3_000,
  /** chaincode.startuptimeout in the sample core.yaml: how long the peer waits for REGISTER. */
  startupTimeoutMs: 300_000,
  /** chaincode.executetimeout in the sample core.yaml. */
  executeTimeoutMs: 30_000,
  /** chaincode.installTimeout in the sample core.yaml. */
  installTimeoutMs: 300_000,
  /** comm.DefaultKeepaliveOptions (client side). */
  keepaliveTimeMs: 60_000,
  keepaliveTimeoutMs: 20_000,
  /** comm max send/receive message size. */
  maxMessageBytes: 100 * 1024 * 1024,
  /** Results per RESPONSE for unpaginated queries (MaxResultLimit). */
  queryBatchSize: 100,
  /** The sample core.yaml's chaincode.runtimeParams. */
  runtimeParams: { useWriteBatch: true, maxSizeWriteBatch: 1000, useGetMultipleKeys: true, maxSizeGetMultipleKeys: 1000 },
} as const;

export const HARNESS = {
  /** How long to wait for REGISTER before reporting (the peer would wait startupTimeoutMs). */
  registerTimeoutMs: 5_000,
  /** Per builder program; the peer has no timeout at all (BLD-07). */
  builderTimeoutMs: 60_000,
  /** Grace between SIGTERM and SIGKILL for children the harness stops. */
  killGraceMs: 2_000,
  /** How long a `--command` server may take to start listening. */
  serverStartTimeoutMs: 30_000,
  /** Captured stdout/stderr per program. */
  maxCapturedBytes: 1024 * 1024,
  /** Longest stderr line the peer's bufio.Scanner copies to its log (BLD-04). */
  peerStderrLineLimit: 64 * 1024,
} as const;

export const TEST_MSP = {
  mspId: 'Org1MSP',
  user: 'User1@org1.example.com',
  channelId: 'mychannel',
} as const;
