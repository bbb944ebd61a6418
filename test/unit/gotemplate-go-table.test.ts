import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { unmarshalStringMap } from '../../src/gojson/index.js';
import { execTemplate } from '../../src/gotemplate/index.js';
import { sprintf } from '../../src/gotemplate/printf.js';
import { decodedCap } from '../../src/gotemplate/slicecap.js';
import { Oracle, oracleUnavailable, type OracleVerdict } from '../property/json-oracle-client.js';

/**
 * Tables of templates run by the twin and by Go's own text/template and fmt (test/oracle):
 * slice capacities of decoded JSON arrays around every growth step, and the float formats that
 * print bits (%b, %x, %X) with every flag.
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

  it('fmt %b %x %X of any double (NaN, infinities, denormals), with every flag', { skip: skip ?? false, timeout: 120_000 }, async () => {
    const cases = FLOATS.flatMap((v) => FORMATS.map((format) => ({ v, format })));
    const verdicts = await oracle!.askAll(cases.map((c) => ({ mode: 'sprintf-float', input: Buffer.from(c.format, 'utf8'), args: { bits: bitsHex(c.v) } })));
    cases.forEach((c, i) => {
      assert.ok(verdicts[i]!.ok, `the oracle formats ${c.format} of ${bitsHex(c.v)}: ${verdicts[i]!.error ?? ''}`);
      assert.equal(sprintf(c.format, [{ t: 'float64', v: c.v }]), String(verdicts[i]!.result?.['output']), `${c.format} of ${bitsHex(c.v)}`);
    });
  });
});
