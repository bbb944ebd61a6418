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
    id: 'CONN-02', family: 'CONN', level: 'MUST', confidence: 'settled',
    title: 'connection.json is one JSON object',
    peer: 'Go json.Unmarshal into *ChaincodeServerUserData after a whole-document syntax check; errors → `malformed chaincode info at \'<path>\': <json error>` (e.g. `unexpected end of JSON input`, `invalid character \'ï\' looking for beginning of value`, `json: cannot unmarshal array into Go value of type externalbuilder.ChaincodeServerUserData`); a top-level null makes the peer dereference a nil pointer and crash.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['ChaincodeServerInfo'] }],
    remedy: 'Write connection.json as a single JSON object, UTF-8 without BOM, with nothing after it.',
    settledBy: 'Go 1.26.8 oracle (test/oracle/json.go mode `connection`, 5,000+ generated documents per CI run): texts as in the reference, plus the EOF forms Go 1.26 prints: `-` → `invalid character \' \' in numeric literal`, `1.` → `... after decimal point in numeric literal`, `tru` → `invalid character \' \' in literal true (expecting \'e\')`, 10001 nested `[` → `invalid character \'[\' exceeded max depth`. Top-level `null` reproduced: the pointer becomes nil and the validation panics with `runtime error: invalid memory address or nil pointer dereference`. That this panic ends the whole peer process still rests on the launch goroutine having no recover (read in the source, not executed).',
  },
  {
    id: 'CONN-03', family: 'CONN', level: 'MUST', confidence: 'fabric',
    title: 'Fields have the peer\'s Go types (tls_required is a JSON boolean)',
    peer: '`tls_required` and `client_auth_required` are Go bool; `"true"` fails with `json: cannot unmarshal string into Go struct field ChaincodeServerUserData.tls_required of type bool`.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['ChaincodeServerUserData'] }],
    remedy: 'Write `"tls_required": true` (no quotes), and likewise for client_auth_required.',
  },
  {
    id: 'CONN-04', family: 'CONN', level: 'SHOULD', confidence: 'settled',
    title: 'Keys are spelled exactly once, in the documented case',
    peer: 'Keys match exactly, else case-insensitively by Go\'s simple case folding (ſ U+017F and the Kelvin sign U+212A fold to ASCII; dotless ı U+0131 does not); unknown keys are ignored, the last duplicate wins, and null leaves a string or bool field unchanged.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['ChaincodeServerUserData'] }],
    remedy: 'Use the exact lower-case keys once each; remove unknown keys such as `tlsRequired` or `timeout`, which the peer ignores.',
    settledBy: 'Go 1.26.8 oracle: the folding table (every non-ASCII rune) is compared with unicode.SimpleFold orbits; only U+017F → S and U+212A → K reach ASCII, so `addreſs` and `client_\u212Aey` match while `domaın` (U+0131) is an unknown key. Duplicates and null overrides agree on every generated document.',
  },
  {
    id: 'CONN-05', family: 'CONN', level: 'MUST', confidence: 'fabric',
    title: 'A dial_timeout error is reported before type errors',
    peer: 'Go defers type-mismatch errors to the end of the document but aborts at once on the custom Duration unmarshaler\'s error.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['Duration.UnmarshalJSON'] }],
    remedy: 'Fix dial_timeout first; then the other type errors appear.',
  },
  {
    id: 'CONN-06', family: 'CONN', level: 'MUST', confidence: 'settled',
    title: 'dial_timeout is a Go duration string (or nanoseconds)',
    peer: 'A string is parsed by time.ParseDuration (`time: invalid duration "..."`, `time: missing unit in duration "10"`, `time: unknown unit "S" in duration "10S"`); a number is float64 nanoseconds truncated toward zero (10 means 10ns; out of the int64 range becomes math.MinInt64 on amd64); 0 means 3s; negative values are kept; any other type, null included, is `invalid duration`; a number beyond float64 is `json: cannot unmarshal number 1e400 into Go struct field ChaincodeServerUserData.dial_timeout of type float64`.',
    source: [{ repo: 'fabric', path: INSTANCE, symbols: ['Duration.UnmarshalJSON', 'DialTimeout'] }],
    remedy: 'Write a duration string with a unit, e.g. `"dial_timeout": "10s"`.',
    settledBy: 'Go 1.26.8 on linux/amd64 (oracle modes `connection` and `duration`): J22 `9223372036854775807` (2^63 as float64) and any |x| >= 2^63 convert to -9223372036854775808ns; `-1` stays -1ns through validation (only exactly 0 becomes 3s). Go 1.26 quotes ParseDuration input with the time package\'s own quote: non-ASCII and control bytes as \\xNN (`time: unknown unit "\\xc3\\xa9s" in duration "1\\xc3\\xa9s"`), which Go 1.19 texts in the reference did not show. An out-of-float64-range number gets the struct field context added by the outer decoder (new, not in the reference). Other architectures were not run.',
  },
  {
    id: 'CONN-07', family: 'CONN', level: 'MUST', confidence: 'fabric',
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
    id: 'CONN-10', family: 'CONN', level: 'MUST', confidence: 'settled',
    title: 'connection.json survives the built-in ccaas builder\'s rewrite',
    peer: 'The ccaas builder decodes connection.json into its own struct (dial_timeout a string, no domain; errors like `json: cannot unmarshal number into Go struct field connection.dial_timeout of type string`), renders address, dial_timeout and (with TLS) root_cert/client_key/client_cert as Go templates with missingkey=error (`Failed to parse the Address field template: template: :1:2: executing "" at <.host>: map has no entry for key "host"`), and writes compact HTML-escaped JSON; an absent dial_timeout becomes "" which fails every launch.',
    source: [{ repo: 'fabric', path: 'ccaas_builder/cmd/build/main.go', symbols: ['connection', 'run', 'execTempl'] }],
    remedy: 'With the ccaas builder always set `"dial_timeout": "10s"` as a string, and do not rely on `domain`.',
    settledBy: 'Go 1.26.8 oracle mode `ccaas-build-connection` with real text/template (2,000+ generated rewrites per CI run, byte-identical output): B10-B13 hold. Template error texts under Go 1.26: `{{.host}` → `template: :1: bad character U+007D \'}\'`, but `{{}` → `template: :1: unexpected "}" in command`; execution errors point at the last field token of a chain (`{{.m.zz}}` → `template: :1:4: ...`). A null connection.json is accepted by the builder (all fields empty) and fails later at launch.',
  },
];
