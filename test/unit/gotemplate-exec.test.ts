import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unmarshalStringMap, type GoMap } from '../../src/gojson/index.js';
import { execTemplate } from '../../src/gotemplate/index.js';

/** text/template with missingkey=error, as the ccaas builder runs it; texts from Go 1.26. */

const CFG = '{"host":"x","port":9999,"n":null,"m":{"a":1,"b":[1,"s",null,true]},"big":1000000,"f":0.000012,"l":[1,2],"e":[],"s":"a<b&c"}';
const data = (): GoMap => {
  const r = unmarshalStringMap(Buffer.from(CFG));
  assert.ok(r.ok && r.value);
  return r.value;
};
const run = (t: string, d: GoMap | null = data()) => {
  const r = execTemplate(t, d);
  return r.ok ? r.output : `${r.phase}: ${r.error}`;
};

describe('gotemplate: output', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'], ['{{.host}}:9999', 'x:9999'], ['{{.port}}', '9999'], ['{{.big}}', '1e+06'], ['{{.f}}', '1.2e-05'], ['{{.n}}', '<no value>'],
    ['{{.m}}', 'map[a:1 b:[1 s <nil> true]]'], ['{{.m.a}}', '1'], ['{{$.host}}', 'x'], [' a {{- .host -}} b ', ' axb '], ['{{1 | print}}', '1'], ['{{/* c */}}x', 'x'],
    ['{{if .n}}y{{else}}n{{end}}', 'n'], ['{{with .m}}{{.a}}{{end}}', '1'], ['{{range .l}}[{{.}}]{{end}}', '[1][2]'], ['{{range .e}}x{{else}}empty{{end}}', 'empty'],
    ['{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}', 'a=1;b=[1 s <nil> true];'], ['{{range 3}}{{.}}{{end}}', '012'], ['{{print .port .port}}', '9999 9999'],
    ['{{print .host .port}}', 'x9999'], ['{{len .l}}', '2'], ['{{index .m "a"}}', '1'], ['{{html .s}}', 'a&lt;b&amp;c'], ['{{urlquery .s}}', 'a%3Cb%26c'],
    ['{{eq .host "x"}}', 'true'], ['{{1e3}}', '1000'], ['{{-3}}', '-3'], ['{{"a\\x41"}}', 'aA'], ['{{`raw`}}', 'raw'], ['{{$x := .host}}{{$x}}', 'x'],
  ];
  for (const [t, want] of cases) it(`${t} → ${want}`, () => assert.equal(run(t), want));
  it('nil config behaves as an empty map', () => assert.equal(run('{{.}}', null), 'map[]'));
});

describe('gotemplate: parse errors', () => {
  const cases: [string, string][] = [
    ['{{}', 'template: :1: unexpected "}" in command'], ['{{.host}', "template: :1: bad character U+007D '}'"], ['{{', 'template: :1: unclosed action'],
    ['{{if}}', 'template: :1: missing value for if'], ['{{end}}', 'template: :1: unexpected {{end}}'], ['{{if .x}}', 'template: :1: unexpected EOF'],
    ['{{break}}', 'template: :1: {{break}} outside {{range}}'], ['{{foo}}', 'template: :1: function "foo" not defined'], ['{{$y}}', 'template: :1: undefined variable "$y"'],
    ['{{99999999999999999999}}', 'template: :1: integer overflow: "99999999999999999999"'], ['{{"unterminated}}', 'template: :1: unterminated quoted string'],
    ['{{/* c', 'template: :1: unclosed comment'], ['{{/* c */ }}', 'template: :1: comment ends before closing delimiter'], ['{{#}}', 'template: :1: unexpected "#" in command'],
    ['{{( .host }}', 'template: :1: unclosed left paren'], ['{{ .host ) }}', 'template: :1: unexpected right paren'], ['{{ }}', 'template: :1: missing value for command'],
    ['{{.host | 1}}', 'template: :1: non executable command in pipeline stage 2'], ['{{true.x}}', 'template: :1: unexpected . after term "true"'],
    ['a\nb\n{{.x', 'template: :3: unclosed action'],
  ];
  for (const [t, want] of cases) it(`${JSON.stringify(t)} → ${want}`, () => assert.equal(run(t), `parse: ${want}`));
});

describe('gotemplate: execution errors', () => {
  const cases: [string, string][] = [
    ['{{.nohost}}', 'template: :1:2: executing "" at <.nohost>: map has no entry for key "nohost"'],
    ['line1\n{{.m.zz}}', 'template: :2:4: executing "" at <.m.zz>: map has no entry for key "zz"'],
    ['{{.host.x}}', 'template: :1:7: executing "" at <.host.x>: can\'t evaluate field x in type interface {}'],
    ['{{.n.x}}', 'template: :1:4: executing "" at <.n.x>: nil pointer evaluating interface {}.x'],
    ['{{$x := .host}}{{$x.y}}', 'template: :1:19: executing "" at <$x.y>: can\'t evaluate field y in type string'],
    ['{{len .port}}', 'template: :1:2: executing "" at <len .port>: error calling len: len of type float64'],
    ['{{index .l 5}}', 'template: :1:2: executing "" at <index .l 5>: error calling index: index out of range: 5'],
    ['{{not 1 2}}', 'template: :1:2: executing "" at <not>: wrong number of args for not: want 1 got 2'],
    ['{{nil}}', 'template: :1:2: executing "" at <nil>: nil is not a command'],
    ['{{.host 1}}', 'template: :1:2: executing "" at <.host>: host is not a method but has arguments'],
    ['{{range .host}}{{end}}', 'template: :1:8: executing "" at <.host>: range can\'t iterate over x'],
    ['{{eq .port 9999}}', 'template: :1:2: executing "" at <eq .port 9999>: error calling eq: incompatible types for comparison: float64 and int'],
  ];
  for (const [t, want] of cases) it(`${JSON.stringify(t)} → ${want}`, () => assert.equal(run(t), `execute: ${want}`));
  it('nil config: missing key', () => assert.equal(run('{{.host}}', null), 'execute: template: :1:2: executing "" at <.host>: map has no entry for key "host"'));
});

describe('gotemplate: slice capacity and the bits formats of floats (texts from Go 1.26)', () => {
  const cases: [string, string][] = [
    ['{{slice .l 0 2}}', '[1 2]'], ['{{slice .m.b 1 2 4}}', '[s]'], ['{{slice (slice .m.b 0 1) 0 4}}', '[1 s <nil> true]'], ['{{slice .e 0 0}}', '[]'],
    ['{{printf "%#x %#o %#b" .255 8 5}}', '0x1.051eb851eb852p-02 010 0b101'],
    ['{{printf "%b|%X|%.0x|%#.2x|%+08.1x" .f .255 1.5 1.96875 .big}}', '7083549724304468p-69|0X1.051EB851EB852P-02|0x1p+01|0x1.f8p+00|+0x1.fp+19'],
  ];
  for (const [t, want] of cases) it(`${t} → ${want}`, () => assert.equal(run(t), want));
  it('past the capacity (4 for a decoded 4-element array) is out of range', () => {
    assert.equal(run('{{slice .m.b 0 5}}'), 'execute: template: :1:2: executing "" at <slice .m.b 0 5>: error calling slice: index out of range: 5');
  });
  it('a 3-element array has capacity 4, the 4th element nil (CI seed 666410207)', () => {
    const r = unmarshalStringMap(Buffer.from('{"list":["",0,null]}'));
    assert.ok(r.ok && r.value);
    assert.equal(run('h{{slice .list  2 3 4}}', r.value), 'h[<nil>]');
  });
});

describe('gotemplate: number literals in every base, and %p, as Go 1.26 renders them', () => {
  it('bases, legacy octal, underscores; a hexadecimal integer stays an int', () => {
    assert.equal(run('{{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}} {{printf "%T %T" 0x1e3 -0x1e3}}'), '31 15 15 5 1000 int float64');
  });
  it('Go\'s errors: 08 is an integer overflow, 1__0 illegal syntax', () => {
    assert.match(run('{{08}}'), /integer overflow: "08"/);
    assert.match(run('{{1__0}}'), /illegal number syntax: "1__0"/);
  });
  it('%p of a string, a number or nil is a bad verb (CI: ccaas-rewrite seed 905080202)', () => {
    assert.equal(run('{{printf "%p|%6p|%p" "7052" 2.5 nil}}'), '%!p(string=7052)|%!p(float64=   2.5)|%!p(<nil>)');
  });
});

describe('gotemplate: unsupported constructs are explicit', () => {
  for (const t of ['{{printf "%[1]s" .host}}', '{{template "x"}}', '{{0x1p-2}}', '{{1i}}', "{{'a'}}", '{{printf "%#v" .host}}', '{{eq .m .m}}', '{{slice "\u00e9" 1}}']) {
    it(t, () => assert.match(run(t), /^unsupported: unsupported template construct: /));
  }
});
