import { goBytesToString } from '../gojson/index.js';
import { EOF, TAR_INVALID_HEADER, UNEXPECTED_EOF, LimitExceeded } from './errors.js';
import { EMPTY, discard, mustReadFull, readFull, readAll, tryReadFull, type GoReader, type ReadHint, type ReadResult } from './goio.js';

/**
 * A tar reader with the semantics of Go's archive/tar `Reader` (Go 1.26), because that is what
 * the peer runs on both archive levels. Written for this project from the tar formats and Go's
 * documented and observed behaviour:
 *
 *  - the same accepted headers (checksum signed or unsigned; V7, USTAR, PAX, GNU and STAR
 *    layouts; octal and base-256 numbers), the same entries (PAX `x` and GNU `L`/`K` headers are
 *    consumed, a PAX global header `g` is returned as an entry, the legacy `\0` type is promoted to
 *    `0`, or to `5` for a name ending in `/`), GNU sparse files (old and PAX 0.0/0.1/1.0) read
 *    with their holes as zeros;
 *  - the same errors at the same moments: an invalid header is `archive/tar: invalid tar header`,
 *    a truncated stream `unexpected EOF`, a stream that ends on a block boundary (or inside the
 *    padding of the last entry) is a clean end, and errors of the underlying reader pass through
 *    exactly where Go's io helpers pass them (see goio.ts). Errors are sticky, as in Go.
 *
 * Go strings are byte strings; names and PAX values are kept as "binary" JS strings (one char per
 * byte, latin1) so that comparisons are byte-exact, and shown with `display` (Go's UTF-8 view).
 */

export const TYPE = {
  REG: 0x30, // '0'
  REGA: 0x00, // '\0'
  LINK: 0x31,
  SYMLINK: 0x32,
  CHAR: 0x33,
  BLOCK: 0x34,
  DIR: 0x35,
  FIFO: 0x36,
  CONT: 0x37,
  XHEADER: 0x78, // 'x'
  XGLOBAL: 0x67, // 'g'
  GNU_SPARSE: 0x53, // 'S'
  GNU_LONGNAME: 0x4c, // 'L'
  GNU_LONGLINK: 0x4b, // 'K'
} as const;

/** Go's tar.Format bit set. */
export const FORMAT = { UNKNOWN: 0, V7: 1, USTAR: 2, PAX: 4, GNU: 8, STAR: 16 } as const;

export const ERR_FIELD_TOO_LONG = 'archive/tar: header field too long';
export const ERR_MISS_DATA = 'archive/tar: sparse file references non-existent data';
export const ERR_UNREF_DATA = 'archive/tar: sparse file contains unreferenced data';
export const ERR_SPARSE_TOO_LONG = 'archive/tar: sparse map too long';

const BLOCK = 512;
const MAX_SPECIAL_FILE = 1 << 20;
const MAX_SPARSE_ENTRIES = 1 << 20;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;
const UINT64_MAX = 0xffffffffffffffffn;

/** A Go time.Time as the tar code sees it: seconds and nanoseconds since 1970, or the zero Time. */
export interface GoTime {
  readonly sec: bigint;
  readonly nsec: number;
}
/** time.Time{} */
export const ZERO_TIME: GoTime = { sec: -62135596800n, nsec: 0 };
export function isZeroTime(t: GoTime): boolean {
  return t.sec === ZERO_TIME.sec && t.nsec === 0;
}

/** A Go tar.Header as Reader.Next returns it. String fields are binary strings (bytes). */
export interface TarHeader {
  readonly typeflag: number;
  readonly name: string;
  readonly linkname: string;
  /** Logical size (after sparse expansion). */
  readonly size: bigint;
  readonly mode: bigint;
  /** Go `int` (64-bit), as in the header or PAX record. */
  readonly uid: bigint;
  readonly gid: bigint;
  readonly uname: string;
  readonly gname: string;
  readonly modTime: GoTime;
  readonly accessTime: GoTime;
  readonly changeTime: GoTime;
  readonly devmajor: bigint;
  readonly devminor: bigint;
  readonly xattrs: ReadonlyMap<string, string> | null;
  readonly paxRecords: ReadonlyMap<string, string> | null;
  readonly format: number;
  /** Offset, in the tar stream, of the first header block of this entry (incl. PAX/GNU headers). */
  readonly offset: number;
  /** Whether the entry is a GNU sparse file (read with holes as zeros). */
  readonly sparse: boolean;
}

/** A binary string (one char per byte) from bytes. */
export function bin(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/** How Go shows a string (`%s`, or JSON): UTF-8, each invalid byte as U+FFFD. */
export function display(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return goBytesToString(Buffer.from(s, 'latin1'));
}

function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Go's parser (archive/tar strconv.go): the error is remembered, not thrown. */
class Parser {
  err = false;

  static str(b: Buffer): string {
    const i = b.indexOf(0);
    return bin(i >= 0 ? b.subarray(0, i) : b);
  }

  octal(b: Buffer): bigint {
    let s = 0;
    let e = b.length;
    while (s < e && (b[s] === 0x20 || b[s] === 0)) s++;
    while (e > s && (b[e - 1] === 0x20 || b[e - 1] === 0)) e--;
    if (s === e) return 0n;
    const digits = Parser.str(b.subarray(s, e));
    // strconv.ParseUint(s, 8, 64): octal digits only; out of range gives max uint64.
    if (!/^[0-7]+$/.test(digits)) {
      this.err = true;
      return 0n;
    }
    const x = BigInt('0o' + digits);
    if (x > UINT64_MAX) {
      this.err = true;
      return -1n; // int64(math.MaxUint64)
    }
    return BigInt.asIntN(64, x);
  }

  numeric(b: Buffer): bigint {
    if (b.length > 0 && ((b[0] as number) & 0x80) !== 0) {
      const inv = ((b[0] as number) & 0x40) !== 0 ? 0xff : 0;
      let x = 0n;
      for (let i = 0; i < b.length; i++) {
        let c = (b[i] as number) ^ inv;
        if (i === 0) c &= 0x7f;
        if (x >> 56n > 0n) {
          this.err = true;
          return 0n;
        }
        x = (x << 8n) | BigInt(c);
      }
      if (x >> 63n > 0n) {
        this.err = true;
        return 0n;
      }
      return inv === 0xff ? -x - 1n : x;
    }
    return this.octal(b);
  }
}

/** strconv.ParseInt(s, 10, 64) */
export function parseInt64(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const x = BigInt(s);
  return x > INT64_MAX || x < INT64_MIN ? null : x;
}

function checksums(blk: Buffer): [bigint, bigint] {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (blk[i] as number);
    unsigned += c;
    signed += c >= 0x80 ? c - 256 : c;
  }
  return [BigInt(unsigned), BigInt(signed)];
}

/** Go's block.getFormat. */
export function blockFormat(blk: Buffer): number {
  const p = new Parser();
  const value = p.octal(blk.subarray(148, 156));
  const [u, s] = checksums(blk);
  if (p.err || (value !== u && value !== s)) return FORMAT.UNKNOWN;
  const magic = bin(blk.subarray(257, 263));
  const version = bin(blk.subarray(263, 265));
  const trailer = bin(blk.subarray(508, 512));
  if (magic === 'ustar\0' && trailer === 'tar\0') return FORMAT.STAR;
  if (magic === 'ustar\0') return FORMAT.USTAR | FORMAT.PAX;
  if (magic === 'ustar ' && version === ' \0') return FORMAT.GNU;
  return FORMAT.V7;
}

interface MutableHeader {
  typeflag: number;
  name: string;
  linkname: string;
  size: bigint;
  mode: bigint;
  uid: bigint;
  gid: bigint;
  uname: string;
  gname: string;
  modTime: GoTime;
  accessTime: GoTime;
  changeTime: GoTime;
  devmajor: bigint;
  devminor: bigint;
  xattrs: Map<string, string> | null;
  paxRecords: Map<string, string> | null;
  format: number;
}

function unixTime(sec: bigint): GoTime {
  return { sec, nsec: 0 };
}

function isAsciiBytes(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if ((b[i] as number) >= 0x80) return false;
  return true;
}

function isAsciiString(s: string): boolean {
  // Go's isASCII ranges over runes of a byte string: any byte >= 0x80 makes it non-ASCII.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || c === 0) return false;
  }
  return true;
}

/** Go's readHeader body (after the zero-block checks): the header, or throws ErrHeader. */
function parseHeaderBlock(blk: Buffer): MutableHeader {
  const format = blockFormat(blk);
  if (format === FORMAT.UNKNOWN) throw new TarError(TAR_INVALID_HEADER);
  const p = new Parser();
  const h: MutableHeader = {
    typeflag: blk[156] as number,
    name: Parser.str(blk.subarray(0, 100)),
    linkname: Parser.str(blk.subarray(157, 257)),
    size: p.numeric(blk.subarray(124, 136)),
    mode: p.numeric(blk.subarray(100, 108)),
    uid: p.numeric(blk.subarray(108, 116)),
    gid: p.numeric(blk.subarray(116, 124)),
    modTime: unixTime(0n),
    accessTime: ZERO_TIME,
    changeTime: ZERO_TIME,
    uname: '',
    gname: '',
    devmajor: 0n,
    devminor: 0n,
    xattrs: null,
    paxRecords: null,
    format: FORMAT.UNKNOWN,
  };
  h.modTime = unixTime(p.numeric(blk.subarray(136, 148)));
  if (format > FORMAT.V7) {
    h.uname = Parser.str(blk.subarray(265, 297));
    h.gname = Parser.str(blk.subarray(297, 329));
    h.devmajor = p.numeric(blk.subarray(329, 337));
    h.devminor = p.numeric(blk.subarray(337, 345));
    let prefix = '';
    if (format & (FORMAT.USTAR | FORMAT.PAX)) {
      h.format = format;
      prefix = Parser.str(blk.subarray(345, 500));
      if (!isAsciiBytes(blk)) h.format = FORMAT.UNKNOWN;
      const nulEnd = (a: number, len: number): boolean => blk[a + len - 1] === 0;
      if (!(nulEnd(124, 12) && nulEnd(100, 8) && nulEnd(108, 8) && nulEnd(116, 8) && nulEnd(136, 12) && nulEnd(329, 8) && nulEnd(337, 8))) {
        h.format = FORMAT.UNKNOWN;
      }
    } else if (format & FORMAT.STAR) {
      prefix = Parser.str(blk.subarray(345, 476));
      h.accessTime = unixTime(p.numeric(blk.subarray(476, 488)));
      h.changeTime = unixTime(p.numeric(blk.subarray(488, 500)));
    } else if (format & FORMAT.GNU) {
      h.format = format;
      const p2 = new Parser();
      if (blk[345] !== 0) h.accessTime = unixTime(p2.numeric(blk.subarray(345, 357)));
      if (blk[357] !== 0) h.changeTime = unixTime(p2.numeric(blk.subarray(357, 369)));
      if (p2.err) {
        h.accessTime = ZERO_TIME;
        h.changeTime = ZERO_TIME;
        const s = Parser.str(blk.subarray(345, 500));
        if (isAsciiString(s) || s === '') prefix = s;
        h.format = FORMAT.UNKNOWN;
      }
    }
    if (prefix.length > 0) h.name = prefix + '/' + h.name;
  }
  if (p.err) throw new TarError(TAR_INVALID_HEADER);
  return h;
}

/** An error with Go's text, thrown inside this module and turned into a value at its boundary. */
class TarError extends Error {
  constructor(readonly goText: string) {
    super(goText);
  }
}

/** parsePAXRecord over a binary string. */
function parsePaxRecord(s: string): [string, string, string] {
  const sp = s.indexOf(' ');
  if (sp < 0) throw new TarError(TAR_INVALID_HEADER);
  const nStr = s.slice(0, sp);
  const n0 = parseInt64(nStr);
  if (n0 === null || n0 < 5n || n0 > BigInt(s.length)) throw new TarError(TAR_INVALID_HEADER);
  const n = Number(n0) - (nStr.length + 1);
  if (n <= 0) throw new TarError(TAR_INVALID_HEADER);
  const rest = s.slice(sp + 1);
  const rec = rest.slice(0, n - 1);
  if (rest.slice(n - 1, n) !== '\n') throw new TarError(TAR_INVALID_HEADER);
  const eq = rec.indexOf('=');
  if (eq < 0) throw new TarError(TAR_INVALID_HEADER);
  const k = rec.slice(0, eq);
  const v = rec.slice(eq + 1);
  if (!validPaxRecord(k, v)) throw new TarError(TAR_INVALID_HEADER);
  return [k, v, rest.slice(n)];
}

export function validPaxRecord(k: string, v: string): boolean {
  if (k === '' || k.includes('=')) return false;
  if (k === 'path' || k === 'linkpath' || k === 'uname' || k === 'gname') return !v.includes('\0');
  return !k.includes('\0');
}

function parsePax(buf: Buffer): Map<string, string> {
  let s = bin(buf);
  const sparseMap: string[] = [];
  const out = new Map<string, string>();
  while (s.length > 0) {
    const [k, v, rest] = parsePaxRecord(s);
    s = rest;
    if (k === 'GNU.sparse.offset' || k === 'GNU.sparse.numbytes') {
      if ((sparseMap.length % 2 === 0 && k !== 'GNU.sparse.offset') || (sparseMap.length % 2 === 1 && k !== 'GNU.sparse.numbytes') || v.includes(',')) {
        throw new TarError(TAR_INVALID_HEADER);
      }
      sparseMap.push(v);
    } else {
      out.set(k, v);
    }
  }
  if (sparseMap.length > 0) out.set('GNU.sparse.map', sparseMap.join(','));
  return out;
}

/** parsePAXTime */
function parsePaxTime(s: string): GoTime | null {
  const dot = s.indexOf('.');
  const ss = dot < 0 ? s : s.slice(0, dot);
  const sn = dot < 0 ? '' : s.slice(dot + 1);
  const secs = parseInt64(ss);
  if (secs === null) return null;
  if (sn.length === 0) return unixTime(secs);
  let digits = '';
  for (let i = 0; i < sn.length; i++) {
    const c = sn.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
    if (i < 9) digits += sn[i];
  }
  const nsecs = Number(digits.padEnd(9, '0'));
  // time.Unix(secs, ±nsecs), normalised to 0 <= nsec < 1e9
  let sec = secs;
  let nsec = ss.startsWith('-') ? -nsecs : nsecs;
  if (nsec < 0) {
    sec -= 1n;
    nsec += 1e9;
  }
  return { sec: BigInt.asIntN(64, sec), nsec };
}

/** mergePAX: applies PAX records to the header; false on a malformed value (Go's ErrHeader). */
function mergePax(h: MutableHeader, pax: Map<string, string>): boolean {
  for (const [k, v] of pax) {
    if (v === '') continue;
    switch (k) {
      case 'path':
        h.name = v;
        break;
      case 'linkpath':
        h.linkname = v;
        break;
      case 'uname':
        h.uname = v;
        break;
      case 'gname':
        h.gname = v;
        break;
      case 'uid':
      case 'gid': {
        const x = parseInt64(v);
        if (x === null) return false;
        if (k === 'uid') h.uid = x;
        else h.gid = x;
        break;
      }
      case 'atime':
      case 'mtime':
      case 'ctime': {
        const t = parsePaxTime(v);
        if (t === null) return false;
        if (k === 'atime') h.accessTime = t;
        else if (k === 'mtime') h.modTime = t;
        else h.changeTime = t;
        break;
      }
      case 'size': {
        const x = parseInt64(v);
        if (x === null) return false;
        h.size = x;
        break;
      }
      default:
        if (k.startsWith('SCHILY.xattr.')) {
          if (!h.xattrs) h.xattrs = new Map();
          h.xattrs.set(k.slice('SCHILY.xattr.'.length), v);
        }
    }
  }
  h.paxRecords = pax;
  return true;
}

function isHeaderOnlyType(t: number): boolean {
  return t === TYPE.LINK || t === TYPE.SYMLINK || t === TYPE.CHAR || t === TYPE.BLOCK || t === TYPE.DIR || t === TYPE.FIFO;
}

function blockPadding(n: bigint): number {
  return Number(-n & 511n);
}

interface SparseEntry {
  offset: bigint;
  length: bigint;
}

function validateSparseEntries(sp: SparseEntry[], size: bigint): boolean {
  if (size < 0n) return false;
  let pre: SparseEntry = { offset: 0n, length: 0n };
  for (const cur of sp) {
    if (cur.offset < 0n || cur.length < 0n) return false;
    if (cur.offset > INT64_MAX - cur.length) return false;
    if (cur.offset + cur.length > size) return false;
    if (pre.offset + pre.length > cur.offset) return false;
    pre = cur;
  }
  return true;
}

function invertSparseEntries(src: SparseEntry[], size: bigint): SparseEntry[] {
  const dst: SparseEntry[] = [];
  let pre: SparseEntry = { offset: 0n, length: 0n };
  for (const cur of src) {
    if (cur.length === 0n) continue;
    pre.length = cur.offset - pre.offset;
    if (pre.length > 0n) dst.push({ ...pre });
    pre = { offset: cur.offset + cur.length, length: 0n };
  }
  pre.length = size - pre.offset;
  dst.push(pre);
  return dst;
}

/** The reader of the current entry's data (Go's fileReader). */
interface FileReader extends GoReader {
  logicalRemaining(): bigint;
  physicalRemaining(): bigint;
}

/** Go's regFileReader */
class RegFileReader implements FileReader {
  constructor(private readonly r: GoReader, public nb: bigint) {}
  async read(max: number, hint?: ReadHint): Promise<ReadResult> {
    const want = BigInt(max) > this.nb ? Number(this.nb) : max;
    let data = EMPTY;
    let err: string | null = null;
    if (want > 0) {
      const res = await this.r.read(want, hint && want === max ? hint : undefined);
      data = res.data;
      err = res.err;
      this.nb -= BigInt(data.length);
    }
    if (err === EOF && this.nb > 0n) return { data, err: UNEXPECTED_EOF };
    if (err === null && this.nb === 0n) return { data, err: EOF };
    return { data, err };
  }
  logicalRemaining(): bigint {
    return this.nb;
  }
  physicalRemaining(): bigint {
    return this.nb;
  }
}

const ZEROS: Buffer = Buffer.alloc(1 << 16);

/** Go's sparseFileReader: holes read as zeros. */
class SparseFileReader implements FileReader {
  private pos = 0n;
  constructor(private readonly fr: RegFileReader, private readonly sp: SparseEntry[]) {}
  logicalRemaining(): bigint {
    const last = this.sp[this.sp.length - 1] as SparseEntry;
    return last.offset + last.length - this.pos;
  }
  physicalRemaining(): bigint {
    return this.fr.physicalRemaining();
  }
  async read(max: number): Promise<ReadResult> {
    const rem = this.logicalRemaining();
    const finished = BigInt(max) >= rem;
    const want = finished ? Number(rem) : max;
    const parts: Buffer[] = [];
    let filled = 0;
    let err: string | null = null;
    const endPos = this.pos + BigInt(want);
    while (endPos > this.pos && err === null) {
      const hole = this.sp[0] as SparseEntry;
      const holeStart = hole.offset;
      const holeEnd = hole.offset + hole.length;
      let nf: number;
      if (this.pos < holeStart) {
        const k = Math.min(want - filled, Number(holeStart - this.pos));
        const res = await tryReadFull(this.fr, k);
        parts.push(res.data);
        nf = res.data.length;
        err = res.err;
      } else {
        const k = Math.min(want - filled, Number(holeEnd - this.pos));
        nf = k;
        for (let left = k; left > 0; left -= ZEROS.length) parts.push(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
      }
      filled += nf;
      this.pos += BigInt(nf);
      if (this.pos >= holeEnd && this.sp.length > 1) this.sp.shift();
    }
    const data = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, filled);
    if (err === EOF) return { data, err: ERR_MISS_DATA };
    if (err !== null) return { data, err };
    if (this.logicalRemaining() === 0n && this.physicalRemaining() > 0n) return { data, err: ERR_UNREF_DATA };
    if (finished) return { data, err: EOF };
    return { data, err: null };
  }
}

export interface TarLimits {
  /** Stop (LimitExceeded) after this many headers (entries and PAX/GNU meta headers). */
  readonly maxHeaders: number;
}

/** Go's *tar.Reader. `next()` is Reader.Next; `read()` is Reader.Read on the current entry. */
export class TarReader implements GoReader {
  private pad = 0;
  private curr: FileReader;
  private err: string | null = null;
  /** Bytes of the tar stream consumed so far (for entry offsets). */
  private consumed = 0;
  headers = 0;

  constructor(private readonly r: GoReader, private readonly limits: TarLimits = { maxHeaders: Number.MAX_SAFE_INTEGER }) {
    this.curr = new RegFileReader(this.counting(), 0n);
  }

  private countingReader: GoReader | null = null;
  /** The underlying reader, counting the bytes it hands out. */
  private counting(): GoReader {
    if (!this.countingReader) {
      const self = this;
      this.countingReader = {
        async read(max: number, hint?: ReadHint): Promise<ReadResult> {
          const res = await self.r.read(max, hint);
          self.consumed += res.data.length;
          return res;
        },
      };
    }
    return this.countingReader;
  }

  /** Reader.Next: the next header, or the error (`EOF` at the end of the archive). Sticky. */
  async next(): Promise<{ header: TarHeader; err: null } | { header: null; err: string }> {
    if (this.err !== null) return { header: null, err: this.err };
    let res: { header: TarHeader; err: null } | { header: null; err: string };
    try {
      res = { header: await this.nextInner(), err: null };
    } catch (e) {
      if (!(e instanceof TarError)) throw e;
      res = { header: null, err: e.goText };
    }
    this.err = res.err;
    return res;
  }

  /** Reader.Read: reads the current entry's data. */
  async read(max: number, hint?: ReadHint): Promise<ReadResult> {
    if (this.err !== null) return { data: EMPTY, err: this.err };
    const res = await this.curr.read(max, hint);
    if (res.err !== null && res.err !== EOF) this.err = res.err;
    return res;
  }

  private async readHeader(): Promise<{ h: MutableHeader; blk: Buffer } | null> {
    const a = await readFull(this.counting(), BLOCK);
    if (a.err !== null) throw new TarError(a.err);
    if (isZeroBlock(a.data)) {
      const b = await readFull(this.counting(), BLOCK);
      if (b.err !== null) throw new TarError(b.err);
      if (isZeroBlock(b.data)) throw new TarError(EOF);
      throw new TarError(TAR_INVALID_HEADER);
    }
    return { h: parseHeaderBlock(a.data), blk: a.data };
  }

  private handleRegularFile(h: MutableHeader): void {
    const nb = isHeaderOnlyType(h.typeflag) ? 0n : h.size;
    if (nb < 0n) throw new TarError(TAR_INVALID_HEADER);
    this.pad = blockPadding(nb);
    this.curr = new RegFileReader(this.counting(), nb);
  }

  private async nextInner(): Promise<TarHeader> {
    let pax: Map<string, string> | null = null;
    let longName = '';
    let longLink = '';
    let format = FORMAT.USTAR | FORMAT.PAX | FORMAT.GNU;
    let first = -1;
    for (;;) {
      const d = await discard(this.counting(), Number(this.curr.physicalRemaining()));
      if (d.err !== null) throw new TarError(d.err === EOF && d.skipped < Number(this.curr.physicalRemaining()) ? UNEXPECTED_EOF : d.err);
      // (discard's EOF-before-n is already unexpected EOF in Go; see goio.discard)
      const p = await tryReadFull(this.counting(), this.pad);
      if (p.err !== null) throw new TarError(p.err);
      this.pad = 0;
      if (first < 0) first = this.consumed;
      if (++this.headers > this.limits.maxHeaders) throw new LimitExceeded('entries', `more than ${this.limits.maxHeaders} tar headers`);
      const rh = await this.readHeader();
      if (!rh) throw new TarError(EOF);
      const { h, blk } = rh;
      this.handleRegularFile(h);
      format &= h.format;

      if (h.typeflag === TYPE.XHEADER || h.typeflag === TYPE.XGLOBAL) {
        format &= FORMAT.PAX;
        pax = parsePax(await this.readSpecialFile());
        if (h.typeflag === TYPE.XGLOBAL) {
          // Go ignores mergePAX's error here and keeps only these fields.
          mergePax(h, pax);
          return freeze({
            ...emptyHeader(),
            name: h.name,
            typeflag: h.typeflag,
            xattrs: h.xattrs,
            paxRecords: h.paxRecords,
            format,
          }, first, false);
        }
        continue;
      }
      if (h.typeflag === TYPE.GNU_LONGNAME || h.typeflag === TYPE.GNU_LONGLINK) {
        format &= FORMAT.GNU;
        const body = await this.readSpecialFile();
        const s = Parser.str(body);
        if (h.typeflag === TYPE.GNU_LONGNAME) longName = s;
        else longLink = s;
        continue;
      }
      if (pax && !mergePax(h, pax)) throw new TarError(TAR_INVALID_HEADER);
      if (longName !== '') h.name = longName;
      if (longLink !== '') h.linkname = longLink;
      if (h.typeflag === TYPE.REGA) h.typeflag = h.name.endsWith('/') ? TYPE.DIR : TYPE.REG;
      this.handleRegularFile(h);
      const sparse = await this.handleSparseFile(h, blk);
      if ((format & FORMAT.USTAR) && (format & FORMAT.PAX)) format &= FORMAT.USTAR;
      h.format = format;
      return freeze(h, first, sparse);
    }
  }

  /** readSpecialFile: the body of a PAX/GNU meta header, at most 1 MiB. */
  private async readSpecialFile(): Promise<Buffer> {
    const r = await readAll(this.limitReader(MAX_SPECIAL_FILE + 1), MAX_SPECIAL_FILE + 1);
    if (r.data.length > MAX_SPECIAL_FILE) throw new TarError(ERR_FIELD_TOO_LONG);
    if (r.err !== null) throw new TarError(r.err);
    return r.data;
  }

  /** io.LimitReader(tr, n) over the current entry. */
  private limitReader(n: number): GoReader {
    let left = n;
    return {
      read: async (max: number): Promise<ReadResult> => {
        if (left <= 0) return { data: EMPTY, err: EOF };
        const res = await this.read(Math.min(max, left));
        left -= res.data.length;
        return res;
      },
    };
  }

  private async handleSparseFile(h: MutableHeader, blk: Buffer): Promise<boolean> {
    let spd: SparseEntry[] | null;
    if (h.typeflag === TYPE.GNU_SPARSE) spd = await this.readOldGnuSparseMap(h, blk);
    else spd = await this.readGnuSparsePaxHeaders(h);
    if (spd === null) return false;
    if (isHeaderOnlyType(h.typeflag) || !validateSparseEntries(spd, h.size)) throw new TarError(TAR_INVALID_HEADER);
    const holes = invertSparseEntries(spd, h.size);
    this.curr = new SparseFileReader(this.curr as RegFileReader, holes);
    return true;
  }

  private async readOldGnuSparseMap(h: MutableHeader, headerBlk: Buffer): Promise<SparseEntry[]> {
    if (blockFormat(headerBlk) !== FORMAT.GNU) throw new TarError(TAR_INVALID_HEADER);
    const p = new Parser();
    h.size = p.numeric(headerBlk.subarray(483, 495));
    if (p.err) throw new TarError(TAR_INVALID_HEADER);
    let s = headerBlk.subarray(386, 386 + 24 * 4 + 1);
    const spd: SparseEntry[] = [];
    let total = s.length;
    while (total < MAX_SPECIAL_FILE) {
      const maxEntries = Math.floor(s.length / 24);
      for (let i = 0; i < maxEntries; i++) {
        const off = s.subarray(i * 24, i * 24 + 12);
        if (off[0] === 0) break;
        const offset = p.numeric(off);
        const length = p.numeric(s.subarray(i * 24 + 12, i * 24 + 24));
        if (p.err) throw new TarError(TAR_INVALID_HEADER);
        if (spd.length >= MAX_SPARSE_ENTRIES) throw new TarError(ERR_SPARSE_TOO_LONG);
        spd.push({ offset, length });
      }
      if ((s[24 * maxEntries] as number) > 0) {
        const ext = await mustReadFull(this.counting(), BLOCK);
        if (ext.err !== null) throw new TarError(ext.err);
        s = ext.data;
        total += s.length;
        continue;
      }
      return spd;
    }
    throw new TarError(ERR_SPARSE_TOO_LONG);
  }

  private async readGnuSparsePaxHeaders(h: MutableHeader): Promise<SparseEntry[] | null> {
    const recs = h.paxRecords;
    const get = (k: string): string => recs?.get(k) ?? '';
    const major = get('GNU.sparse.major');
    const minor = get('GNU.sparse.minor');
    let is1x0: boolean;
    if (major === '0' && (minor === '0' || minor === '1')) is1x0 = false;
    else if (major === '1' && minor === '0') is1x0 = true;
    else if (major !== '' || minor !== '') return null;
    else if (get('GNU.sparse.map') !== '') is1x0 = false;
    else return null;
    const name = get('GNU.sparse.name');
    if (name !== '') h.name = name;
    let size = get('GNU.sparse.size');
    if (size === '') size = get('GNU.sparse.realsize');
    if (size !== '') {
      const n = parseInt64(size);
      if (n === null) throw new TarError(TAR_INVALID_HEADER);
      h.size = n;
    }
    return is1x0 ? this.readGnuSparseMap1x0() : readGnuSparseMap0x1(get('GNU.sparse.numblocks'), get('GNU.sparse.map'));
  }

  private async readGnuSparseMap1x0(): Promise<SparseEntry[]> {
    let newlines = 0n;
    let buf = '';
    let total = 0;
    const feed = async (n: bigint): Promise<void> => {
      while (newlines < n) {
        total += BLOCK;
        if (total > MAX_SPECIAL_FILE) throw new TarError(ERR_SPARSE_TOO_LONG);
        const b = await mustReadFull(this.curr, BLOCK);
        if (b.err !== null) throw new TarError(b.err);
        const s = bin(b.data);
        buf += s;
        for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) newlines++;
      }
    };
    const token = (): string => {
      newlines--;
      const i = buf.indexOf('\n');
      const tok = buf.slice(0, i);
      buf = buf.slice(i + 1);
      return tok;
    };
    await feed(1n);
    const num = parseInt64(token());
    if (num === null || num < 0n || BigInt.asIntN(64, 2n * num) < num) throw new TarError(TAR_INVALID_HEADER);
    await feed(2n * num);
    const spd: SparseEntry[] = [];
    for (let i = 0n; i < num; i++) {
      const offset = parseInt64(token());
      const length = parseInt64(token());
      if (offset === null || length === null) throw new TarError(TAR_INVALID_HEADER);
      if (spd.length >= MAX_SPARSE_ENTRIES) throw new TarError(ERR_SPARSE_TOO_LONG);
      spd.push({ offset, length });
    }
    return spd;
  }
}

function readGnuSparseMap0x1(numBlocks: string, map: string): SparseEntry[] {
  const num = parseInt64(numBlocks);
  if (num === null || num < 0n || BigInt.asIntN(64, 2n * num) < num) throw new TarError(TAR_INVALID_HEADER);
  let parts = map.split(',');
  if (parts.length === 1 && parts[0] === '') parts = [];
  if (BigInt(parts.length) !== 2n * num) throw new TarError(TAR_INVALID_HEADER);
  const spd: SparseEntry[] = [];
  while (parts.length >= 2) {
    const offset = parseInt64(parts[0] as string);
    const length = parseInt64(parts[1] as string);
    if (offset === null || length === null) throw new TarError(TAR_INVALID_HEADER);
    if (spd.length >= MAX_SPARSE_ENTRIES) throw new TarError(ERR_SPARSE_TOO_LONG);
    spd.push({ offset, length });
    parts = parts.slice(2);
  }
  return spd;
}

function emptyHeader(): MutableHeader {
  return {
    typeflag: 0, name: '', linkname: '', size: 0n, mode: 0n, uid: 0n, gid: 0n, uname: '', gname: '',
    modTime: ZERO_TIME, accessTime: ZERO_TIME, changeTime: ZERO_TIME, devmajor: 0n, devminor: 0n,
    xattrs: null, paxRecords: null, format: FORMAT.UNKNOWN,
  };
}

function freeze(h: MutableHeader, offset: number, sparse: boolean): TarHeader {
  return { ...h, offset, sparse };
}

/** The decimal type byte as Go prints a byte with %v. */
export function typeflagText(t: number): string {
  return String(t);
}
