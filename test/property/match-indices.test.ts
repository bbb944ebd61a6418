import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nativeExecIndices, useNativeMatchIndices } from '../../src/cli/matchIndices.js';
import { propertyRuns, propertySeed } from './json-oracle-client.js';

/**
 * The check hands cucumber-expressions Node's own RegExp match indices in place of the
 * regexp-match-indices polyfill (src/cli/matchIndices.ts). Both must give the same match, the
 * same indices for every group (named ones too) and leave lastIndex the same, on the regexps
 * Cucumber makes from step definitions and on generated ones.
 */

/** The polyfill's own implementation, as cucumber-expressions finds it. */
const expressionsDir = dirname(require.resolve('@cucumber/cucumber-expressions'));
const polyfill = require(require.resolve('regexp-match-indices/implementation', { paths: [expressionsDir] })) as (this: RegExp, s: string) => RegExpExecArray | null;

function shape(m: RegExpExecArray | null): unknown {
  if (m === null) return null;
  const indices = (m as RegExpExecArray & { indices?: Array<[number, number] | undefined> & { groups?: Record<string, [number, number] | undefined> } }).indices;
  return { match: [...m], index: m.index, groups: m.groups ? { ...m.groups } : undefined, indices: indices ? [...indices] : null, named: indices?.groups ? { ...indices.groups } : undefined };
}

const RUNS = propertyRuns(2000);

const atom = fc.constantFrom('a', 'b', '.', '\\d', '\\w', '\\s', '[ab]', '[^a]', 'x', '-', ' ', '"', '\\"', '(?:a|b)');
const quant = fc.constantFrom('', '', '*', '+', '?', '{1,2}', '*?');
// Capture groups are never quantified here: under a quantifier the polyfill reports where the
// group matched first, where ECMAScript (and so Node) says the last repetition (see below).
const inner = fc.array(fc.tuple(atom, quant).map(([a, q]) => a + q), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(''));
const capture = fc.oneof(inner.map((s) => `(${s})`), fc.tuple(fc.constantFrom('n', 'w', 'x1'), inner).map(([n, s]) => `(?<${n}>${s})`));
const nonCapture = fc.tuple(inner, quant).map(([s, q]) => `(?:${s})${q}`);
const piece = fc.oneof(fc.tuple(atom, quant).map(([a, q]) => a + q), capture, nonCapture, fc.tuple(fc.oneof(capture, atom), nonCapture).map(([c, n]) => `(?:${c}${n})`));
const source = fc.array(piece, { minLength: 1, maxLength: 5 }).map((xs) => xs.join(''));
const text = fc.array(fc.constantFrom('a', 'b', 'x', '1', ' ', '-', '"', 'é', '\n'), { maxLength: 16 }).map((xs) => xs.join(''));

describe('RegExp match indices: native in place of the polyfill', () => {
  it("gives the polyfill's match and indices on the step library's regexps", () => {
    const steps: Array<[RegExp, string]> = [
      [/^the peer judges rule "([^"]*)"$/, 'the peer judges rule "DIAL-03"'],
      [/^(?:a|an) (\w+) package(?: labelled "(.*)")?$/, 'a ccaas package labelled "basic_1.0"'],
      [/^(-?\d+) transactions? (?<kind>in flight|in turn)$/, '16 transactions in flight'],
    ];
    for (const [re, s] of steps) assert.deepEqual(shape(nativeExecIndices(re, s)), shape(polyfill.call(re, s)));
  });

  it(`agrees with the polyfill on ${RUNS} generated regexps and texts`, () => {
    const seed = propertySeed('match-indices');
    fc.assert(
      fc.property(source, text, fc.constantFrom('', 'g', 'y', 'i', 'u', 'gu'), (src, s, flags) => {
        let a: RegExp;
        try {
          a = new RegExp(src, flags);
        } catch {
          return; // not a regexp: neither is ever asked
        }
        const b = new RegExp(src, flags);
        assert.deepEqual(shape(nativeExecIndices(a, s)), shape(polyfill.call(b, s)));
        assert.equal(a.lastIndex, b.lastIndex);
      }),
      { seed, numRuns: RUNS },
    );
  });

  it("differs only where the polyfill departs from ECMAScript: a repeated capture group is where it matched last", () => {
    // Cucumber's {string} parameter has such a group, `(\\.[^"\\]*)*`, for escaped quotes: only the
    // start of that nested group in a step's match arguments can differ, never a value.
    const re = /(a)*(?:a)/;
    const native = nativeExecIndices(re, 'aaa') as RegExpExecArray & { indices: Array<[number, number]> };
    const poly = polyfill.call(/(a)*(?:a)/, 'aaa') as RegExpExecArray & { indices: Array<[number, number]> };
    assert.deepEqual([...native], [...poly]);
    assert.deepEqual(native.indices[1], [1, 2]);
    assert.deepEqual(poly.indices[1], [0, 1]);
  });

  it('registers itself where cucumber-expressions requires the polyfill, only if the polyfill is not loaded', () => {
    const file = require.resolve('regexp-match-indices', { paths: [expressionsDir] });
    const saved = require.cache[file];
    try {
      delete require.cache[file];
      assert.equal(useNativeMatchIndices(), true);
      assert.equal(require.cache[file]?.exports, nativeExecIndices);
      assert.equal(useNativeMatchIndices(), false, 'a second call changes nothing');
      assert.equal(useNativeMatchIndices(() => {
        throw new Error('Cannot find module');
      }), false, 'another layout: Cucumber keeps the polyfill');
    } finally {
      if (saved) require.cache[file] = saved;
      else delete require.cache[file];
    }
  });
});
