import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { constants as zc, deflateRawSync } from 'node:zlib';
import { readAll } from '../../src/archive/goio.js';
import { GoGzipReader } from '../../src/archive/gzip.js';
import { BufferInput, GoInflater } from '../../src/archive/inflate.js';
import { BufferAccess } from '../../src/archive/source.js';
import { calculatePackageId } from '../../src/package/index.js';
import { gzipBytes, scratch, tarBytes } from './package-fixtures.js';

/**
 * Go's gzip/flate reading as the peer sees it (reference PKG-01's [I]/[U] items, settled against
 * the Go oracle): multistream, what happens after the tar end marker, when a trailer fault is
 * reported and with which text, and flate's error offsets.
 */

const PREFIX = 'could not parse as a chaincode install package: ';
const sc = scratch('ccaas-gzip-');
after(() => sc.done());
const meta = Buffer.from('{"type":"ccaas","label":"mycc"}');
/** metadata.json padded with spaces to exactly 512 bytes: no tar padding after its body. */
const meta512 = Buffer.concat([meta, Buffer.alloc(512 - meta.length, 0x20)]);
const code = gzipBytes(tarBytes([{ name: 'connection.json', body: Buffer.from('{"address":"h:1"}') }]));
const withEnd = tarBytes([{ name: 'metadata.json', body: meta }, { name: 'code.tar.gz', body: code }]);
/** No end marker; the last entry (metadata.json) ends exactly at the end of the data. */
const noEnd512 = tarBytes([{ name: 'code.tar.gz', body: code }, { name: 'metadata.json', body: meta512 }], 'none');
const noEndPadded = tarBytes([{ name: 'code.tar.gz', body: code }, { name: 'metadata.json', body: meta }], 'none');

let n = 0;
async function parseError(bytes: Buffer): Promise<string | null> {
  const r = await calculatePackageId(sc.file(`g${n++}.tgz`, bytes));
  return r.failure ? (r.failure.peerError ?? r.failure.message).replace(PREFIX, '') : null;
}

describe('gzip framing as the peer reads a package', () => {
  it('concatenated members are one stream', async () => {
    assert.equal(await parseError(gzipBytes(withEnd, { members: 3 })), null);
  });

  it('after the tar end marker nothing is read: garbage, bad CRC, cut trailer go unnoticed', async () => {
    assert.equal(await parseError(gzipBytes(withEnd, { trailing: Buffer.from('0123456789abcdef') })), null);
    assert.equal(await parseError(gzipBytes(withEnd, { crc: 'bad' })), null);
    assert.equal(await parseError(gzipBytes(withEnd, { isize: 'bad' })), null);
    assert.equal(await parseError(gzipBytes(withEnd).subarray(0, -5)), null);
  });

  it('no end marker: a clean end on an entry boundary, or one zero block, is accepted', async () => {
    assert.equal(await parseError(gzipBytes(noEndPadded)), null);
    assert.equal(await parseError(gzipBytes(tarBytes([{ name: 'code.tar.gz', body: code }, { name: 'metadata.json', body: meta }], 'one-zero'))), null);
    assert.equal(await parseError(gzipBytes(tarBytes([{ name: 'code.tar.gz', body: code }, { name: 'metadata.json', body: meta }], 'zero-then-garbage'))), 'error inspecting next tar header: archive/tar: invalid tar header');
  });

  it('no end marker: trailer faults surface with the last read, in the text of the reader that sees them', async () => {
    // The last entry has padding: the fault arrives with the padding, inside Next.
    assert.equal(await parseError(gzipBytes(noEndPadded, { crc: 'bad' })), 'error inspecting next tar header: gzip: invalid checksum');
    // The last entry's body ends the data and the last deflate chunk is not empty: the body read gets it.
    assert.equal(await parseError(gzipBytes(noEnd512, { crc: 'bad' })), 'could not read metadata.json from tar: gzip: invalid checksum');
    // Same bytes, but a sync flush before the final block empties the last chunk: reported at the next header.
    assert.equal(await parseError(gzipBytes(noEnd512, { crc: 'bad', syncAtEnd: true, syncEvery: 1 << 20 })), 'error inspecting next tar header: gzip: invalid checksum');
    // The next member header: 1-9 bytes of garbage vs 10 or more.
    assert.equal(await parseError(gzipBytes(noEnd512, { trailing: Buffer.from('abcde') })), 'could not read metadata.json from tar: unexpected EOF');
    assert.equal(await parseError(gzipBytes(noEnd512, { trailing: Buffer.from('abcdefghijkl') })), 'could not read metadata.json from tar: gzip: invalid header');
    assert.equal(await parseError(gzipBytes(noEnd512).subarray(0, -3)), 'could not read metadata.json from tar: unexpected EOF');
  });

  it('gzip.NewReader errors: EOF, unexpected EOF, invalid header', async () => {
    assert.equal(await parseError(Buffer.alloc(0)), 'error reading as gzip stream: EOF');
    assert.equal(await parseError(Buffer.from('hello')), 'error reading as gzip stream: unexpected EOF');
    assert.equal(await parseError(Buffer.from('not a gzip stream')), 'error reading as gzip stream: gzip: invalid header');
    assert.equal(await parseError(gzipBytes(withEnd, { name: 'n'.repeat(600) })), 'error reading as gzip stream: gzip: invalid header');
    assert.equal(await parseError(gzipBytes(withEnd, { hcrc: 'bad' })), 'error reading as gzip stream: gzip: invalid header');
    assert.equal(await parseError(gzipBytes(withEnd, { hcrc: 'ok', extra: Buffer.from('xy'), comment: 'c' })), null);
  });

  it('flate offsets count compressed bytes of the current member (Go oracle values)', async () => {
    const one = Buffer.from(gzipBytes(noEndPadded));
    one[40] = (one[40] as number) ^ 0x55;
    assert.equal(await parseError(one), 'error inspecting next tar header: flate: corrupt input before offset 35');
  });
});

describe('GoInflater (Go-exact DEFLATE decoding)', () => {
  const decodeAll = (raw: Buffer): { out: Buffer; err: string | null; chunks: number[] } => {
    const go = new GoInflater(new BufferInput(raw));
    const parts: Buffer[] = [];
    const chunks: number[] = [];
    for (;;) {
      const r = go.read(1 << 20);
      parts.push(Buffer.from(r.data));
      chunks.push(r.data.length);
      if (r.err !== null) return { out: Buffer.concat(parts), err: r.err, chunks };
    }
  };

  it('decodes what zlib writes, at every level and strategy, identically', () => {
    const inputs = [Buffer.alloc(0), Buffer.from('a'), randomBytes(100_000), Buffer.alloc(200_000, 7), Buffer.from('abc'.repeat(50_000)), Buffer.concat([randomBytes(40_000), Buffer.alloc(70_000)])];
    for (const data of inputs) {
      for (const level of [0, 1, 6, 9]) {
        for (const strategy of [zc.Z_DEFAULT_STRATEGY, zc.Z_HUFFMAN_ONLY, zc.Z_RLE, zc.Z_FIXED]) {
          const r = decodeAll(deflateRawSync(data, { level, strategy }));
          assert.equal(r.err, 'EOF');
          assert.ok(r.out.equals(data), `level ${level} strategy ${strategy} size ${data.length}`);
        }
      }
    }
  });

  it('hands out output in window-sized chunks, the end with the last bytes', () => {
    const data = randomBytes(100_000);
    const r = decodeAll(deflateRawSync(data, { level: 6 }));
    assert.deepEqual(r.chunks, [32768, 32768, 32768, 1696]);
  });

  it('reports truncation as unexpected EOF, and corrupt codes with the byte offset Go reports', () => {
    const raw = deflateRawSync(Buffer.from('hello hello hello hello'));
    assert.equal(decodeAll(raw.subarray(0, raw.length - 2)).err, 'unexpected EOF');
    assert.equal(decodeAll(Buffer.from([0x07])).err, 'flate: corrupt input before offset 1'); // block type 3
    assert.equal(decodeAll(Buffer.from([0x00, 0x01, 0x00, 0x00, 0x00])).err, 'flate: corrupt input before offset 5'); // LEN/NLEN mismatch
  });
});

describe('GoGzipReader over a buffer', () => {
  it('reads members as one stream and ends with EOF', async () => {
    const data = randomBytes(70_000);
    const opened = await GoGzipReader.open(new BufferAccess(gzipBytes(data, { members: 4 })));
    assert.ok(opened.reader);
    const all = await readAll(opened.reader, 1 << 30);
    await opened.reader.close();
    assert.equal(all.err, null);
    assert.ok(all.data.equals(data));
    assert.equal(opened.reader.stats.members, 4);
  });
});
