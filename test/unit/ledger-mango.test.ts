import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collate, decodeBookmark, encodeBookmark, parseMango, runMango, type MangoDoc } from '../../src/ledger/mango.js';
import { couchKeyError, couchValue, couchValueError, goMarshal } from '../../src/ledger/couchValue.js';

/** Mango selector queries and CouchDB value rules of the mock ledger (--state-db couchdb). */

const doc = (key: string, v: unknown): MangoDoc => {
  const value = Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  let fields: MangoDoc['fields'] = null;
  try {
    const p: unknown = JSON.parse(value.toString());
    fields = p && typeof p === 'object' && !Array.isArray(p) ? (p as MangoDoc['fields']) : null;
  } catch {
    fields = null;
  }
  return { key, fields, value };
};

const DOCS: MangoDoc[] = [
  doc('a1', { color: 'blue', size: 5, owner: { name: 'tom' }, tags: ['x', 'y'] }),
  doc('a2', { color: 'red', size: 10, owner: { name: 'ann' }, tags: ['y'] }),
  doc('a3', { color: 'blue', size: 15, owner: { name: 'bob' } }),
  doc('b1', 'not json'),
];

function keys(query: string): string[] {
  const q = parseMango(query);
  assert.ok(q.ok, q.ok ? '' : q.error);
  return runMango(q.value, DOCS).map((h) => h.key);
}

describe('Mango queries', () => {
  it('matches implicit equality, operators, nested fields and combinations', () => {
    assert.deepEqual(keys('{"selector":{"color":"blue"}}'), ['a1', 'a3']);
    assert.deepEqual(keys('{"selector":{"size":{"$gt":5,"$lte":15}}}'), ['a2', 'a3']);
    assert.deepEqual(keys('{"selector":{"owner.name":"ann"}}'), ['a2']);
    assert.deepEqual(keys('{"selector":{"owner":{"name":{"$in":["tom","bob"]}}}}'), ['a1', 'a3']);
    assert.deepEqual(keys('{"selector":{"$or":[{"color":"red"},{"size":15}]}}'), ['a2', 'a3']);
    assert.deepEqual(keys('{"selector":{"tags":{"$all":["y"]},"color":{"$ne":"red"}}}'), ['a1']);
    assert.deepEqual(keys('{"selector":{"tags":{"$exists":false}}}'), ['a3', 'b1'], 'an attachment document has no fields');
    assert.deepEqual(keys('{"selector":{"_id":{"$gt":null}}}'), ['a1', 'a2', 'a3', 'b1'], 'attachments match on _id only');
    assert.deepEqual(keys('{"selector":{"color":{"$regex":"^bl"}},"sort":[{"size":"desc"}]}'), ['a3', 'a1']);
    assert.deepEqual(keys('{"selector":{"color":"blue"},"skip":1}'), ['a3']);
    assert.deepEqual(keys('{"selector":{"$not":{"color":"blue"}}}'), ['a2', 'b1']);
  });

  it('projects fields and reports what the mock does not support instead of ignoring it', () => {
    const q = parseMango('{"selector":{"color":"red"},"fields":["owner.name","size"],"limit":1,"use_index":"idx"}');
    assert.ok(q.ok);
    assert.deepEqual(runMango(q.value, DOCS)[0]?.fields, { owner: { name: 'ann' }, size: 10 });
    assert.ok(q.value.notes.some((n) => /overrides the query's "limit"/.test(n)));
    for (const [query, err] of [
      ['{"selector":{"a":{"$text":"x"}}}', /\$text is not supported/],
      ['{"selector":{},"r":1}', /"r" is not supported/],
      ['{"fields":[]}', /no "selector"/],
      ['{"selector":{},"fields":"a"}', /^fields definition must be an array$/],
      ['not json', /not valid JSON/],
    ] as const) {
      const r = parseMango(query);
      assert.ok(!r.ok);
      assert.match(r.error, err);
    }
  });

  it('a value stored as an attachment matches on _id, comes back as its bytes, and as {} under a fields projection (issue 14, statecouchdb queryDocuments)', () => {
    const all = parseMango('{"selector":{"_id":{"$gt":"a3"}}}');
    assert.ok(all.ok);
    assert.deepEqual(runMango(all.value, DOCS).map((h) => [h.key, h.fields]), [['b1', null]]);
    const projected = parseMango('{"selector":{"_id":{"$gt":"a3"}},"fields":["color"]}');
    assert.ok(projected.ok);
    assert.deepEqual(runMango(projected.value, DOCS).map((h) => [h.key, h.fields]), [['b1', {}]]);
  });

  it('compares across types by collation, as CouchDB\'s matcher does ($gt 2 matches a string)', () => {
    assert.deepEqual(runMango((parseMango('{"selector":{"v":{"$gt":2}}}') as { ok: true; value: Parameters<typeof runMango>[0] }).value, [doc('n', { v: 3 }), doc('s', { v: '1' }), doc('m', { v: 1 })]).map((h) => h.key), ['n', 's']);
  });

  it('collates like CouchDB: null < false < true < numbers < strings < arrays < objects', () => {
    const ordered = [null, false, true, -1, 2, 'a', 'b', 'B', [1], { a: 1 }];
    for (let i = 0; i + 1 < ordered.length; i++) assert.ok(collate(ordered[i], ordered[i + 1]) < 0, `${JSON.stringify(ordered[i])} < ${JSON.stringify(ordered[i + 1])}`);
  });

  it('bookmarks round-trip and foreign ones are refused', () => {
    assert.equal(decodeBookmark(encodeBookmark(7)), 7);
    assert.equal(decodeBookmark(''), 0);
    assert.equal(decodeBookmark('g1AAAA'), null);
  });
});

describe('CouchDB values and keys (statecouchdb couchdoc_conv.go)', () => {
  it('stores JSON objects re-marshalled by Go: sorted keys, compact, HTML escaped', () => {
    assert.equal(Buffer.from(couchValue(Buffer.from('{ "b": 1, "a": "<x&y>", "c": [1.50, {"z":1,"y":2}] }'))).toString(), '{"a":"\\u003cx\\u0026y\\u003e","b":1,"c":[1.5,{"y":2,"z":1}]}');
    assert.equal(Buffer.from(couchValue(Buffer.from('[1,2]'))).toString(), '[1,2]', 'arrays are attachments, kept as is');
    assert.equal(goMarshal({ big: 1e21, small: 1e-7 }), '{"big":1e+21,"small":1e-7}');
  });

  it('rejects the keys and values CouchDB cannot hold with the peer\'s texts', () => {
    assert.equal(couchKeyError('_design', true), 'invalid key [_design], cannot begin with "_"');
    assert.equal(couchKeyError('', true), 'invalid key. Empty string is not supported as a key by couchdb');
    assert.equal(couchKeyError('\ufffd', false, Uint8Array.of(0xff)), 'invalid key [ff], must be a UTF-8 string');
    assert.equal(couchKeyError('ok', true), null);
    assert.equal(couchValueError(Buffer.from('{"_rev":"1"}')), 'field [_rev] is not valid for the CouchDB state database');
    assert.equal(couchValueError(Buffer.from('{"~version":"1"}')), 'field [~version] is not valid for the CouchDB state database');
    assert.equal(couchValueError(Buffer.from('plain')), null);
  });
});
