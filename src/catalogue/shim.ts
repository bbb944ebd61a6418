import type { Rule } from './types.js';

/** SHIM: how the official chaincode servers behave, where it matters to a CCaaS deployment (reference §7). */
export const SHIM_RULES: readonly Rule[] = [
  {
    id: 'SHIM-GO-01', family: 'SHIM', level: 'SHOULD', confidence: 'code',
    title: 'Go ChaincodeServer has TLS on unless Disabled',
    peer: 'shim.ChaincodeServer uses TLS by default; connection.json defaults to plaintext (tls_required absent = false).',
    source: [{ repo: 'fabric-chaincode-go', path: 'shim/chaincodeserver.go', symbols: ['ChaincodeServer.Start'] }],
    remedy: 'Set `TLSProps.Disabled: true` for plaintext, or `tls_required: true` in connection.json.',
  },
  {
    id: 'SHIM-NODE-01', family: 'SHIM', level: 'SHOULD', confidence: 'code',
    title: 'Node server receive limit',
    peer: 'shim.server() without grpc options keeps grpc-js\'s 4 MiB receive limit while the peer sends up to 100 MiB.',
    source: [{ repo: 'fabric-chaincode-node', path: 'libraries/fabric-shim/lib/server.js' }],
    remedy: 'Pass `grpc.max_receive_message_length: -1` (the `fabric-chaincode-node server` CLI already does).',
  },
  {
    id: 'SHIM-NODE-03', family: 'SHIM', level: 'SHOULD', confidence: 'code',
    title: 'Node shim exits on peer KEEPALIVE (<= 2.5.8)',
    peer: 'fabric-shim 2.5.8 in the ready state logs `Received unknown message from the peer. Exiting.` and calls process.exit(1) on KEEPALIVE.',
    source: [{ repo: 'fabric-chaincode-node', path: 'libraries/fabric-shim/lib/handler.js', symbols: ['handleMessage'] }],
    remedy: 'Keep chaincode.keepalive at 0 on peers serving Node chaincode, or use a shim that echoes KEEPALIVE.',
  },
  {
    id: 'SHIM-JAVA-02', family: 'SHIM', level: 'SHOULD', confidence: 'code',
    title: 'Java server TLS needs the *_PATH files too',
    peer: 'With CORE_PEER_TLS_ENABLED the Java server also requires CORE_TLS_CLIENT_CERT_PATH, CORE_TLS_CLIENT_KEY_PATH and CORE_PEER_TLS_ROOTCERT_FILE; mutual TLS cannot be enabled through the environment.',
    source: [{ repo: 'fabric-chaincode-java', path: 'fabric-chaincode-shim/src/main/java/org/hyperledger/fabric/shim/ChaincodeBase.java', symbols: ['processEnvironmentOptions', 'validateOptions'] }],
    remedy: 'Set all five variables; the _PATH files hold base64 of the PEM.',
  },
];
