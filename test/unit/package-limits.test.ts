import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { inspectPackage, type InspectedPackage } from '../../src/package/index.js';
import { entryBlocks, gzipBytes, scratch, tarBytes, zeroBombGzip } from './package-fixtures.js';

/**
 * Hostile packages end in a finished verdict with a clear finding (PKG-16), never a crash or an
 * out-of-memory: a 4 KB decompression bomb, 100,000 entries, a 50 MB metadata.json. (Times are
 * the bench's business; here the findings are asserted.)
 */

const sc = scratch('ccaas-limits-');
const work = join(sc.dir, 'work');
mkdirSync(work);
after(() => sc.done());

function limitFinding(r: InspectedPackage): string {
  const f = r.findings.find((x) => x.rule === 'PKG-16');
  assert.ok(f, `no PKG-16 finding: ${JSON.stringify(r.findings.map((x) => [x.rule, x.status]))}`);
  assert.equal(f.status, 'error');
  return f.message;
}

describe('harness limits turn hostile packages into findings', () => {
  it('a 4 KB decompression bomb (1 GiB of zeros two layers down) stops at the ratio cap', async () => {
    // code.tar.gz: a tar entry of 4 GiB of zeros (4 MB of deflate); the package compresses that again.
    const entryHeader = entryBlocks({ name: 'zeros', body: Buffer.alloc(0), size: 1024 * (1 << 20) }).subarray(0, 512);
    const code = zeroBombGzip(entryHeader, 1024);
    const outer = gzipSync(tarBytes([{ name: 'metadata.json', body: Buffer.from('{"type":"ccaas","label":"bomb"}') }, { name: 'code.tar.gz', body: code }]), { level: 9 });
    assert.ok(outer.length <= 4096, `the bomb is ${outer.length} bytes`);
    const r = await inspectPackage(sc.file('bomb.tgz', outer), work);
    const msg = limitFinding(r);
    assert.match(msg, /decompression ratio above 200:1/);
    assert.match(msg, /the peer would decompress all of it/);
    assert.equal(r.failure?.rule, 'PKG-16');
    assert.equal(r.failure?.peerError, null);
    assert.deepEqual(readdirSync(work), []);
  });

  it('100,000 top-level entries stop at the entry cap', async () => {
    const many = Buffer.concat(Array.from({ length: 100_000 }, (_, i) => entryBlocks({ name: `f${i}`, body: Buffer.alloc(0) })));
    const r = await inspectPackage(sc.file('many.tgz', gzipSync(Buffer.concat([many, Buffer.alloc(1024)]))), work);
    assert.match(limitFinding(r), /more than 10000 tar headers/);
    assert.equal(r.failure?.rule, 'PKG-16');
  });

  it('100,000 entries in code.tar.gz stop at the entry cap of the DB-artifact scan and the extraction', async () => {
    const many = Buffer.concat(Array.from({ length: 100_000 }, (_, i) => entryBlocks({ name: `d/f${i}`, body: Buffer.alloc(0) })));
    const code = gzipSync(Buffer.concat([many, Buffer.alloc(1024)]));
    const r = await inspectPackage(sc.file('manycode.tgz', gzipBytes(tarBytes([{ name: 'metadata.json', body: Buffer.from('{"type":"ccaas","label":"many"}') }, { name: 'code.tar.gz', body: code }]))), work);
    assert.match(limitFinding(r), /code\.tar\.gz: more than 10000 tar headers/);
    assert.equal(r.failure?.rule, 'PKG-16');
    assert.match(r.packageId ?? '', /^many:/);
  });

  it('a 50 MB metadata.json stops at the metadata cap', async () => {
    const big = Buffer.concat([Buffer.from('{"type":"ccaas","label":"big","pad":"'), Buffer.alloc(50 << 20, 0x61), Buffer.from('"}')]);
    const r = await inspectPackage(sc.file('bigmeta.tgz', gzipSync(tarBytes([{ name: 'metadata.json', body: big }, { name: 'code.tar.gz', body: Buffer.alloc(0) }]), { level: 1 })), work);
    assert.match(limitFinding(r), /metadata\.json is larger than the harness limit of 1048576 bytes; the peer would read all of it into memory/);
    assert.equal(r.failure?.rule, 'PKG-16');
  });
});
