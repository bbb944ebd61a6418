import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { unmarshalStringMap } from '../../src/gojson/index.js';
import { execTemplate } from '../../src/gotemplate/index.js';
import { sprintf } from '../../src/gotemplate/printf.js';
import { decodedCap } from '../../src/gotemplate/slicecap.js';
import { Oracle, oracleUnavailable, type OracleVerdict } from '../property/json-oracle-client.js';

/**
 * Tables of templates run by the twin and by Go's own text/template and fmt (test/oracle):
 * slice capacities of decoded JSON arrays around every growth step, the float formats that
 * print bits (%b, %x, %X) with every flag, number literals in every base, and %p.
 */

/** Our result in the oracle's terms: `ok: output` or `error: text`. */
function ours(text: string, config: string): string {
  const parsed = unmarshalStringMap(Buffer.from(config));
  assert.ok(parsed.ok, `config ${config.slice(0, 80)} parses`);
  const r = execTemplate(text, parsed.value);
  return r.ok ? `ok: ${r.output}` : `${r.phase === 'unsupported' ? 'unsupported' : 'error'}: ${r.error}`;
}

const theirs = (v: OracleVerdict): string => (v.ok ? `ok: ${String(v.result?.['output'])}` : `error: ${v.error ?? ''}`);

/** A JSON array of `n` distinct strings ("e0", "e1", ...). */
const list = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => `e${i}`));

/** Every capacity encoding/json's appends pass through up to `limit`, from Go's growth rule. */
function growthSteps(limit: number): number[] {
  const caps: number[] = [];
  for (let n = 0; n <= limit; n = decodedCap(n) + 1) caps.push(decodedCap(n));
  return caps;
}

interface Case { readonly text: string; readonly config: string }

/** Probes per list length: at the capacity (renders), one past it (fails), and more around it. */
const PROBES_PER_LENGTH = 8;

/** Probes of one list length, top-level and nested in an array: slicing up to the capacity renders, one past it fails. */
function capacityProbes(n: number): Case[] {
  const config = `{"list":${list(n)},"nested":[[],${list(n)}]}`;
  const cap = decodedCap(n);
  const probes = [`{{len (slice .list 0 ${cap})}}`, `{{len (slice .list 0 ${cap + 1})}}`, `{{len (slice .list ${cap})}}`,
    `{{len (slice .list 0 ${n} ${cap})}}`, `{{len (slice .list 0 ${n} ${cap + 1})}}`, `{{slice .list ${Math.max(n - 1, 0)} ${cap} ${cap}}}`,
    `{{len (slice (index .nested 1) 0 ${cap})}}`, `{{len (slice (index .nested 1) ${cap + 1})}}`];
  return probes.map((text) => ({ text, config }));
}

/** The backing array past len: the original elements after a re-slice, nil past the decoded ones. */
const BACKING: readonly Case[] = [
  ...[1, 2, 3, 5, 8, 9, 33].flatMap((n) => {
    const config = `{"list":${list(n)},"nested":[${list(n)},[],[[1]],${list(n + 1)}]}`;
    const cap = decodedCap(n);
    return [
      `{{slice (slice .list 0 1) 0 ${cap}}}`, `{{slice (slice .list 0 0) 0 ${n}}}`, `{{slice (slice .list 1 1) 0 ${cap - 1}}}`,
      `{{slice (slice .list 0 1 ${Math.min(2, n)}) 0 ${Math.min(2, n)}}}`, `{{slice (slice .list 0 1 1) 0 2}}`, `{{slice (slice (slice .list 0 0) 0 1) 0 ${cap}}}`,
      `{{range (slice .list 0 ${cap})}}[{{.}}]{{end}}`, `{{printf "%v %d" (slice .list ${n} ${cap}) (len (slice .list 0 ${cap}))}}`,
      `{{index (slice .list 0 ${cap}) ${cap - 1}}}`, `{{slice (index .nested 0) 0 ${cap}}}`, `{{slice (index .nested 1) 0 1}}`,
      `{{slice (index .nested 2) 1 1}}`, `{{slice (index .nested 2) 1 2}}`, `{{len (slice (index .nested 3) 0 ${decodedCap(n + 1)})}}`,
      `{{len (slice (index .nested 3) 0 ${decodedCap(n + 1) + 1})}}`, `{{slice (slice .list 1) 0 ${cap}}}`, `{{len (slice (slice .list 2 2 ${cap}) 0)}}`,
    ].map((text) => ({ text, config }));
  }),
  { text: 'h{{slice .list  2 3 4}}', config: '{"list":["",0,null]}' },
  { text: '{{slice .list 0 0}}|{{slice .list 0 1}}', config: '{"list":[]}' },
];

/** Doubles whose bits formats are worth a look, as bits (NaN and the infinities included). */
const FLOATS: readonly number[] = [
  0, -0, 5e-324, -5e-324, 2.225073858507201e-308, 2.2250738585072014e-308, 1, -1, 0.255, 0.1, 1.5, 2.5, 3.5, 1e300, -1e-300,
  Number.MAX_VALUE, -Number.MAX_VALUE, 1.03125, 1.09375, 1.9999999999999998, 1.96875, 1.99609375, 15.96875, 255.99999, 1 + 2 ** -52,
  1 + 2 ** -49, 1 + 3 * 2 ** -53, 0.5 + 2 ** -54, 123456.789, NaN, Infinity, -Infinity,
];

/** Formats over one float: the bits verbs with precisions, widths and every flag. */
const FORMATS: readonly string[] = [
  '%b', '%x', '%X', '%#x', '%#X', '%#b', '%+b', '% b', '%020b', '%-20b|', '%.3b', '%+x', '% x', '%+X', '% X', '%020x', '%-20x|', '%+020X',
  '% 020x', '%#020x', '%20x', '%#20.3x', '%#.0x', '%#.0X', '%#.3x', '%#.3X', '%#.20x', '%.20x', '%08x', '%-08X|', '%+.1x', '% .2X', '%#g',
  ...Array.from({ length: 17 }, (_, i) => `%.${i}x`), ...Array.from({ length: 17 }, (_, i) => `%.${i}X`),
];

const bitsHex = (v: number): string => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
};

/** JSON text for a finite double that decodes back to it exactly (-0 as "-0"). */
const jsonNumber = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** Floats in templates, through the builder's path: decoded from the config, and as constants. */
const TEMPLATE_FLOATS: readonly Case[] = [
  ...FLOATS.filter(Number.isFinite).map((v) => ({
    text: `{{printf "${FORMATS.join('|')}" ${FORMATS.map(() => '.f').join(' ')}}}`,
    config: `{"f":${jsonNumber(v)}}`,
  })),
  { text: '{{printf "%#x %#o %#b" .255 8 5}}', config: '{}' },
  { text: '{{printf "%x %X %b %#x %#.2x" .255 1e300 -0.0 0.5 1.96875}}', config: '{}' },
  { text: '{{printf "%x|%b" .list .list}}', config: '{"list":[1.5,0.1,null]}' },
  { text: '{{printf "%x|%X" .m .m}}', config: '{"m":{"a":1.5,"b":0.255}}' },
];

/** Number literals the lexer takes as one number: bases, legacy octal, underscores, signs, overflow. */
const LITERALS: readonly string[] = [
  '0', '00', '-0', '+0', '07', '017', '08', '09', '0_8', '0_7', '019', '0o17', '0O17', '0o8', '0b101', '0B11', '0b2', '0x1F', '0X1f',
  '0xg', '0x', '0b', '0o', '-0x1e3', '+0x1E3', '-0x10', '+0x10', '-0b1', '-0o7', '1_000', '1__0', '1_', '0x_1F', '0_x1', '0b_1', '0o_7', '_1', '1_000.5',
  '1_0e1_0', '1_.5', '1._5', '1e_5', '1e5_', '0x1p-2', '0x1.8p1', '0x1.8', '0x1e3', '0xFFFFFFFFFFFFFFFF', '0x10000000000000000',
  '0x7FFFFFFFFFFFFFFF', '0x8000000000000000', '-0x8000000000000000', '-0x8000000000000001', '18446744073709551615',
  '18446744073709551616', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
  '01777777777777777777777', '02000000000000000000000', '0b' + '1'.repeat(64), '0b1' + '0'.repeat(64), '1e3', '1e400', '0e99999',
  '.5', '5.', '1.5e+3', '1.0', '00.5', '08.5', '08e1', '0x1.', '1i', '0i', '1e3i', '0x1i', '1.5i', '00i',
];

/** Each literal three ways: printed, as an int argument (len's result is compared), and as a float. */
const LITERAL_CASES: readonly Case[] = LITERALS.flatMap((lit) => [
  { text: `{{${lit}}}`, config: '{}' },
  { text: `{{printf "%v %T" ${lit} ${lit}}}`, config: '{}' },
  { text: `{{slice .s ${lit}}}`, config: '{"s":"abcdefghij"}' },
  { text: `{{index .l ${lit}}}`, config: '{"l":[10,11,12,13,14,15,16,17,18]}' },
]);

/** %p: a bad verb for every non-reference operand, with flags and widths. */
const POINTER_CASES: readonly Case[] = [
  { text: '{{printf "%p|%10p|%-6p|%#p|%+p|%08p" .s .f .b .n .s .f}}', config: '{"s":"7052","f":2.5,"b":true,"n":null}' },
  { text: '{{printf "%p %p %p" 3 "x" nil}}', config: '{}' },
  { text: '{{printf "#x|%p#.0X|%+.3x|%020b| %x" .port .port 2.5 .1 .port}}', config: '{"port":"7052"}' },
  { text: '{{printf "%p" .m}}', config: '{"m":{}}' },
];

describe('gotemplate agrees with Go on tables of cases', () => {
  const skip = oracleUnavailable();
  let oracle: Oracle | null = null;
  before(() => { if (!skip) oracle = Oracle.start(); });
  after(() => oracle?.close());

  /** Asks Go about every case and compares; returns Go's answers. */
  async function agree(cases: readonly Case[]): Promise<string[]> {
    const verdicts = await oracle!.askAll(cases.map((c) => ({ mode: 'template', input: Buffer.from(c.text, 'utf8'), args: { config: c.config } })));
    const answers = verdicts.map(theirs);
    cases.forEach((c, i) => assert.equal(ours(c.text, c.config), answers[i], `template ${c.text} config ${c.config.slice(0, 120)}`));
    return answers;
  }

  it('decoded arrays have the capacity Go gives them, at and past every growth step', { skip: skip ?? false, timeout: 300_000 }, async () => {
    const steps = growthSteps(5200);
    assert.deepEqual(steps.slice(0, 16), [0, 1, 2, 4, 8, 16, 32, 71, 143, 303, 591, 1023, 1535, 2560, 3584, 5120]);
    const lengths = [...new Set(steps.flatMap((c) => [c - 1, c, c + 1]).filter((n) => n >= 0 && n <= 5200))];
    const cases = lengths.flatMap(capacityProbes);
    const answers = await agree(cases);
    // The probes straddle the capacity: Go renders at it and fails one past it.
    for (let i = 0; i < answers.length; i += PROBES_PER_LENGTH) {
      for (const at of [0, 6]) assert.match(answers[i + at]!, /^ok: /, cases[i + at]!.text);
      for (const past of [1, 7]) assert.match(answers[i + past]!, /index out of range/, cases[i + past]!.text);
    }
  });

  it('a re-slice sees the backing array: the original elements, then nil', { skip: skip ?? false, timeout: 120_000 }, async () => {
    const answers = await agree(BACKING);
    assert.ok(answers.includes('ok: [e0 e1]'), 'a short slice re-sliced brings back the original elements');
    assert.ok(answers.some((a) => /<nil>/.test(a)), 'past the decoded elements the backing array holds nil');
  });

  it('printf %b %x %X of floats in templates, with every flag', { skip: skip ?? false, timeout: 120_000 }, async () => {
    const answers = await agree(TEMPLATE_FLOATS);
    answers.forEach((a, i) => assert.match(a, /^ok: /, `Go renders ${TEMPLATE_FLOATS[i]!.text.slice(0, 60)}`));
  });

  it('number literals in every base Go reads, with its overflow and syntax errors', { skip: skip ?? false, timeout: 120_000 }, async () => {
    const verdicts = await oracle!.askAll(LITERAL_CASES.map((c) => ({ mode: 'template', input: Buffer.from(c.text, 'utf8'), args: { config: c.config } })));
    let unsupported = 0;
    LITERAL_CASES.forEach((c, i) => {
      const mine = ours(c.text, c.config);
      // what the twin leaves to Go (hexadecimal floats, imaginary numbers) it says so, and Go reads it
      if (mine.startsWith('unsupported: ')) {
        assert.match(mine, /hexadecimal floating-point literal|imaginary number literal/, c.text);
        unsupported++;
        return;
      }
      assert.equal(mine, theirs(verdicts[i]!), `template ${c.text}`);
    });
    assert.ok(unsupported < LITERAL_CASES.length / 8, `${unsupported} cases left to Go`);
    assert.match(ours('{{08}}', '{}'), /integer overflow: "08"/);
    assert.equal(ours('{{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}}', '{}'), 'ok: 31 15 15 5 1000');
  });

  it('printf %p: a bad verb except on a map or slice (an address, left to Go)', { skip: skip ?? false, timeout: 120_000 }, async () => {
    const answers = await agree(POINTER_CASES.slice(0, 3));
    assert.match(answers[0]!, /^ok: %!p\(string=7052\)\|/);
    assert.match(ours(POINTER_CASES[3]!.text, POINTER_CASES[3]!.config), /^unsupported: .*printf %p of a map or slice/);
  });

  it('fmt %b %x %X of any double (NaN, infinities, denormals), with every flag', { skip: skip ?? false, timeout: 120_000 }, async () => {
    const cases = FLOATS.flatMap((v) => FORMATS.map((format) => ({ v, format })));
    const verdicts = await oracle!.askAll(cases.map((c) => ({ mode: 'sprintf-float', input: Buffer.from(c.format, 'utf8'), args: { bits: bitsHex(c.v) } })));
    cases.forEach((c, i) => {
      assert.ok(verdicts[i]!.ok, `the oracle formats ${c.format} of ${bitsHex(c.v)}: ${verdicts[i]!.error ?? ''}`);
      assert.equal(sprintf(c.format, [{ t: 'float64', v: c.v }]), String(verdicts[i]!.result?.['output']), `${c.format} of ${bitsHex(c.v)}`);
    });
  });
});
