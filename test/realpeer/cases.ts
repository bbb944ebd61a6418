import type { ImpostorKind } from '../../mocks/impostors/index.js';
import type { FabricRelease } from '../../src/catalogue/releases.js';
import type { TarFile } from './packages.js';

/**
 * The real-peer corpus: each case is a package and a chaincode server, deployed on the real peer
 * (install, approve, commit, invoke) and checked by the harness CLI; the two must agree on where
 * the deployment stops and on the peer's error text (outcome.ts). Cases are data: add one by
 * appending an object (docs/real-peer.md).
 *
 * Placeholders: a case's connection.json is written by a function of the case's context (the
 * address its server listens on, the TLS material of the run), so ports and keys never appear in
 * the data.
 */

/** The chaincode server of a case. */
export type ServerSpec =
  /** The Node (fabric-shim) or Go (fabric-chaincode-go/v2) fixture, plaintext, TLS or mutual TLS. */
  | { readonly kind: 'node' | 'go'; readonly tls?: 'tls' | 'mtls'; readonly registersAs?: 'wrong-package-id' }
  /** A chaincode impostor (mocks/chaincode/impostors/server.ts) running a script of realserver.ts. */
  | { readonly kind: 'script'; readonly script: ScriptName }
  /** A misbehaving endpoint (mocks/impostors), which issues its own certificate for localhost. */
  | { readonly kind: 'endpoint'; readonly endpoint: ImpostorKind }
  /** No server at all (the package never gets to launch, or the address is what is tested). */
  | { readonly kind: 'none' };

export type ScriptName = 'silent' | 'answers-200' | 'wrong-channel' | 'ends-stream' | 'ends-before-register';

export interface Tls {
  /** The CA the servers' certificates chain to (PEM). */
  readonly caPem: string;
  /** A CA that issued nothing the servers present. */
  readonly otherCaPem: string;
  /** The peer's client pair for mutual TLS, issued by the servers' client CA. */
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
}

export interface CaseContext {
  /** host:port the case's server listens on (127.0.0.1, or localhost for endpoints with certificates). */
  readonly address: string;
  readonly port: number;
  readonly label: string;
  readonly tls: Tls;
}

export type Json = Record<string, unknown>;

export interface Case {
  /** Short, unique, [a-z0-9-]. The chaincode's name on the channel is derived from it. */
  readonly id: string;
  readonly title: string;
  readonly group: 'package' | 'connection' | 'tls' | 'template' | 'builder' | 'server' | 'deployment';
  /** The package label (default: derived from id, so every package ID is unique in a run). */
  readonly label?: string;
  /** metadata.json type (default ccaas), or the raw bytes / absence. */
  readonly type?: string;
  readonly metadata?: (label: string) => Buffer | null;
  /** connection.json: an object, raw text, or null for none. Default: plaintext, dial_timeout 3s (below the network's startuptimeout, so a dial failure is not raced by it). */
  readonly connection?: (c: CaseContext) => Json | string | null;
  readonly codeFiles?: readonly TarFile[];
  readonly noCode?: boolean;
  readonly outerFiles?: readonly TarFile[];
  /** Outer entry names with a ./ prefix, as `tar czf pkg.tgz .` writes them. */
  readonly dotSlash?: boolean;
  readonly server: ServerSpec;
  /** The invoke's arguments (default: org.hyperledger.fabric:GetMetadata for the Node fixture, Ping otherwise). */
  readonly invoke?: readonly string[];
  /** More harness CLI arguments. `{sampleBuilder}` names mocks/builders/sample-external, `{coreYaml}` the peer's core.yaml. */
  readonly harness?: readonly string[];
  /** The peer would wait chaincode.startuptimeout for this case (lowered in the network); the harness must say it predicted 300 s. */
  readonly waitsStartup?: boolean;
  /** Runs only when the peer of this release is used. */
  readonly releases?: readonly string[];
  /** The address is a service name the peer resolves through its own /etc/hosts (SERVICE_NAMES); the harness runs with the same file. */
  readonly resolves?: boolean;
  /**
   * A race in the real peer: for the same failure it prints one of these texts, by timing (with
   * the Fabric code that decides it). The case agrees when the peer printed one of them and the
   * harness's decisive finding names that one too (in its quote or its message).
   */
  readonly peerRace?: { readonly texts: readonly string[]; readonly source: string };
  /** A disagreement the harness documents (its own limit), with the reason. The case must still disagree. */
  readonly knownDisagreement?: string;
  /** The same, on the peer of one release only. */
  readonly knownDisagreementOn?: Readonly<Partial<Record<FabricRelease, string>>>;
}

/**
 * Service names the network's peer resolves to 127.0.0.1 (its own /etc/hosts), as a deployment's
 * DNS resolves them: a Kubernetes Service, test-network's `{{.peername}}_<name>_ccaas` rendered for
 * peer0org1, and a name the servers' certificate does not carry.
 */
export const SERVICE_NAMES = ['cc.org1.svc.cluster.local', 'peer0org1_rp_ccaas', 'other.org1.svc.cluster.local'] as const;
/** The names the servers' certificate carries besides localhost and 127.0.0.1. */
export const SERVICE_NAMES_IN_CERT = ['cc.org1.svc.cluster.local'] as const;

const plain = (c: CaseContext): Json => ({ address: c.address, dial_timeout: '3s', tls_required: false });
const tlsConn = (c: CaseContext, extra: Json = {}): Json => ({ address: c.address, dial_timeout: '3s', tls_required: true, root_cert: c.tls.caPem, ...extra });
const mtlsConn = (c: CaseContext): Json => tlsConn(c, { client_auth_required: true, client_key: c.tls.clientKeyPem, client_cert: c.tls.clientCertPem });

export const CASES: readonly Case[] = [
  // --- good deployments --------------------------------------------------------------------
  { id: 'node-plain', title: 'Node shim, plaintext', group: 'server', server: { kind: 'node' } },
  { id: 'node-tls', title: 'Node shim, TLS', group: 'tls', server: { kind: 'node', tls: 'tls' }, connection: (c) => tlsConn(c) },
  { id: 'node-mtls', title: 'Node shim, mutual TLS', group: 'tls', server: { kind: 'node', tls: 'mtls' }, connection: mtlsConn },
  { id: 'go-plain', title: 'Go shim, plaintext', group: 'server', server: { kind: 'go' } },
  { id: 'go-tls', title: 'Go shim, TLS', group: 'tls', server: { kind: 'go', tls: 'tls' }, connection: (c) => tlsConn(c) },
  { id: 'go-mtls', title: 'Go shim, mutual TLS', group: 'tls', server: { kind: 'go', tls: 'mtls' }, connection: mtlsConn },
  { id: 'node-unknown-fn', title: 'Node shim answers 500 to an unknown function (the chaincode\'s business)', group: 'server', server: { kind: 'node' }, invoke: ['NoSuchFunction'] },
  {
    id: 'answers-200',
    title: 'an impostor that answers 200 to everything',
    group: 'server',
    server: { kind: 'script', script: 'answers-200' },
    invoke: ['AnythingAtAll'],
  },
  { id: 'dial-timeout-ms', title: 'dial_timeout "1500ms"', group: 'connection', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), dial_timeout: '1500ms' }) },
  { id: 'dial-timeout-compound', title: 'dial_timeout "1m0.5s"', group: 'connection', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), dial_timeout: '1m0.5s' }) },
  { id: 'unknown-fields', title: 'connection.json with fields the peer does not know', group: 'connection', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), timeout: '10s', tls: false, comment: 'x' }) },
  { id: 'label-punct', title: 'label with . + - _', group: 'package', label: 'rp.label+v1_x-y', server: { kind: 'node' } },
  { id: 'metadata-extra', title: 'metadata.json with a path field', group: 'package', server: { kind: 'node' }, metadata: (label) => Buffer.from(JSON.stringify({ type: 'ccaas', label, path: 'github.com/x/y' })) },
  { id: 'localhost-name', title: 'address localhost:<port> (a name the peer resolves)', group: 'deployment', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), address: `localhost:${c.port}` }) },
  { id: 'wildcard-address', title: 'address 0.0.0.0:<port> (the server\'s listen address copied)', group: 'deployment', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), address: `0.0.0.0:${c.port}` }) },
  { id: 'template-ok', title: 'ccaas template rendered from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG', group: 'template', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), address: `{{.loopback}}:${c.port}` }) },
  { id: 'sample-external', title: 'the docs\' sample external builder, type external', group: 'builder', type: 'external', server: { kind: 'node' }, harness: ['--builder', '{sampleBuilder}'] },

  // --- packages the peer refuses at install --------------------------------------------------
  { id: 'label-space', title: 'label with a space', group: 'package', label: 'my cc', server: { kind: 'none' } },
  { id: 'label-empty', title: 'empty label', group: 'package', label: '', server: { kind: 'none' } },
  { id: 'label-unicode', title: 'label with a non-ASCII letter', group: 'package', label: 'caf\u00e9', server: { kind: 'none' } },
  { id: 'metadata-missing', title: 'no metadata.json', group: 'package', server: { kind: 'none' }, metadata: () => null },
  { id: 'metadata-not-json', title: 'metadata.json is not JSON', group: 'package', server: { kind: 'none' }, metadata: () => Buffer.from('type: ccaas\n') },
  { id: 'metadata-type-number', title: 'metadata.json type is a number', group: 'package', server: { kind: 'none' }, metadata: (label) => Buffer.from(JSON.stringify({ type: 5, label })) },
  { id: 'type-golang', title: 'type golang on a peer with vm.endpoint empty (the harness reads its core.yaml)', group: 'builder', type: 'golang', server: { kind: 'none' }, harness: ['--core-yaml', '{coreYaml}'] },
  { id: 'type-unknown', title: 'a type no builder detects (the harness reads the peer\'s core.yaml)', group: 'builder', type: 'wasm', server: { kind: 'none' }, harness: ['--core-yaml', '{coreYaml}'] },
  { id: 'code-missing', title: 'no code.tar.gz', group: 'package', server: { kind: 'none' }, noCode: true },
  { id: 'connection-missing', title: 'code.tar.gz without connection.json', group: 'package', server: { kind: 'none' }, connection: () => null, codeFiles: [{ name: 'README', data: Buffer.from('hi\n') }] },
  { id: 'outer-extra-file', title: 'an extra file beside metadata.json and code.tar.gz', group: 'package', server: { kind: 'node' }, outerFiles: [{ name: 'README.md', data: Buffer.from('hello\n') }] },
  { id: 'dot-slash', title: 'entries written by `tar czf pkg.tgz .` (./metadata.json)', group: 'package', server: { kind: 'node' }, dotSlash: true },
  { id: 'template-parse-error', title: 'ccaas template that does not parse', group: 'template', server: { kind: 'none' }, connection: (c) => ({ ...plain(c), address: `{{.loopback:${c.port}` }) },
  { id: 'core-yaml-ccaas', title: 'the harness with the peer\'s core.yaml (the real ccaas_builder as its builder)', group: 'builder', server: { kind: 'node' }, harness: ['--core-yaml', '{coreYaml}'] },
  { id: 'sample-external-no-conn', title: 'sample external builder, no connection.json', group: 'builder', type: 'external', server: { kind: 'none' }, connection: () => null, codeFiles: [{ name: 'README', data: Buffer.from('x\n') }], harness: ['--builder', '{sampleBuilder}'] },

  // --- connection.json the peer refuses at launch --------------------------------------------
  { id: 'conn-not-json', title: 'connection.json is not JSON', group: 'connection', server: { kind: 'node' }, connection: (c) => `address: ${c.address}\n` },
  { id: 'conn-bom', title: 'connection.json with a UTF-8 byte order mark', group: 'connection', server: { kind: 'node' }, connection: (c) => `\ufeff${JSON.stringify(plain(c))}` },
  { id: 'tls-required-string', title: 'doc drift: "tls_required": "true"', group: 'connection', server: { kind: 'node', tls: 'tls' }, connection: (c) => tlsConn(c, { tls_required: 'true' }) },
  { id: 'dial-timeout-number', title: 'dial_timeout 10 (a number)', group: 'connection', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), dial_timeout: 10 }) },
  { id: 'dial-timeout-no-unit', title: 'dial_timeout "10" (no unit)', group: 'connection', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), dial_timeout: '10' }) },
  { id: 'dial-timeout-missing', title: 'no dial_timeout', group: 'connection', server: { kind: 'node' }, connection: (c) => ({ address: c.address, tls_required: false }) },
  { id: 'address-missing', title: 'no address', group: 'connection', server: { kind: 'node' }, connection: () => ({ dial_timeout: '3s', tls_required: false }) },
  { id: 'address-no-port', title: 'address without a port', group: 'connection', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), address: 'localhost' }) },
  { id: 'connection-empty-object', title: 'connection.json is {}', group: 'connection', server: { kind: 'node' }, connection: () => ({}) },
  { id: 'type-uppercase', title: 'metadata.json type "CCAAS" (the ccaas builder\'s detect ignores case)', group: 'builder', type: 'CCAAS', server: { kind: 'node' } },
  { id: 'code-not-gzip', title: 'code.tar.gz that is not gzip', group: 'package', server: { kind: 'none' }, noCode: true, outerFiles: [{ name: 'code.tar.gz', data: Buffer.from('this is not a gzip stream\n') }] },
  { id: 'mtls-missing-client-key', title: 'client_auth_required without client_key', group: 'tls', server: { kind: 'node', tls: 'mtls' }, connection: (c) => tlsConn(c, { client_auth_required: true, client_cert: c.tls.clientCertPem }) },
  { id: 'address-scheme', title: 'address with a grpc:// scheme', group: 'connection', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), address: `grpc://${c.address}` }) },
  { id: 'template-missing-key', title: 'ccaas template naming a key the peer\'s config lacks', group: 'template', server: { kind: 'node' }, connection: (c) => ({ ...plain(c), address: `{{.nosuchkey}}:${c.port}` }) },

  // --- TLS ------------------------------------------------------------------------------------
  { id: 'root-cert-garbage', title: 'root_cert that is not PEM', group: 'tls', server: { kind: 'node', tls: 'tls' }, connection: (c) => tlsConn(c, { root_cert: 'not a certificate' }) },
  { id: 'root-cert-other-ca', title: 'root_cert of another CA', group: 'tls', server: { kind: 'node', tls: 'tls' }, connection: (c) => tlsConn(c, { root_cert: c.tls.otherCaPem }) },
  { id: 'tls-to-plaintext', title: 'TLS package, plaintext server', group: 'tls', server: { kind: 'node' }, connection: (c) => tlsConn(c) },
  { id: 'plaintext-to-tls', title: 'plaintext package, TLS server', group: 'tls', server: { kind: 'node', tls: 'tls' } },
  { id: 'mtls-server-no-client-cert', title: 'mutual-TLS server, package without client_auth_required', group: 'tls', server: { kind: 'node', tls: 'mtls' }, connection: (c) => tlsConn(c) },
  { id: 'endpoint-wrong-san', title: 'server certificate for another name', group: 'tls', server: { kind: 'endpoint', endpoint: 'tls-wrong-san' }, connection: (c) => tlsConn(c) },
  { id: 'endpoint-cn-only', title: 'server certificate with a Common Name and no SANs', group: 'tls', server: { kind: 'endpoint', endpoint: 'tls-cn-only' }, connection: (c) => tlsConn(c) },
  { id: 'endpoint-expired', title: 'expired server certificate', group: 'tls', server: { kind: 'endpoint', endpoint: 'tls-expired' }, connection: (c) => tlsConn(c) },

  // --- servers that fail the launch -----------------------------------------------------------
  { id: 'nothing-listens', title: 'nothing listens at the address', group: 'server', server: { kind: 'endpoint', endpoint: 'closed' } },
  { id: 'blackhole', title: 'a server that accepts TCP and never answers, dial_timeout 2s', group: 'server', server: { kind: 'endpoint', endpoint: 'blackhole' }, connection: (c) => ({ ...plain(c), dial_timeout: '2s' }) },
  { id: 'http1', title: 'an HTTP/1.1 server', group: 'server', server: { kind: 'endpoint', endpoint: 'http1' } },
  { id: 'settings-then-close', title: 'a server that answers the HTTP/2 preface with an empty SETTINGS frame and closes', group: 'server', server: { kind: 'endpoint', endpoint: 'h2-settings-then-close' } },
  {
    id: 'grpc-no-chaincode',
    title: 'a gRPC server without protos.Chaincode',
    group: 'server',
    server: { kind: 'endpoint', endpoint: 'grpc-without-chaincode' },
  },
  { id: 'wrong-package-id', title: 'Node shim registering another package ID', group: 'server', server: { kind: 'node', registersAs: 'wrong-package-id' }, waitsStartup: true },
  { id: 'silent', title: 'an impostor that never sends REGISTER', group: 'server', server: { kind: 'script', script: 'silent' }, waitsStartup: true },
  { id: 'ends-before-register', title: 'an impostor that ends the stream before REGISTER', group: 'server', server: { kind: 'script', script: 'ends-before-register' } },
  {
    id: 'ends-stream',
    title: 'an impostor that ends the stream right after REGISTER',
    group: 'server',
    server: { kind: 'script', script: 'ends-stream' },
    // seen on a loaded CI host (47a6767): the stream's end was processed before Launch looked the handler up
    peerRace: { texts: ['error sending: chaincode stream terminated', 'but could not find handler'], source: 'core/chaincode/chaincode_support.go ChaincodeSupport.Launch' },
  },
  { id: 'wrong-channel', title: 'an impostor that completes on another channel', group: 'server', server: { kind: 'script', script: 'wrong-channel' }, harness: ['--execute-timeout', '10000'] },
  { id: 'k8s-service', title: 'a Kubernetes Service name the peer resolves', group: 'deployment', resolves: true, server: { kind: 'node' }, connection: (c) => ({ ...plain(c), address: `cc.org1.svc.cluster.local:${c.port}` }) },
  { id: 'k8s-service-tls', title: 'a Service name, TLS with the name in the certificate', group: 'deployment', resolves: true, server: { kind: 'node', tls: 'tls' }, connection: (c) => tlsConn(c, { address: `cc.org1.svc.cluster.local:${c.port}` }) },
  { id: 'service-not-in-cert', title: 'a Service name the certificate does not carry', group: 'deployment', resolves: true, server: { kind: 'node', tls: 'tls' }, connection: (c) => tlsConn(c, { address: `other.org1.svc.cluster.local:${c.port}` }) },
  { id: 'test-network-template', title: 'test-network\'s {{.peername}}_<name>_ccaas rendered for peer0org1', group: 'deployment', resolves: true, server: { kind: 'node' }, connection: (c) => ({ ...plain(c), address: `{{.peername}}_rp_ccaas:${c.port}` }) },
  { id: 'service-name', title: 'real-deployment address: a service name this machine cannot resolve', group: 'deployment', server: { kind: 'none' }, connection: (c) => ({ ...plain(c), address: `asset-transfer-basic.org1.example.com:${c.port}` }) },
];
