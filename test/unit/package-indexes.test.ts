import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { couchdbIndexProblem, metadataPathError, validateMetadataFile } from '../../src/package/indexes.js';
import { inspectPackage } from '../../src/package/index.js';
import { gzipBytes, scratch, simplePackage, tarBytes } from './package-fixtures.js';

/** Index files: CLI validator texts (CODE-07), CouchDB acceptance (CODE-06), placement (CODE-05). */

const good = Buffer.from('{"index":{"fields":["owner",{"size":"DESC"}]},"ddoc":"d","name":"n","type":"json"}');

describe('CODE-07: the CLI packager\'s ValidateMetadataFile', () => {
  it('path rules, with the regexes not anchored at the end', () => {
    assert.equal(metadataPathError('META-INF/statedb/couchdb/indexes/i.json'), null);
    assert.equal(metadataPathError('META-INF/statedb/couchdb/indexes/i.json.bak'), null);
    assert.equal(metadataPathError('META-INF/statedb/couchdb/indexes/sub/i.json'), null);
    assert.equal(metadataPathError('META-INF/statedb/couchdb/collections/c_1-x/indexes/i.json'), null);
    assert.equal(metadataPathError('META-INF/other/i.json'), 'metadata file path must begin with META-INF/statedb, found: META-INF/other/');
    assert.equal(metadataPathError('META-INF/statedb/i.json'), 'metadata file path must include a database and index directory: META-INF/statedb/');
    assert.equal(metadataPathError('META-INF/statedb/leveldb/indexes/i.json'), 'database name [leveldb] is not supported, valid options: [couchdb]');
    assert.equal(metadataPathError('META-INF/statedb/couchdb/idx/i.json'), 'metadata file path does not have an indexes directory: META-INF/statedb/couchdb/idx/');
    assert.equal(metadataPathError('META-INF/statedb/couchdb/indexes/i.txt'), 'metadata file path for collections must include a collections and index directory: META-INF/statedb/couchdb/indexes/');
    assert.equal(metadataPathError('META-INF/statedb/couchdb/colls/c/indexes/i.json'), 'metadata file path for collections must have a collections and indexes directory: META-INF/statedb/couchdb/colls/c/indexes/');
    assert.equal(metadataPathError('META-INF/statedb/couchdb/collections/.c/indexes/i.json'), 'collection name is not valid: .c');
    assert.equal(metadataPathError('META-INF/statedb/couchdb/collections/c/indexes/i.txt'), 'artifact file name is not valid: i.txt');
    assert.equal(metadataPathError('META-INF/statedb/couchdb/collections/c.1/indexes/i.json'), 'metadata file path or name is not supported: META-INF/statedb/couchdb/collections/c.1/indexes/');
  });

  it('content rules and texts', () => {
    const p = 'META-INF/statedb/couchdb/indexes/i.json';
    const v = (doc: string): string[] => validateMetadataFile(p, Buffer.from(doc)).map((o) => (o.kind === 'panic' ? `panic: ${o.text}` : o.text));
    const wrap = (m: string): string => `Index metadata file [${p}] is not a valid index definition: ${m}`;
    assert.deepEqual(validateMetadataFile(p, good), []);
    assert.deepEqual(v('{"index":{}}'), []);
    assert.deepEqual(v('{"index":{"fields":[1,true,"a"]}}'), []);
    assert.deepEqual(v('[1]'), [`Index metadata file [${p}] is not a valid JSON`]);
    assert.deepEqual(v('{}'), [wrap('Index definition must include a "fields" definition')]);
    assert.deepEqual(v('null'), [wrap('Index definition must include a "fields" definition')]);
    assert.deepEqual(v('{"index":{"fields":["a"]},"x":1}'), [wrap('Invalid Entry.  Entry x')]);
    assert.deepEqual(v('{"index":{"fields":"a"}}'), [wrap('Expecting a JSON array of fields')]);
    assert.deepEqual(v('{"index":{"fields":[{"a":"up"}]}}'), [wrap('Sort must be either "asc" or "desc".  "up" was found.')]);
    assert.deepEqual(v('{"index":{"fields":[{"a":1}]}}'), [wrap('Invalid field definition, fields must be in the form "fieldname":"sort"')]);
    assert.deepEqual(v('{"index":[],"type":"json"}'), [wrap('Invalid entry, "index" must be a JSON')]);
    assert.deepEqual(v('{"index":{},"type":"text"}'), [wrap('Index type must be json')]);
    assert.deepEqual(v('{"index":{},"ddoc":5}'), [wrap('Invalid entry, "ddoc" must be a string')]);
    assert.deepEqual(v('{"index":null}'), ['panic: runtime error: invalid memory address or nil pointer dereference']);
    assert.deepEqual(v('{"index":{"fields":[null]}}'), ['panic: runtime error: invalid memory address or nil pointer dereference']);
    // two bad keys: Go's random map order decides which one is reported
    assert.deepEqual(v('{"index":{},"a":1,"b":2}').sort(), [wrap('Invalid Entry.  Entry a'), wrap('Invalid Entry.  Entry b')]);
  });
});

describe('CODE-06: what CouchDB accepts at deploy', () => {
  it('needs a JSON object with a non-empty index.fields', () => {
    assert.equal(couchdbIndexProblem(good), null);
    assert.match(couchdbIndexProblem(Buffer.from('{"index":{}}')) ?? '', /index\.fields/);
    assert.match(couchdbIndexProblem(Buffer.from('nope')) ?? '', /not JSON/);
  });
});

describe('index findings on a whole package', () => {
  const sc = scratch('ccaas-indexes-');
  const work = join(sc.dir, 'w');
  mkdirSync(work);
  after(() => sc.done());

  it('metadata/ folder, ./META-INF names, stray statedb files and bad contents are reported', async () => {
    const code = gzipBytes(tarBytes([
      { name: 'connection.json', body: Buffer.from('{"address":"h:1"}') },
      { name: 'metadata/statedb/couchdb/indexes/a.json', body: good },
      { name: './META-INF/statedb/couchdb/indexes/b.json', body: good },
      { name: 'META-INF/statedb/couchdb/c.json', body: good },
      { name: 'META-INF/statedb/couchdb/indexes/bad.json', body: Buffer.from('{"index":{"fields":[{"x":"up"}]}}') },
    ]));
    const r = await inspectPackage(sc.file('idx.tgz', simplePackage({ code })), work);
    assert.equal(r.failure, null);
    const by = (rule: string) => r.findings.find((f) => f.rule === rule);
    assert.equal(by('CODE-05')?.status, 'failed');
    assert.match(by('CODE-05')?.message ?? '', /metadata\/ folder/);
    assert.match(by('CODE-05')?.message ?? '', /\.\/META-INF\/statedb/);
    assert.match(by('CODE-05')?.message ?? '', /META-INF\/statedb\/couchdb\/c\.json/);
    assert.equal(by('CODE-06')?.status, 'passed');
    assert.equal(by('CODE-07')?.status, 'failed');
    assert.equal(by('CODE-07')?.peerError, 'metadata file path must include a database and index directory: META-INF/statedb/couchdb/');
    assert.match(by('CODE-07')?.message ?? '', /Sort must be either "asc" or "desc"\.  "up" was found\./);
  });
});
