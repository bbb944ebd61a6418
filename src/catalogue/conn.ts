import type { Rule } from './types.js';

const INSTANCE = 'core/container/externalbuilder/instance.go';

/** CONN: release/chaincode/server/connection.json as the peer reads it at every launch (reference §4). */
export const CONN_RULES: readonly Rule[] = [
  {
    id: 'CONN-01', family: 'CONN', level: 'MUST', confidence: 'code',
    title: 'The release produces chaincode/server/connection.json',
    peer: 'At every launch the peer stats release/chaincode/server/connection.json; if it does not exist the chaincode is not chaincode-as-a-service and the peer runs bin/run instead.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['ChaincodeServerInfo', 'CCServerReleaseDir'] }],
    remedy: 'Make the builder\'s release step copy connection.json to $RELEASE/chaincode/server/connection.json.',
  },
  {
    id: 'CONN-02', family: 'CONN', level: 'MUST', confidence: 'replica',
    title: 'connection.json is one JSON object',
    peer: 'Go json.Unmarshal into *ChaincodeServerUserData; errors → `malformed chaincode info at \'<path>\': <json error>`; a top-level null makes the peer dereference nil and crash.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['ChaincodeServerInfo'] }],
    remedy: 'Write connection.json as a single JSON object, UTF-8 without BOM, with nothing after it.',
  },
  {
    id: 'CONN-03', family: 'CONN', level: 'MUST', confidence: 'replica',
    title: 'Fields have the peer\'s Go types (tls_required is a JSON boolean)',
    peer: '`tls_required` and `client_auth_required` are Go bool; `"true"` fails with `json: cannot unmarshal string into Go struct field ChaincodeServerUserData.tls_required of type bool`.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['ChaincodeServerUserData'] }],
    remedy: 'Write `"tls_required": true` (no quotes), and likewise for client_auth_required.',
  },
  {
    id: 'CONN-04', family: 'CONN', level: 'SHOULD', confidence: 'replica',
    title: 'Keys are spelled exactly once, in the documented case',
    peer: 'Keys match case-insensitively (Unicode folding), unknown keys are ignored, the last duplicate wins, and null leaves a field unchanged.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['ChaincodeServerUserData'] }],
    remedy: 'Use the exact lower-case keys once each; remove unknown keys such as `tlsRequired` or `timeout`, which the peer ignores.',
  },
  {
    id: 'CONN-05', family: 'CONN', level: 'MUST', confidence: 'replica',
    title: 'A dial_timeout error is reported before type errors',
    peer: 'Go defers type-mismatch errors to the end of the document but aborts at once on the custom Duration unmarshaler\'s error.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['Duration.UnmarshalJSON'] }],
    remedy: 'Fix dial_timeout first; then the other type errors appear.',
  },
  {
    id: 'CONN-06', family: 'CONN', level: 'MUST', confidence: 'replica',
    title: 'dial_timeout is a Go duration string (or nanoseconds)',
    peer: 'A string is parsed by time.ParseDuration (`time: invalid duration ...`); a number is nanoseconds (10 means 10ns); 0 means 3s; any other type is `invalid duration`.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['Duration.UnmarshalJSON', 'DialTimeout'] }],
    remedy: 'Write a duration string with a unit, e.g. `"dial_timeout": "10s"`.',
  },
  {
    id: 'CONN-07', family: 'CONN', level: 'MUST', confidence: 'replica',
    title: 'address is set; TLS material present when TLS is on',
    peer: 'In order: `chaincode address not provided`; with TLS: `chaincode tls key not provided`, `chaincode tls cert not provided` (client auth only), `chaincode tls root cert not provided`.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['ChaincodeServerUserData.ChaincodeServerInfo'] }],
    remedy: 'Set `address` to the host:port the peer can reach; with `tls_required: true` set `root_cert`, and with client auth also `client_key` and `client_cert`, as inline PEM strings.',
  },
  {
    id: 'CONN-08', family: 'CONN', level: 'MUST', confidence: 'code',
    title: 'TLS material parses as PEM',
    peer: 'root_cert must contain at least one certificate (`error adding root certificate`); with client auth the key pair must load (`failed to load client certificate: failed to create key pair: <err>`).',
    source: [{ repo: 'fabric', path: 'internal/pkg/comm/config.go', symbols: ['SecureOptions.TLSConfig', 'ClientCertificate'] }],
    remedy: 'Put PEM text (`-----BEGIN CERTIFICATE-----`...) with `\\n` escapes in the JSON strings, not base64 of PEM and not file paths.',
  },
  {
    id: 'CONN-09', family: 'CONN', level: 'SHOULD', confidence: 'code',
    title: 'No TLS files in the release directory',
    peer: 'Nothing but connection.json is read from chaincode/server; TLS files placed there are ignored.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['ChaincodeServerInfo'] }],
    remedy: 'Inline the PEM strings in connection.json and remove the files.',
  },
  {
    id: 'CONN-10', family: 'CONN', level: 'MUST', confidence: 'replica',
    title: 'connection.json survives the built-in ccaas builder\'s rewrite',
    peer: 'The ccaas builder decodes connection.json into its own struct (dial_timeout a string, no domain), renders string fields as Go templates with missingkey=error, and writes it back; an absent dial_timeout becomes "" which fails every launch.',
    source: [{ repo: 'fabric', path: 'ccaas_builder/cmd/build/main.go', symbols: ['connection', 'run', 'execTempl'] }],
    remedy: 'With the ccaas builder always set `"dial_timeout": "10s"` as a string, and do not rely on `domain`.',
  },
];
