/**
 * Test fixtures for the package and archive judges: a raw tar writer that can produce any header
 * (valid or not, every type flag, PAX/GNU long names, sparse maps, odd numbers, bad checksums),
 * and gzip framing with every quirk Go's reader has an opinion about (members, flushes, trailer,
 * header flags, garbage). Written for the tests; nothing here is used by the harness itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as zc, crc32, deflateRawSync } from 'node:zlib';

export type TarFormatKind = 'ustar' | 'gnu' | 'v7' | 'star' | 'ustar-bad-version';

export interface RawEntry {
  name: string | Buffer;
  body?: Buffer;
  /** Type flag byte: a char ('0', '5', 'g', ...) or a number. Default '0'. */
  type?: string | number;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  uname?: string;
  gname?: string;
  linkname?: string | Buffer;
  /** Size field override (default: body length). */
  size?: number;
  format?: TarFormatKind;
  /** USTAR prefix field. */
  prefix?: string;
  checksum?: 'ok' | 'bad' | 'signed';
  /** How numbers are written: octal with NUL (default), octal with space, base-256, or a raw override per field. */
  numbers?: 'octal' | 'octal-space' | 'base256';
  rawFields?: Partial<Record<'mode' | 'uid' | 'gid' | 'size' | 'mtime' | 'chksum', Buffer>>;
  /** PAX records in an `x` header before this entry. */
  pax?: ReadonlyArray<[string, string]> | Buffer;
  /** A GNU `L` long-name header before this entry, with this name. */
  gnuLongName?: string | Buffer;
  gnuLongLink?: string | Buffer;
  /** Bytes of the body actually written (default: body), to produce short or long data. */
  data?: Buffer;
  /** Old GNU sparse: extra raw bytes for the header's sparse area (386..500) and extension blocks. */
  gnuSparse?: { area: Buffer; extensions?: Buffer[] };
}

const enc = (s: string | Buffer): Buffer => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s);

function octal(n: number, width: number, style: 'nul' | 'space'): Buffer {
  const digits = n.toString(8).padStart(width - 1, '0');
  const b = Buffer.alloc(width);
  b.write(digits.slice(-(width - 1)), 0, 'latin1');
  b[width - 1] = style === 'nul' ? 0 : 0x20;
  return b;
}

function base256(n: number, width: number): Buffer {
  const b = Buffer.alloc(width);
  let x = BigInt(n);
  const neg = x < 0n;
  if (neg) x = (1n << BigInt(width * 8)) + x;
  for (let i = width - 1; i >= 0; i--) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  b[0] = ((b[0] as number) & 0x7f) | 0x80;
  if (neg) b[0] = (b[0] as number) | 0x40;
  return b;
}

export function paxRecords(records: ReadonlyArray<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of records) {
    const kv = Buffer.concat([Buffer.from(' '), enc(k), Buffer.from('='), enc(v), Buffer.from('\n')]);
    let len = kv.length + 1;
    while (String(len).length + kv.length !== len) len = String(len).length + kv.length;
    parts.push(Buffer.from(String(len)), kv);
  }
  return Buffer.concat(parts);
}

function headerBlock(e: RawEntry, name: Buffer, type: number, size: number): Buffer {
  const b = Buffer.alloc(512);
  name.copy(b, 0, 0, Math.min(100, name.length));
  const style = e.numbers === 'octal-space' ? 'space' : 'nul';
  const num = (n: number, w: number): Buffer => (e.numbers === 'base256' ? base256(n, w) : octal(n, w, style));
  (e.rawFields?.mode ?? num(e.mode ?? 0o644, 8)).copy(b, 100);
  (e.rawFields?.uid ?? num(e.uid ?? 0, 8)).copy(b, 108);
  (e.rawFields?.gid ?? num(e.gid ?? 0, 8)).copy(b, 116);
  (e.rawFields?.size ?? num(size, 12)).copy(b, 124);
  (e.rawFields?.mtime ?? num(e.mtime ?? 0, 12)).copy(b, 136);
  b[156] = type;
  if (e.linkname !== undefined) enc(e.linkname).copy(b, 157, 0, 100);
  const format = e.format ?? 'ustar';
  if (format === 'ustar' || format === 'star') {
    b.write('ustar\0', 257, 'latin1');
    b.write('00', 263, 'latin1');
  } else if (format === 'ustar-bad-version') {
    b.write('ustar\0', 257, 'latin1');
    b.write('xx', 263, 'latin1');
  } else if (format === 'gnu') {
    b.write('ustar ', 257, 'latin1');
    b.write(' \0', 263, 'latin1');
  }
  if (format !== 'v7') {
    if (e.uname) enc(e.uname).copy(b, 265, 0, 32);
    if (e.gname) enc(e.gname).copy(b, 297, 0, 32);
    octal(0, 8, 'nul').copy(b, 329);
    octal(0, 8, 'nul').copy(b, 337);
    if (e.prefix && format !== 'gnu') enc(e.prefix).copy(b, 345, 0, format === 'star' ? 131 : 155);
  }
  if (format === 'star') b.write('tar\0', 508, 'latin1');
  if (e.gnuSparse) e.gnuSparse.area.copy(b, 386, 0, Math.min(114, e.gnuSparse.area.length));
  let sum = 0;
  let ssum = 0;
  for (let i = 0; i < 512; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (b[i] as number);
    sum += c;
    ssum += c >= 0x80 ? c - 256 : c;
  }
  const ck = e.checksum === 'bad' ? sum + 1 : e.checksum === 'signed' ? ssum : sum;
  (e.rawFields?.chksum ?? Buffer.concat([Buffer.from(Math.max(0, ck).toString(8).padStart(6, '0'), 'latin1'), Buffer.from([0, 0x20])])).copy(b, 148);
  return b;
}

function typeByte(t: string | number | undefined): number {
  if (t === undefined) return 0x30;
  return typeof t === 'number' ? t : t.charCodeAt(0);
}

function padded(data: Buffer): Buffer {
  const pad = (512 - (data.length % 512)) % 512;
  return pad === 0 ? data : Buffer.concat([data, Buffer.alloc(pad)]);
}

/** One entry's blocks (meta headers, header, sparse extensions, data, padding). */
export function entryBlocks(e: RawEntry): Buffer {
  const parts: Buffer[] = [];
  const name = enc(e.name);
  if (e.pax !== undefined) {
    const recs = Buffer.isBuffer(e.pax) ? e.pax : paxRecords(e.pax);
    parts.push(headerBlock({ name: 'PaxHeaders.0/x', format: e.format === 'gnu' ? 'ustar' : e.format ?? 'ustar' }, Buffer.from('PaxHeaders.0/x'), 0x78, recs.length), padded(recs));
  }
  for (const [v, t] of [[e.gnuLongName, 0x4c], [e.gnuLongLink, 0x4b]] as const) {
    if (v === undefined) continue;
    const body = Buffer.concat([enc(v), Buffer.from([0])]);
    parts.push(headerBlock({ name: '././@LongLink', format: 'gnu' }, Buffer.from('././@LongLink'), t, body.length), padded(body));
  }
  const body = e.body ?? Buffer.alloc(0);
  const size = e.size ?? body.length;
  parts.push(headerBlock(e, name, typeByte(e.type), size));
  for (const ext of e.gnuSparse?.extensions ?? []) parts.push(padded(ext.subarray(0, 512)));
  parts.push(padded(e.data ?? body));
  return Buffer.concat(parts);
}

export type TarEnd = 'two-zero' | 'one-zero' | 'none' | 'record' | 'zero-then-garbage';

export function tarBytes(entries: readonly RawEntry[], end: TarEnd = 'two-zero'): Buffer {
  const body = Buffer.concat(entries.map(entryBlocks));
  switch (end) {
    case 'two-zero':
      return Buffer.concat([body, Buffer.alloc(1024)]);
    case 'one-zero':
      return Buffer.concat([body, Buffer.alloc(512)]);
    case 'none':
      return body;
    case 'record': {
      const withEnd = Buffer.concat([body, Buffer.alloc(1024)]);
      const pad = (10240 - (withEnd.length % 10240)) % 10240;
      return Buffer.concat([withEnd, Buffer.alloc(pad)]);
    }
    case 'zero-then-garbage':
      return Buffer.concat([body, Buffer.alloc(512), Buffer.alloc(512, 0x41)]);
  }
}

export interface GzipOptions {
  level?: number;
  strategy?: number;
  /** Header fields. */
  mtime?: number;
  os?: number;
  name?: string;
  comment?: string;
  extra?: Buffer;
  hcrc?: 'ok' | 'bad';
  /** Split the data into this many members. */
  members?: number;
  /** Deflate flushes: after each chunk of this many bytes, a sync flush (empty stored block). */
  syncEvery?: number;
  /** An empty stored block after all data, before the final block. */
  syncAtEnd?: boolean;
  /** Use stored blocks only. */
  stored?: boolean;
  crc?: 'ok' | 'bad';
  isize?: 'ok' | 'bad';
  trailing?: Buffer;
}

function deflate(data: Buffer, o: GzipOptions): Buffer {
  if (o.stored) {
    const parts: Buffer[] = [];
    let off = 0;
    do {
      const n = Math.min(0xffff, data.length - off);
      const last = off + n >= data.length;
      const h = Buffer.alloc(5);
      h[0] = last ? 1 : 0;
      h.writeUInt16LE(n, 1);
      h.writeUInt16LE(~n & 0xffff, 3);
      parts.push(h, data.subarray(off, off + n));
      off += n;
    } while (off < data.length);
    return Buffer.concat(parts);
  }
  const opts = { level: o.level ?? 6, strategy: o.strategy ?? zc.Z_DEFAULT_STRATEGY };
  if (!o.syncEvery && !o.syncAtEnd) return deflateRawSync(data, opts);
  const chunks: Buffer[] = [];
  const step = o.syncEvery && o.syncEvery > 0 ? o.syncEvery : data.length || 1;
  for (let off = 0; off < data.length; off += step) {
    const piece = data.subarray(off, off + step);
    // Each piece compressed as a non-final sequence ending in a sync flush marker.
    chunks.push(deflateRawSync(piece, { ...opts, finishFlush: zc.Z_SYNC_FLUSH }));
  }
  chunks.push(Buffer.from([0x03, 0x00])); // final empty fixed block
  // Pieces compressed independently do not share a window: still a valid stream.
  return Buffer.concat(chunks);
}

function member(data: Buffer, o: GzipOptions, first: boolean): Buffer {
  let flg = 0;
  const extraParts: Buffer[] = [];
  if (first && o.extra) {
    flg |= 4;
    const l = Buffer.alloc(2);
    l.writeUInt16LE(o.extra.length);
    extraParts.push(l, o.extra);
  }
  if (first && o.name !== undefined) {
    flg |= 8;
    extraParts.push(Buffer.from(o.name + '\0', 'latin1'));
  }
  if (first && o.comment !== undefined) {
    flg |= 16;
    extraParts.push(Buffer.from(o.comment + '\0', 'latin1'));
  }
  if (first && o.hcrc) flg |= 2;
  const head = Buffer.alloc(10);
  head[0] = 0x1f;
  head[1] = 0x8b;
  head[2] = 8;
  head[3] = flg;
  head.writeUInt32LE((o.mtime ?? 0) >>> 0, 4);
  head[8] = 0;
  head[9] = o.os ?? 255;
  const parts = [head, ...extraParts];
  if (first && o.hcrc) {
    const c = Buffer.alloc(2);
    c.writeUInt16LE((crc32(Buffer.concat(parts)) + (o.hcrc === 'bad' ? 1 : 0)) & 0xffff);
    parts.push(c);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(((crc32(data) >>> 0) + (o.crc === 'bad' ? 1 : 0)) >>> 0, 0);
  trailer.writeUInt32LE(((data.length >>> 0) + (o.isize === 'bad' ? 1 : 0)) >>> 0, 4);
  return Buffer.concat([...parts, deflate(data, o), trailer]);
}

/** gzip framing of `data` with the quirks in `o`. */
export function gzipBytes(data: Buffer, o: GzipOptions = {}): Buffer {
  const n = Math.max(1, o.members ?? 1);
  const parts: Buffer[] = [];
  const size = Math.ceil(data.length / n);
  for (let i = 0; i < n; i++) {
    const piece = data.subarray(i * size, Math.min(data.length, (i + 1) * size));
    const last = i === n - 1;
    parts.push(member(piece, { ...o, crc: last ? o.crc : 'ok', isize: last ? o.isize : 'ok' }, i === 0));
  }
  if (o.trailing) parts.push(o.trailing);
  return Buffer.concat(parts);
}

/** A package: gzip(tar([metadata.json, code.tar.gz])) with the usual content. */
export function simplePackage(opts: { metadata?: Buffer | string; code?: Buffer; reversed?: boolean; gzip?: GzipOptions; extra?: RawEntry[] } = {}): Buffer {
  const metadata = opts.metadata === undefined ? Buffer.from('{"type":"ccaas","label":"mycc"}') : enc(opts.metadata);
  const code = opts.code ?? gzipBytes(tarBytes([{ name: 'connection.json', body: Buffer.from('{"address":"h:1","dial_timeout":"10s"}') }]));
  const entries: RawEntry[] = [{ name: 'metadata.json', body: metadata }, { name: 'code.tar.gz', body: code }];
  if (opts.reversed) entries.reverse();
  return gzipBytes(tarBytes([...entries, ...(opts.extra ?? [])]), opts.gzip);
}

/** A scratch directory that removes itself. */
export function scratch(prefix = 'ccaas-test-'): { dir: string; file: (name: string, data: Buffer) => string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name, data) => {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * gzip of `header` followed by `zeroMiB` MiB of zeros, built without materialising the zeros: one
 * full-flushed deflate chunk of 1 MiB of zeros repeated (position independent), then a final block.
 */
export function zeroBombGzip(header: Buffer, zeroMiB: number, tail: Buffer = Buffer.alloc(1024)): Buffer {
  const mib = Buffer.alloc(1 << 20);
  const chunk = deflateRawSync(mib, { level: 9, finishFlush: zc.Z_FULL_FLUSH });
  const head = deflateRawSync(header, { finishFlush: zc.Z_FULL_FLUSH });
  const end = deflateRawSync(tail);
  let crc = crc32(header);
  for (let i = 0; i < zeroMiB; i++) crc = crc32(mib, crc);
  crc = crc32(tail, crc);
  const size = header.length + zeroMiB * (1 << 20) + tail.length;
  const gzHead = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  return Buffer.concat([gzHead, head, ...Array.from({ length: zeroMiB }, () => chunk), end, trailer]);
}

