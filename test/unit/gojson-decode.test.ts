import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_NESTING_DEPTH, unmarshal, unmarshalAny, unmarshalStringMap, type GoStructType } from '../../src/gojson/index.js';

/** Go encoding/json v1 texts, as printed by Go 1.26 (checked with the oracle, test/oracle/json.go). */

const META: GoStructType = {
  name: 'ChaincodePackageMetadata', pkg: 'persistence',
  fields: [{ json: 'type', kind: { kind: 'string' } }, { json: 'path', kind: { kind: 'string' } }, { json: 'label', kind: { kind: 'string' } }],
};
const FLAGS: GoStructType = { name: 'S', pkg: 'p', fields: [{ json: 'on', kind: { kind: 'bool' } }, { json: 'name', kind: { kind: 'string' } }] };

const meta = (doc: string | Buffer) => unmarshal(typeof doc === 'string' ? Buffer.from(doc, 'utf8') : doc, META);
const err = (doc: string | Buffer) => meta(doc).error;

describe('gojson: metadata.json (PKG-05, vectors P15-P19)', () => {
  it('P15: keys match case-insensitively', () => {
    const r = meta('{"LABEL":"x1","Type":"CCAAS"}');
    assert.equal(r.error, null);
    assert.equal(r.values.get('label'), 'x1');
    assert.equal(r.values.get('type'), 'CCAAS');
    assert.deepEqual(r.keys, [{ raw: 'LABEL', field: 'label' }, { raw: 'Type', field: 'type' }]);
  });
  it('P16: trailing data after the object', () => {
    assert.equal(err('{"label":"x"}x'), "invalid character 'x' after top-level value");
    assert.equal(err('{"a":1}}'), "invalid character '}' after top-level value");
  });
  it('P17: null document and null fields leave the strings empty', () => {
    const r = meta('null');
    assert.equal(r.error, null);
    assert.equal(r.isNil, false);
    assert.equal(r.values.size, 0);
    assert.equal(meta('{"label":"a","label":null}').values.get('label'), 'a');
  });
  it('P18: a number where a string is expected', () => {
    assert.equal(err('{"label":5}'), 'json: cannot unmarshal number into Go struct field ChaincodePackageMetadata.label of type string');
    assert.equal(err('{"label":1e400}'), 'json: cannot unmarshal number into Go struct field ChaincodePackageMetadata.label of type string');
  });
  it('P19: a UTF-8 byte-order mark', () => {
    assert.equal(err(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), "invalid character 'ï' looking for beginning of value");
  });
  it('top-level values that are not objects', () => {
    assert.equal(err('[]'), 'json: cannot unmarshal array into Go value of type persistence.ChaincodePackageMetadata');
    assert.equal(err('"x"'), 'json: cannot unmarshal string into Go value of type persistence.ChaincodePackageMetadata');
    assert.equal(err('1e400'), 'json: cannot unmarshal number into Go value of type persistence.ChaincodePackageMetadata');
    assert.equal(err('true'), 'json: cannot unmarshal bool into Go value of type persistence.ChaincodePackageMetadata');
  });
});

describe('gojson: syntax errors (whole document checked first)', () => {
  const cases: [string | Buffer, string][] = [
    ['', 'unexpected end of JSON input'],
    [' \n\t', 'unexpected end of JSON input'],
    ['"', 'unexpected end of JSON input'],
    ['{"a":', 'unexpected end of JSON input'],
    ['-', "invalid character ' ' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1e', "invalid character ' ' in exponent of numeric literal"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['nul', "invalid character ' ' in literal null (expecting 'l')"],
    ['fx', "invalid character 'x' in literal false (expecting 'a')"],
    ['01', "invalid character '1' after top-level value"],
    ['{"a"1}', "invalid character '1' after object key"],
    ['{"a":1 2}', "invalid character '2' after object key:value pair"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{,}', "invalid character ',' looking for beginning of object key string"],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
    ["'", "invalid character '\\'' looking for beginning of value"],
    ['"\\\'"', "invalid character '\\'' in string escape code"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u00zz"', "invalid character 'z' in \\u hexadecimal character escape"],
    ['"\t"', "invalid character '\\t' in string literal"],
    [Buffer.from([0x80]), "invalid character '\\u0080' looking for beginning of value"],
    [Buffer.from([0xa0]), "invalid character '\\u00a0' looking for beginning of value"],
    [Buffer.from([0x1f]), "invalid character '\\x1f' looking for beginning of value"],
    [Buffer.from([0x7f]), "invalid character '\\x7f' looking for beginning of value"],
    [Buffer.from([0x00]), "invalid character '\\x00' looking for beginning of value"],
  ];
  for (const [doc, want] of cases) it(`${JSON.stringify(doc.toString())} → ${want}`, () => assert.equal(err(doc), want));

  it('a syntax error anywhere wins over an earlier type error', () => {
    assert.equal(err('{"label":5,"type":x}'), "invalid character 'x' looking for beginning of value");
  });
  it('nesting deeper than 10000 is rejected', () => {
    assert.equal(err('['.repeat(MAX_NESTING_DEPTH + 1)), "invalid character '[' exceeded max depth");
    assert.equal(err('['.repeat(MAX_NESTING_DEPTH) + ']'.repeat(MAX_NESTING_DEPTH)), 'json: cannot unmarshal array into Go value of type persistence.ChaincodePackageMetadata');
  });
});

describe('gojson: decoding into a struct', () => {
  it('last duplicate wins, across case variants', () => {
    assert.equal(meta('{"label":"a","Label":"b"}').values.get('label'), 'b');
    assert.equal(meta('{"Label":"b","label":"a"}').values.get('label'), 'a');
  });
  it('Unicode simple folding: ſ (U+017F) and Kelvin sign (U+212A) match; dotless ı (U+0131) does not', () => {
    const s: GoStructType = { name: 'S', pkg: 'p', fields: [{ json: 'address', kind: { kind: 'string' } }, { json: 'client_key', kind: { kind: 'string' } }, { json: 'domain', kind: { kind: 'string' } }] };
    const r = unmarshal(Buffer.from('{"addreſs":"a","client_\u212Aey":"k","domaın":"d","ADDRESS ":"x"}'), s);
    assert.equal(r.values.get('address'), 'a');
    assert.equal(r.values.get('client_key'), 'k');
    assert.equal(r.values.has('domain'), false);
    assert.equal(r.keys[2]!.field, null);
    assert.equal(r.keys[3]!.field, null);
  });
  it('type mismatches are deferred: the first is reported, later fields still decode', () => {
    const r = unmarshal(Buffer.from('{"on":"true","name":7,"name":"n"}'), FLAGS);
    assert.equal(r.error, 'json: cannot unmarshal string into Go struct field S.on of type bool');
    assert.equal(r.errorField, 'on');
    assert.equal(r.values.get('name'), 'n');
  });
  it('every JSON kind into a bool', () => {
    const kinds: [string, string][] = [['"x"', 'string'], ['1', 'number'], ['{}', 'object'], ['[]', 'array']];
    for (const [v, k] of kinds) assert.equal(unmarshal(Buffer.from(`{"on":${v}}`), FLAGS).error, `json: cannot unmarshal ${k} into Go struct field S.on of type bool`);
    assert.equal(unmarshal(Buffer.from('{"name":true}'), FLAGS).error, 'json: cannot unmarshal bool into Go struct field S.name of type string');
    assert.equal(unmarshal(Buffer.from('{"on":null}'), FLAGS).error, null);
  });
  it('a custom unmarshaler error aborts at once (CONN-05)', () => {
    const s: GoStructType = { name: 'S', pkg: 'p', fields: [{ json: 'on', kind: { kind: 'bool' } }, { json: 'd', kind: { kind: 'custom', goType: 'p.D', unmarshal: () => ({ ok: false, error: 'boom' }) } }] };
    assert.equal(unmarshal(Buffer.from('{"on":"x","d":1}'), s).error, 'boom');
  });
  it('pointer-to-pointer target: top-level null sets the pointer to nil', () => {
    const r = unmarshal(Buffer.from(' null '), FLAGS, 'pointer');
    assert.equal(r.isNil, true);
    assert.equal(r.error, null);
  });
  it('strings: invalid UTF-8 becomes U+FFFD per byte, escapes and surrogate pairs', () => {
    const v = (raw: Buffer) => unmarshal(Buffer.concat([Buffer.from('{"name":"'), raw, Buffer.from('"}')]), FLAGS).values.get('name');
    assert.equal(v(Buffer.from([0xff, 0xfe])), '\uFFFD\uFFFD');
    assert.equal(v(Buffer.from([0xe2, 0x82, 0x41])), '\uFFFD\uFFFDA');
    assert.equal(v(Buffer.from([0xed, 0xa0, 0x80])), '\uFFFD\uFFFD\uFFFD');
    assert.equal(v(Buffer.from('\\ud83d\\ude00')), '\u{1F600}');
    assert.equal(v(Buffer.from('\\ud800\\u0041')), '\uFFFDA');
    assert.equal(v(Buffer.from('\\udc00\\udc00')), '\uFFFD\uFFFD');
    assert.equal(v(Buffer.from('\\u00e9\\/\\b\\f\\n\\r\\t\\"\\\\')), 'é/\b\f\n\r\t"\\');
  });
});

describe('gojson: interface{} and map[string]interface{}', () => {
  it('numbers are float64; out of range is a type error', () => {
    assert.deepEqual(unmarshalAny(Buffer.from('[1, -0, 1e-400, 12.5e1]')), { ok: true, value: [1, -0, 0, 125] });
    const r = unmarshalAny(Buffer.from('1e400'));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error, 'json: cannot unmarshal number 1e400 into Go value of type float64');
  });
  it('CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG shapes', () => {
    assert.deepEqual(unmarshalStringMap(Buffer.from('null')), { ok: true, value: null });
    assert.deepEqual(unmarshalStringMap(Buffer.from('"x"')), { ok: false, error: 'json: cannot unmarshal string into Go value of type map[string]interface {}' });
    assert.deepEqual(unmarshalStringMap(Buffer.from('[]')), { ok: false, error: 'json: cannot unmarshal array into Go value of type map[string]interface {}' });
    assert.deepEqual(unmarshalStringMap(Buffer.from('{"a":1e400}')), { ok: false, error: 'json: cannot unmarshal number 1e400 into Go value of type float64' });
    const ok = unmarshalStringMap(Buffer.from('{"host":"x","host":"y","n":{"p":[1,null]}}'));
    assert.ok(ok.ok && ok.value);
    assert.equal(ok.value.get('host'), 'y');
    assert.deepEqual((ok.value.get('n') as Map<string, unknown>).get('p'), [1, null]);
  });
});
