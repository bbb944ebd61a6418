import type { Rule } from './types.js';

const COMM = 'internal/pkg/comm/config.go';

/** DIAL: how the peer connects to the chaincode server (reference §5). */
export const DIAL_RULES: readonly Rule[] = [
  {
    id: 'DIAL-01', family: 'DIAL', level: 'MUST', confidence: 'code',
    title: 'The server accepts a new connection per launch',
    peer: 'Each launch creates a new gRPC client connection to `address`, opens one stream and closes the connection when the stream ends; there is no pooling or reconnect.',
    source: [{ repo: 'fabric', path: 'core/chaincode/extcc/extcc_handler.go', symbols: ['ExternalChaincodeRuntime.Stream', 'createConnection'] }],
    remedy: 'Keep the chaincode server listening for the life of the chaincode; it must accept repeated connections.',
  },
  {
    id: 'DIAL-02', family: 'DIAL', level: 'SHOULD', confidence: 'code',
    title: 'The server tolerates the peer\'s keepalive and message limits',
    peer: 'Client keepalive ping every 60s (20s timeout, also without streams); 100 MiB send/receive limits.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['DefaultKeepaliveOptions', 'ClientConfig.Dial'] }],
    remedy: 'Set the server\'s keepalive enforcement minimum to 60s or less and its message limits to at least 100 MiB.',
  },
  {
    id: 'DIAL-03', family: 'DIAL', level: 'MUST', confidence: 'inferred',
    title: 'The connection is ready within dial_timeout',
    peer: 'A blocking dial (WithBlock, FailOnNonTempDialError) bounded by dial_timeout; failure → `could not launch chaincode <ccid>: connection to <ccid> failed: error cannot create connection for <ccid>: error creating grpc connection to <address>: <cause>`.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['ClientConfig.Dial'] }, { repo: 'fabric', path: 'core/chaincode/extcc/extcc_handler.go', symbols: ['Stream'] }],
    remedy: 'Check that the server listens on the address in connection.json, reachable from the peer (not 127.0.0.1 inside another container), and that TLS settings match on both sides.',
  },
  {
    id: 'DIAL-04', family: 'DIAL', level: 'MUST', confidence: 'inferred',
    title: 'address is a usable gRPC target',
    peer: 'address is passed unchanged to grpc.DialContext (passthrough resolver); a missing port or an unresolvable host fails at dial time.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['ClientConfig.Dial'] }],
    remedy: 'Use `host:port` with a host name the peer can resolve.',
  },
  {
    id: 'DIAL-05', family: 'DIAL', level: 'MUST', confidence: 'inferred',
    title: 'The TLS handshake succeeds with the peer\'s client configuration',
    peer: 'TLS 1.2+, root_cert as the only trust, the client key pair only with client_auth_required, server name from the address host (or `domain` with client auth), ALPN h2 required.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['SecureOptions.TLSConfig'] }],
    remedy: 'Issue the server certificate from the CA in root_cert with the dialled host in its SANs; with mutual TLS, issue the peer\'s client certificate from the CA the server trusts.',
  },
  {
    id: 'DIAL-06', family: 'DIAL', level: 'MUST', confidence: 'code',
    title: 'The server serves /protos.Chaincode/Connect',
    peer: 'The peer opens the bidirectional stream /protos.Chaincode/Connect with no deadline and no metadata, and waits for the chaincode to speak first.',
    source: [{ repo: 'fabric', path: 'core/chaincode/extcc/extcc_handler.go', symbols: ['Stream'] }, { repo: 'fabric-protos', path: 'peer/chaincode_shim.proto', symbols: ['Chaincode.Connect'] }],
    remedy: 'Start the chaincode with the shim\'s server mode (Go shim.ChaincodeServer, `fabric-chaincode-node server`, Java with CHAINCODE_SERVER_ADDRESS).',
  },
  {
    id: 'DIAL-07', family: 'DIAL', level: 'MUST', confidence: 'code',
    title: 'Launch errors are reported with the peer\'s error chain',
    peer: 'Launch errors surface to the invoker as `error in simulation: failed to execute transaction <txid>: could not launch chaincode <ccid>: <cause>`.',
    source: [{ repo: 'fabric', path: 'core/chaincode/runtime_launcher.go', symbols: ['Launch'] }],
    remedy: 'Search the peer log for the quoted chain; the cause is the last segment.',
  },
  {
    id: 'DIAL-08', family: 'DIAL', level: 'SHOULD', confidence: 'inferred',
    title: 'The server survives stream ends and relaunches',
    peer: 'When a stream ends the handler is deregistered and the next invocation dials again; after a startup timeout the old stream is left open.',
    source: [{ repo: 'fabric', path: 'core/chaincode/runtime_launcher.go', symbols: ['Launch'] }],
    remedy: 'Do not exit the server when one stream ends.',
  },
];
