import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import type { SyncByteInput } from './inflate.js';

/**
 * Where archive bytes come from. Every archive the harness reads is a file (the package, the
 * code.tar.gz spooled out of it, or a code archive given to untarCode), or bytes in memory in
 * tests. Streaming reads serve the fast path; synchronous reads at an offset serve the rare
 * replays that need Go's exact decoder (see gzip.ts).
 */
export interface RandomAccess {
  readonly size: number;
  /** Chunks from `start` to the end. */
  stream(start: number): AsyncIterable<Buffer>;
  /** Up to `len` bytes at `pos` (fewer only at the end). */
  readSync(pos: number, len: number): Buffer;
  close(): void;
}

export class FileAccess implements RandomAccess {
  private fd: number | null;
  readonly size: number;
  constructor(readonly path: string, private readonly chunkSize = 128 * 1024) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }
  stream(start: number): AsyncIterable<Buffer> {
    if (start >= this.size) return (async function* () { /* nothing left */ })();
    return createReadStream(this.path, { start, highWaterMark: this.chunkSize });
  }
  readSync(pos: number, len: number): Buffer {
    if (this.fd === null) throw new Error(`${this.path} is closed`);
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(len, this.size - pos)));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.fd, buf, got, buf.length - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }
  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}

export class BufferAccess implements RandomAccess {
  constructor(private readonly buf: Buffer, private readonly chunkSize = 64 * 1024) {}
  get size(): number {
    return this.buf.length;
  }
  stream(start: number): AsyncIterable<Buffer> {
    const { buf, chunkSize } = this;
    return (async function* () {
      for (let p = start; p < buf.length; p += chunkSize) yield buf.subarray(p, p + chunkSize);
    })();
  }
  readSync(pos: number, len: number): Buffer {
    return this.buf.subarray(pos, Math.min(this.buf.length, pos + len));
  }
  close(): void {
    /* nothing to release */
  }
}

/** Synchronous sequential reads from a RandomAccess (for the Go-exact inflater). */
export class SyncInput implements SyncByteInput {
  private buf: Buffer = Buffer.alloc(0);
  private at = 0;
  constructor(private readonly src: RandomAccess, private pos: number, private readonly block = 1 << 20) {}
  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.pos - (this.buf.length - this.at);
  }
  private refill(): boolean {
    this.buf = this.src.readSync(this.pos, this.block);
    this.pos += this.buf.length;
    this.at = 0;
    return this.buf.length > 0;
  }
  readByte(): number {
    if (this.at >= this.buf.length && !this.refill()) return -1;
    return this.buf[this.at++] as number;
  }
  readInto(dst: Uint8Array, off: number, len: number): number {
    let got = 0;
    while (got < len) {
      if (this.at >= this.buf.length && !this.refill()) break;
      const n = Math.min(len - got, this.buf.length - this.at);
      dst.set(this.buf.subarray(this.at, this.at + n), off + got);
      this.at += n;
      got += n;
    }
    return got;
  }
}

/**
 * A pull-based, seekable byte reader over a RandomAccess, with Go io.ReadFull semantics for
 * `readFull`. It keeps the last few MiB it handed out so that a consumer that read ahead (zlib
 * is fed in chunks) can step back to where the compressed data really ended.
 */
export class ByteSource {
  private it: AsyncIterator<Buffer> | null = null;
  private buf: Buffer = Buffer.alloc(0);
  /** Absolute offset of buf[0]. */
  private bufStart: number;
  private readonly history: { start: number; data: Buffer }[] = [];
  private historyBytes = 0;
  /** Absolute offset of the next byte handed out. */
  pos: number;

  constructor(private readonly src: RandomAccess, start = 0, private readonly keep = 1 << 20) {
    this.pos = start;
    this.bufStart = start;
  }

  private async fill(n: number): Promise<void> {
    while (this.buf.length < n) {
      if (this.bufStart + this.buf.length >= this.src.size) return;
      if (!this.it) this.it = this.src.stream(this.bufStart + this.buf.length)[Symbol.asyncIterator]();
      const r = await this.it.next();
      if (r.done) return;
      this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    }
  }

  private hand(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    if (out.length > 0) {
      this.history.push({ start: this.bufStart, data: out });
      this.historyBytes += out.length;
      while (this.history.length > 1 && this.historyBytes - (this.history[0] as { data: Buffer }).data.length >= this.keep) {
        this.historyBytes -= (this.history.shift() as { data: Buffer }).data.length;
      }
    }
    this.bufStart += n;
    this.pos = this.bufStart;
    return out;
  }

  /** Up to n bytes; fewer only when the source has ended. */
  async readFull(n: number): Promise<Buffer> {
    await this.fill(n);
    return this.hand(Math.min(n, this.buf.length));
  }

  /** The next chunk of at most `max` bytes (empty at the end), without waiting to fill `max`. */
  async readSome(max: number): Promise<Buffer> {
    if (this.buf.length === 0) await this.fill(1);
    return this.hand(Math.min(max, this.buf.length));
  }

  async readByte(): Promise<number> {
    const b = await this.readFull(1);
    return b.length === 0 ? -1 : (b[0] as number);
  }

  /** Moves to an absolute offset (backwards within the kept history, or anywhere by reopening). */
  async seek(offset: number): Promise<void> {
    if (offset === this.pos) return;
    const first = this.history[0];
    if (offset < this.pos && first && offset >= first.start) {
      const parts: Buffer[] = [];
      for (const h of this.history) {
        const end = h.start + h.data.length;
        if (end <= offset) continue;
        parts.push(h.start >= offset ? h.data : h.data.subarray(offset - h.start));
      }
      parts.push(this.buf);
      this.buf = Buffer.concat(parts);
      this.bufStart = offset;
      this.pos = offset;
      this.history.length = 0;
      this.historyBytes = 0;
      return;
    }
    if (offset > this.pos && offset <= this.bufStart + this.buf.length) {
      this.hand(offset - this.pos);
      return;
    }
    await this.closeStream();
    this.buf = Buffer.alloc(0);
    this.bufStart = offset;
    this.pos = offset;
    this.history.length = 0;
    this.historyBytes = 0;
  }

  private async closeStream(): Promise<void> {
    const it = this.it;
    this.it = null;
    if (it) await it.return?.();
  }

  /** Releases the underlying stream. */
  async close(): Promise<void> {
    await this.closeStream();
  }
}
