import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { foldName, formatSharpU, goQuote, isPrint, jsonQuoteChar, marshalString, timeQuote } from '../../src/gojson/index.js';
import { GO_PRINT_RANGES } from '../../src/gojson/isprint-table.js';
import { GO_DIGIT_RANGES, GO_LETTER_RANGES } from '../../src/gotemplate/alnum-table.js';
import { Oracle, oracleUnavailable } from '../property/json-oracle-client.js';

describe('gojson: Go quoting', () => {
  it('strconv.Quote', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\x07\b\f\n\r\t\v\x00\x7f'), '"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f"');
    assert.equal(goQuote('é\u00a0\u00ad\u{1F600}\u{E0001}'), '"é\\u00a0\\u00ad\u{1F600}\\U000e0001"');
    assert.equal(goQuote(Buffer.from([0x61, 0xff])), '"a\\xff"');
  });
  it("encoding/json's quoteChar", () => {
    assert.equal(jsonQuoteChar(0x27), "'\\''");
    assert.equal(jsonQuoteChar(0x22), "'\"'");
    assert.equal(jsonQuoteChar(0xef), "'ï'");
    assert.equal(jsonQuoteChar(0x85), "'\\u0085'");
  });
  it('fmt %#U and the time package quote', () => {
    assert.equal(formatSharpU(0x7d), "U+007D '}'");
    assert.equal(formatSharpU(0x7f), 'U+007F');
    assert.equal(timeQuote('a"\\\u00b5'), '"a\\"\\\\\\xc2\\xb5"');
  });
  it('json.Marshal strings escape HTML, U+2028/9 and invalid UTF-8', () => {
    assert.equal(marshalString('<a&b>\u2028\u2029\b\f\x01"\\\x7f'), '"\\u003ca\\u0026b\\u003e\\u2028\\u2029\\b\\f\\u0001\\"\\\\\x7f"');
    assert.equal(marshalString(Buffer.from([0x61, 0xc3])), '"a\\ufffd"');
  });
  it('isPrint follows Go (Unicode 15.0), not the JS engine', () => {
    assert.equal(isPrint(0x20), true);
    assert.equal(isPrint(0xa0), false);
    assert.equal(isPrint(0x3000), false);
    assert.equal(isPrint(0xfffd), true);
  });
});

describe('generated Unicode tables match Go', () => {
  const skip = oracleUnavailable();
  let oracle: Oracle | null = null;
  before(() => { if (!skip) oracle = Oracle.start(); });
  after(() => oracle?.close());
  it('strconv.IsPrint, unicode.IsLetter, unicode.IsDigit', { skip: skip ?? false }, async () => {
    const p = await oracle!.ask({ mode: 'go-isprint', input: Buffer.alloc(0) });
    assert.deepEqual(p.result?.['ranges'], [...GO_PRINT_RANGES]);
    const a = await oracle!.ask({ mode: 'go-alnum', input: Buffer.alloc(0) });
    assert.deepEqual(a.result?.['letter'], [...GO_LETTER_RANGES]);
    assert.deepEqual(a.result?.['digit'], [...GO_DIGIT_RANGES]);
  });
  it('encoding/json key folding (foldRune) for every non-ASCII rune', { skip: skip ?? false }, async () => {
    const f = await oracle!.ask({ mode: 'go-fold', input: Buffer.alloc(0) });
    const want = new Map<number, number>();
    const pairs = f.result?.['pairs'] as number[];
    for (let i = 0; i < pairs.length; i += 2) want.set(pairs[i]!, pairs[i + 1]!);
    let checked = 0;
    for (let r = 0x80; r <= 0x10ffff; r++) {
      if (r >= 0xd800 && r < 0xe000) continue;
      const got = foldName(String.fromCodePoint(r)).codePointAt(0)!;
      if (got !== (want.get(r) ?? r)) assert.fail(`U+${r.toString(16)} folds to U+${got.toString(16)}, Go: U+${(want.get(r) ?? r).toString(16)}`);
      checked++;
    }
    assert.ok(checked > 1_000_000);
  });
});
