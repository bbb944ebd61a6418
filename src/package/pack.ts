import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { labelError } from './label.js';

/**
 * A reproducible CCaaS package (PKG-12): its bytes depend only on the inputs, so everyone who
 * packages the same connection.json gets the same package ID on any machine, any day.
 *
 *  - tar (tar-stream, pinned): USTAR headers, mode 0644, uid/gid 0, empty owner names, mtime 0,
 *    no directory entries, entries in a fixed order, exactly two zero blocks at the end;
 *  - gzip: written here, not by zlib: header `1f 8b 08 00 00000000 00 ff` (no name, mtime 0,
 *    OS 255, as the peer CLI writes it) and DEFLATE *stored* blocks, because compressed output
 *    differs between zlib builds and versions while stored blocks are fixed by the format.
 *    CCaaS packages hold a few small files, so the size cost does not matter.
 */
export interface PackOptions {
  connectionJson: Buffer;
  label: string;
  /** metadata.json `type`; default `ccaas` (the built-in ccaas builder's type). */
  type?: string;
  /** A directory whose contents become `META-INF/...` in code.tar.gz (e.g. statedb indexes). */
  metaInfDir?: string;
  /** More files for code.tar.gz, after connection.json and META-INF, in this order. */
  extraCodeFiles?: ReadonlyArray<{ name: string; data: Buffer }>;
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);
const MAX_STORED = 0xffff;

/** gzip with DEFLATE stored blocks: deterministic bytes for any input. */
export function gzipStored(data: Buffer): Buffer {
  const parts: Buffer[] = [GZIP_HEADER];
  let off = 0;
  do {
    const n = Math.min(MAX_STORED, data.length - off);
    const last = off + n >= data.length;
    const head = Buffer.alloc(5);
    head[0] = last ? 1 : 0;
    head.writeUInt16LE(n, 1);
    head.writeUInt16LE(~n & 0xffff, 3);
    parts.push(head, data.subarray(off, off + n));
    off += n;
  } while (off < data.length);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  parts.push(trailer);
  return Buffer.concat(parts);
}

/** Go json.Marshal of a string (HTML-escaping as Go does). */
function goJsonString(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function metadataJson(type: string, label: string): Buffer {
  return Buffer.from(`{"type":${goJsonString(type)},"label":${goJsonString(label)}}`);
}

async function tarOf(files: ReadonlyArray<{ name: string; data: Buffer }>): Promise<Buffer> {
  // tar-stream is required here, not at the top: a check loads this module but never packs (9 ms of its start-up)
  const p = (require('tar-stream') as typeof import('tar-stream')).pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    p.on('data', (c: unknown) => { chunks.push(c as Buffer); });
    p.on('end', () => resolve(Buffer.concat(chunks)));
    p.on('error', reject);
  });
  for (const f of files) {
    await new Promise<void>((resolve, reject) => {
      p.entry({ name: f.name, size: f.data.length, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0), type: 'file' }, f.data, (err) => (err ? reject(err) : resolve()));
    });
  }
  p.finalize();
  return done;
}

/** Regular files under `dir`, sorted by path, as `META-INF/<relative path>`; dot-files skipped (as the CLI does). */
async function metaInfFiles(dir: string): Promise<{ name: string; data: Buffer }[]> {
  const out: { name: string; data: Buffer }[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const names = (await readdir(abs)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const p = join(abs, n);
      const st = await stat(p);
      const r = rel === '' ? n : `${rel}/${n}`;
      if (st.isDirectory()) await walk(p, r);
      else if (st.isFile()) out.push({ name: `META-INF/${r}`, data: await readFile(p) });
    }
  };
  await walk(dir, '');
  return out;
}

export async function pack(opts: PackOptions): Promise<Buffer> {
  const le = labelError(opts.label);
  if (le !== null) throw new Error(le);
  const type = opts.type ?? 'ccaas';
  const code: { name: string; data: Buffer }[] = [{ name: 'connection.json', data: opts.connectionJson }];
  if (opts.metaInfDir) code.push(...(await metaInfFiles(opts.metaInfDir)));
  for (const f of opts.extraCodeFiles ?? []) code.push({ name: f.name, data: f.data });
  const codeTarGz = gzipStored(await tarOf(code));
  const outer = await tarOf([
    { name: 'metadata.json', data: metadataJson(type, opts.label) },
    { name: 'code.tar.gz', data: codeTarGz },
  ]);
  return gzipStored(outer);
}
