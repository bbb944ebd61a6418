/**
 * Arbitraries for connection.json as the peer and the ccaas builder read it: the peer's fields in
 * every spelling Go accepts, values of the right and wrong JSON types, Go duration strings (valid
 * and not), text/template strings within the reproduced subset plus syntax-breaking mutations,
 * and CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG values.
 */
import fc from 'fast-check';
import { anyJsonText, damaged, encodeJsonString, jsonNumberText, jsonStringBytes, keyVariant, objectBytes } from './json-arbitraries.js';

export const CONN_FIELDS = ['address', 'domain', 'dial_timeout', 'tls_required', 'client_auth_required', 'client_key', 'client_cert', 'root_cert'] as const;

const str = (s: string): Buffer => encodeJsonString(s, []);

/** Go duration strings: mostly well-formed, some broken in the ways people break them. */
export const durationString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('', '', '', '-', '+'), fc.array(fc.tuple(
    fc.constantFrom('0', '1', '10', '1.5', '.5', '5.', '300', '2562047', '9223372036854775807', '00', '0.000000001', '1.0000000000000000001'),
    fc.constantFrom('ns', 'us', '\u00b5s', '\u03bcs', 'ms', 's', 's', 'm', 'h'),
  ), { minLength: 1, maxLength: 3 })).map(([sign, parts]) => sign + parts.map(([n, u]) => n + u).join('')) },
  { weight: 2, arbitrary: fc.constantFrom('', '0', '-0', '+0', '10', '10S', ' 10s', '10s ', '1e3s', 'bogus', '.s', '-.s', '1h-2m', 's', '1.2.3s', '3sec', '5 s', '1H', '\u00b5s', '9223372036854775808ns', '2562048h', '1\u00e9s', '1"s') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

const address = fc.oneof(
  fc.constantFrom('h:1', 'peer0.org1.example.com:9999', 'localhost:7052', '', '[::1]:9999', 'dns:///cc:9999', 'cc', ' '),
  fc.string({ maxLength: 10 }),
);
const pem = fc.constantFrom('', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'r', 'k', 'c', '<b>&');

/** A value for a field: usually the right JSON type, sometimes null, a string boolean, or anything. */
function valueFor(field: (typeof CONN_FIELDS)[number]): fc.Arbitrary<Buffer> {
  const wrong = fc.oneof(anyJsonText, fc.constant(Buffer.from('null')));
  switch (field) {
    case 'tls_required': case 'client_auth_required':
      return fc.oneof({ weight: 6, arbitrary: fc.constantFrom('true', 'false').map(Buffer.from) }, { weight: 2, arbitrary: fc.constantFrom('"true"', '"false"', 'null', '1', '0').map(Buffer.from) }, { weight: 1, arbitrary: wrong });
    case 'dial_timeout':
      return fc.oneof({ weight: 5, arbitrary: durationString.map(str) }, { weight: 3, arbitrary: jsonNumberText.map(Buffer.from) }, { weight: 1, arbitrary: wrong });
    case 'address':
      return fc.oneof({ weight: 8, arbitrary: jsonStringBytes(address) }, { weight: 1, arbitrary: wrong });
    default:
      return fc.oneof({ weight: 8, arbitrary: jsonStringBytes(fc.oneof(pem, fc.string({ maxLength: 6 }))) }, { weight: 1, arbitrary: wrong });
  }
}

const unknownKey = fc.oneof(fc.constantFrom('tlsRequired', 'timeout', 'dialTimeout', 'rootCert', 'address2', '', 'tls', 'ADDRESS_', 'dial-timeout'), fc.string({ maxLength: 6 }));

/** One member: a known field (any spelling) with a value, or an unknown key. */
export const connMember: fc.Arbitrary<[Buffer, Buffer]> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...CONN_FIELDS).chain((f) => fc.tuple(keyVariant(f).chain((k) => jsonStringBytes(fc.constant(k))), valueFor(f))) },
  { weight: 1, arbitrary: fc.tuple(unknownKey.map(str), anyJsonText) },
);

/** A connection.json document: a well-shaped object, usually with an address, or damage. */
export const connectionDoc: fc.Arbitrary<Buffer> = (() => {
  const base = fc.tuple(fc.option(jsonStringBytes(address), { freq: 4 }), fc.array(connMember, { maxLength: 8 }))
    .map(([a, ms]): [Buffer, Buffer][] => (a ? [[str('address'), a] as [Buffer, Buffer], ...ms] : ms));
  const obj = objectBytes(base);
  return fc.oneof({ weight: 9, arbitrary: obj }, { weight: 2, arbitrary: damaged(obj) });
})();

/** metadata.json: type/path/label in any spelling, with wrong types, nulls, unknown keys and damage. */
export const metadataDoc: fc.Arbitrary<Buffer> = (() => {
  const value = fc.oneof({ weight: 8, arbitrary: jsonStringBytes(fc.oneof(fc.constantFrom('ccaas', 'CCAAS', 'external', 'mycc_1.0', '', 'a b', 'x:y'), fc.string({ maxLength: 8 }))) },
    { weight: 2, arbitrary: fc.oneof(anyJsonText, fc.constant(Buffer.from('null'))) });
  const member = fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom('type', 'path', 'label').chain((f) => keyVariant(f).chain((k) => jsonStringBytes(fc.constant(k)))), value) },
    { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.constantFrom('Label ', 'labels', 'version', ''), fc.string({ maxLength: 5 })).map(str), anyJsonText) },
  );
  const obj = objectBytes(fc.array(member, { maxLength: 6 }));
  return fc.oneof({ weight: 8, arbitrary: obj }, { weight: 3, arbitrary: damaged(obj) });
})();

/** Template pieces within the reproduced subset, and pieces that break the syntax. */
const GOOD_PIECES = [
  'h', ':', '9999', 'a b', '\n', '-', '{{.host}}', '{{.port}}', '{{.nested.x}}', '{{.missing}}', '{{ .host }}', '{{- .host -}}', ' {{- .port}} ', '{{/* c */}}',
  '{{- /* c */ -}}', '{{if .flag}}a{{else}}b{{end}}', '{{if .flag}}a{{else if .host}}b{{end}}', '{{with .nested}}{{.x}}{{end}}', '{{range .list}}{{.}},{{end}}',
  '{{range $i, $e := .list}}{{$i}}={{$e}};{{else}}none{{end}}', '{{range .list}}{{break}}{{end}}', '{{print .host .port}}', '{{println .host}}', '{{len .list}}', '{{index .list 0}}',
  '{{index .nested "x"}}', '{{.host | print}}', '{{$}}', '{{.}}', '{{$x := .host}}{{$x}}', '{{html .host}}', '{{urlquery .host}}', '{{not .flag}}', '{{and .flag .host}}',
  '{{or .nul .host}}', '{{eq .host "a"}}', '{{ne .port 1.5}}', '{{lt .port 10000.0}}', '{{le .host "x"}}', '{{gt 1 2}}', '{{ge .flag true}}', '{{lt .nul 1}}', '{{"lit"}}', '{{`raw`}}', '{{1}}', '{{2.5}}', '{{true}}', '{{nil}}', '{{.host.x}}', '{{.nul.x}}', '{{.nul}}',
  '{{len .port}}', '{{index .list 9}}', '{{(.nested).x}}', '{{.host 1}}', '{{range .host}}{{end}}', '{{with $y := .nested}}{{$y.x}}{{end}}', '{{"a\\tb"}}',
  // fmt through printf: verbs, flags, widths, precisions, bad verbs, missing and extra operands
  '{{printf "%s:%d" .host 9999}}', '{{printf "%s_ccaas:%v" .host .port}}', '{{printf "%d" .port}}', '{{printf "%v" .list}}', '{{printf "%s" .nested}}', '{{printf "%q" .host}}',
  '{{printf "%x" .host}}', '{{printf "% X" .host}}', '{{printf "%#x" .host}}', '{{printf "%5s|%-5s|" .host .host}}', '{{printf "%.2s" .host}}', '{{printf "%05d" -42}}', '{{printf "%+d %x %X %o %O %b" 42 255 255 8 8 5}}',
  '{{printf "%#x %#o %#b" 255 8 5}}', '{{printf "%.3d|%8.3d|%.0d" 7 -7 0}}', '{{printf "%*d|%-*d|%.*f|%*s" 5 42 4 7 2 3.14159 -6 .host}}', '{{printf "%*d" .port 1}}', '{{printf "%f|%.2f|%e|%E|%g|%G" .port .port .port .port .port .port}}', '{{printf "%.1f %.0f %.3e %.3g %8.2f %-8.2f| %+.1e %08.3f" 2.25 2.5 1234.5678 1.2345e-4 3.14159 2.5 -1.5 -3.5}}',
  '{{printf "%#g %#.3g %#.0f %#e" 1.0 2.0 3.0 4.0}}', '{{printf "%v %.2v %g" 1e21 1e-7 100000.0}}', '{{printf "%t %v %d" .flag true true}}', '{{printf "%s %d" .nul .nul}}', '{{printf "%v" .nul}}', '{{printf "%T %T %T %T" .host .port .list .nul}}',
  '{{printf "%d %d"}}', '{{printf "%s" "a" "b" 3}}', '{{printf "%!"}}', '{{printf "100%%"}}', '{{printf "%"}}', '{{printf "%z" .host}}', '{{printf "%5.1q|%-#q|%#q" .host "a`b" "x"}}', '{{printf "%x %X % x" .host .host "hi"}}', '{{printf "%6.2v|" .port}}', '{{printf .host}}', '{{printf .port}}', '{{printf 1}}', '{{printf nil}}', '{{.host | printf "%s!"}}', '{{"%d" | printf}}', '{{printf "%s" (print .port)}}', '{{printf "%d" 1.5}}', '{{printf "%.3s|%x" "héllo" "é"}}',
  '{{printf "%v|%d|%s" .list .list .list}}', '{{printf "%s %v" .nested .nested}}', '{{printf "% d|%+v|% v" 5 5 5}}',
  '{{js .host}}', '{{js "<a href=\'x\'>&"}}', '{{js .list .port}}', '{{js "\u00e9\u2028"}}', '{{slice .host 1}}', '{{slice .host 1 2}}', '{{slice .list 1}}', '{{slice .list 1 2 2}}', '{{slice .host 1 2 2}}', '{{slice .host 2 1}}', '{{slice .host 9}}', '{{slice .port 1}}',
  '{{slice .nul}}', '{{slice .list .port}}', '{{slice .list 1 2 3 4}}', '{{slice .host -1}}', '{{slice "hello" 1 3}}', '{{call .host}}', '{{call .nul}}', '{{call .nested 1}}', '{{.host | call}}', '{{call 1}}', '{{call nil}}', '{{call}}', '{{call .missing}}',
  // slice checks indexes against the capacity, a re-slice sees the backing array; %b %x %X of floats
  // (no 0 before a number: a deleted space would make an octal literal, which the twin leaves to Go)
  '{{slice .list 1 2 3}}', '{{slice .list 2 3 4}}', '{{slice .list 1 4 8}}', '{{len (slice .list 1 4)}}', '{{slice .list 2 8 9}}', '{{slice (slice .list 1 2) 1 3}}',
  '{{slice (slice .list 1 2 3) 1 2}}', '{{range slice .list 1 2 4}}{{.}},{{end}}', '{{printf "%x %X %b" .port 1.5 .255}}',
  '{{printf "%#x|%#.0X|%+.3x|%020b| %x" .port .port 2.5 .1 .port}}', '{{printf "%.1x %#X %-9.2x|%x" 1.96875 .port 1e300 .list}}',
];
const BAD_PIECES = ['{{', '}}', '{{}', '{{.host}', '{{end}}', '{{else}}', '{{if}}', '{{foo}}', '{{$y}}', '{{"a}}', '{{/* x', '{{.a-b}}', '{{(.host}}', '{{.host)}}', '{{#}}', '{{\u00e9}}', '{{ }}', '{{if .flag}}', '{{range}}', '{{.host | 1}}', '{{1.5.x}}', '{{"\\q"}}', '{{break}}'];
const MUTATION_CHARS = ['{', '}', '(', ')', '|', '$', '.', '-', '"', '`', ' ', '\n', ':', '=', ',', 'a', '/', '*'];

export const templateText: fc.Arbitrary<string> = fc.tuple(
  fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...GOOD_PIECES) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_PIECES) }), { maxLength: 4 }),
  fc.option(fc.tuple(fc.nat(), fc.constantFrom(...MUTATION_CHARS), fc.boolean()), { freq: 4 }),
).map(([pieces, mutation]) => {
  const t = pieces.join('');
  if (!mutation || t.length === 0) return t;
  const [at, ch, del] = mutation;
  const i = at % t.length;
  return del ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + ch + t.slice(i);
});

/** CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: unset, empty, objects of the keys templates use, or junk. */
export const builderConfig: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(undefined, '') },
  { weight: 6, arbitrary: fc.record({
    host: fc.oneof(fc.constantFrom('x', 'peer0', '<a&b>', '', 'é'), fc.string({ maxLength: 5 }), fc.constant(null)),
    port: fc.oneof(fc.constantFrom(9999, 0, 1000000, 1.5, -1, 0.000012), fc.constant('7052')),
    flag: fc.oneof(fc.boolean(), fc.constantFrom(0, 1, '', 'no', null)),
    nested: fc.oneof(fc.record({ x: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()) }), fc.constant('flat')),
    list: fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.string({ maxLength: 3 }), fc.constant(null)), { maxLength: 5 }),
    nul: fc.constant(null),
  }, { requiredKeys: [] }).map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: fc.constantFrom('nul', '[]', '"x"', '{"a":1e400}', '{', '1', 'null', ' {} ') },
);

/** connection.json for the ccaas builder: string fields hold templates. */
export const ccaasConnectionDoc: fc.Arbitrary<Buffer> = (() => {
  const tpl = templateText.map(str);
  const member: fc.Arbitrary<[Buffer, Buffer]> = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom('address', 'dial_timeout', 'root_cert', 'client_key', 'client_cert').chain((f) => keyVariant(f).map(str)), tpl) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('dial_timeout').map(str), durationString.map(str)) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('tls_required', 'client_auth_required').map(str), fc.constantFrom('true', 'false', 'null', '"true"').map(Buffer.from)) },
    { weight: 1, arbitrary: connMember },
  );
  const obj = objectBytes(fc.array(member, { maxLength: 7 }));
  return fc.oneof({ weight: 10, arbitrary: obj }, { weight: 1, arbitrary: damaged(obj) });
})();

/**
 * The constructs the generators can reach (a mutation can make them) whose Go meaning the twin
 * does not reproduce and reports as such (never a verdict): a slice that cuts a UTF-8 sequence
 * (Go strings hold any bytes; JS strings cannot), %p of a map or slice (an address), hexadecimal
 * floats and imaginary numbers. The properties count them and keep them rare.
 */
export const LEFT_TO_GO = /slice that cuts a UTF-8 sequence|printf %p of a map or slice|hexadecimal floating-point literal|imaginary number literal/;
