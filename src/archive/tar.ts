import { ByteSource } from './source.js';
import { GoError, TAR_INVALID_HEADER, UNEXPECTED_EOF } from './errors.js';

/**
 * A streaming tar reader with the semantics of Go's archive/tar `Reader.Next`, because that is
 * what the peer runs on both archive levels: the same accepted headers, the same entries
 * (PAX `x` and GNU `L`/`K` headers consumed, PAX global `g` headers returned as entries, the
 * legacy `\0` type promoted), and the same error texts.
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

export type TarFormat = 'v7' | 'ustar' | 'pax' | 'gnu' | 'star' | 'unknown';

export interface TarHeader {
  /** The name as Go's string holds it (raw bytes); use `name` for display and comparison. */
  readonly nameBytes: Buffer;
  readonly name: string;
  readonly linkname: string;
  /** The type byte after Go's promotion of `\0`. */
  readonly typeflag: number;
  readonly mode: bigint;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  /** Body size in bytes (0 for header-only types). */
  readonly size: number;
  readonly mtime: bigint;
  readonly format: TarFormat;
  readonly pax: Readonly<Record<string, string>> | null;
  /** Offset of the header block in the tar stream. */
  readonly offset: number;
}

export interface TarEntry {
  readonly header: TarHeader;
  /** Reads the whole body (at most `max` bytes, else throws LimitError via `onTooBig`). */
  readAll(max: number): Promise<Buffer>;
  /** Streams the body in chunks. */
  chunks(): AsyncGenerator<Buffer>;
}

const BLOCK = 512;
const MAX_SPECIAL_FILE = 1 << 20;
const HEADER_ONLY = new Set<number>([TYPE.LINK, TYPE.SYMLINK, TYPE.CHAR, TYPE.BLOCK, TYPE.DIR, TYPE.FIFO]);

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Go parser state: the first parse error is sticky, as in archive/tar's `parser`. */
class Parser {
  err = false;

  str(b: Buffer): Buffer {
    const i = b.indexOf(0);
    return i >= 0 ? b.subarray(0, i) : b;
  }

  octal(b: Buffer): bigint {
    let s = 0;
    let e = b.length;
    while (s < e && (b[s] === 0x20 || b[s] === 0)) s++;
    while (e > s && (b[e - 1] === 0x20 || b[e - 1] === 0)) e--;
    if (s === e) return 0n;
    const digits = this.str(b.subarray(s, e)).toString('latin1');
    // strconv.ParseUint(s, 8, 64): digits 0-7 only, no sign, no underscores, fits in 64 bits.
    if (digits.length === 0 || !/^[0-7]+$/.test(digits)) {
      this.err = true;
      return 0n;
    }
    const x = BigInt('0o' + digits);
    if (x > 0xffffffffffffffffn) {
      this.err = true;
      return 0xffffffffffffffffn;
    }
    return x;
  }

  /** Go's parseNumeric, returning the int64 value (which may be negative). */
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
        x = ((x << 8n) | BigInt(c)) & 0xffffffffffffffffn;
      }
      if (x >> 63n > 0n) {
        this.err = true;
        return 0n;
      }
      return inv === 0xff ? -x - 1n : x;
    }
    return BigInt.asIntN(64, this.octal(b));
  }
}

function checksumOk(blk: Buffer, p: Parser): boolean {
  const value = p.octal(blk.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (blk[i] as number);
    unsigned += c;
    signed += c >= 0x80 ? c - 256 : c;
  }
  return !p.err && (value === BigInt(unsigned) || value === BigInt(signed));
}

function detectFormat(blk: Buffer): TarFormat {
  const p = new Parser();
  if (!checksumOk(blk, p)) return 'unknown';
  const magic = blk.subarray(257, 263).toString('latin1');
  const version = blk.subarray(263, 265).toString('latin1');
  const trailer = blk.subarray(508, 512).toString('latin1');
  if (magic === 'ustar\0' && trailer === 'tar\0') return 'star';
  if (magic === 'ustar\0') return 'ustar';
  if (magic === 'ustar ' && version === ' \0') return 'gnu';
  return 'v7';
}

interface RawHeader {
  nameBytes: Buffer;
  linkname: Buffer;
  typeflag: number;
  mode: bigint;
  uid: bigint;
  gid: bigint;
  size: bigint;
  mtime: bigint;
  uname: Buffer;
  gname: Buffer;
  format: TarFormat;
}

function parseHeader(blk: Buffer): RawHeader {
  const format = detectFormat(blk);
  if (format === 'unknown') throw new GoError(TAR_INVALID_HEADER);
  const p = new Parser();
  const h: RawHeader = {
    typeflag: blk[156] as number,
    nameBytes: Buffer.from(p.str(blk.subarray(0, 100))),
    linkname: Buffer.from(p.str(blk.subarray(157, 257))),
    size: p.numeric(blk.subarray(124, 136)),
    mode: p.numeric(blk.subarray(100, 108)),
    uid: p.numeric(blk.subarray(108, 116)),
    gid: p.numeric(blk.subarray(116, 124)),
    mtime: p.numeric(blk.subarray(136, 148)),
    uname: Buffer.alloc(0),
    gname: Buffer.alloc(0),
    format,
  };
  if (format !== 'v7') {
    h.uname = Buffer.from(p.str(blk.subarray(265, 297)));
    h.gname = Buffer.from(p.str(blk.subarray(297, 329)));
    p.numeric(blk.subarray(329, 337));
    p.numeric(blk.subarray(337, 345));
    let prefix: Buffer = Buffer.alloc(0);
    if (format === 'ustar') {
      prefix = p.str(blk.subarray(345, 500));
    } else if (format === 'star') {
      prefix = p.str(blk.subarray(345, 476));
      p.numeric(blk.subarray(476, 488));
      p.numeric(blk.subarray(488, 500));
    } else if (format === 'gnu') {
      // Access/change times; a parse failure here means an old buggy writer, not an error.
      const p2 = new Parser();
      if (blk[345] !== 0) p2.numeric(blk.subarray(345, 357));
      if (blk[357] !== 0) p2.numeric(blk.subarray(357, 369));
      if (p2.err) {
        const s = p.str(blk.subarray(345, 500));
        if (s.every((c) => c < 0x80)) prefix = s;
        h.format = 'unknown';
      }
    }
    if (prefix.length > 0) h.nameBytes = Buffer.concat([prefix, Buffer.from('/'), h.nameBytes]);
  }
  if (p.err) throw new GoError(TAR_INVALID_HEADER);
  return h;
}

/** One PAX record `"%d %s=%s\n"`, as Go's parsePAXRecord accepts it. */
function parsePaxRecords(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let s = buf.toString('latin1');
  const sparse: string[] = [];
  while (s.length > 0) {
    const sp = s.indexOf(' ');
    if (sp < 0) throw new GoError(TAR_INVALID_HEADER);
    const nStr = s.slice(0, sp);
    if (!/^[+-]?[0-9]+$/.test(nStr)) throw new GoError(TAR_INVALID_HEADER);
    let n = Number(nStr);
    if (n < 5 || n > s.length) throw new GoError(TAR_INVALID_HEADER);
    const rest = s.slice(sp + 1);
    n -= nStr.length + 1;
    if (n <= 0) throw new GoError(TAR_INVALID_HEADER);
    const rec = rest.slice(0, n - 1);
    if (rest.slice(n - 1, n) !== '\n') throw new GoError(TAR_INVALID_HEADER);
    const eq = rec.indexOf('=');
    if (eq < 0) throw new GoError(TAR_INVALID_HEADER);
    const k = rec.slice(0, eq);
    const v = rec.slice(eq + 1);
    if (k === '' || k.includes('=')) throw new GoError(TAR_INVALID_HEADER);
    const nulChecked = k === 'path' || k === 'linkpath' || k === 'uname' || k === 'gname' ? v : k;
    if (nulChecked.includes('\0')) throw new GoError(TAR_INVALID_HEADER);
    s = rest.slice(n);
    if (k === 'GNU.sparse.offset' || k === 'GNU.sparse.numbytes') {
      const wantOffset = sparse.length % 2 === 0;
      if ((wantOffset && k !== 'GNU.sparse.offset') || (!wantOffset && k !== 'GNU.sparse.numbytes') || v.includes(',')) {
        throw new GoError(TAR_INVALID_HEADER);
      }
      sparse.push(v);
    } else {
      out.set(k, v);
    }
  }
  if (sparse.length > 0) out.set('GNU.sparse.map', sparse.join(','));
  return out;
}

const INT64_RE = /^[+-]?[0-9]+$/;
function parseGoInt64(v: string): bigint | null {
  if (!INT64_RE.test(v)) return null;
  const x = BigInt(v);
  return x > 0x7fffffffffffffffn || x < -0x8000000000000000n ? null : x;
}
function validPaxTime(v: string): boolean {
  const dot = v.indexOf('.');
  const ss = dot < 0 ? v : v.slice(0, dot);
  const sn = dot < 0 ? '' : v.slice(dot + 1);
  if (parseGoInt64(ss) === null) return false;
  return sn === '' || /^[0-9]*$/.test(sn);
}

/** Applies PAX records over a header, as Go's mergePAX does. */
function mergePax(h: RawHeader, pax: Map<string, string>): void {
  for (const [k, v] of pax) {
    if (v === '') continue;
    switch (k) {
      case 'path':
        h.nameBytes = Buffer.from(v, 'latin1');
        break;
      case 'linkpath':
        h.linkname = Buffer.from(v, 'latin1');
        break;
      case 'uname':
        h.uname = Buffer.from(v, 'latin1');
        break;
      case 'gname':
        h.gname = Buffer.from(v, 'latin1');
        break;
      case 'uid':
      case 'gid': {
        const x = parseGoInt64(v);
        if (x === null) throw new GoError(TAR_INVALID_HEADER);
        if (k === 'uid') h.uid = x;
        else h.gid = x;
        break;
      }
      case 'atime':
      case 'mtime':
      case 'ctime':
        if (!validPaxTime(v)) throw new GoError(TAR_INVALID_HEADER);
        break;
      case 'size': {
        const x = parseGoInt64(v);
        if (x === null) throw new GoError(TAR_INVALID_HEADER);
        h.size = x;
        break;
      }
      default:
        break;
    }
  }
}

/** Old GNU sparse headers: validate the sparse map in the header and its extension blocks. */
async function readOldGnuSparse(src: ByteSource, blk: Buffer, h: RawHeader): Promise<void> {
  const p = new Parser();
  const entries: Array<[bigint, bigint]> = [];
  const take = (b: Buffer, count: number): void => {
    for (let i = 0; i < count; i++) {
      const off = b.subarray(i * 24, i * 24 + 12);
      const len = b.subarray(i * 24 + 12, i * 24 + 24);
      if (off[0] === 0 && len[0] === 0) break;
      entries.push([p.numeric(off), p.numeric(len)]);
    }
  };
  take(blk.subarray(386, 482), 4);
  let extended = blk[482] !== 0;
  const realSize = p.numeric(blk.subarray(483, 495));
  while (extended) {
    const ext = await src.readFull(BLOCK);
    if (ext.length < BLOCK) throw new GoError(UNEXPECTED_EOF);
    take(ext.subarray(0, 504), 21);
    extended = ext[504] !== 0;
  }
  if (p.err) throw new GoError(TAR_INVALID_HEADER);
  const size = realSize > 0n ? realSize : h.size;
  let pre = 0n;
  for (const [off, len] of entries) {
    if (off < 0n || len < 0n || off > 0x7fffffffffffffffn - len || off + len > size || off < pre) {
      throw new GoError(TAR_INVALID_HEADER);
    }
    pre = off + len;
  }
}

function display(b: Buffer): string {
  return b.toString('utf8');
}

/**
 * Iterates over the entries of a tar stream as Go's `Reader.Next` returns them. Ends normally at
 * the end marker (two zero blocks) or at a clean end of stream on a block boundary; throws a
 * GoError with Go's text otherwise. Unread bodies are skipped on the next iteration.
 */
export async function* tarEntries(src: ByteSource): AsyncGenerator<TarEntry> {
  let remaining = 0; // unread body bytes of the current entry
  let pad = 0;
  for (;;) {
    let pax: Map<string, string> | null = null;
    let longName: Buffer | null = null;
    let longLink: Buffer | null = null;
    let format: TarFormat | null = null;
    let header: TarHeader | null = null;
    for (;;) {
      if (remaining > 0) {
        const skipped = await src.skip(remaining);
        if (skipped < remaining) throw new GoError(UNEXPECTED_EOF);
        remaining = 0;
      }
      if (pad > 0) {
        // Go's tryReadFull: a stream that ends inside the padding is a clean end of archive.
        const want = pad;
        pad = 0;
        if ((await src.readFull(want)).length < want) return;
      }
      const offset = src.consumed;
      const blk = await src.readFull(BLOCK);
      if (blk.length === 0) return;
      if (blk.length < BLOCK) throw new GoError(UNEXPECTED_EOF);
      if (isZero(blk)) {
        const blk2 = await src.readFull(BLOCK);
        if (blk2.length === 0) return;
        if (blk2.length < BLOCK) throw new GoError(UNEXPECTED_EOF);
        if (isZero(blk2)) return;
        throw new GoError(TAR_INVALID_HEADER);
      }
      const h = parseHeader(blk);
      const bodySize = (t: RawHeader): number => {
        const nb = HEADER_ONLY.has(t.typeflag) ? 0n : t.size;
        if (nb < 0n) throw new GoError(TAR_INVALID_HEADER);
        return Number(nb);
      };
      remaining = bodySize(h);
      pad = (BLOCK - (remaining % BLOCK)) % BLOCK;
      if (format === null) format = h.format;
      else if (h.format === 'gnu' || format === 'gnu') format = h.format === format ? format : 'unknown';

      if (h.typeflag === TYPE.XHEADER || h.typeflag === TYPE.XGLOBAL) {
        const body = await readSpecial(src, remaining);
        remaining = 0;
        pax = parsePaxRecords(body);
        if (h.typeflag === TYPE.XGLOBAL) {
          mergePax(h, pax);
          header = toHeader(h, TYPE.XGLOBAL, 0, Object.fromEntries(pax), 'pax', offset);
          break;
        }
        continue;
      }
      if (h.typeflag === TYPE.GNU_LONGNAME || h.typeflag === TYPE.GNU_LONGLINK) {
        const body = await readSpecial(src, remaining);
        remaining = 0;
        const s = new Parser().str(body);
        if (h.typeflag === TYPE.GNU_LONGNAME) longName = Buffer.from(s);
        else longLink = Buffer.from(s);
        continue;
      }
      if (pax) mergePax(h, pax);
      if (longName && longName.length > 0) h.nameBytes = longName;
      if (longLink && longLink.length > 0) h.linkname = longLink;
      let typeflag = h.typeflag;
      if (typeflag === TYPE.REGA) typeflag = h.nameBytes.length > 0 && h.nameBytes[h.nameBytes.length - 1] === 0x2f ? TYPE.DIR : TYPE.REG;
      remaining = bodySize({ ...h, typeflag });
      pad = (BLOCK - (remaining % BLOCK)) % BLOCK;
      if (typeflag === TYPE.GNU_SPARSE) await readOldGnuSparse(src, blk, h);
      header = toHeader(h, typeflag, remaining, pax ? Object.fromEntries(pax) : null, pax ? 'pax' : (format ?? h.format), offset);
      break;
    }
    const entryRemaining = (): number => remaining;
    const entry: TarEntry = {
      header,
      readAll: async (max: number) => {
        const want = entryRemaining();
        if (want > max) throw new RangeError(`entry body of ${want} bytes exceeds ${max}`);
        const b = await src.readFull(want);
        remaining -= b.length;
        if (b.length < want) throw new GoError(UNEXPECTED_EOF);
        return b;
      },
      chunks: async function* () {
        while (remaining > 0) {
          const b = await src.readSome(Math.min(remaining, 1 << 16));
          if (b.length === 0) throw new GoError(UNEXPECTED_EOF);
          remaining -= b.length;
          yield b;
        }
      },
    };
    yield entry;
  }
}

async function readSpecial(src: ByteSource, size: number): Promise<Buffer> {
  const b = await src.readFull(Math.min(size, MAX_SPECIAL_FILE + 1));
  if (b.length < Math.min(size, MAX_SPECIAL_FILE + 1)) throw new GoError(UNEXPECTED_EOF);
  if (b.length > MAX_SPECIAL_FILE) throw new GoError('archive/tar: header field too long');
  return b;
}

function toHeader(h: RawHeader, typeflag: number, size: number, pax: Record<string, string> | null, format: TarFormat, offset: number): TarHeader {
  return {
    nameBytes: h.nameBytes,
    name: display(h.nameBytes),
    linkname: display(h.linkname),
    typeflag,
    mode: h.mode,
    uid: Number(h.uid),
    gid: Number(h.gid),
    uname: display(h.uname),
    gname: display(h.gname),
    size,
    mtime: h.mtime,
    format,
    pax,
    offset,
  };
}
