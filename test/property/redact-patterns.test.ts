import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RUN_PATTERNS } from '../../src/report/knownKeys.js';
import { BASE64_BLOCK } from '../../src/report/redact.js';
import { propertyRuns, propertySeed } from './json-oracle-client.js';

/**
 * The redaction patterns start a match only where a run of their characters starts (a lookbehind),
 * which saves the engine from rescanning every shorter word once per character. That changes
 * nothing: the leftmost match of the plain pattern starts there anyway. Checked here against the
 * plain patterns on texts made of the characters and separators they care about.
 */

const RUNS = propertyRuns(3000);

/** The pattern without its leading lookbehind: the form it had before. */
function plain(re: RegExp): RegExp {
  const src = re.source.replace(/^\(\?<!\[[^\]]+\]\)/, '');
  assert.notEqual(src, re.source, `${re.source} starts with a lookbehind`);
  return new RegExp(src, re.flags);
}

const pieces = fc.constantFrom('A', 'z', '0', '9', '+', '/', '_', '-', '=', '==', 'ab', 'F0', ' ', '\n', '\r\n', '\\n', '\\\\n', '\t', ':', '|', '", "', '&quot;, &quot;', '"', ',', 'x', '.', '1234567890', 'QUJDREVGR0hJSktMTU5PUA', 'deadbeefcafe', '\u00e9');
const text = fc.array(fc.oneof(pieces, fc.stringMatching(/^[A-Za-z0-9+/]{1,50}$/), fc.stringMatching(/^[0-9]{1,30}$/), fc.stringMatching(/^[0-9a-f]{1,20}$/)), { maxLength: 40 }).map((xs) => xs.join(''));

const matches = (re: RegExp, s: string): Array<[number, string]> => [...s.matchAll(re)].map((m) => [m.index, m[0]]);

describe('redaction patterns: the lookbehind changes no match', () => {
  for (const [name, re] of [['base64 block (shape)', BASE64_BLOCK], ['base64 run (known keys)', RUN_PATTERNS.base64], ['decimal run (known keys)', RUN_PATTERNS.decimal]] as const) {
    it(`${name}: the same matches as without it, on ${RUNS} generated texts`, () => {
      const seed = propertySeed(`redact-patterns ${name}`);
      const before = plain(re);
      fc.assert(fc.property(text, (s) => {
        assert.deepEqual(matches(re, s), matches(before, s));
      }), { seed, numRuns: RUNS });
    });
  }
});
