import { createInflateRaw, crc32, type InflateRaw } from 'node:zlib';
import { EOF, GZIP_INVALID_CHECKSUM, GZIP_INVALID_HEADER, LimitExceeded, UNEXPECTED_EOF } from './errors.js';
import { EMPTY, type GoReader, type ReadHint, type ReadResult } from './goio.js';
import { GoInflater } from './inflate.js';
import { ByteSource, SyncInput, type RandomAccess } from './source.js';

/**
 * Go's compress/gzip reader (multistream, as the peer uses it), over a file or buffer:
 *
 *  - `gzipNewReader` checks the first member header as gzip.NewReader does (`EOF`,
 *    `unexpected EOF`, `gzip: invalid header`);
 *  - `read` hands out the decompressed bytes; at the end of each member it checks the trailer
 *    (`gzip: invalid checksum`, `unexpected EOF`) and reads the next member's header in the same
 *    call, as Go does, so trailing garbage gives `gzip: invalid header` (10+ bytes) or
 *    `unexpected EOF` (1-9 bytes) and a clean end needs the input to end right after a trailer;
 *  - the end of the data, or an error, is returned together with the last bytes exactly when
 *    Go's reader would do so.
 *
 * Decompression runs in zlib (fast, off the main thread). When zlib reports a fault, the member is
 * replayed by `GoInflater` (Go's decoder in TypeScript) to get Go's error, its offset and the bytes
 * Go delivers before it. The same replay decides, only when it matters, whether the end of a
 * member comes with its last bytes.
 */

export interface GunzipLimits {
  /** Stop (LimitExceeded) after this many decompressed bytes. */
  readonly maxBytes: number;
  /** Stop when decompressed/compressed exceeds this ratio (checked after the first MiB out). */
  readonly maxRatio: number;
}

export const NO_LIMITS: GunzipLimits = { maxBytes: Number.MAX_SAFE_INTEGER, maxRatio: Number.POSITIVE_INFINITY };

/** zlib output kept back until zlib finished (see MemberDecoder.read): > 15 symbols of 258 bytes. */
const HOLD = 4096;

const FLAG_HCRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;

/** Go's gzip readHeader over a ByteSource: null when a member header was read, else Go's error text. */
export async function readGzipHeader(src: ByteSource): Promise<{ err: string | null; header?: GzipHeaderInfo }> {
  const head = await src.readFull(10);
  if (head.length === 0) return { err: EOF };
  if (head.length < 10) return { err: UNEXPECTED_EOF };
  if (head[0] !== 0x1f || head[1] !== 0x8b || head[2] !== 0x08) return { err: GZIP_INVALID_HEADER };
  const flg = head[3] as number;
  const parts: Buffer[] = [head];
  const info: GzipHeaderInfo = { flags: flg, mtime: head.readUInt32LE(4), xfl: head[8] as number, os: head[9] as number, name: null, comment: null, extraLength: 0 };
  if (flg & FLAG_EXTRA) {
    const lenBytes = await src.readFull(2);
    if (lenBytes.length < 2) return { err: UNEXPECTED_EOF };
    parts.push(lenBytes);
    const n = lenBytes.readUInt16LE(0);
    const extra = await src.readFull(n);
    if (extra.length < n) return { err: UNEXPECTED_EOF };
    parts.push(extra);
    info.extraLength = n;
  }
  for (const flag of [FLAG_NAME, FLAG_COMMENT]) {
    if (!(flg & flag)) continue;
    const bytes: number[] = [];
    for (let i = 0; ; i++) {
      if (i >= 512) return { err: GZIP_INVALID_HEADER };
      const b = await src.readByte();
      if (b < 0) return { err: UNEXPECTED_EOF };
      bytes.push(b);
      if (b === 0) break;
    }
    const s = Buffer.from(bytes);
    parts.push(s);
    if (flag === FLAG_NAME) info.name = s.subarray(0, s.length - 1).toString('latin1');
    else info.comment = s.subarray(0, s.length - 1).toString('latin1');
  }
  if (flg & FLAG_HCRC) {
    const c = await src.readFull(2);
    if (c.length < 2) return { err: UNEXPECTED_EOF };
    if ((crc32(Buffer.concat(parts)) & 0xffff) !== c.readUInt16LE(0)) return { err: GZIP_INVALID_HEADER };
  }
  return { err: null, header: info };
}

export interface GzipHeaderInfo {
  readonly flags: number;
  readonly mtime: number;
  readonly xfl: number;
  readonly os: number;
  name: string | null;
  comment: string | null;
  extraLength: number;
}

/** Result of one member decoder read. */
interface MemberRead {
  readonly data: Buffer;
  /** null: no news; EOF: the member ended (with these bytes); other: Go's flate error. */
  readonly err: string | null;
  /**
   * zlib mode only: these are the member's last bytes (err is null); whether Go would return the
   * end of the member together with them is decided by `endComesWithData` when it matters.
   */
  readonly last: boolean;
}

/** The decompressor for one member: zlib, replaced by GoInflater after a zlib fault. */
class MemberDecoder {
  private inf: InflateRaw | null;
  private out: AsyncIterator<Buffer> | null;
  private feeding: Promise<void> | null = null;
  private stopFeeding = false;
  private queue: Buffer[] = [];
  private queued = 0;
  private zlibEnded = false;
  private go: GoInflater | null = null;
  /** Decompressed bytes handed out so far. */
  delivered = 0;

  constructor(private readonly src: ByteSource, private readonly access: RandomAccess, readonly deflateStart: number) {
    this.inf = createInflateRaw({ chunkSize: 64 * 1024 });
    this.inf.on('error', () => { /* reported through the iterator */ });
    this.out = this.inf[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.feeding = this.feed(this.inf);
  }

  private async feed(inf: InflateRaw): Promise<void> {
    try {
      for (;;) {
        if (this.stopFeeding || inf.destroyed || inf.writableEnded) return;
        const chunk = await this.src.readSome(64 * 1024);
        if (this.stopFeeding || inf.destroyed) return;
        if (chunk.length === 0) {
          inf.end();
          return;
        }
        if (!inf.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              inf.off('drain', done);
              inf.off('close', done);
              inf.off('end', done);
              inf.off('error', done);
              resolve();
            };
            inf.on('drain', done);
            inf.on('close', done);
            inf.on('end', done);
            inf.on('error', done);
          });
        }
      }
    } catch {
      /* the decoder reports the fault */
    }
  }

  private async stopZlib(): Promise<void> {
    this.stopFeeding = true;
    const inf = this.inf;
    if (inf && !inf.destroyed) inf.destroy();
    await this.feeding;
    this.inf = null;
    this.out = null;
  }

  /** Absolute offset just after the member's deflate data (valid once the member ended). */
  async endOffset(): Promise<number> {
    if (this.go) return this.deflateStart + this.go.roffset;
    const consumed = this.inf ? this.inf.bytesWritten : 0;
    await this.stopZlib();
    return this.deflateStart + consumed;
  }

  /** zlib reported a fault: continue with Go's decoder, replaying what zlib already delivered. */
  private async switchToGo(): Promise<void> {
    await this.stopZlib();
    this.queue = [];
    this.queued = 0;
    const go = new GoInflater(new SyncInput(this.access, this.deflateStart));
    let skip = this.delivered;
    while (skip > 0) {
      const r = go.read(Math.min(skip, 1 << 20));
      skip -= r.data.length;
      if (r.err !== null) {
        throw new Error(`internal: Go's inflate ended (${r.err}) inside the ${this.delivered} bytes zlib delivered`);
      }
    }
    this.go = go;
  }

  /** Waits for zlib's next output chunk (or its end); false when zlib failed. */
  private async fetch(): Promise<boolean> {
    try {
      const r = await (this.out as AsyncIterator<Buffer>).next();
      if (r.done) this.zlibEnded = true;
      else if (r.value.length > 0) {
        this.queue.push(r.value);
        this.queued += r.value.length;
      }
      return true;
    } catch {
      return false;
    }
  }

  async read(max: number): Promise<MemberRead> {
    if (!this.go) {
      // Keep HOLD bytes back until zlib finished: near a truncation Go decodes a few symbols
      // fewer than zlib (it looks ahead up to 15 bits), so zlib's very last output may be
      // bytes Go never delivers.
      while (!this.zlibEnded && this.queued <= HOLD) {
        if (!(await this.fetch())) {
          await this.switchToGo();
          break;
        }
      }
    }
    if (!this.go) {
      if (this.queued === 0) return { data: EMPTY, err: EOF, last: false };
      const avail = this.zlibEnded ? this.queued : this.queued - HOLD;
      const head = this.queue[0] as Buffer;
      const take = Math.min(max, avail, head.length);
      const data = head.subarray(0, take);
      if (take === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(take);
      this.queued -= take;
      this.delivered += take;
      return { data, err: null, last: this.zlibEnded && this.queued === 0 };
    }
    const r = this.go.read(max);
    this.delivered += r.data.length;
    return { data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.length), err: r.err, last: false };
  }

  /**
   * Replays the member with Go's decoder: does Go return the end of this member together with
   * its last bytes (true), or on a later, empty read (false)?
   */
  endComesWithData(): boolean {
    const go = new GoInflater(new SyncInput(this.access, this.deflateStart));
    for (;;) {
      const r = go.read(1 << 20);
      if (r.err !== null) return r.data.length > 0;
    }
  }

  async close(): Promise<void> {
    if (this.inf) await this.stopZlib();
  }
}

export interface GzipStats {
  /** Members started. */
  members: number;
  /** Header of the first member. */
  firstHeader: GzipHeaderInfo | null;
  /** Decompressed bytes handed out. */
  decompressed: number;
}

/** Go's *gzip.Reader after a successful gzip.NewReader. */
export class GoGzipReader implements GoReader {
  private err: string | null = null;
  private member: MemberDecoder;
  private digest = 0;
  private size = 0;
  readonly stats: GzipStats;

  private constructor(private readonly src: ByteSource, private readonly access: RandomAccess, private readonly limits: GunzipLimits, private readonly start: number, header: GzipHeaderInfo) {
    this.member = new MemberDecoder(src, access, src.pos);
    this.stats = { members: 1, firstHeader: header, decompressed: 0 };
  }

  /** gzip.NewReader over `access` from `start`: the reader, or Go's error text. */
  static async open(access: RandomAccess, limits: GunzipLimits = NO_LIMITS, start = 0): Promise<{ reader: GoGzipReader; err: null } | { reader: null; err: string }> {
    const src = new ByteSource(access, start);
    const h = await readGzipHeader(src);
    if (h.err !== null || !h.header) {
      await src.close();
      return { reader: null, err: h.err ?? GZIP_INVALID_HEADER };
    }
    return { reader: new GoGzipReader(src, access, limits, start, h.header), err: null };
  }

  /** Compressed bytes consumed so far. */
  get compressedConsumed(): number {
    return this.src.pos - this.start;
  }

  private account(data: Buffer): void {
    if (data.length === 0) return;
    this.digest = crc32(data, this.digest);
    this.size = (this.size + data.length) >>> 0;
    this.stats.decompressed += data.length;
    const out = this.stats.decompressed;
    if (out > this.limits.maxBytes) {
      throw new LimitExceeded('bytes', `more than ${this.limits.maxBytes} bytes after decompression`);
    }
    if (out > 1 << 20 && out / Math.max(1, this.compressedConsumed) > this.limits.maxRatio) {
      throw new LimitExceeded('ratio', `decompression ratio above ${this.limits.maxRatio}:1 (${out} bytes out of ${this.compressedConsumed})`);
    }
  }

  /** The trailer check and the next member's header, as Go's Read does them after a member ends. */
  private async endOfMember(): Promise<string | null> {
    await this.src.seek(await this.member.endOffset());
    const trailer = await this.src.readFull(8);
    if (trailer.length < 8) return UNEXPECTED_EOF;
    if (trailer.readUInt32LE(0) !== this.digest >>> 0 || trailer.readUInt32LE(4) !== this.size) return GZIP_INVALID_CHECKSUM;
    this.digest = 0;
    this.size = 0;
    const h = await readGzipHeader(this.src);
    if (h.err !== null) return h.err;
    this.member = new MemberDecoder(this.src, this.access, this.src.pos);
    this.stats.members++;
    return null;
  }

  async read(max: number, hint?: ReadHint): Promise<ReadResult> {
    if (this.err !== null) return { data: EMPTY, err: this.err };
    for (;;) {
      const r = await this.member.read(max);
      this.account(r.data);
      if (r.err === null && !r.last) {
        if (r.data.length > 0) return { data: r.data, err: null };
        continue;
      }
      if (r.err !== null && r.err !== EOF) {
        this.err = r.err;
        return { data: r.data, err: r.err };
      }
      // The member ended: Go checks the trailer and reads the next header in this same Read.
      const status = await this.endOfMember();
      if (status === null) {
        if (r.data.length > 0) return { data: r.data, err: null };
        continue;
      }
      this.err = status;
      if (r.data.length === 0 || r.err === EOF || status === EOF) return { data: r.data, err: status };
      // zlib gave the last bytes; Go returns the error with them only if its last chunk was not empty.
      if (hint?.errIgnoredIfFull && r.data.length === max) return { data: r.data, err: null };
      return { data: r.data, err: this.member.endComesWithData() ? status : null };
    }
  }

  async close(): Promise<void> {
    await this.member.close();
    await this.src.close();
  }
}
