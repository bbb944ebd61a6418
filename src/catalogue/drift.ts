import type { Rule, SourceRef } from './types.js';

const CC_SERVICE: SourceRef = { repo: 'fabric', path: 'docs/source/cc_service.md' };
const CC_LAUNCHER: SourceRef = { repo: 'fabric', path: 'docs/source/cc_launcher.md' };
const CC_BASIC: SourceRef = { repo: 'fabric', path: 'docs/source/cc_basic.md' };
const CORE_YAML: SourceRef = { repo: 'fabric', path: 'sampleconfig/core.yaml' };

interface DriftRow { id: string; doc: SourceRef; title: string; docSays: string; codeDoes: string; related: string[]; remedy: string }

/**
 * DRIFT: where Fabric's documentation disagrees with its code (reference §8). Shown to users as
 * findings with the doc's claim and the code's behaviour side by side; never used as truth.
 */
const ROWS: readonly DriftRow[] = [
  { id: 'DRIFT-01', doc: CC_SERVICE, title: 'tls_required written as a string', docSays: 'The example connection.json has "tls_required": "true" and "client_auth_required": "true".', codeDoes: 'Both are Go bool; the strings fail with `json: cannot unmarshal string into Go struct field ChaincodeServerUserData.tls_required of type bool`.', related: ['CONN-03'], remedy: 'Write JSON booleans: "tls_required": true.' },
  { id: 'DRIFT-02', doc: CC_SERVICE, title: 'tls_required defaults to false', docSays: 'tls_required: Default is "true".', codeDoes: 'An absent tls_required is false: plaintext, and the TLS fields are not validated.', related: ['CONN-07'], remedy: 'Always write tls_required explicitly.' },
  { id: 'DRIFT-03', doc: CC_SERVICE, title: 'domain is used only with client auth', docSays: 'domain names an authorised address when the address is not in the server certificate.', codeDoes: 'domain is the TLS server name only when client_auth_required is true; the built-in ccaas builder drops it always.', related: ['CONN-08', 'CONN-10'], remedy: 'Put the dialled host in the server certificate\'s SANs.' },
  { id: 'DRIFT-04', doc: CC_SERVICE, title: 'root_cert verifies the chaincode server', docSays: 'root_cert: PEM encoded string of the server (peer) root certificate.', codeDoes: 'It is the CA bundle the peer uses to verify the chaincode server\'s certificate; no system roots.', related: ['CONN-08'], remedy: 'Put the CA that issued the chaincode server\'s certificate in root_cert.' },
  { id: 'DRIFT-05', doc: CC_SERVICE, title: 'dial_timeout numbers are nanoseconds', docSays: 'dial_timeout is a string with units; default "3s".', codeDoes: 'A JSON number is nanoseconds; 0 means 3s; with the ccaas builder an absent value becomes "" and every launch fails.', related: ['CONN-06', 'CONN-10'], remedy: 'Write "dial_timeout": "10s".' },
  { id: 'DRIFT-06', doc: CC_SERVICE, title: 'address format is not checked', docSays: 'address must be specified in <host>:<port> format.', codeDoes: 'Only emptiness is checked; the string is a gRPC dial target as is.', related: ['CONN-07', 'DIAL-04'], remedy: 'Use host:port.' },
  { id: 'DRIFT-07', doc: CC_SERVICE, title: 'TLS files in release are never read', docSays: 'The sample release copies TLS files to $RELEASE/chaincode/server/tls.', codeDoes: 'The peer reads no files from that directory; TLS material must be inline PEM in connection.json.', related: ['CONN-09'], remedy: 'Inline the PEM strings.' },
  { id: 'DRIFT-08', doc: CC_SERVICE, title: 'Install on every peer', docSays: 'Installing the chaincode on each peer is no longer required.', codeDoes: 'Every peer that runs the chaincode must have the package installed; the launch uses its local build output.', related: ['PKG-10', 'CONN-01'], remedy: 'Install the same package file on every endorsing peer.' },
  { id: 'DRIFT-09', doc: CC_SERVICE, title: 'CCID is the package ID', docSays: 'CCID should match the chaincode\'s package name on the peer.', codeDoes: 'It must equal the package ID (label:sha256hex) exactly, or the peer never answers REGISTER.', related: ['PROTO-04'], remedy: 'Use the full package ID.' },
  { id: 'DRIFT-10', doc: CC_SERVICE, title: 'Java also serves CCaaS', docSays: 'Supported by the Go and Node.js shims.', codeDoes: 'The Java shim also implements the server (NettyChaincodeServer, CHAINCODE_SERVER_ADDRESS).', related: ['SHIM-JAVA-02'], remedy: 'Java chaincode can run as a service too.' },
  { id: 'DRIFT-11', doc: CC_SERVICE, title: 'Go sample imports old modules', docSays: 'The Go sample imports fabric-chaincode-go/shim and fabric-protos-go/peer.', codeDoes: 'Current modules are fabric-chaincode-go/v2/shim and fabric-protos-go-apiv2/peer; the snippet does not compile.', related: ['SHIM-GO-01'], remedy: 'Use the v2 modules.' },
  { id: 'DRIFT-12', doc: CC_SERVICE, title: 'KaOpts is a pointer with an enforcement policy', docSays: 'KaOpts (keepalive.ServerParameters): sensible defaults if nil.', codeDoes: 'KaOpts is *keepalive.ServerParameters; defaults 1m/20s plus an enforcement MinTime of 1m.', related: ['DIAL-02'], remedy: 'Leave KaOpts nil unless you need it.' },
  { id: 'DRIFT-13', doc: CC_SERVICE, title: 'The stock peer claims only type ccaas', docSays: 'The peer configuration shows name and path only; the detect sample claims type external.', codeDoes: 'The stock peer already configures ccaas_builder, which claims only type ccaas; type external without another builder fails `docker build is disabled`.', related: ['BLD-01', 'BLD-06', 'BLD-15'], remedy: 'Use type ccaas with the stock peer, or configure your external builder.' },
  { id: 'DRIFT-14', doc: CC_SERVICE, title: 'Indexes in metadata/ are ignored by the ccaas builder', docSays: 'The packaging sample puts indexes in a metadata/ folder.', codeDoes: 'The ccaas builder releases only META-INF/statedb; a metadata/ folder is ignored.', related: ['CODE-05', 'BLD-15'], remedy: 'Put indexes under META-INF/statedb/couchdb/indexes.' },
  { id: 'DRIFT-15', doc: CC_LAUNCHER, title: 'Install does parse the package', docSays: 'code.tar.gz and metadata.json are not processed before calling builders, except the label.', codeDoes: 'Install requires a gzip tar of regular files, both names, strict JSON metadata and a readable code.tar.gz.', related: ['PKG-01', 'PKG-08'], remedy: 'Run this harness on the package before install.' },
  { id: 'DRIFT-16', doc: CC_LAUNCHER, title: 'PAX global headers are rejected', docSays: 'code.tar.gz may contain only regular file and directory entries.', codeDoes: 'Also PAX global headers (git archive) are rejected, and the outer archive may hold no directories.', related: ['PKG-02', 'CODE-03'], remedy: 'Do not use git archive.' },
  { id: 'DRIFT-17', doc: CC_LAUNCHER, title: 'Copy happens after release', docSays: 'After build exits 0 the output is copied to persistent storage.', codeDoes: 'Copying happens only after release also succeeds, and rejects escaping symlinks and special files.', related: ['BLD-08', 'BLD-09'], remedy: 'Keep release output to plain files.' },
  { id: 'DRIFT-18', doc: CC_LAUNCHER, title: 'Index names are not checked', docSays: 'Release indexes must have a .json extension.', codeDoes: 'Every file under statedb/couchdb/indexes is sent to CouchDB; errors are only logged.', related: ['CODE-06'], remedy: 'Release only valid index files.' },
  { id: 'DRIFT-19', doc: CC_LAUNCHER, title: 'A non-executable release is skipped', docSays: 'If bin/release is not provided, this step is skipped.', codeDoes: 'Also skipped, silently, when it exists but is not executable.', related: ['BLD-06'], remedy: 'chmod +x bin/release.' },
  { id: 'DRIFT-20', doc: CC_LAUNCHER, title: 'Docker fallback is disabled', docSays: 'If no builder detects, the peer falls back to the Docker build.', codeDoes: 'With vm.endpoint unset the fallback fails `docker build is disabled`.', related: ['BLD-06'], remedy: 'Make a builder detect the package.' },
  { id: 'DRIFT-21', doc: CC_LAUNCHER, title: 'Builder names matter', docSays: 'The builder name is used for logging.', codeDoes: 'The name is written to build-info.json and must still exist to restore cached builds.', related: ['BLD-10'], remedy: 'Do not rename builders.' },
  { id: 'DRIFT-22', doc: CC_LAUNCHER, title: 'Sample run script uses an unset variable', docSays: 'The sample bin/run uses $ARTIFACTS/chaincode.json.', codeDoes: 'ARTIFACTS is never set; it should be the second argument.', related: ['BLD-13'], remedy: 'Use "$2/chaincode.json".' },
  { id: 'DRIFT-23', doc: CC_LAUNCHER, title: 'Whole environment when nothing is set', docSays: 'Only listed variables plus the four defaults are propagated.', codeDoes: 'If none of those names is set in the peer, Go passes the peer\'s whole environment.', related: ['BLD-05'], remedy: 'Do not rely on unlisted variables.' },
  { id: 'DRIFT-24', doc: CC_BASIC, title: 'Only string fields are templated', docSays: 'Any value in connection.json can be templated.', codeDoes: 'Only address, dial_timeout and (with TLS) root_cert/client_key/client_cert; domain and unknown keys are dropped; booleans cannot be templated.', related: ['CONN-10'], remedy: 'Template only those fields.' },
  { id: 'DRIFT-25', doc: CC_BASIC, title: 'The builder is named ccaas_builder', docSays: 'The builder is named ccaasbuilder.', codeDoes: 'Sample core.yaml names it ccaas_builder at /opt/hyperledger/ccaas_builder.', related: ['BLD-01'], remedy: 'Use ccaas_builder.' },
  { id: 'DRIFT-26', doc: CORE_YAML, title: 'Relative builder paths are accepted', docSays: 'External builder path must be an absolute path.', codeDoes: 'Not enforced; relative paths resolve against the peer\'s working directory.', related: ['BLD-01'], remedy: 'Use absolute paths anyway.' },
  { id: 'DRIFT-27', doc: CORE_YAML, title: 'chaincode.keepalive takes whole seconds', docSays: 'A value <= 0 turns keepalive off.', codeDoes: 'Only whole seconds parse ("30s" silently means off); a negative value panics.', related: ['PROTO-14'], remedy: 'Write chaincode.keepalive: 30.' },
  { id: 'DRIFT-28', doc: CORE_YAML, title: 'installTimeout does not stop builders', docSays: 'installTimeout is the maximum time to wait for build and install.', codeDoes: 'It bounds the proposal\'s wait only; builder processes are never killed.', related: ['BLD-07'], remedy: 'Keep builders fast.' },
];

export const DRIFT_RULES: readonly Rule[] = ROWS.map((r) => ({
  id: r.id,
  family: 'DRIFT',
  level: 'SHOULD',
  confidence: 'code',
  title: r.title,
  peer: r.codeDoes,
  docSays: r.docSays,
  source: [r.doc],
  related: r.related,
  remedy: r.remedy,
}));
