import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { scratch, simplePackage } from './package-fixtures.js';

/** `ccaas-conformance package` and `ccaas-conformance id`: output, exit codes, determinism. */

const MAIN = resolve(__dirname, '../../src/cli/main.js');
const sc = scratch('ccaas-cli-pkg-');
after(() => sc.done());
const run = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('ccaas-conformance package', () => {
  const conn = sc.file('connection.json', Buffer.from('{"address":"chaincode:9999","dial_timeout":"10s"}'));
  const metaInf = join(sc.dir, 'META-INF');
  mkdirSync(join(metaInf, 'statedb', 'couchdb', 'indexes'), { recursive: true });
  writeFileSync(join(metaInf, 'statedb', 'couchdb', 'indexes', 'owner.json'), '{"index":{"fields":["owner"]},"ddoc":"o","name":"o","type":"json"}');

  it('writes a package whose ID it prints, the same bytes every time', () => {
    const a = run('package', '--connection', conn, '--label', 'basic_1.0', '--meta-inf', metaInf, '-o', join(sc.dir, 'a.tgz'));
    const b = run('package', '--connection', conn, '--label', 'basic_1.0', '--meta-inf', metaInf, '-o', join(sc.dir, 'b.tgz'));
    assert.equal(a.code, 0, a.err);
    const bytes = readFileSync(join(sc.dir, 'a.tgz'));
    assert.ok(bytes.equals(readFileSync(join(sc.dir, 'b.tgz'))));
    assert.equal(a.out, `basic_1.0:${sha(bytes)}\n`);
    assert.equal(b.out, a.out);
    assert.deepEqual([...bytes.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  });

  it('says what a peer would do with the connection.json it wraps (the package is still written)', () => {
    const pkg = (doc: string, ...more: string[]): { code: number | null; err: string } => run('package', '--connection', sc.file('c.json', Buffer.from(doc)), '--label', 'x', '-o', join(sc.dir, 'c.tgz'), ...more);
    const clean = pkg('{"address":"h:1","dial_timeout":"10s"}');
    assert.equal(clean.code, 0);
    assert.doesNotMatch(clean.err, /error|warning|note/);
    const noTimeout = pkg('{"address":"h:1"}');
    assert.equal(noTimeout.code, 0);
    assert.match(noTimeout.err, /^error \[CONN-10\]: no dial_timeout \(or an empty one\): the built-in ccaas builder writes "dial_timeout":"" and every launch then fails/m);
    assert.match(pkg('{"address":"h:1","dial_timeout":"10s","tls_required":"true"}').err, /^error \[CONN-10\]: .*::Error: json: cannot unmarshal string into Go struct field connection\.tls_required of type bool$/m);
    assert.match(pkg('{"address":"h:1","dial_timeout":"10s","tls_required":true}').err, /^error \[CONN-07\]: every launch fails: chaincode tls root cert not provided$/m);
    assert.match(pkg('{"address":"{{.host}}:1","dial_timeout":"10s"}').err, /^note \[CONN-10\]: connection\.json is a template/m);
    // keys match as Go matches them: Dial_Timeout is dial_timeout
    assert.doesNotMatch(pkg('{"address":"h:1","Dial_Timeout":"10s"}').err, /error|warning/);
    // with --type external the builder is the user's: the peer's own read is what counts
    assert.match(pkg('{"address":"h:1","tls_required":"true"}', '--type', 'external').err, /^error \[CONN-03\]: if your builder releases it unchanged, every launch fails: malformed chaincode info at '.*': json: cannot unmarshal string into Go struct field ChaincodeServerUserData\.tls_required of type bool$/m);
  });

  it('rejects bad usage with exit 2', () => {
    assert.equal(run('package', '--label', 'x', '-o', join(sc.dir, 'x.tgz')).code, 2);
    assert.equal(run('package', '--connection', conn, '-o', join(sc.dir, 'x.tgz')).code, 2);
    assert.equal(run('package', '--connection', conn, '--label', 'x').code, 2);
    assert.equal(run('package', '--connection', conn, '--label', 'x', '--type', 'golang', '-o', join(sc.dir, 'x.tgz')).code, 2);
    const bad = run('package', '--connection', conn, '--label', 'a:b', '-o', join(sc.dir, 'x.tgz'));
    assert.equal(bad.code, 2);
    assert.match(bad.err, /invalid label 'a:b'\. Label must be non-empty/);
    assert.equal(run('package', '--connection', join(sc.dir, 'missing.json'), '--label', 'x', '-o', join(sc.dir, 'x.tgz')).code, 2);
  });
});

describe('ccaas-conformance id (calculatepackageid)', () => {
  it('prints <label>:<sha256> and, with --output json, Go MarshalIndent with a tab', () => {
    const bytes = simplePackage();
    const p = sc.file('p.tgz', bytes);
    const plain = run('id', p);
    assert.equal(plain.code, 0);
    assert.equal(plain.out, `mycc:${sha(bytes)}\n`);
    const json = run('id', p, '--output', 'JSON');
    assert.equal(json.code, 0);
    assert.equal(json.out, `{\n\t"package_id": "mycc:${sha(bytes)}"\n}\n`);
  });

  it('prints the ID even when install would fail at the DB scan (PKG-13)', () => {
    const bytes = simplePackage({ code: Buffer.alloc(0) });
    const r = run('id', sc.file('p21.tgz', bytes));
    assert.equal(r.code, 0);
    assert.equal(r.out, `mycc:${sha(bytes)}\n`);
  });

  it('exit 1 with the peer prefix when the parse fails; exit 2 when unreadable or misused', () => {
    const r = run('id', sc.file('bad.tgz', Buffer.from('not gzip at all')));
    assert.equal(r.code, 1);
    assert.equal(r.err, 'Error: could not parse as a chaincode install package: error reading as gzip stream: gzip: invalid header\n');
    assert.equal(run('id', join(sc.dir, 'nope.tgz')).code, 2);
    assert.equal(run('id').code, 2);
  });
});
