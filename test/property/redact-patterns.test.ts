import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RUN_PATTERNS } from '../../src/report/knownKeys.js';
import { BASE64_BLOCK, hasBase64Run, KEY_FIELD_NAMES, KEY_WORD, REDACTED, redact } from '../../src/report/redact.js';
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

describe('redaction: the quick tests that skip a pattern change nothing', () => {
  it(`a run of 40 base64 characters is there exactly when the base64 block pattern matches, on ${RUNS} generated texts`, () => {
    const seed = propertySeed('redact-patterns base64 run');
    const once = new RegExp(BASE64_BLOCK.source);
    fc.assert(fc.property(text, (s) => {
      assert.equal(hasBase64Run(s), once.test(s));
    }), { seed, numRuns: RUNS });
  });

  it('every key-named field holds `key`, so a text without it is left as it is by those patterns', () => {
    for (const name of KEY_FIELD_NAMES) assert.match(name, KEY_WORD);
    const keyless = 'the "client_secret": "abc" and CORE_PEER_TLS_ROOTCERT_FILE=/x and &quot;tls_cert&quot;: &quot;y&quot;';
    assert.equal(redact(keyless), keyless);
    // and with it, each is still redacted (any case, each encoding)
    assert.equal(redact('{"Client_Key": "abc"}'), `{"Client_Key": "${REDACTED}"}`);
    assert.equal(redact('CORE_TLS_KEY=abc'), `CORE_TLS_KEY=${REDACTED}`);
    assert.equal(redact('&quot;tlsKey&quot;: &quot;abc&quot;'), `&quot;tlsKey&quot;: &quot;${REDACTED}&quot;`);
  });
});
