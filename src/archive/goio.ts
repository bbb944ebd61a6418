/**
 * Go's io.Reader contract, as values: a read returns some bytes AND possibly an error in the same
 * call. The peer's archive code depends on exactly when an error arrives (with the last bytes, or
 * on the next call), because io.ReadFull drops an error that came with a full buffer while a tar
 * entry body read passes it on. Every reader in src/archive speaks this contract, and the helpers
 * below reproduce io.ReadFull, io.CopyN, io.ReadAll and archive/tar's tryReadFull/mustReadFull.
 *
 * Errors are Go's texts (`err.Error()`); `EOF` is io.EOF.
 */
import { EOF, UNEXPECTED_EOF } from './errors.js';

export { EOF, UNEXPECTED_EOF };

export interface ReadResult {
  readonly data: Buffer;
  /** Go error text, `EOF` for io.EOF, or null. */
  readonly err: string | null;
}

export interface ReadHint {
  /**
   * The caller fills a fixed buffer and, like io.ReadFull, ignores an error that comes with the
   * bytes completing it. A reader may then skip work that only decides WHEN an error arrives.
   */
  readonly errIgnoredIfFull?: boolean;
}

export interface GoReader {
  /** At most `max` (> 0) bytes. Like Go, may return fewer bytes than available. */
  read(max: number, hint?: ReadHint): Promise<ReadResult>;
}

export const EMPTY: Buffer = Buffer.alloc(0);

function join(parts: Buffer[], total: number): Buffer {
  if (parts.length === 1) return parts[0] as Buffer;
  return Buffer.concat(parts, total);
}

/** io.ReadFull: exactly n bytes; `EOF` if none, `unexpected EOF` if some; other errors as read. */
export async function readFull(r: GoReader, n: number): Promise<ReadResult> {
  const parts: Buffer[] = [];
  let got = 0;
  let err: string | null = null;
  while (got < n && err === null) {
    const res = await r.read(n - got, { errIgnoredIfFull: true });
    if (res.data.length > 0) {
      parts.push(res.data);
      got += res.data.length;
    }
    err = res.err;
  }
  if (got >= n) err = null;
  else if (got > 0 && err === EOF) err = UNEXPECTED_EOF;
  return { data: join(parts, got), err };
}

/** archive/tar tryReadFull: like io.ReadFull but `EOF` also for a partial read, and an error that
 * arrives with the last bytes is kept unless it is `EOF`. */
export async function tryReadFull(r: GoReader, n: number): Promise<ReadResult> {
  const parts: Buffer[] = [];
  let got = 0;
  let err: string | null = null;
  while (n > got && err === null) {
    const res = await r.read(n - got);
    if (res.data.length > 0) {
      parts.push(res.data);
      got += res.data.length;
    }
    err = res.err;
  }
  if (got === n && err === EOF) err = null;
  return { data: join(parts, got), err };
}

/** archive/tar mustReadFull: tryReadFull with `EOF` turned into `unexpected EOF`. */
export async function mustReadFull(r: GoReader, n: number): Promise<ReadResult> {
  const res = await tryReadFull(r, n);
  return res.err === EOF ? { data: res.data, err: UNEXPECTED_EOF } : res;
}

/**
 * io.CopyN(io.Discard, r, n): the number of bytes skipped, and the error unless all n came.
 * (CopyN reports success whenever it got n bytes, even if the last read also carried an error.)
 */
export async function discard(r: GoReader, n: number): Promise<{ skipped: number; err: string | null }> {
  let got = 0;
  let err: string | null = null;
  while (got < n) {
    const res = await r.read(Math.min(n - got, 1 << 20), { errIgnoredIfFull: n - got <= 1 << 20 });
    got += res.data.length;
    if (res.err !== null) {
      err = res.err === EOF ? null : res.err;
      break;
    }
  }
  if (got === n) err = null;
  else if (err === null) err = EOF;
  return { skipped: got, err };
}

/**
 * Streams everything `r` yields until EOF or an error (io.Copy / io.ReadAll): `sink` receives each
 * chunk; the result is the error (never `EOF`) or null. `sink` may throw to stop early.
 */
export async function copyAll(r: GoReader, sink: (chunk: Buffer) => void | Promise<void>, chunk = 1 << 16): Promise<string | null> {
  for (;;) {
    const res = await r.read(chunk);
    if (res.data.length > 0) await sink(res.data);
    if (res.err !== null) return res.err === EOF ? null : res.err;
  }
}

/** io.ReadAll with a cap: `tooBig` is set (and reading stops) once more than `max` bytes came. */
export async function readAll(r: GoReader, max: number): Promise<{ data: Buffer; err: string | null; tooBig: boolean }> {
  const parts: Buffer[] = [];
  let got = 0;
  let tooBig = false;
  const err = await copyAll(r, (c) => {
    got += c.length;
    if (got > max) {
      tooBig = true;
      throw new ReadAllStop();
    }
    parts.push(c);
  }).catch((e: unknown) => {
    if (e instanceof ReadAllStop) return null;
    throw e;
  });
  return { data: tooBig ? EMPTY : join(parts, got), err, tooBig };
}

class ReadAllStop extends Error {}

/** A GoReader over bytes already in memory (returns all of them, then `EOF`). */
export class BytesReader implements GoReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  read(max: number): Promise<ReadResult> {
    if (this.pos >= this.buf.length) return Promise.resolve({ data: EMPTY, err: EOF });
    const data = this.buf.subarray(this.pos, this.pos + max);
    this.pos += data.length;
    return Promise.resolve({ data, err: null });
  }
}
