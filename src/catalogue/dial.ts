import type { Rule } from './types.js';

const COMM = 'internal/pkg/comm/config.go';
const SETTLED = "Settled with a Go program that dials exactly as the peer does (grpc-go v1.82.1, WithBlock and FailOnNonTempDialError, Fabric's TLS configuration; the pinned peers vendor v1.81.0 (3.1.5) and v1.79.3 (2.5.16), and the real-peer corpus, test/realpeer, checks the 3.1.5 peer's own texts) against the misbehaving endpoints in mocks/impostors";

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
    id: 'DIAL-03', family: 'DIAL', level: 'MUST', confidence: 'settled',
    settledBy: `${SETTLED}: connection refused, an unresolvable host and a reset during the TLS handshake fail at once with \`failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp 127.0.0.1:<port>: connect: connection refused"\` (resp. \`lookup <host> on <dns>: no such host\`, \`transport: authentication handshake failed: read tcp ...: read: connection reset by peer\`); everything else (TLS verification, missing ALPN, EOF, HTTP/1.1, a silent listener, a server demanding a client certificate) is retried until dial_timeout and ends \`failed to create new connection: context deadline exceeded\`, the reason only in the log. A negative or 10 ns dial_timeout fails at once with context deadline exceeded.`,
    title: 'The connection is ready within dial_timeout',
    peer: 'A blocking dial (WithBlock, FailOnNonTempDialError) bounded by dial_timeout; failure → `could not launch chaincode <ccid>: connection to <ccid> failed: error cannot create connection for <ccid>: error creating grpc connection to <address>: failed to create new connection: <cause>`. The launch also arms chaincode.startuptimeout (300 s in the sample core.yaml, at least 5 s) before it dials, so a dial that fails only at a dial_timeout not shorter than it is reported as `timeout expired while starting chaincode <ccid> for transaction`.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['ClientConfig.Dial'] }, { repo: 'fabric', path: 'core/chaincode/extcc/extcc_handler.go', symbols: ['Stream'] }],
    remedy: 'Check that the server listens on the address in connection.json, reachable from the peer (not 127.0.0.1 inside another container), and that TLS settings match on both sides.',
  },
  {
    id: 'DIAL-04', family: 'DIAL', level: 'MUST', confidence: 'settled',
    settledBy: `${SETTLED}: \`localhost\` → \`dial tcp: address localhost: missing port in address\`, \`http://h:1\` → \`too many colons in address\`, \`h:99999\` → \`address 99999: invalid port\`, \`h:abc\` → \`lookup tcp/abc: unknown port\`, all at once; \`dns:///h:p\`, \`passthrough:///h:p\` and \`unix:///path\` are grpc-go targets; an unknown scheme is passed through whole.`,
    title: 'address is a usable gRPC target',
    peer: 'address is passed unchanged to grpc.DialContext (passthrough resolver); a missing port or an unresolvable host fails at dial time.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['ClientConfig.Dial'] }],
    remedy: 'Use `host:port` with a host name the peer can resolve.',
  },
  {
    id: 'DIAL-05', family: 'DIAL', level: 'MUST', confidence: 'settled',
    settledBy: `${SETTLED}: the peer logs \`Client TLS handshake failed after <d> with error: tls: failed to verify certificate: x509: certificate is valid for wrong.example.com, not localhost\` (also \`certificate relies on legacy Common Name field, use SANs instead\`, \`certificate has expired or is not yet valid: current time ... is after ...\`, \`certificate signed by unknown authority\`, \`certificate specifies an incompatible key usage\`, \`credentials: cannot check peer: missing selected ALPN property...\`, \`tls: first record does not look like a TLS handshake\`); a server requiring a client certificate gives \`error reading server preface: remote error: tls: certificate required\`, also when client_cert is from a CA the server does not list (Go then sends no certificate). All end in context deadline exceeded after dial_timeout.`,
    title: 'The TLS handshake succeeds with the peer\'s client configuration',
    peer: 'TLS 1.2+, Go\'s cipher suites, root_cert as the only trust, the client key pair only with client_auth_required, the server name from the address host (or `domain` with client auth) checked against SANs only (never the Common Name), extendedKeyUsage serverAuth, ALPN h2 required.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['SecureOptions.TLSConfig'] }, { repo: 'fabric', path: 'internal/pkg/comm/creds.go', symbols: ['DynamicClientCredentials.ClientHandshake'] }],
    remedy: 'Issue the server certificate from the CA in root_cert with the dialled host in its SANs; with mutual TLS, issue the peer\'s client certificate from the CA the server trusts.',
    releases: {
      appliesTo: ['2.5', '3.1'],
      differences: {
        '2.5': 'ChaincodeServerUserData has no `domain` field: the server name is always the address host, also with client_auth_required (core/container/externalbuilder/instance.go at v2.5.16). With --fabric-release 2.5 the harness dials and lints with the address host as the server name.',
        '3.1': 'With client_auth_required, `domain` (when set) becomes the TLS server name (SecOpts.ServerNameOverride).',
      },
    },
  },
  {
    id: 'DIAL-06', family: 'DIAL', level: 'MUST', confidence: 'settled',
    settledBy: `${SETTLED}: an HTTP/2 server that is not gRPC lets the dial succeed, then the stream fails with \`rpc error: code = Unimplemented desc = unexpected HTTP status code received from server: 404 (Not Found); transport: received unexpected content-type "text/html"\` (plus a \`data:\` line); a gRPC server without the service answers \`rpc error: code = Unimplemented desc = <its message>\`. A server that answers the preface with SETTINGS and closes lets the dial succeed too; the stream then fails with \`rpc error: code = Unavailable desc = error reading from server: EOF\` (the real Fabric 3.1.5 peer, grpc-go v1.81.0, 9 runs out of 9: test/realpeer case settings-then-close). The peer wraps it as \`connection to <ccid> failed: error handling chaincode stream for <ccid>: receive from chaincode support stream failed: <err>\`.`,
    title: 'The server serves /protos.Chaincode/Connect',
    peer: 'The peer opens the bidirectional stream /protos.Chaincode/Connect with no deadline and no metadata, and waits for the chaincode to speak first.',
    source: [{ repo: 'fabric', path: 'core/chaincode/extcc/extcc_handler.go', symbols: ['Stream'] }, { repo: 'fabric', path: 'core/chaincode/handler.go', symbols: ['ProcessStream'] }, { repo: 'fabric-protos', path: 'peer/chaincode_shim.proto', symbols: ['Chaincode.Connect'] }],
    remedy: 'Start the chaincode with the shim\'s server mode (Go shim.ChaincodeServer, `fabric-chaincode-node server`, Java with CHAINCODE_SERVER_ADDRESS).',
    releases: {
      appliesTo: ['2.5', '3.1'],
      differences: {
        '2.5': 'ExternalChaincodeRuntime.Stream ignores HandleChaincodeStream\'s error and returns nil, so the launcher notifies `connection to <ccid> terminated` and the launch fails at once with `could not launch chaincode <ccid>: chaincode registration failed: connection to <ccid> terminated`; the stream error is only in the debug log (extcc_handler.go, runtime_launcher.go at v2.5.16; seen on a real v2.5.16 peer, test/realpeer case grpc-no-chaincode).',
        '3.1': 'Stream wraps the error: `could not launch chaincode <ccid>: connection to <ccid> failed: error handling chaincode stream for <ccid>: receive from chaincode support stream failed: rpc error: code = Unimplemented desc = ...`.',
      },
    },
  },
  {
    id: 'DIAL-07', family: 'DIAL', level: 'MUST', confidence: 'code',
    title: 'Launch errors are reported with the peer\'s error chain',
    peer: 'Launch errors surface to the invoker as `error in simulation: failed to execute transaction <txid>: could not launch chaincode <ccid>: <cause>`.',
    source: [{ repo: 'fabric', path: 'core/chaincode/runtime_launcher.go', symbols: ['Launch'] }],
    remedy: 'Search the peer log for the quoted chain; the cause is the last segment.',
  },
  {
    id: 'DIAL-08', family: 'DIAL', level: 'SHOULD', confidence: 'settled',
    settledBy: "Settled by running the peer's own RuntimeLauncher.Launch (Fabric 0c423ac47fd8, test/oracle-fabric mode `launch-timeout`, test/unit/fabric-launch.test.ts) with a stream that opens and never registers: Launch returns `timeout expired while starting chaincode <id> for transaction` and deregisters the launch (the next Launching of the ID starts a new one), while the stream it opened keeps running: nothing closes it.",
    title: 'The server survives stream ends and relaunches',
    peer: 'When a stream ends the handler is deregistered and the next invocation dials again; after a startup timeout the old stream is left open.',
    source: [{ repo: 'fabric', path: 'core/chaincode/runtime_launcher.go', symbols: ['Launch'] }],
    remedy: 'Do not exit the server when one stream ends.',
  },
  {
    id: 'DIAL-09', family: 'DIAL', level: 'SHOULD', confidence: 'code',
    title: 'TLS material is PEM where PEM is expected',
    peer: 'connection.json\'s root_cert, client_cert and client_key are PEM text (Go\'s encoding/pem); the shims\' *_FILE options and the Go shim\'s TLSProps take PEM, their *_PATH options base64 of PEM. Go skips non-certificate blocks in root_cert silently, and the server\'s key must match its certificate.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['SecureOptions.TLSConfig', 'ClientCertificate'] }, { repo: 'fabric-chaincode-node', path: 'libraries/fabric-shim/lib/cmds/serverCommand.js' }, { repo: 'fabric-chaincode-go', path: 'shim/internal/config.go', symbols: ['LoadTLSConfig'] }],
    remedy: 'Write PEM text (line breaks as \\n in JSON strings); give each server option the encoding it expects; keep private keys out of CA bundles.',
  },
  {
    id: 'DIAL-10', family: 'DIAL', level: 'SHOULD', confidence: 'code',
    title: 'The server certificate passes the peer\'s verification, with time to spare',
    peer: 'Go verifies the chaincode server\'s certificate: valid now, the dialled host (or `domain` with client auth) in its SANs, a chain to root_cert, extendedKeyUsage serverAuth. The lint reads the certificate the server presents or --server-cert, and warns 30 days before expiry.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['SecureOptions.TLSConfig'] }, { repo: 'fabric', path: 'core/container/externalbuilder/instance.go', symbols: ['ChaincodeServerInfo'] }],
    remedy: 'Issue the server certificate from the CA in root_cert, for the host in `address`, with serverAuth, and renew it before it expires.',
    related: ['DIAL-05', 'DRIFT-03'],
  },
  {
    id: 'DIAL-11', family: 'DIAL', level: 'SHOULD', confidence: 'code',
    title: 'The peer\'s client certificate suits mutual TLS',
    peer: 'With client_auth_required the peer presents client_cert, and only if its issuer is among the CAs the server asks for (Go\'s client certificate selection); the server verifies it with extendedKeyUsage clientAuth. Without client_auth_required, client_cert and client_key are ignored.',
    source: [{ repo: 'fabric', path: 'core/container/externalbuilder/instance.go', symbols: ['ChaincodeServerInfo'] }, { repo: 'fabric-chaincode-go', path: 'shim/internal/config.go', symbols: ['LoadTLSConfig'] }],
    remedy: 'Issue client_cert from the CA the server trusts for clients (--server-client-ca), with clientAuth, and renew it before it expires.',
  },
  {
    id: 'DIAL-12', family: 'DIAL', level: 'MUST', confidence: 'code',
    title: 'The chaincode server is running and listening when the peer dials',
    peer: 'The peer neither starts nor waits for a chaincode-as-a-service server: each launch dials `address` once. A server that exited (a panic, a bind error such as `listen tcp: lookup <host>: no such host`) or listens on another port leaves nothing listening: the launch fails at once with `... error creating grpc connection to <address>: failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp <ip>:<port>: connect: connection refused"`. Judged for a server the harness starts with --command: its exit status and last output lines are the cause.',
    source: [{ repo: 'fabric', path: COMM, symbols: ['ClientConfig.Dial'] }, { repo: 'fabric', path: 'core/chaincode/extcc/extcc_handler.go', symbols: ['Stream'] }],
    remedy: 'Read the server\'s last output lines: make it listen on CHAINCODE_SERVER_ADDRESS (an address it can bind, e.g. 0.0.0.0:<port> in a container) and keep running.',
    related: ['DIAL-03'],
  },
];
