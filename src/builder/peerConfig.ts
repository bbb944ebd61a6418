import { RUNTIME_PARAM_KEYS } from '../config/chaincodeConfig.js';
import type { Document, Node } from 'yaml';

/**
 * The yaml package (72 modules) loads only when a core.yaml or a hook value is decoded: a run with
 * the stock builders never needs it (issue 13, time to verdict).
 */
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yamlModule ??= require('yaml') as typeof import('yaml');
  return yamlModule;
}

/**
 * The peer's external-builder configuration (BLD-01), read as `peer node start` reads it:
 * viper over core.yaml with the `CORE_` environment override (AllowEmptyEnv), then
 * `viper.UnmarshalKey("chaincode.externalBuilders")` with Fabric's string-to-slice YAML hook and
 * mapstructure's weakly typed, case-insensitive decoding into
 * `ExternalBuilder{Environment, PropagateEnvironment, Name, Path}`, then `Config.load`'s checks.
 *
 * Settled by running the real viper v1.20.1, go-viper/mapstructure v2.4.0 and go.yaml.in/yaml v4
 * on these inputs (see src/catalogue/bld.ts BLD-01): fields match Go field names, not the yaml
 * tags, so the deprecated `environmentWhitelist` key is ignored (the key that reaches the
 * deprecated field is `environment`); unknown keys are ignored in core.yaml AND in
 * CORE_CHAINCODE_EXTERNALBUILDERS (the hook's KnownFields(true) decodes into an `interface{}`, where
 * it has no effect); scalars are converted (`name: 5` → "5", `true` → "1"); a set but empty
 * CORE_CHAINCODE_EXTERNALBUILDERS means no builders at all.
 */

export interface ExternalBuilderConf {
  readonly name: string;
  readonly path: string;
  readonly propagateEnvironment: readonly string[];
}

/** What the harness knows of the peer's configuration, with where each part came from. */
export interface PeerBuilderSetup {
  readonly builders: readonly ExternalBuilderConf[];
  /** Where the builder list came from. */
  readonly source: 'core.yaml' | 'CORE_CHAINCODE_EXTERNALBUILDERS' | 'flags' | 'default';
  /** vm.endpoint: when set the peer falls back to Docker builds instead of failing. */
  readonly vmEndpoint: string;
  /** The peer refuses to start with this text (BLD-01), or null. */
  readonly startError: string | null;
  /** True when startError is a YAML syntax error whose exact Go text the harness cannot reproduce. */
  readonly startErrorInexact: boolean;
  /** Keys and values the peer ignores or converts, for the report. */
  readonly notes: readonly string[];
  /** Raw strings of other settings the build stage reports on. */
  readonly settings: { readonly [key: string]: string | null };
}

/** Settings read besides the builder list: viper key → its CORE_ variable. */
export const OTHER_SETTINGS = ['vm.endpoint', 'chaincode.installTimeout', 'chaincode.executetimeout', 'chaincode.startuptimeout', 'chaincode.keepalive', ...RUNTIME_PARAM_KEYS, 'peer.fileSystemPath', 'peer.localMspId', 'peer.address', 'peer.chaincodeAddress', 'peer.chaincodeListenAddress', 'peer.tls.enabled'] as const;

/** The sample core.yaml's builder list (what the stock peer image runs). */
/** vm.endpoint of the peer image's core.yaml (sampleconfig/core.yaml): the stock peer has a Docker builder behind its external builders. */
export const STOCK_VM_ENDPOINT = 'unix:///var/run/docker.sock';

export const SAMPLE_BUILDERS: readonly ExternalBuilderConf[] = [{ name: 'ccaas_builder', path: '/opt/hyperledger/ccaas_builder', propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] }];

export const ENV_OVERRIDE = 'CORE_CHAINCODE_EXTERNALBUILDERS';

// ---------------------------------------------------------------------------------------------
// Values as Go's YAML decoders produce them into interface{}.

type GoValue =
  | { readonly k: 'null' }
  | { readonly k: 'string'; readonly v: string }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'int'; readonly v: bigint }
  | { readonly k: 'uint'; readonly v: bigint }
  | { readonly k: 'float'; readonly v: number }
  | { readonly k: 'time'; readonly v: string }
  | { readonly k: 'slice'; readonly v: readonly GoValue[] }
  | { readonly k: 'map'; readonly v: ReadonlyArray<readonly [string, GoValue]> };

const NULL: GoValue = { k: 'null' };
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b, and a leading 0 for octal). */
function goParseIntBase0(s: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return null;
  const sign = m[1] === '-' ? -1n : 1n;
  const body = m[2] as string;
  let v: bigint;
  if (/^0[xX]/.test(body)) v = BigInt(`0x${body.slice(2)}`);
  else if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[bB]/.test(body)) v = BigInt(`0b${body.slice(2)}`);
  else if (body.length > 1 && body.startsWith('0')) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  return sign * v;
}

/** yaml.v3's resolution of a plain scalar into interface{} (resolve.go), for the forms a config can hold. */
function resolvePlain(text: string): GoValue {
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return NULL;
  if (text === 'true' || text === 'True' || text === 'TRUE') return { k: 'bool', v: true };
  if (text === 'false' || text === 'False' || text === 'FALSE') return { k: 'bool', v: false };
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return { k: 'float', v: text.startsWith('-') ? -Infinity : Infinity };
  if (/^\.(nan|NaN|NAN)$/.test(text)) return { k: 'float', v: NaN };
  if (/^[0-9+.-]/.test(text)) {
    if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$/.test(text)) return { k: 'time', v: text };
    const plain = text.replace(/_/g, '');
    const n = goParseIntBase0(plain);
    if (n !== null && n >= INT64_MIN && n <= INT64_MAX) return { k: 'int', v: n };
    if (n !== null && n >= 0n && n <= UINT64_MAX) return { k: 'uint', v: n };
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return { k: 'float', v: Number(plain) };
  }
  return { k: 'string', v: text };
}

/** strconv.FormatFloat(f, 'f', -1, 64). */
export function goFormatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (Object.is(f, -0)) return '-0';
  const s = String(f);
  const m = /^(-?)([0-9])(?:\.([0-9]+))?e([+-][0-9]+)$/.exec(s);
  if (!m) return s;
  const digits = `${m[2] as string}${m[3] ?? ''}`;
  const exp = Number(m[4]);
  const point = 1 + exp;
  if (point <= 0) return `${m[1] as string}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${m[1] as string}${digits}${'0'.repeat(point - digits.length)}`;
  return `${m[1] as string}${digits.slice(0, point)}.${digits.slice(point)}`;
}

class DecodeFailure extends Error {
  constructor(
    message: string,
    readonly inexact = false,
  ) {
    super(message);
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A YAML document as Go's yaml decoder hands it to viper/mapstructure. */
function toGo(doc: Document, text: string, dupPrefix: string): GoValue {
  const { isAlias, isMap, isScalar, isSeq } = yaml();
  const dups: string[] = [];
  const conv = (node: unknown): GoValue => {
    if (node === null || node === undefined) return NULL;
    if (isAlias(node)) return conv(node.resolve(doc));
    if (isScalar(node)) {
      const raw = node.value;
      const str = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
      if (node.type === 'PLAIN' && (node.tag === undefined || node.tag === '!')) return resolvePlain(str);
      if (node.tag === 'tag:yaml.org,2002:null') return NULL;
      return { k: 'string', v: str };
    }
    if (isSeq(node)) return { k: 'slice', v: node.items.map((i) => conv(i)) };
    if (isMap(node)) {
      const out: Array<readonly [string, GoValue]> = [];
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value ?? '') : String(keyNode ?? '');
        const line = lineOf(text, keyNode?.range?.[0] ?? 0);
        const first = seen.get(key);
        if (first !== undefined) dups.push(`  line ${line}: mapping key "${key}" already defined at line ${first}`);
        else seen.set(key, line);
        out.push([key, conv(pair.value)]);
      }
      return { k: 'map', v: out };
    }
    return NULL;
  };
  const v = conv(doc.contents);
  if (dups.length > 0) throw new DecodeFailure(`${dupPrefix}\n${dups.join('\n')}`);
  return v;
}

function parseYaml(text: string, what: 'file' | 'hook'): GoValue {
  const opts = { schema: 'failsafe', uniqueKeys: false, strict: false, prettyErrors: false } as const;
  // viper reads the whole file; the hook's yaml.Decoder reads the first document only, and
  // reports io.EOF when there is none.
  const { parseAllDocuments, parseDocument } = yaml();
  const docs = what === 'hook' ? parseAllDocuments(text, opts) : [parseDocument(text, opts)];
  if (!Array.isArray(docs)) throw new DecodeFailure('yaml: invalid YAML', true);
  const doc = docs[0];
  if (!doc) {
    if (what === 'hook') throw new DecodeFailure('EOF');
    return NULL;
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new DecodeFailure(`yaml: ${e?.message.split('\n')[0] ?? 'invalid YAML'}`, true);
  }
  return toGo(doc, text, what === 'file' ? 'yaml: unmarshal errors:' : 'yaml: construct errors:');
}

/** viper keys are case-insensitive. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function lookup(root: GoValue, dotted: string): GoValue | undefined {
  let cur: GoValue | undefined = root;
  for (const part of dotted.split('.')) {
    if (!cur || cur.k !== 'map') return undefined;
    let found: GoValue | undefined;
    for (const [k, v] of cur.v) if (asciiLower(k) === asciiLower(part)) found = v;
    cur = found;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// mapstructure (WeaklyTypedInput) into []ExternalBuilder.

function goTypeName(v: GoValue): string {
  switch (v.k) {
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'time':
      return 'time.Time';
    case 'int':
      return 'int';
    case 'uint':
      return 'uint64';
    case 'float':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
    case 'null':
      return 'nil';
  }
}

function goKindName(v: GoValue): string {
  switch (v.k) {
    case 'slice':
      return 'slice';
    case 'map':
      return 'map';
    case 'time':
      return 'struct';
    default:
      return goTypeName(v);
  }
}

interface Decoder {
  readonly errors: string[];
  readonly notes: string[];
}

/** The peer's hook: a string headed for a slice is YAML-decoded first ("" decodes to nothing). */
function stringToSliceHook(name: string, v: GoValue): GoValue {
  if (v.k !== 'string') return v;
  if (v.v === '') return NULL;
  try {
    return parseYaml(v.v, 'hook');
  } catch (e) {
    throw new DecodeFailure(`'${name}' ${e instanceof Error ? e.message : String(e)}`, e instanceof DecodeFailure ? e.inexact : true);
  }
}

function decodeString(d: Decoder, name: string, v: GoValue): string {
  switch (v.k) {
    case 'null':
      return '';
    case 'string':
      return v.v;
    case 'bool':
      return v.v ? '1' : '0';
    case 'int':
    case 'uint':
      return v.v.toString();
    case 'float':
      return goFormatFloatF(v.v);
    default:
      d.errors.push(`'${name}' expected type 'string', got unconvertible type '${goTypeName(v)}'`);
      return '';
  }
}

function decodeStringSlice(d: Decoder, name: string, input: GoValue): string[] | null {
  const v = stringToSliceHook(name, input);
  if (v.k === 'null') return null;
  let items: readonly GoValue[];
  if (v.k === 'slice') items = v.v;
  else if (v.k === 'map' && v.v.length === 0) items = [];
  else items = [v];
  return items.map((item, i) => decodeString(d, `${name}[${i}]`, item));
}

const FIELDS = ['Environment', 'PropagateEnvironment', 'Name', 'Path'] as const;

function fieldValue(d: Decoder, entries: ReadonlyArray<readonly [string, GoValue]>, field: string, name: string): GoValue | undefined {
  const exact = entries.filter(([k]) => k === field);
  if (exact.length > 0) return exact[exact.length - 1]?.[1];
  const folded = entries.filter(([k]) => asciiLower(k) === asciiLower(field));
  if (folded.length > 1) d.notes.push(`'${name}' has ${folded.length} keys matching ${field} in different cases; mapstructure picks one in Go map order (random)`);
  return folded[folded.length - 1]?.[1];
}

interface DecodedBuilder {
  environment: string[] | null;
  propagateEnvironment: string[] | null;
  name: string;
  path: string;
}

function decodeBuilders(d: Decoder, raw: GoValue): DecodedBuilder[] {
  const v = stringToSliceHook('', raw);
  if (v.k === 'null') return [];
  let items: readonly GoValue[];
  if (v.k === 'slice') items = v.v;
  else if (v.k === 'map' && v.v.length === 0) items = [];
  else items = [v];
  return items.map((item, i) => {
    const name = `[${i}]`;
    const b: DecodedBuilder = { environment: null, propagateEnvironment: null, name: '', path: '' };
    if (item.k === 'null') return b;
    if (item.k !== 'map') {
      d.errors.push(`'${name}' expected a map or struct, got "${goKindName(item)}"`);
      return b;
    }
    const known = new Set(FIELDS.map((f) => asciiLower(f)));
    for (const [k] of item.v) {
      if (known.has(asciiLower(k))) continue;
      d.notes.push(asciiLower(k) === 'environmentwhitelist' ? `builder ${name}: \`${k}\` is ignored by the peer (its Go field is named Environment, so only a key \`environment\` reaches it); use propagateEnvironment` : `builder ${name}: unknown key \`${k}\` is ignored by the peer`);
    }
    for (const field of FIELDS) {
      const fv = fieldValue(d, item.v, field, name);
      if (fv === undefined) continue;
      const fname = `${name}.${field}`;
      if (field === 'Environment') b.environment = decodeStringSlice(d, fname, fv);
      else if (field === 'PropagateEnvironment') b.propagateEnvironment = decodeStringSlice(d, fname, fv);
      else if (field === 'Name') b.name = decodeString(d, fname, fv);
      else b.path = decodeString(d, fname, fv);
      if (fv.k !== 'string' && fv.k !== 'null' && fv.k !== 'slice' && fv.k !== 'map' && fv.k !== 'time') d.notes.push(`builder ${name}: ${asciiLower(field)} is not a string in YAML; the peer converts it`);
    }
    return b;
  });
}

/** Config.load's checks after decoding, in order (core/peer/config.go). */
export function validateBuilders(list: readonly DecodedBuilder[]): { builders: ExternalBuilderConf[]; error: string | null } {
  const out: ExternalBuilderConf[] = [];
  for (const b of list) {
    if (b.path === '') return { builders: [], error: 'invalid external builder configuration, path attribute missing in one or more builders' };
    if (b.name === '') return { builders: [], error: `external builder at path ${b.path} has no name attribute` };
    const propagate = b.environment !== null && (b.propagateEnvironment ?? []).length === 0 ? b.environment : (b.propagateEnvironment ?? []);
    out.push({ name: b.name, path: b.path, propagateEnvironment: propagate });
  }
  return { builders: out, error: null };
}

function scalarSetting(v: GoValue | undefined): string | null {
  if (v === undefined || v.k === 'null') return null;
  switch (v.k) {
    case 'string':
    case 'time':
      return v.v;
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'int':
    case 'uint':
      return v.v.toString();
    case 'float':
      return goFormatFloatF(v.v);
    default:
      return null;
  }
}

function envName(key: string): string {
  return `CORE_${key.replace(/\./g, '_').toUpperCase()}`;
}

/**
 * The peer's view of core.yaml (text, or null for none) plus its environment. With no core.yaml
 * and no override the harness behaves like a peer whose only builder is the sample's ccaas_builder.
 */
export function readPeerBuilderSetup(coreYaml: string | null, env: Readonly<Record<string, string | undefined>>): PeerBuilderSetup {
  const notes: string[] = [];
  const settings: Record<string, string | null> = {};
  let root: GoValue = NULL;
  const fail = (message: string, inexact: boolean, source: PeerBuilderSetup['source']): PeerBuilderSetup => ({ builders: [], source, vmEndpoint: '', startError: message, startErrorInexact: inexact, notes, settings });
  if (coreYaml !== null) {
    try {
      root = parseYaml(coreYaml, 'file');
    } catch (e) {
      const inexact = e instanceof DecodeFailure ? e.inexact : true;
      return fail(`Fatal error when initializing core config : error when reading core config file: While parsing config: ${e instanceof Error ? e.message : String(e)}`, inexact, 'core.yaml');
    }
  }
  for (const key of OTHER_SETTINGS) {
    const fromEnv = env[envName(key)];
    settings[key] = fromEnv !== undefined ? fromEnv : scalarSetting(lookup(root, key));
  }
  // Without a core.yaml of yours, the peer image's own (sampleconfig/core.yaml) is in force.
  if (coreYaml === null && settings['vm.endpoint'] == null) settings['vm.endpoint'] = STOCK_VM_ENDPOINT;
  const override = env[ENV_OVERRIDE];
  let raw: GoValue | undefined;
  let source: PeerBuilderSetup['source'];
  if (override !== undefined) {
    raw = { k: 'string', v: override };
    source = ENV_OVERRIDE;
    if (override === '') notes.push(`${ENV_OVERRIDE} is set but empty: the peer reads that as no external builders at all`);
  } else if (coreYaml !== null) {
    raw = lookup(root, 'chaincode.externalBuilders');
    source = 'core.yaml';
  } else {
    return { builders: SAMPLE_BUILDERS, source: 'default', vmEndpoint: settings['vm.endpoint'] ?? '', startError: null, startErrorInexact: false, notes, settings };
  }
  const d: Decoder = { errors: [], notes };
  let decoded: DecodedBuilder[];
  try {
    decoded = decodeBuilders(d, raw ?? NULL);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e), e instanceof DecodeFailure ? e.inexact : true, source);
  }
  if (d.errors.length > 0) return fail(`decoding failed due to the following error(s):\n\n${d.errors.join('\n')}`, false, source);
  const { builders, error } = validateBuilders(decoded);
  const vmEndpoint = settings['vm.endpoint'] ?? '';
  if (error) return fail(error, false, source);
  if (builders.length === 0 && vmEndpoint === '') return fail('VMEndpoint not set and no ExternalBuilders defined', false, source);
  return { builders, source, vmEndpoint, startError: null, startErrorInexact: false, notes, settings };
}
