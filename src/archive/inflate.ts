/**
 * A DEFLATE decoder with the observable behaviour of Go's compress/flate reader, written for this
 * project from the format (RFC 1951) and from the behaviour of Go's decoder:
 *
 *  - the same bytes consumed from the input before each decision (so `flate: corrupt input before
 *    offset N` carries Go's N, and a truncated stream fails where Go's fails);
 *  - the same acceptance rules (a Huffman code must be complete, except a single code of length
 *    one; a code of no symbols is accepted until a symbol is needed; the end-of-block code may be
 *    absent; distances may not reach before the start of the output);
 *  - the same output chunking: output is handed out when the 32 KiB window fills, at an empty
 *    stored block, at the end of the final block, and (what is left) when an error stops decoding;
 *    the read that empties the last chunk before the end or an error returns that error with it.
 *
 * It is slower than zlib and used only where Go's exact behaviour is needed: after zlib reports a
 * fault (to give Go's error, offset and the bytes Go delivers before it), and to decide whether
 * the end of a gzip member is reported together with its last bytes.
 */
import { EOF, UNEXPECTED_EOF } from './errors.js';

export interface SyncByteInput {
  /** The next byte, or -1 at the end of the input. */
  readByte(): number;
  /** Fills dst[off, off+len) as far as the input allows; returns how many bytes were read. */
  readInto(dst: Uint8Array, off: number, len: number): number;
}

export function corruptInput(offset: number): string {
  return `flate: corrupt input before offset ${offset}`;
}

const WINDOW = 1 << 15;
const CHUNK_BITS = 9;
const NUM_CHUNKS = 1 << CHUNK_BITS;
const COUNT_MASK = 15;
const VALUE_SHIFT = 4;
const MAX_CODE_LEN = 16;
const MAX_NUM_LIT = 286;
const MAX_NUM_DIST = 30;
const END_BLOCK = 256;
const CODE_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

function reverseBits(v: number, n: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) {
    r = (r << 1) | (v & 1);
    v >>>= 1;
  }
  return r;
}

/** A canonical Huffman decoding table: 9-bit primary lookup plus overflow tables for long codes. */
class HuffTable {
  min = 0;
  chunks = new Uint32Array(NUM_CHUNKS);
  links: Uint32Array[] = [];
  linkMask = 0;

  /** Builds the table; false when the lengths do not form a complete code (Go's rule). */
  build(lengths: ArrayLike<number>, count: number): boolean {
    this.min = 0;
    this.chunks.fill(0);
    this.links = [];
    this.linkMask = 0;
    const perLen = new Array<number>(MAX_CODE_LEN).fill(0);
    let min = 0;
    let max = 0;
    for (let i = 0; i < count; i++) {
      const n = lengths[i] as number;
      if (n === 0) continue;
      if (min === 0 || n < min) min = n;
      if (n > max) max = n;
      perLen[n] = (perLen[n] as number) + 1;
    }
    if (max === 0) return true;
    let code = 0;
    const next = new Array<number>(MAX_CODE_LEN).fill(0);
    for (let i = min; i <= max; i++) {
      code <<= 1;
      next[i] = code;
      code += perLen[i] as number;
    }
    if (code !== 1 << max && !(code === 1 && max === 1)) return false;
    this.min = min;
    if (max > CHUNK_BITS) {
      const numLinks = 1 << (max - CHUNK_BITS);
      this.linkMask = numLinks - 1;
      const firstLinked = (next[CHUNK_BITS + 1] as number) >> 1;
      for (let j = firstLinked; j < NUM_CHUNKS; j++) {
        const rev = reverseBits(j, CHUNK_BITS);
        const slot = j - firstLinked;
        this.chunks[rev] = (slot << VALUE_SHIFT) | (CHUNK_BITS + 1);
        this.links[slot] = new Uint32Array(numLinks);
      }
    }
    for (let sym = 0; sym < count; sym++) {
      const n = lengths[sym] as number;
      if (n === 0) continue;
      const c = next[n] as number;
      next[n] = c + 1;
      const entry = (sym << VALUE_SHIFT) | n;
      const rev = reverseBits(c, n);
      if (n <= CHUNK_BITS) {
        for (let off = rev; off < NUM_CHUNKS; off += 1 << n) this.chunks[off] = entry;
      } else {
        const primary = rev & (NUM_CHUNKS - 1);
        const slot = (this.chunks[primary] as number) >>> VALUE_SHIFT;
        const table = this.links[slot] as Uint32Array;
        for (let off = rev >>> CHUNK_BITS; off < table.length; off += 1 << (n - CHUNK_BITS)) table[off] = entry;
      }
    }
    return true;
  }
}

let FIXED: HuffTable | undefined;
function fixedTable(): HuffTable {
  if (!FIXED) {
    const lengths = new Array<number>(288);
    for (let i = 0; i < 144; i++) lengths[i] = 8;
    for (let i = 144; i < 256; i++) lengths[i] = 9;
    for (let i = 256; i < 280; i++) lengths[i] = 7;
    for (let i = 280; i < 288; i++) lengths[i] = 8;
    FIXED = new HuffTable();
    FIXED.build(lengths, 288);
  }
  return FIXED;
}

/** Thrown inside a step to stop it with a Go error text (already stored in `err`). */
class Stop {}
const STOP = new Stop();

type Step = 'nextBlock' | 'huffman' | 'copyHistory' | 'copyData';

/** Go's compress/flate reader over a synchronous input. */
export class GoInflater {
  /** Compressed bytes consumed so far (Go's roffset). */
  roffset = 0;
  private bits = 0;
  private nbits = 0;
  private readonly hist = new Uint8Array(WINDOW);
  private wrPos = 0;
  private rdPos = 0;
  private full = false;
  private step: Step = 'nextBlock';
  private final = false;
  /** null while decoding; `EOF` after the final block; otherwise the Go error text. */
  err: string | null = null;
  private toRead: Uint8Array = new Uint8Array(0);
  private readonly dyn1 = new HuffTable();
  private readonly dyn2 = new HuffTable();
  private readonly codebits = new Array<number>(19).fill(0);
  private readonly lens = new Array<number>(MAX_NUM_LIT + MAX_NUM_DIST).fill(0);
  private hl: HuffTable = this.dyn1;
  private hd: HuffTable | null = null;
  private copyLen = 0;
  private copyDist = 0;
  /** Total bytes produced. */
  produced = 0;

  constructor(private readonly input: SyncByteInput) {}

  /** Go's Read: up to `max` bytes; the error (or `EOF`) comes with the bytes that empty the last chunk. */
  read(max: number): { data: Uint8Array; err: string | null } {
    for (;;) {
      if (this.toRead.length > 0) {
        const n = Math.min(max, this.toRead.length);
        const data = this.toRead.subarray(0, n);
        this.toRead = this.toRead.subarray(n);
        return { data, err: this.toRead.length === 0 ? this.err : null };
      }
      if (this.err !== null) return { data: this.toRead, err: this.err };
      this.runStep();
      if (this.err !== null && this.toRead.length === 0) this.toRead = this.flush();
    }
  }

  // ---- window ----

  private histSize(): number {
    return this.full ? WINDOW : this.wrPos;
  }

  private flush(): Uint8Array {
    const out = this.hist.slice(this.rdPos, this.wrPos);
    this.produced += out.length;
    this.rdPos = this.wrPos;
    if (this.wrPos === WINDOW) {
      this.wrPos = 0;
      this.rdPos = 0;
      this.full = true;
    }
    return out;
  }

  /** Copies up to `length` bytes from `dist` back; stops at the end of the window. */
  private writeCopy(dist: number, length: number): number {
    const start = this.wrPos;
    let dst = start;
    const end = Math.min(dst + length, WINDOW);
    let src = dst - dist;
    if (src < 0) src += WINDOW;
    while (dst < end) {
      this.hist[dst++] = this.hist[src++] as number;
      if (src === WINDOW) src = 0;
    }
    this.wrPos = dst;
    return dst - start;
  }

  // ---- bits ----

  private fail(err: string): never {
    this.err = err;
    throw STOP;
  }

  private moreBits(): void {
    const c = this.input.readByte();
    if (c < 0) this.fail(UNEXPECTED_EOF);
    this.roffset++;
    this.bits |= c << this.nbits;
    this.nbits += 8;
  }

  private needBits(n: number): void {
    while (this.nbits < n) this.moreBits();
  }

  private takeBits(n: number): number {
    const v = this.bits & ((1 << n) - 1);
    this.bits >>>= n;
    this.nbits -= n;
    return v;
  }

  private sym(h: HuffTable): number {
    let n = h.min;
    for (;;) {
      while (this.nbits < n) {
        const c = this.input.readByte();
        if (c < 0) this.fail(UNEXPECTED_EOF);
        this.roffset++;
        this.bits = (this.bits | (c << this.nbits)) >>> 0;
        this.nbits += 8;
      }
      let chunk = h.chunks[this.bits & (NUM_CHUNKS - 1)] as number;
      n = chunk & COUNT_MASK;
      if (n > CHUNK_BITS) {
        chunk = (h.links[chunk >>> VALUE_SHIFT] as Uint32Array)[(this.bits >>> CHUNK_BITS) & h.linkMask] as number;
        n = chunk & COUNT_MASK;
      }
      if (n <= this.nbits) {
        if (n === 0) this.fail(corruptInput(this.roffset));
        this.bits >>>= n;
        this.nbits -= n;
        return chunk >>> VALUE_SHIFT;
      }
    }
  }

  // ---- steps ----

  private runStep(): void {
    try {
      switch (this.step) {
        case 'nextBlock':
          this.nextBlock();
          break;
        case 'huffman':
          this.huffman(false);
          break;
        case 'copyHistory':
          this.huffman(true);
          break;
        case 'copyData':
          this.copyData();
          break;
      }
    } catch (e) {
      if (e !== STOP) throw e;
    }
  }

  private nextBlock(): void {
    this.needBits(3);
    this.final = (this.bits & 1) === 1;
    const type = (this.bits >>> 1) & 3;
    this.bits >>>= 3;
    this.nbits -= 3;
    switch (type) {
      case 0:
        this.storedBlock();
        return;
      case 1:
        this.hl = fixedTable();
        this.hd = null;
        this.huffman(false);
        return;
      case 2:
        this.readDynamicHeader();
        this.hl = this.dyn1;
        this.hd = this.dyn2;
        this.huffman(false);
        return;
      default:
        this.fail(corruptInput(this.roffset));
    }
  }

  private readDynamicHeader(): void {
    this.needBits(14);
    const nlit = this.takeBits(5) + 257;
    if (nlit > MAX_NUM_LIT) this.fail(corruptInput(this.roffset));
    const ndist = this.takeBits(5) + 1;
    if (ndist > MAX_NUM_DIST) this.fail(corruptInput(this.roffset));
    const nclen = this.takeBits(4) + 4;
    for (let i = 0; i < nclen; i++) {
      this.needBits(3);
      this.codebits[CODE_ORDER[i] as number] = this.takeBits(3);
    }
    for (let i = nclen; i < CODE_ORDER.length; i++) this.codebits[CODE_ORDER[i] as number] = 0;
    if (!this.dyn1.build(this.codebits, 19)) this.fail(corruptInput(this.roffset));
    const total = nlit + ndist;
    for (let i = 0; i < total; ) {
      const x = this.sym(this.dyn1);
      if (x < 16) {
        this.lens[i++] = x;
        continue;
      }
      let rep: number;
      let nb: number;
      let val: number;
      if (x === 16) {
        rep = 3;
        nb = 2;
        if (i === 0) this.fail(corruptInput(this.roffset));
        val = this.lens[i - 1] as number;
      } else if (x === 17) {
        rep = 3;
        nb = 3;
        val = 0;
      } else {
        rep = 11;
        nb = 7;
        val = 0;
      }
      this.needBits(nb);
      rep += this.takeBits(nb);
      if (i + rep > total) this.fail(corruptInput(this.roffset));
      for (let j = 0; j < rep; j++) this.lens[i++] = val;
    }
    const litLens = this.lens.slice(0, nlit);
    const distLens = this.lens.slice(nlit, nlit + ndist);
    if (!this.dyn1.build(litLens, nlit) || !this.dyn2.build(distLens, ndist)) this.fail(corruptInput(this.roffset));
    const eob = litLens[END_BLOCK] as number;
    if (this.dyn1.min < eob) this.dyn1.min = eob;
  }

  private huffman(resumeCopy: boolean): void {
    if (resumeCopy && this.copyHistory()) return;
    for (;;) {
      const v = this.sym(this.hl);
      let length: number;
      let extra: number;
      if (v < 256) {
        this.hist[this.wrPos++] = v;
        if (this.wrPos === WINDOW) {
          this.toRead = this.flush();
          this.step = 'huffman';
          return;
        }
        continue;
      } else if (v === 256) {
        this.finishBlock();
        return;
      } else if (v < 265) {
        length = v - 254;
        extra = 0;
      } else if (v < 269) {
        length = v * 2 - (265 * 2 - 11);
        extra = 1;
      } else if (v < 273) {
        length = v * 4 - (269 * 4 - 19);
        extra = 2;
      } else if (v < 277) {
        length = v * 8 - (273 * 8 - 35);
        extra = 3;
      } else if (v < 281) {
        length = v * 16 - (277 * 16 - 67);
        extra = 4;
      } else if (v < 285) {
        length = v * 32 - (281 * 32 - 131);
        extra = 5;
      } else if (v < MAX_NUM_LIT) {
        length = 258;
        extra = 0;
      } else {
        this.fail(corruptInput(this.roffset));
      }
      if (extra > 0) {
        this.needBits(extra);
        length += this.takeBits(extra);
      }
      let dist: number;
      if (this.hd === null) {
        this.needBits(5);
        dist = reverseBits(this.takeBits(5), 5);
      } else {
        dist = this.sym(this.hd);
      }
      if (dist < 4) {
        dist++;
      } else if (dist < MAX_NUM_DIST) {
        const nb = (dist - 2) >>> 1;
        let ex = (dist & 1) << nb;
        this.needBits(nb);
        ex |= this.takeBits(nb);
        dist = (1 << (nb + 1)) + 1 + ex;
      } else {
        this.fail(corruptInput(this.roffset));
      }
      if (dist > this.histSize()) this.fail(corruptInput(this.roffset));
      this.copyLen = length;
      this.copyDist = dist;
      if (this.copyHistory()) return;
    }
  }

  /** Copies the pending match; true when it stopped to hand out a full window. */
  private copyHistory(): boolean {
    const cnt = this.writeCopy(this.copyDist, this.copyLen);
    this.copyLen -= cnt;
    if (this.wrPos === WINDOW || this.copyLen > 0) {
      this.toRead = this.flush();
      this.step = 'copyHistory';
      return true;
    }
    return false;
  }

  private storedBlock(): void {
    this.nbits = 0;
    this.bits = 0;
    const head = new Uint8Array(4);
    const nr = this.input.readInto(head, 0, 4);
    this.roffset += nr;
    if (nr < 4) this.fail(UNEXPECTED_EOF);
    const n = (head[0] as number) | ((head[1] as number) << 8);
    const nn = (head[2] as number) | ((head[3] as number) << 8);
    if ((nn & 0xffff) !== (~n & 0xffff)) this.fail(corruptInput(this.roffset));
    if (n === 0) {
      this.toRead = this.flush();
      this.finishBlock();
      return;
    }
    this.copyLen = n;
    this.copyData();
  }

  private copyData(): void {
    const want = Math.min(WINDOW - this.wrPos, this.copyLen);
    const cnt = want > 0 ? this.input.readInto(this.hist, this.wrPos, want) : 0;
    this.roffset += cnt;
    this.copyLen -= cnt;
    this.wrPos += cnt;
    if (cnt < want) this.fail(UNEXPECTED_EOF);
    if (this.wrPos === WINDOW || this.copyLen > 0) {
      this.toRead = this.flush();
      this.step = 'copyData';
      return;
    }
    this.finishBlock();
  }

  private finishBlock(): void {
    if (this.final) {
      if (this.wrPos - this.rdPos > 0) this.toRead = this.flush();
      this.err = EOF;
    }
    this.step = 'nextBlock';
  }
}

/** A SyncByteInput over a buffer. */
export class BufferInput implements SyncByteInput {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  readByte(): number {
    return this.pos < this.buf.length ? (this.buf[this.pos++] as number) : -1;
  }
  readInto(dst: Uint8Array, off: number, len: number): number {
    const n = Math.max(0, Math.min(len, this.buf.length - this.pos));
    dst.set(this.buf.subarray(this.pos, this.pos + n), off);
    this.pos += n;
    return n;
  }
}
