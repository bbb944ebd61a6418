import type { Rule } from './types.js';

/** SHIM: how the official chaincode servers behave, where it matters to a CCaaS deployment (reference §7). */
export const SHIM_RULES: readonly Rule[] = [
  {
    id: 'SHIM-GO-01', family: 'SHIM', level: 'SHOULD', confidence: 'code',
    title: 'Go ChaincodeServer has TLS on unless Disabled',
    peer: 'shim.ChaincodeServer uses TLS by default; connection.json defaults to plaintext (tls_required absent = false).',
    source: [{ repo: 'fabric-chaincode-go', path: 'shim/chaincodeserver.go', symbols: ['ChaincodeServer.Start'] }],
    remedy: 'Set `TLSProps.Disabled: true` for plaintext, or `tls_required: true` in connection.json.',
    related: ['DIAL-05'],
  },
  {
    id: 'SHIM-GO-02', family: 'SHIM', level: 'SHOULD', confidence: 'code',
    title: 'Go ChaincodeServer TLS: PEM key pair, client CAs turn on mutual TLS',
    peer: 'TLSProps.Key/Cert are PEM bytes (`failed to parse client key pair: <tls error>` otherwise, also for the server pair); ClientCACerts makes the server RequireAndVerifyClientCert and advertise those CAs, so the peer (Go) sends client_cert only if it was issued by one of them. MinVersion TLS 1.2, ALPN h2. Not exercised here: fabric-chaincode-go/v2 cannot be built on this machine (the Go module proxy refuses github.com/hyperledger/* modules), so its behaviour is from the source; the Node server stands in for the real-server tests.',
    source: [{ repo: 'fabric-chaincode-go', path: 'shim/internal/config.go', symbols: ['LoadTLSConfig'] }, { repo: 'fabric-chaincode-go', path: 'shim/internal/server.go', symbols: ['NewServer'] }],
    remedy: 'Give TLSProps PEM bytes of the key and certificate; set ClientCACerts to the CA of the peer\'s client_cert for mutual TLS, and client_auth_required true in connection.json.',
    related: ['DIAL-09', 'DIAL-11'],
  },
  {
    id: 'SHIM-NODE-01', family: 'SHIM', level: 'SHOULD', confidence: 'code',
    title: 'Node server receive limit',
    peer: 'shim.server() without grpc options keeps grpc-js\'s 4 MiB receive limit while the peer sends up to 100 MiB.',
    source: [{ repo: 'fabric-chaincode-node', path: 'libraries/fabric-shim/lib/server.js' }],
    remedy: 'Pass `grpc.max_receive_message_length: -1` (the `fabric-chaincode-node server` CLI already does).',
  },
  {
    id: 'SHIM-NODE-02', family: 'SHIM', level: 'SHOULD', confidence: 'code',
    title: 'fabric-chaincode-node server: *_FILE is PEM, *_PATH is base64 of PEM',
    peer: '`fabric-chaincode-node server` (or CORE_CHAINCODE_* variables) takes --chaincode-tls-cert-file/--chaincode-tls-key-file as PEM files and the -path variants as files holding base64 of PEM; a client CA file turns on mutual TLS (requireClientCert). Without TLS options the server is plaintext, the opposite default to the Go shim. Checked with fabric-shim 2.5.8 in plaintext, TLS and mutual TLS.',
    source: [{ repo: 'fabric-chaincode-node', path: 'libraries/fabric-shim/lib/cmds/serverCommand.js' }, { repo: 'fabric-chaincode-node', path: 'libraries/fabric-shim/lib/server.js' }],
    remedy: 'Use the -file options with PEM files (or -path with base64 of PEM), and tls_required in connection.json to match whether TLS options are given.',
    related: ['DIAL-09', 'SHIM-GO-01'],
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
