import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatStateFile, parseStateFile } from '../../src/ledger/stateFile.js';
import { propertyRuns, propertySeed } from './json-oracle-client.js';

/** `--save-state` then `--state`: any world state comes back byte for byte. */

const RUNS = propertyRuns(500);

const keyArb = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', '0', '10', '\u0000composite\u0000a\u0000', 'base64'));
const valueArb = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s, 'utf8')),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  fc.constantFrom('{"base64":"AAEC"}', '{"id":"a1","n":3}', '').map((s) => Buffer.from(s, 'utf8')),
);

describe('world-state file', () => {
  it(`${RUNS} generated states round-trip through format and parse`, () => {
    const seed = propertySeed('ledger-state-file');
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(keyArb, valueArb), { selector: ([k]) => k, maxLength: 8 }), (pairs) => {
        const entries = pairs.map(([key, value]) => ({ key, value }));
        const back = parseStateFile(formatStateFile(entries));
        assert.ok(back.ok, back.ok ? '' : back.error);
        const asMap = (es: readonly { key: string; value: Uint8Array }[]): Map<string, string> => new Map(es.map((e) => [e.key, Buffer.from(e.value).toString('hex')]));
        assert.deepEqual(asMap(back.entries), asMap(entries));
      }),
      { seed, numRuns: RUNS },
    );
  });

  it('reads strings as UTF-8, other JSON as its text, and the one-key base64 form as bytes', () => {
    const r = parseStateFile('{"a":"x","n":3,"o":{"id":"a1"},"b":{"base64":"AAEC"},"two":{"base64":"AA==","x":1}}');
    assert.ok(r.ok);
    assert.deepEqual(
      r.entries.map((e) => [e.key, Buffer.from(e.value).toString('hex')]),
      [
        ['a', Buffer.from('x').toString('hex')],
        ['n', Buffer.from('3').toString('hex')],
        ['o', Buffer.from('{"id":"a1"}').toString('hex')],
        ['b', '000102'],
        ['two', Buffer.from('{"base64":"AA==","x":1}').toString('hex')],
      ],
    );
  });

  it('refuses what is not a key: value object, an empty key, and bad base64', () => {
    assert.deepEqual(parseStateFile('[1]'), { ok: false, error: 'the world state must be a JSON object of key: value' });
    assert.deepEqual(parseStateFile('null'), { ok: false, error: 'the world state must be a JSON object of key: value' });
    assert.deepEqual(parseStateFile('{"":"v"}'), { ok: false, error: 'an empty key: the shims refuse to write one' });
    assert.deepEqual(parseStateFile('{"k":{"base64":"A"}}'), { ok: false, error: 'key "k": "base64" is not standard padded base64' });
    const bad = parseStateFile('{"k":');
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.error, /^not JSON: /);
  });
});
