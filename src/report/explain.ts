import { CATALOGUE, findRule, type Rule } from '../catalogue/index.js';

/**
 * `ccaas-conformance explain "<peer log line>"`: maps an error line from a peer log (or a CLI
 * error) to the rule it breaks, the likely causes and the checks to run. Data-driven: a table of
 * patterns written from the peer's own error texts (most specific first), then, for lines no
 * pattern knows, the error texts the catalogue quotes in each rule's `peer` field.
 */

export interface Pattern {
  readonly id: string;
  /** Matched against one line of the log. */
  readonly re: RegExp;
  /** The rule that line means; more rules that are often involved follow. */
  readonly rules: readonly string[];
  /** What a person most likely did, most likely first. `$1`... are the pattern's groups. */
  readonly causes: readonly string[];
  /** What to run to find out (`<pkg>` is the user's package file). */
  readonly checks: readonly string[];
}

const CHECK_ALL = 'npx ccaas-conformance <pkg> --command "<how you start your chaincode server>"';
const CHECK_OFFLINE = 'npx ccaas-conformance <pkg> --offline';

/** Most specific first: the innermost cause of a Go error chain is the one that explains it. */
export const PATTERNS: readonly Pattern[] = [
  {
    id: 'register-wrong-id',
    re: /peer will not accept external chaincode connection (\S*) \(except in dev mode\)/,
    rules: ['PROTO-04', 'PKG-07', 'DRIFT-09'],
    causes: [
      "The chaincode server registered as '$1', which is not the package ID the peer installed: CHAINCODE_ID / CORE_CHAINCODE_ID_NAME (Go: ChaincodeServer.CCID; Java/Node: --chaincode-id) must be the full `label:sha256` package ID.",
      'The package was re-packaged after the ID was computed (a new tar or gzip gives a new ID), or each peer got its own package (different IDs per peer).',
      'Only the label was given, without `:<sha256>`.',
    ],
    checks: ['npx ccaas-conformance id <pkg>   # the package ID the peer computes; compare with the name above', `${CHECK_ALL} --run PROTO-04`],
  },
  {
    id: 'startup-timeout',
    re: /timeout expired while starting chaincode (\S+) for transaction/,
    rules: ['PROTO-17', 'PROTO-04', 'DIAL-03'],
    causes: [
      "No REGISTER with the package ID '$1' arrived within chaincode.startuptimeout (300 s by default): look earlier in the peer log for `peer will not accept external chaincode connection`, which means the server registered with another ID.",
      'The chaincode server accepted the connection but never registered (not started in server mode, or it crashed).',
    ],
    checks: [`${CHECK_ALL} --run PROTO-17,PROTO-04`],
  },
  {
    id: 'malformed-bool',
    re: /malformed chaincode info(?: at '([^']*)')?.*cannot unmarshal (\w+) into Go struct field ChaincodeServerUserData\.(tls_required|client_auth_required) of type bool/,
    rules: ['CONN-03', 'DRIFT-01'],
    causes: ['connection.json writes $3 as a JSON $2 (e.g. "true", as the Fabric documentation shows); the peer needs a JSON boolean: `"$3": true`.'],
    checks: [`${CHECK_OFFLINE} --run CONN-03,DRIFT-01`],
  },
  {
    id: 'malformed-duration',
    re: /malformed chaincode info(?: at '([^']*)')?.*(time: invalid duration[^\n]*|invalid duration)/,
    rules: ['CONN-06', 'CONN-10', 'DRIFT-05'],
    causes: [
      'dial_timeout is not a Go duration: write a string with a unit, e.g. `"dial_timeout": "10s"`.',
      'With the built-in ccaas builder an absent dial_timeout is rewritten as "" (`time: invalid duration ""`): always set it.',
    ],
    checks: [`${CHECK_OFFLINE} --run CONN-06,CONN-10,DRIFT-05`],
  },
  {
    id: 'malformed-type',
    re: /malformed chaincode info(?: at '([^']*)')?.*cannot unmarshal (\w+) into Go struct field ChaincodeServerUserData\.(\w+) of type (\w+)/,
    rules: ['CONN-03'],
    causes: ['connection.json field $3 is a JSON $2, but the peer reads it as a Go $4.'],
    checks: [`${CHECK_OFFLINE} --run CONN-03`],
  },
  {
    id: 'malformed-json',
    re: /malformed chaincode info(?: at '([^']*)')?/,
    rules: ['CONN-02', 'CONN-03'],
    causes: [
      'release/chaincode/server/connection.json is not one JSON object the peer can decode (a syntax error, a BOM, trailing text, or a wrong field type): the text after the path is Go\'s encoding/json error.',
      'The builder\'s release step wrote a templated or partial file.',
    ],
    checks: [`${CHECK_OFFLINE} --run CONN-02,CONN-03`],
  },
  {
    id: 'conn-address',
    re: /chaincode address not provided/,
    rules: ['CONN-07'],
    causes: ['connection.json has no `address` (or an empty one, e.g. an unrendered template).'],
    checks: [`${CHECK_OFFLINE} --run CONN-07`],
  },
  {
    id: 'conn-tls-material',
    re: /chaincode tls (key|cert|root cert) not provided/,
    rules: ['CONN-07'],
    causes: [
      'tls_required is true but connection.json lacks the $1: root_cert is always needed with TLS; client_key and client_cert only with client_auth_required.',
      'The TLS material was put in files under release/chaincode/server/tls, which the peer never reads (DRIFT-07): inline the PEM in connection.json.',
    ],
    checks: [`${CHECK_OFFLINE} --run CONN-07`],
  },
  {
    id: 'conn-root-cert',
    re: /error adding root certificate|failed to load client certificate|failed to create key pair/,
    rules: ['CONN-08'],
    causes: [
      'root_cert, client_cert or client_key is not PEM text: base64 of the PEM, a file path, or a PEM with its newlines lost.',
      'client_key does not belong to client_cert.',
    ],
    checks: [`${CHECK_OFFLINE} --run CONN-08`],
  },
  {
    id: 'dial-refused',
    re: /(?:error creating grpc connection to ([^:\s]+:\d+)|dial tcp ([^:\s]+:\d+)).*connection refused/,
    rules: ['DIAL-03', 'DIAL-12'],
    causes: [
      'Nothing listens on $1$2: the chaincode server is not running, listens on another port, or binds 127.0.0.1 inside its container.',
      'The chaincode server exited (a panic, or a bind error such as `listen tcp: lookup <host>: no such host` for a CHAINCODE_SERVER_ADDRESS it cannot bind): the peer neither starts nor waits for it, so every launch fails at once. Read the server\'s last output lines.',
      'The address in connection.json names a host or Service the peer resolves to another machine (wrong Kubernetes Service or port, container not on the peer\'s network).',
    ],
    checks: [`${CHECK_ALL} --run DIAL-12,DIAL-03   # starts the server, reports its exit status and last output lines`, 'npx ccaas-conformance <pkg> --address <host:port the server really listens on> --run DIAL-03'],
  },
  {
    id: 'server-cannot-listen',
    re: /listen tcp(?: (\S+))?: (?:bind: (address already in use|cannot assign requested address|permission denied)|lookup (\S+?)(?: on \S+)?: no such host)/,
    rules: ['DIAL-12', 'DIAL-03'],
    causes: [
      'The chaincode server cannot bind its CHAINCODE_SERVER_ADDRESS $1 ($2: a port another process holds, an address not on this machine or container, or a port below 1024 without privilege). It exits, nothing listens, and the peer\'s dial fails with `connect: connection refused`.',
      'The chaincode server cannot resolve the host of its CHAINCODE_SERVER_ADDRESS ($3) where it runs. It exits, nothing listens, and the peer\'s dial fails with `connect: connection refused`.',
      'Listen on an address the server can bind where it runs, e.g. 0.0.0.0:<port> in a container, and give the peer the Service or host name that reaches it in connection.json.',
    ],
    checks: [`${CHECK_ALL} --run DIAL-12,DIAL-03`],
  },
  {
    id: 'dial-unresolvable',
    re: /lookup (\S+?)(?: on \S+)?: no such host|missing port in address|produced zero addresses/,
    rules: ['DIAL-04'],
    causes: ['The host in connection.json ($1) does not resolve from the peer, or the address has no port: use host:port with a name the peer can resolve.'],
    checks: [`${CHECK_ALL} --run DIAL-04`],
  },
  {
    id: 'tls-unknown-authority',
    re: /x509: certificate signed by unknown authority/,
    rules: ['DIAL-05', 'DRIFT-04'],
    causes: ['root_cert in connection.json is not the CA that issued the chaincode server\'s certificate (the peer trusts root_cert only, no system roots).'],
    checks: [`${CHECK_ALL} --run DIAL-05`],
  },
  {
    id: 'tls-name-mismatch',
    re: /x509: certificate is valid for ([^\n]*?), not (\S+)/,
    rules: ['DIAL-05', 'DRIFT-03'],
    causes: [
      "The server certificate names $1 but the peer dials $2: put the dialled host in the certificate's SANs.",
      '`domain` in connection.json is only used as the TLS server name when client_auth_required is true, and the built-in ccaas builder drops it.',
    ],
    checks: [`${CHECK_ALL} --run DIAL-05`],
  },
  {
    id: 'tls-expired',
    re: /x509: certificate has expired or is not yet valid/,
    rules: ['DIAL-05'],
    causes: ['The chaincode server\'s certificate is outside its validity period (or the clocks differ).'],
    checks: [`${CHECK_ALL} --run DIAL-05`],
  },
  {
    id: 'tls-vs-plaintext',
    re: /first record does not look like a TLS handshake|tls: (?:oversized record|record overflow)/,
    rules: ['DIAL-05', 'SHIM-GO-01'],
    causes: [
      'The peer speaks TLS (tls_required true) but the chaincode server is plaintext.',
      'The other way round is also common: the Go shim\'s ChaincodeServer has TLS on unless TLSProps.Disabled, while connection.json without tls_required means plaintext.',
    ],
    checks: [`${CHECK_ALL} --run DIAL-05,DIAL-03`],
  },
  {
    id: 'tls-handshake',
    re: /authentication handshake failed|tls: bad certificate|certificate required|tls: handshake failure/,
    rules: ['DIAL-05'],
    causes: [
      'The server requires a client certificate (mutual TLS) but connection.json has client_auth_required false, or the peer\'s client certificate is not issued by a CA the server trusts.',
      'TLS settings differ between connection.json and the server.',
    ],
    checks: [`${CHECK_ALL} --run DIAL-05`],
  },
  {
    id: 'dial-deadline',
    re: /could not launch chaincode (\S+):.*(?:context deadline exceeded|failed to create new connection)/,
    rules: ['DIAL-03', 'DIAL-05', 'CONN-06'],
    causes: [
      'The peer could not complete a gRPC connection to the chaincode server within dial_timeout: the server is unreachable from the peer (firewall, network, wrong Service), or TLS settings differ (grpc-go waits out the deadline on a TLS failure).',
      'dial_timeout is very short: a JSON number is nanoseconds (10 means 10 ns).',
    ],
    checks: [`${CHECK_ALL} --run DIAL-03,DIAL-05,CONN-06`],
  },
  {
    id: 'docker-endpoint',
    re: /docker.*dial unix (\S+): connect: (no such file or directory|permission denied|connection refused)|(?:failed to connect|permission denied while trying to connect|Cannot connect) to the (?:docker API|Docker daemon) at ([^\s;]+?)[.;]?(?:\s|$)/,
    rules: ['BLD-06', 'DRIFT-20', 'DRIFT-13'],
    causes: [
      'The peer cannot reach Docker at its vm.endpoint ($1: $2): there is no Docker socket at that path in the peer container (the peer image has none; the stock core.yaml still sets vm.endpoint unix:///var/run/docker.sock, and test-network mounts the host\'s socket at /host/var/run/docker.sock with CORE_VM_ENDPOINT), the peer\'s user may not use it (permission denied), or no daemon listens on it (connection refused).',
      'The peer cannot reach the Docker API at its vm.endpoint $3: no socket at that path in the peer container, a daemon that is not running, or a socket the peer may not use.',
      'The peer went to Docker only because no external builder built the package: for chaincode-as-a-service the fix is a builder that detects it (metadata.json type `ccaas` for the built-in ccaas_builder, or your own builder in core.yaml chaincode.externalBuilders), not Docker. With Docker reachable the install would still fail: Docker has no platform for type CCAAS or EXTERNAL (`Unknown chaincodeType`).',
      'bin/detect of your builder is not executable, has CRLF line endings, or names an interpreter missing from the peer image (bash, jq), so it never claims the package.',
    ],
    checks: [`${CHECK_OFFLINE} --run BLD-06,DRIFT-20   # which builder claims the package, and what the stock peer does otherwise`, 'npx ccaas-conformance <pkg> --offline --builder <your builder dir> --run BLD-06'],
  },
  {
    id: 'docker-disabled',
    re: /docker build is disabled|Failed to generate a Dockerfile: Unknown chaincodeType: (\w+)|cannot connect to Docker endpoint|docker image inspection failed|\/var\/run\/docker\.sock/,
    rules: ['BLD-06', 'DRIFT-13', 'DRIFT-20'],
    causes: [
      'No external builder detected the package, so the peer fell back to the Docker build: metadata.json type does not match (the built-in ccaas_builder claims only type `ccaas`).',
      'core.yaml chaincode.externalBuilders does not list the builder, or its path does not exist in the peer image.',
      'bin/detect is not executable, has CRLF line endings, or names an interpreter missing from the peer image (bash, jq).',
    ],
    checks: ['npx ccaas-conformance <pkg> --offline --builder <your builder dir> --run BLD-06', `${CHECK_OFFLINE} --run BLD-06   # with the bundled ccaas_builder twin`],
  },
  {
    id: 'builder-exec',
    re: /fork\/exec (\S+\/bin\/(?:detect|build|release|run)): (no such file or directory|permission denied|exec format error)/,
    rules: ['BLD-02', 'BLD-06'],
    causes: [
      "The peer could not start $1: $2. No such file: the builder path in core.yaml or the #! interpreter does not exist in the peer image. Permission denied: the program is not executable. Exec format error: CRLF line endings or no #! line.",
    ],
    checks: ['npx ccaas-conformance <pkg> --offline --builder <your builder dir> --run BLD-06'],
  },
  {
    id: 'builder-failed',
    re: /external builder '([^']*)' failed: (exit status \d+|signal: \w+)/,
    rules: ['BLD-12', 'BLD-06'],
    causes: ["Builder '$1' ended with $2: the peer logs its stderr at INFO with `command=build` (or release) just before this line; the harness shows it per phase."],
    checks: ['npx ccaas-conformance <pkg> --offline --builder <your builder dir> --run BLD-12'],
  },
  {
    id: 'template-missing-key',
    re: /map has no entry for key "?([\w.-]+)"?|Failed to unmarshal json: (cannot unmarshal[^\n]*)/,
    rules: ['CONN-10', 'BLD-05'],
    causes: [
      'The built-in ccaas builder renders connection.json as a Go template with CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: the key $1 is missing from it on this peer (set the variable in the peer\'s environment to a JSON object with that key, e.g. {"$1":"peer0org1"}).',
      'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG is not a JSON object of the keys the template uses ($2).',
      'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG is not listed in the builder\'s propagateEnvironment, so the builder never sees it.',
    ],
    checks: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG=\'{"peername":"peer0org1"}\' npx ccaas-conformance <pkg> --offline --propagate CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG --run CONN-10'],
  },
  {
    id: 'tar-not-regular',
    re: /tar entry (\S+) is not a regular file, type (\d+)/,
    rules: ['PKG-02', 'DRIFT-16'],
    causes: [
      "The outer package has the entry '$1' of tar type $2 (53 directory, 50 symlink, 103 PAX global header): a `./` directory entry comes from `tar -C dir -czf pkg.tgz .`; a pax_global_header from `git archive`.",
      'Name the two files explicitly: `tar -czf pkg.tgz metadata.json code.tar.gz`, or use `ccaas-conformance package`.',
    ],
    checks: [`${CHECK_OFFLINE} --run PKG-02`],
  },
  {
    id: 'not-gzip',
    re: /error reading as gzip stream|gzip: invalid header/,
    rules: ['PKG-01'],
    causes: ['The file is not a gzip-compressed tar: a legacy `peer chaincode package` (CDS) file, a plain tar, or a zip.'],
    checks: [`${CHECK_OFFLINE} --run PKG-01`],
  },
  {
    id: 'tar-header',
    re: /error inspecting next tar header: (.*)/,
    rules: ['PKG-01'],
    causes: ['The gzip stream does not hold a readable tar ($1): a truncated download or a wrong compression step.'],
    checks: [`${CHECK_OFFLINE} --run PKG-01`],
  },
  {
    id: 'no-code-package',
    re: /did not find a code package inside the package/,
    rules: ['PKG-04', 'PKG-03'],
    causes: ['The package has no top-level entry named exactly `code.tar.gz`: often it is `./code.tar.gz` (tar of `.`), which the peer treats as an unexpected file.'],
    checks: [`${CHECK_OFFLINE} --run PKG-04,PKG-03`],
  },
  {
    id: 'no-metadata',
    re: /did not find any package metadata \(missing metadata\.json\)/,
    rules: ['PKG-04'],
    causes: ['The package has no top-level entry named exactly `metadata.json` (check for a `./` prefix or a different case).'],
    checks: [`${CHECK_OFFLINE} --run PKG-04`],
  },
  {
    id: 'metadata-json',
    re: /could not unmarshal metadata\.json as json: (.*)/,
    rules: ['PKG-05'],
    causes: ['metadata.json is not one JSON object of strings ($1): a BOM, trailing text, or a non-string type/label.'],
    checks: [`${CHECK_OFFLINE} --run PKG-05`],
  },
  {
    id: 'invalid-label',
    re: /invalid label '([^']*)'/,
    rules: ['PKG-06'],
    causes: ["The label '$1' is not ASCII letters, digits and `._+-` starting with a letter or digit."],
    checks: [`${CHECK_OFFLINE} --run PKG-06`],
  },
  {
    id: 'db-artifacts',
    re: /error retrieving DB artifacts from code package: (.*)/,
    rules: ['PKG-08'],
    causes: ['code.tar.gz inside the package is not a readable gzip tar ($1): an empty file, a plain tar, or a file that is not an archive.'],
    checks: [`${CHECK_OFFLINE} --run PKG-08`],
  },
  {
    id: 'code-escaping-path',
    re: /tar contains the absolute or escaping path '([^']*)'/,
    rules: ['CODE-02'],
    causes: ["code.tar.gz holds '$1', an absolute or `..` path: build it from inside the source folder with relative names."],
    checks: [`${CHECK_OFFLINE} --run CODE-02`],
  },
  {
    id: 'code-file-type',
    re: /invalid file type '(\d+)' contained in archive for file '([^']*)'/,
    rules: ['CODE-03', 'DRIFT-16'],
    causes: ["code.tar.gz holds '$2' of tar type $1 (50 symlink, 49 hard link, 103 PAX global header): replace links with copies (`tar --dereference`), do not use `git archive`."],
    checks: [`${CHECK_OFFLINE} --run CODE-03`],
  },
  {
    id: 'copy-symlink',
    re: /absolute symlink|pointing outside of source root|unsupported file/,
    rules: ['BLD-09'],
    causes: ['The builder output (bld or release) holds a symlink out of its tree or a special file, which the peer refuses to copy to durable storage.'],
    checks: ['npx ccaas-conformance <pkg> --offline --builder <your builder dir> --run BLD-09'],
  },
  {
    id: 'builder-gone',
    re: /was already built with builder '([^']*)', but that builder is no longer available/,
    rules: ['BLD-10', 'DRIFT-21'],
    causes: ["The package was built by builder '$1', which core.yaml no longer lists under that name: restore the name, or delete the durable build output to force a rebuild."],
    checks: [],
  },
  {
    id: 'created-state',
    re: /Fabric side handler cannot handle message \((\w+)\) while in created state/,
    rules: ['PROTO-03'],
    causes: ['The chaincode sent $1 before REGISTER: REGISTER must be its first message on the stream.'],
    checks: [`${CHECK_ALL} --run PROTO-03`],
  },
  {
    id: 'ready-state',
    re: /Fabric side handler cannot handle message \((\w+)\) while in ready state/,
    rules: ['PROTO-06'],
    causes: ['The chaincode sent $1 after registration, which the peer does not accept in the ready state.'],
    checks: [],
  },
  {
    id: 'execute-timeout',
    re: /timeout expired while executing transaction/,
    rules: ['PROTO-15'],
    causes: ['The chaincode did not answer COMPLETED or ERROR within chaincode.executetimeout (30 s by default): a function that never returns, or a debugger pause (raise CORE_CHAINCODE_EXECUTETIMEOUT while debugging).'],
    checks: [`${CHECK_ALL} --run PROTO-15`],
  },
  {
    id: 'stream-terminated',
    re: /chaincode stream terminated|write: broken pipe|TRANSIENT_FAILURE/,
    rules: ['PROTO-16', 'DIAL-02', 'SHIM-NODE-03'],
    causes: [
      'The chaincode server ended the stream while transactions were running (it crashed or exited).',
      'A proxy or the server\'s keepalive policy dropped an idle connection: the peer pings every 60 s.',
      'fabric-shim 2.5.8 and older exit on a peer KEEPALIVE when chaincode.keepalive is set.',
    ],
    checks: [`${CHECK_ALL} --run PROTO-07`],
  },
  {
    id: 'node-shim-keepalive',
    re: /Received unknown message from the peer\. Exiting\./,
    rules: ['SHIM-NODE-03', 'PROTO-14'],
    causes: ['fabric-shim (<= 2.5.8) exits on the peer\'s KEEPALIVE: keep chaincode.keepalive at 0 on this peer, or use a newer shim.'],
    checks: [],
  },
  {
    id: 'unmarshal-response',
    re: /failed to unmarshal response for transaction/,
    rules: ['PROTO-08'],
    causes: ['COMPLETED carried a payload that is not a protos.Response: a hand-written server must marshal the Response.'],
    checks: [`${CHECK_ALL} --run PROTO-08`],
  },
  {
    id: 'not-installed',
    re: /chaincode definition for '([^']*)' exists, but chaincode is not installed/,
    rules: ['PKG-07', 'DRIFT-08', 'PKG-12'],
    causes: [
      "The approved definition of '$1' names a package ID this peer does not have: install the very same package file on every endorsing peer (re-packaging gives a new ID).",
      'Each peer got its own package (e.g. a different address per peer): render per-peer values with the ccaas builder\'s templates from one package instead.',
    ],
    checks: ['npx ccaas-conformance id <pkg>   # compare with `peer lifecycle chaincode queryinstalled` on each peer'],
  },
  {
    id: 'unknown-platform',
    re: /unknown chaincodeType: (CCAAS|EXTERNAL)/,
    rules: ['PKG-12'],
    causes: ['`peer lifecycle chaincode package` cannot make CCaaS packages (--lang ccaas is not a platform): make the package with tar or `ccaas-conformance package`.'],
    checks: ['npx ccaas-conformance package --connection connection.json --label <label> -o <pkg>'],
  },
  {
    id: 'label-too-long',
    re: /(?:rename \S+ (\S+)|mkdir (\S+)): file name too long/,
    rules: ['PKG-17', 'PKG-07'],
    causes: [
      'The package label is too long for the peer\'s file names: the install package is saved as `<label>.<sha256>.tar.gz` (a label over 184 bytes exceeds the 255-byte NAME_MAX), and the build directory is `fabric-<package ID><random>` in the temp directory (over about 174 bytes). The file it could not create: $1$2.',
      'Shorten the label in metadata.json (under 174 bytes) and re-package: the package ID changes.',
    ],
    checks: [`${CHECK_OFFLINE} --run PKG-17`],
  },
  {
    id: 'unexpected-file',
    re: /Encountered unexpected file '([^']*)' in top level of chaincode package/,
    rules: ['PKG-03'],
    causes: ["The package holds '$1' next to metadata.json and code.tar.gz: it is ignored, but its bytes change the package ID."],
    checks: [`${CHECK_OFFLINE} --run PKG-03`],
  },
];

export interface Explanation {
  readonly line: string;
  readonly pattern: string;
  /** The rule the line means, then related ones. */
  readonly rules: ReadonlyArray<Rule>;
  readonly causes: readonly string[];
  readonly checks: readonly string[];
  /** `table` (a known pattern) or `catalogue` (an error text quoted by a rule). */
  readonly from: 'table' | 'catalogue';
  readonly matched: string;
}

/**
 * A cause with its `$n` filled from the match; null when none of the groups it names was set by
 * this match (a pattern with alternatives: `$1$2` reads whichever alternative matched), so no
 * explanation ever shows an empty placeholder ("the key  is missing").
 */
function fill(template: string, m: RegExpExecArray): string | null {
  let named = 0;
  let set = 0;
  const filled = template.replace(/\$(\d)/g, (_s, n: string) => {
    const v = m[Number(n)];
    named++;
    if (v !== undefined && v !== '') set++;
    return v ?? '';
  });
  return named > 0 && set === 0 ? null : filled;
}

/** Error texts quoted (in backticks) by each rule, as patterns with `<placeholders>` as wildcards. */
function catalogueTexts(): Array<{ rule: Rule; re: RegExp; text: string }> {
  const out: Array<{ rule: Rule; re: RegExp; text: string }> = [];
  for (const rule of CATALOGUE) {
    for (const m of rule.peer.matchAll(/`([^`]{12,})`/g)) {
      const text = m[1] as string;
      const parts = text.split(/<[^>]+>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      if (parts.join('').replace(/\W/g, '').length < 10) continue;
      out.push({ rule, re: new RegExp(parts.join('.*?')), text });
    }
  }
  return out;
}

let texts: Array<{ rule: Rule; re: RegExp; text: string }> | null = null;

/** Every explanation of one line, best first (one per pattern). */
export function explainLine(line: string): Explanation[] {
  const found: Explanation[] = [];
  for (const p of PATTERNS) {
    const m = p.re.exec(line);
    if (!m) continue;
    found.push({
      line,
      pattern: p.id,
      rules: p.rules.map((id) => findRule(id)).filter((r): r is Rule => r !== undefined),
      causes: p.causes.map((c) => fill(c, m)).filter((c): c is string => c !== null),
      checks: p.checks,
      from: 'table',
      matched: m[0],
    });
  }
  if (found.length > 0) return found;
  texts ??= catalogueTexts();
  for (const t of texts) {
    const m = t.re.exec(line);
    if (!m) continue;
    if (found.some((f) => f.rules[0]?.id === t.rule.id)) continue;
    found.push({
      line,
      pattern: `catalogue:${t.rule.id}`,
      rules: [t.rule, ...(t.rule.related ?? []).map((id) => findRule(id)).filter((r): r is Rule => r !== undefined)],
      causes: [t.rule.remedy],
      checks: [`npx ccaas-conformance <pkg> --run ${t.rule.id}`],
      from: 'catalogue',
      matched: m[0],
    });
  }
  return found;
}

/** Explains every line of a pasted log that something knows; lines nothing knows are left out. */
export function explainLog(text: string): Explanation[] {
  const out: Explanation[] = [];
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const best = explainLine(line)[0];
    if (!best) continue;
    const key = `${best.pattern}|${best.causes.join('|')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(best);
  }
  return out;
}
