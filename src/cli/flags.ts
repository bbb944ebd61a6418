import parseTagExpression from '@cucumber/tag-expressions';
import { millisecondsProblem, type FlagSpec } from './args.js';
import { parseResolve } from '../dial/redirect.js';

/**
 * Every option of every command, in one place: how it parses, how its value is checked, and what
 * it means. The usage text (`--help`, `<command> --help`) and the README's option table are
 * generated from here (src/cli/usage.ts); test/unit/cli-flags.test.ts keeps them equal.
 *
 * To add an option to the main job: add one entry to CHECK_OPTIONS below (kind, value name,
 * group, one-line help, and a check if its value has a shape), read it in
 * src/cli/commands/check.ts with str/list/bool, then run `npm run build && node
 * dist/src/cli/usage.js --write-readme` to refresh the README's table.
 */

export type Group = 'builders' | 'server' | 'peer' | 'selection' | 'limits' | 'output' | 'command';

export const GROUP_TITLE: Readonly<Record<Group, string>> = {
  builders: "Builders and the peer's configuration",
  server: 'The chaincode server',
  peer: "The mock peer's ledger and protocol",
  selection: 'Which rules, and what fails the run',
  limits: 'Deadlines and limits',
  output: 'Reports and output',
  command: 'Options',
};

export interface OptionSpec extends FlagSpec {
  /** The value's name in help (DIR, HOST:PORT); none for a boolean. */
  readonly value?: string;
  readonly group: Group;
  /** What the option means, in one line (help and README). */
  readonly help: string;
  /** More detail, for the README's table only. */
  readonly more?: string;
}

export type Options = Readonly<Record<string, OptionSpec>>;

const oneOf =
  (...words: string[]) =>
  (v: string): string | null =>
    words.includes(v.toLowerCase()) ? null : `takes ${words.join(' or ')}, not '${v}'`;

/** HOST:PORT as the peer dials it: a host name or address (IPv6 in brackets) and a port 1-65535. */
export function hostPortProblem(v: string): string | null {
  const m = /^(\[[0-9A-Fa-f:.%a-zA-Z0-9]+\]|[^\s:[\]/]+):([0-9]{1,5})$/.exec(v);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return `takes HOST:PORT (a host name or address and a port 1-65535), not '${v}'`;
  return null;
}

/** HOST:PORT:ADDR as curl's --resolve takes it (one address; IPv6 in brackets). */
export function resolveProblem(v: string): string | null {
  const r = parseResolve(v);
  if (!('error' in r)) return null;
  const why = /^--resolve "(?:[^"\\]|\\.)*": (.*?); write HOST:PORT:ADDR/.exec(r.error)?.[1] ?? r.error;
  return `takes HOST:PORT:ADDR, e.g. asset-transfer-basic.org1.example.com:9999:127.0.0.1, not '${v}' (${why})`;
}

/** A Cucumber tag expression that parses (`'not @network'`, `'@PKG-01 or @PKG-02'`). */
export function tagExpressionProblem(v: string): string | null {
  try {
    parseTagExpression(v);
    return null;
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^.*because of syntax error: /s, '').replace(/\s+/g, ' ').trim();
    return `takes a Cucumber tag expression like 'not @network' ('${v}': ${why})`;
  }
}

const nonEmpty = (what: string) => (v: string): string | null => (v.trim().length > 0 ? null : `takes ${what}, not an empty value`);
const wholeSeconds = (v: string): string | null =>
  /^[0-9]+$/.test(v) ? null : `takes whole seconds like chaincode.keepalive, not '${v}' (the peer would read '${v}' as 0: off)`;
const collection = (v: string): string | null => (/^[^:]+:.+$/.test(v) ? null : `takes NAME:MSPID[,MSPID...], not '${v}'`);
const positiveWhole = (v: string): string | null => (/^[0-9]+$/.test(v) && Number(v) > 0 ? null : `takes a positive whole number, not '${v}'`);

/** The peer-side flags shared by the main job, invoke, query and bench (src/cli/peerFlags.ts reads them). */
export const PEER_OPTIONS: Options = {
  'state-db': { kind: 'string', value: 'leveldb|couchdb', group: 'peer', help: 'the state database whose key rules apply (default leveldb); couchdb adds Mango queries', check: oneOf('leveldb', 'couchdb') },
  'init-required': { kind: 'boolean', group: 'peer', help: 'the chaincode definition requires Init: the first invoke must be --isInit' },
  collection: { kind: 'list', value: 'NAME:MSP[,MSP]', group: 'peer', help: 'a private data collection and its member organisations; repeatable', check: collection },
  keepalive: { kind: 'string', value: 'SECONDS', group: 'peer', help: "the peer's KEEPALIVE interval (chaincode.keepalive; 0 is off)", check: wholeSeconds },
  'no-write-batch': { kind: 'boolean', group: 'peer', help: "READY's runtime params turn write batching and GetMultipleKeys off" },
  'fabric-release': {
    kind: 'string',
    value: '2.5|3.1',
    group: 'peer',
    help: "the peer release whose chaincode Handler the mock peer behaves as (default 3.1, v3.1.5; 2.5 is the LTS line, v2.5.16)",
    more: 'a 2.5 peer sends READY without runtime params and ends the stream on WRITE_BATCH_STATE and GET_STATE_MULTIPLE, quotes a stream that fails before REGISTER as `chaincode registration failed: connection to <ccid> terminated` (DIAL-06, PROTO-17), and has no connection.json `domain` (DIAL-05). `list --json` shows each rule\'s `releases`',
    check: oneOf('2.5', '3.1'),
  },
};

/** The main job: `ccaas-conformance <package.tgz> [options]`. */
export const CHECK_OPTIONS: Options = {
  builder: {
    kind: 'list',
    value: 'DIR',
    group: 'builders',
    help: "an external builder directory (bin/detect...); repeatable, tried in order",
    more: "like core.yaml's `externalBuilders`. Without it, a bundled twin of Fabric's built-in `ccaas_builder` is used",
  },
  propagate: { kind: 'list', value: 'VAR', group: 'builders', help: 'an environment variable the --builder builders receive (propagateEnvironment); repeatable' },
  'core-yaml': {
    kind: 'string',
    value: 'FILE',
    group: 'builders',
    help: "read the builders (and keepalive, executetimeout, runtimeParams) from the peer's core.yaml",
    more:
      "`chaincode.externalBuilders` (and `vm.endpoint`, `peer.fileSystemPath`), with the peer's own validation; `CORE_CHAINCODE_EXTERNALBUILDERS` overrides it as on a real peer. Its `chaincode.keepalive`, `chaincode.executetimeout` and `chaincode.runtimeParams` (or their `CORE_CHAINCODE_*` variables) also set the mock peer's, read as the peer reads them (and `chaincode.startuptimeout`, at least 5 s: a dial that fails only at a dial_timeout not shorter than it is quoted as the peer's startup timeout), unless `--keepalive`, `--execute-timeout` or `--no-write-batch` say otherwise. Without it the peer image's own core.yaml is modelled: the `ccaas_builder` and `vm.endpoint: unix:///var/run/docker.sock`, so a package no builder claims goes to the Docker fallback and fails as a stock peer's does (no Docker socket in the peer container)",
    path: 'file',
  },
  peer: { kind: 'list', value: 'NAME', group: 'builders', help: 'a peer to render the package for; pairs with the next --builder-config; repeatable', check: nonEmpty('a peer name') },
  'builder-config': {
    kind: 'list',
    value: 'JSON',
    group: 'builders',
    help: "that peer's CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG; repeatable",
    more: "each peer builds the one package with its own config; its build, release and connection.json are judged with that config (a row per peer in each rule, see [docs/reports.md](docs/reports.md#one-package-on-several-peers)); the first peer's build is the one dialled. Fails when the setup would need one package per peer",
  },
  address: {
    kind: 'string',
    value: 'HOST:PORT',
    group: 'server',
    help: "connect to this address instead of connection.json's",
    more: "a server that runs elsewhere; with `--command`, where it is started. Only TCP moves: the gRPC target and `:authority`, the TLS server name the peer verifies (connection.json's host, or `domain` with client auth) and the peer errors quoted stay connection.json's address",
    check: hostPortProblem,
  },
  resolve: {
    kind: 'list',
    value: 'HOST:PORT:ADDR',
    group: 'server',
    help: "connections to connection.json's HOST:PORT go to ADDR:PORT (curl's meaning); repeatable",
    more: "for a service name (`asset-transfer-basic.org1.example.com:9999`) that resolves only in its own network. One address; IPv6 in brackets. The peer's view stays `HOST:PORT`, as with `--address`, which wins when both apply",
    check: resolveProblem,
  },
  command: {
    kind: 'string',
    value: 'CMD',
    group: 'server',
    help: 'start the chaincode server with this shell command (stopped at the end)',
    more: "in its own process group, with the package ID in `CHAINCODE_ID`, `CORE_CHAINCODE_ID` and `CORE_CHAINCODE_ID_NAME` and the address in `CHAINCODE_SERVER_ADDRESS` and `CORE_CHAINCODE_ADDRESS`. If connection.json names a host this machine cannot bind (a service name, a remote IP), the server is told to listen on `127.0.0.1:<port>` (another free port if that one is taken) and dialled there, as `--resolve HOST:PORT:127.0.0.1` would; every report says so. A server that exits or never listens fails DIAL-12 with its exit status and last output lines",
    check: nonEmpty('a shell command'),
  },
  offline: { kind: 'boolean', group: 'server', help: 'package, builder and connection.json rules only: nothing is dialled', more: 'the dial, register and smoke stages are not run and their rules are reported as disabled' },
  smoke: { kind: 'string', value: '"FN ARGS..."', group: 'server', help: 'the smoke transaction (default org.hyperledger.fabric:GetMetadata)', more: "which every contract-API chaincode answers. The chaincode's answer is not the peer's verdict: a failing answer is reported as a chaincode answer, and fails the run (exit 1) only for a transaction you named here", check: nonEmpty('a function name and its arguments') },
  'server-cert': { kind: 'string', value: 'FILE', group: 'server', help: "the chaincode server's TLS certificate, for the certificate lint", more: 'key/cert match, EKU, expiry, chain to `root_cert`, SANs', path: 'file' },
  'server-key': { kind: 'string', value: 'FILE', group: 'server', help: "the chaincode server's TLS private key (never shown), for the certificate lint", path: 'file' },
  'server-client-ca': { kind: 'string', value: 'FILE', group: 'server', help: "the CA the chaincode server checks the peer's client certificate with", path: 'file' },
  ...PEER_OPTIONS,
  tags: { kind: 'string', value: 'EXPR', group: 'selection', help: "a Cucumber tag expression selecting scenarios (e.g. 'not @network')", check: tagExpressionProblem },
  run: {
    kind: 'list',
    value: 'IDS',
    group: 'selection',
    help: 'judge only these rules: ids or patterns (PKG-*, DIAL-0?, CONN), comma-separated; repeatable',
    more: 'the others are reported as disabled',
  },
  skip: { kind: 'list', value: 'IDS', group: 'selection', help: 'do not judge these rules (ids or patterns, as --run); repeatable' },
  'expected-failures': {
    kind: 'string',
    value: 'FILE',
    group: 'selection',
    help: 'a baseline: listed rules that fail are expected-failure and do not fail the run',
    more: 'a listed rule that now passes fails the run as a stale entry, by name. One rule id per line, `#` comments (YAML list or map lines read the same)',
    path: 'file',
  },
  level: { kind: 'string', value: 'must|should', group: 'selection', help: 'what fails the exit code: MUST rules only (default), or SHOULD rules too', check: oneOf('must', 'should') },
  features: { kind: 'list', value: 'DIR', group: 'selection', help: 'run your own Gherkin scenarios beside the conformance suite; repeatable', path: 'any' },
  'builder-timeout': { kind: 'string', value: 'MS', group: 'limits', help: 'how long each builder program may run (default 60000)', check: millisecondsProblem },
  'register-timeout': { kind: 'string', value: 'MS', group: 'limits', help: 'how long the server has to send REGISTER (default 5000)', check: millisecondsProblem },
  'execute-timeout': { kind: 'string', value: 'MS', group: 'limits', help: 'how long a transaction may take (default 30000, or chaincode.executetimeout)', check: millisecondsProblem },
  'max-bytes': {
    kind: 'string',
    value: 'N[KMG]',
    group: 'limits',
    help: "the harness's cap on the package's decompressed bytes (default 4G)",
    more: 'The peer has none; a package over a cap is reported as PKG-16 `error` (exit 3, no verdict), never as a failure of the package. Raise the caps only for a package you trust',
  },
  'max-entries': { kind: 'string', value: 'N', group: 'limits', help: "the harness's cap on tar headers per archive (default 10,000)" },
  'max-ratio': { kind: 'string', value: 'N', group: 'limits', help: "the harness's cap on the compression ratio (default 200, for 200:1)" },
  'max-metadata': { kind: 'string', value: 'N[KMG]', group: 'limits', help: "the harness's cap on metadata.json's size (default 1M)" },
  'report-dir': { kind: 'string', value: 'DIR', group: 'output', help: 'where the reports go (default reports/)', check: nonEmpty('a directory') },
  json: { kind: 'boolean', group: 'output', help: 'also print result.json on stdout (the summary then goes to stderr)' },
  quiet: { kind: 'boolean', alias: 'q', group: 'output', help: 'no progress and no summary (reports are still written; the exit code says it all)' },
};

const STATE_OPTIONS: Options = {
  state: { kind: 'string', value: 'FILE', group: 'command', help: 'the world state to start from (a JSON object of keys and values)', path: 'file' },
  'save-state': { kind: 'string', value: 'FILE', group: 'command', help: 'write the world state after the run (a JSON object)' },
};

/** invoke's and query's own options. */
const TRANSACTION_OPTIONS: Options = {
  transient: { kind: 'string', value: 'JSON', group: 'command', help: "the transient map, like peer's --transient '{\"key\":\"value\"}'" },
  msp: { kind: 'string', value: 'MSPID', group: 'command', help: "the client's MSP (the run's test MSP)" },
  user: { kind: 'string', value: 'NAME', group: 'command', help: 'the client identity (default User1)', check: nonEmpty('a user name') },
  isInit: { kind: 'boolean', group: 'command', help: 'send the transaction as Init' },
  json: { kind: 'boolean', group: 'command', help: 'print the response as JSON' },
  ...STATE_OPTIONS,
};

/** One command: what it is for, its synopsis, its own options, and whether it also takes the main job's. */
export interface CommandSpec {
  readonly summary: string;
  readonly synopsis: string;
  readonly options: Options;
  /** Also takes CHECK_OPTIONS (forwarded to the run that starts the server). */
  readonly withCheckOptions?: boolean;
}

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  package: {
    summary: 'write a reproducible CCaaS package (and say what a peer would make of its connection.json)',
    synopsis: 'package --connection FILE --label L -o OUT.tgz [--meta-inf DIR] [--type ccaas|external]',
    options: {
      connection: { kind: 'string', value: 'FILE', group: 'command', help: 'the connection.json to wrap', path: 'file' },
      label: { kind: 'string', value: 'L', group: 'command', help: 'the package label (the package ID is <label>:<sha256>)' },
      output: { kind: 'string', alias: 'o', value: 'OUT.tgz', group: 'command', help: 'where to write the package' },
      'meta-inf': { kind: 'string', value: 'DIR', group: 'command', help: 'a META-INF directory (CouchDB indexes) to include', path: 'any' },
      type: { kind: 'string', value: 'ccaas|external', group: 'command', help: 'the type in metadata.json (default ccaas)', check: oneOf('ccaas', 'external') },
    },
  },
  id: {
    summary: 'the package ID, like peer lifecycle chaincode calculatepackageid',
    synopsis: 'id <package.tgz> [--output json]',
    options: { output: { kind: 'string', alias: 'O', value: 'json', group: 'command', help: 'print it as JSON, as the peer CLI does' } },
  },
  list: {
    summary: 'every rule: level, text, Fabric source',
    synopsis: 'list [--level must|should] [--run IDS]... [--with-scenario] [--json]',
    options: {
      level: { kind: 'string', value: 'must|should', group: 'command', help: 'only MUST or only SHOULD rules', check: oneOf('must', 'should') },
      run: { kind: 'list', value: 'IDS', group: 'command', help: 'only these rules: ids or patterns (PKG-*, DIAL-0?), comma-separated; repeatable' },
      'with-scenario': { kind: 'boolean', group: 'command', help: 'only rules a bundled scenario judges' },
      json: { kind: 'boolean', group: 'command', help: 'print the rules as JSON' },
    },
  },
  explain: {
    summary: "which rule a line of the peer's log points to, its likely causes, checks to run",
    synopsis: 'explain "<peer log line>" | --file peer.log | -  [--json]',
    options: {
      file: { kind: 'string', value: 'FILE', group: 'command', help: "read the peer's log from this file", path: 'file' },
      json: { kind: 'boolean', group: 'command', help: 'print the explanation as JSON' },
    },
  },
  invoke: {
    summary: 'start the chaincode server and invoke one function, like peer chaincode invoke (committed)',
    synopsis: 'invoke <package.tgz> FN [ARGS...] [--command CMD | --address HOST:PORT] [options]',
    withCheckOptions: true,
    options: TRANSACTION_OPTIONS,
  },
  query: {
    summary: 'the same as invoke, nothing committed, like peer chaincode query',
    synopsis: 'query <package.tgz> FN [ARGS...] [--command CMD | --address HOST:PORT] [options]',
    withCheckOptions: true,
    options: TRANSACTION_OPTIONS,
  },
  bench: {
    summary: "drive N transactions over one stream: throughput, latency, the mock peer's CPU",
    synopsis: 'bench <package.tgz> --fn F [--args "A B"] [--tx N] [--concurrency C] [options]',
    withCheckOptions: true,
    options: {
      fn: { kind: 'string', value: 'F', group: 'command', help: 'the function to call', check: nonEmpty('a function name') },
      args: { kind: 'string', value: '"A B"', group: 'command', help: 'its arguments, space-separated' },
      tx: { kind: 'string', value: 'N', group: 'command', help: 'how many transactions (default 1000)', check: positiveWhole },
      concurrency: { kind: 'string', value: 'C', group: 'command', help: 'how many in flight (default 64)', check: positiveWhole },
      warmup: { kind: 'string', value: 'W', group: 'command', help: 'warm-up transactions first (default min(300, N))', check: positiveWhole },
      commit: { kind: 'boolean', group: 'command', help: 'commit each write set (invoke), not only simulate (query)' },
      json: { kind: 'boolean', group: 'command', help: 'print the figures as JSON' },
      ...STATE_OPTIONS,
    },
  },
  init: {
    summary: 'write DIR/features/example.feature, a start for --features',
    synopsis: 'init [DIR] [--force]',
    options: { force: { kind: 'boolean', group: 'command', help: 'overwrite an existing example.feature' } },
  },
};

/** The options a command accepts (its own, and the main job's where it forwards them). */
export function commandOptions(name: string): Options {
  const c = COMMANDS[name];
  if (!c) return CHECK_OPTIONS;
  return c.withCheckOptions ? { ...CHECK_OPTIONS, ...c.options } : c.options;
}
