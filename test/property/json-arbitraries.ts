/**
 * fast-check arbitraries that compose JSON documents as BYTES, so they can hold what JSON.stringify
 * never writes: duplicate keys, case and Unicode-fold variants of keys, escapes of every kind,
 * lone surrogates, invalid UTF-8, a BOM, trailing data, truncation and stray bytes.
 */
import fc from 'fast-check';

/** A key spelled as Go might still match it: exact, re-cased, or with fold-equivalent runes. */
export function keyVariant(field: string): fc.Arbitrary<string> {
  const recased = fc.array(fc.boolean(), { minLength: field.length, maxLength: field.length })
    .map((ups) => [...field].map((c, i) => (ups[i] ? c.toUpperCase() : c)).join(''));
  const folded = fc.constantFrom(
    field.replace(/s/g, '\u017f'), field.replace(/k/g, '\u212a'), field.replace(/i/g, '\u0131'), field.replace(/i/g, '\u0130'),
    field.replace(/_/g, ''), field.replace(/_(.)/g, (_m, c: string) => c.toUpperCase()), field + ' ', field.replace(/e/g, '\u00e9'),
  );
  return fc.oneof({ weight: 6, arbitrary: fc.constant(field) }, { weight: 3, arbitrary: recased }, { weight: 2, arbitrary: folded });
}

/** One JS string as a JSON string literal, with random but valid escaping choices. */
export function encodeJsonString(s: string, escapes: readonly number[]): Buffer {
  const parts: Buffer[] = [Buffer.from('"')];
  let i = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const choice = escapes[i++ % Math.max(escapes.length, 1)] ?? 0;
    if (ch === '"' || ch === '\\') parts.push(Buffer.from('\\' + ch));
    else if (cp < 0x20 || choice % 7 === 1) {
      if (cp > 0xffff) {
        const hi = 0xd800 + ((cp - 0x10000) >> 10);
        const lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
        parts.push(Buffer.from(`\\u${hi.toString(16)}\\u${lo.toString(16).toUpperCase()}`));
      } else parts.push(Buffer.from('\\u' + cp.toString(16).padStart(4, '0')));
    } else if (choice % 11 === 2 && ch === '/') parts.push(Buffer.from('\\/'));
    else parts.push(Buffer.from(ch, 'utf8'));
  }
  parts.push(Buffer.from('"'));
  return Buffer.concat(parts);
}

/** A JSON string literal's bytes: ordinary text, or text with lone surrogates / invalid UTF-8 inside. */
export function jsonStringBytes(text: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  const plain = fc.tuple(text, fc.array(fc.nat(20), { maxLength: 8 })).map(([s, e]) => encodeJsonString(s, e));
  const odd = fc.tuple(text, fc.constantFrom(
    '\\ud800', '\\udc00\\udc00', '\\ud83d\\ude00', '\\ud800\\u0041', '\\u00e9', '\\b\\f\\n\\r\\t',
  ), fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc3, 0xa9]), Buffer.alloc(0)))
    .map(([s, esc, raw]) => Buffer.concat([encodeJsonString(s, []).subarray(0, -1), Buffer.from(esc), raw, Buffer.from('"')]));
  return fc.oneof({ weight: 8, arbitrary: plain }, { weight: 1, arbitrary: odd });
}

/** JSON number texts, including the ones that matter to Go: huge, tiny, negative zero, 2^63. */
export const jsonNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -1000, max: 1_000_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('0', '-0', '0.5', '1e10', '1E+3', '9223372036854775807', '9223372036854775808', '-9223372036854775809', '1e400', '-1e400',
    '1e-400', '1e30', '-1', '3000000000', '1.5e9', '0.000001', '123456789012345678901234567890', '10'),
);

/** Any JSON value as text (bounded depth), for values of unknown keys and wrong-type values. */
export const anyJsonText: fc.Arbitrary<Buffer> = fc.letrec<{ v: Buffer }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('null', 'true', 'false', '{}', '[]').map((s) => Buffer.from(s)),
    jsonNumberText.map((s) => Buffer.from(s)),
    jsonStringBytes(fc.string({ maxLength: 8 })),
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => Buffer.concat([Buffer.from('['), ...xs.flatMap((x, i) => (i ? [Buffer.from(','), x] : [x])), Buffer.from(']')])),
    fc.array(fc.tuple(fc.string({ maxLength: 4 }), tie('v')), { maxLength: 3 }).map((kv) => Buffer.concat([
      Buffer.from('{'), ...kv.flatMap(([k, x], i) => [...(i ? [Buffer.from(',')] : []), encodeJsonString(k, []), Buffer.from(':'), x]), Buffer.from('}'),
    ])),
  ),
})).v;

export const whitespace: fc.Arbitrary<string> = fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.stringMatching(/^[ \t\r\n]{1,3}$/) });

/** An object from (key bytes, value bytes) members, with random whitespace. */
export function objectBytes(members: fc.Arbitrary<[Buffer, Buffer][]>): fc.Arbitrary<Buffer> {
  return fc.tuple(members, fc.array(whitespace, { minLength: 8, maxLength: 8 })).map(([ms, ws]) => {
    const parts: Buffer[] = [Buffer.from(ws[0]! + '{' + ws[1]!)];
    ms.forEach(([k, v], i) => {
      if (i > 0) parts.push(Buffer.from(',' + ws[(i % 4) + 2]!));
      parts.push(k, Buffer.from(ws[3]! + ':' + ws[4]!), v);
    });
    parts.push(Buffer.from(ws[5]! + '}' + ws[6]!));
    return Buffer.concat(parts);
  });
}

/** Whole-document damage Go must reject (or tolerate) exactly: BOM, trailing data, truncation, stray bytes, other top-level values. */
export function damaged(doc: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const bom = doc.map((d) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), d]));
  const trailing = fc.tuple(doc, fc.constantFrom('x', '}', ' {}', '\n\n', ',', '0', 'null', '\u0000', ']')).map(([d, t]) => Buffer.concat([d, Buffer.from(t)]));
  const truncated = fc.tuple(doc, fc.nat()).map(([d, n]) => d.subarray(0, d.length === 0 ? 0 : n % d.length));
  const stray = fc.tuple(doc, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([d, at, b]) => {
    const i = d.length === 0 ? 0 : at % d.length;
    return Buffer.concat([d.subarray(0, i), Buffer.from([b]), d.subarray(i)]);
  });
  const other = fc.oneof(fc.constantFrom('null', ' null ', '[]', '"x"', '1', 'true', '', ' ', '[{}]').map((s) => Buffer.from(s)), anyJsonText);
  return fc.oneof({ weight: 1, arbitrary: bom }, { weight: 2, arbitrary: trailing }, { weight: 2, arbitrary: truncated }, { weight: 3, arbitrary: stray }, { weight: 2, arbitrary: other });
}
