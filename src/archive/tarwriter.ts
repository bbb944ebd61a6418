import { goQuote } from '../gojson/index.js';
import { ERR_FIELD_TOO_LONG, FORMAT, TYPE, ZERO_TIME, isZeroTime, validPaxRecord, type GoTime, type TarHeader } from './tar.js';

/**
 * What Go's archive/tar `Writer.WriteHeader` says about a header that `Reader.Next` returned.
 * The peer's install-time DB-artifact scan (PKG-08) copies every `META-INF/statedb/` entry of
 * code.tar.gz into a new tar with exactly this call, so a header the writer refuses fails the
 * install with the writer's text. The writer's output itself is never seen, so only the verdict
 * is reproduced: Go's format negotiation (allowedFormats) and the PAX size limit.
 */

const HEADER_PREFIX = 'archive/tar: cannot encode header';
const MAX_SPECIAL_FILE = 1 << 20;
const BASIC_KEYS = new Set(['path', 'linkpath', 'size', 'uid', 'gid', 'uname', 'gname', 'mtime', 'atime', 'ctime']);

function headerError(parts: readonly string[]): string {
  const ss = parts.filter((s) => s !== '');
  return ss.length === 0 ? HEADER_PREFIX : `${HEADER_PREFIX}: ${ss.join('; and ')}`;
}

function fitsInBase256(n: number, x: bigint): boolean {
  const binBits = BigInt((n - 1) * 8);
  return n >= 9 || (x >= -(1n << binBits) && x < 1n << binBits);
}

function fitsInOctal(n: number, x: bigint): boolean {
  const octBits = BigInt((n - 1) * 3);
  return x >= 0n && (n >= 22 || x < 1n << octBits);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || c === 0) return false;
  }
  return true;
}

/** Go's splitUSTARPath: can a long ASCII name be split into prefix (<=155) / name (<=100)? */
function splitUstarPath(name: string): boolean {
  let length = name.length;
  if (length <= 100 || !isAscii(name)) return false;
  if (length > 156) length = 156;
  else if (name[length - 1] === '/') length--;
  const i = name.slice(0, length).lastIndexOf('/');
  const nlen = name.length - i - 1;
  const plen = i;
  return !(i <= 0 || nlen > 100 || nlen === 0 || plen > 155);
}

function q(s: string): string {
  return goQuote(Buffer.from(s, 'latin1'));
}

/** formatPAXTime */
function formatPaxTime(t: GoTime): string {
  let secs = t.sec;
  let nsecs = t.nsec;
  if (nsecs === 0) return secs.toString();
  let sign = '';
  if (secs < 0n) {
    sign = '-';
    secs = -(secs + 1n);
    nsecs = -(nsecs - 1e9);
  }
  return `${sign}${secs}.${String(nsecs).padStart(9, '0')}`.replace(/0+$/, '');
}

/** time.Time.String() in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function goTimeString(t: GoTime): string {
  const days = t.sec >= 0n ? t.sec / 86400n : -((-t.sec + 86399n) / 86400n);
  let rem = Number(t.sec - days * 86400n);
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mm = Math.floor(rem / 60);
  const ss = rem - mm * 60;
  // civil_from_days (proleptic Gregorian)
  const z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  let y = yoe + era * 400n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  if (m <= 2n) y += 1n;
  const year = y < 0n ? '-' + (-y).toString().padStart(4, '0') : y.toString().padStart(4, '0');
  const p2 = (n: number | bigint): string => String(n).padStart(2, '0');
  const frac = t.nsec === 0 ? '' : '.' + String(t.nsec).padStart(9, '0').replace(/0+$/, '');
  return `${year}-${p2(m)}-${p2(d)} ${p2(hh)}:${p2(mm)}:${p2(ss)}${frac} +0000 UTC`;
}

/** time.Time.Round(time.Second) */
function roundSecond(t: GoTime): GoTime {
  if (isZeroTime(t)) return t;
  return t.nsec >= 5e8 ? { sec: t.sec + 1n, nsec: 0 } : { sec: t.sec, nsec: 0 };
}

function sameRecords(a: ReadonlyMap<string, string> | null, b: ReadonlyMap<string, string> | null): boolean {
  return a === b;
}

function paxRecordLength(k: string, v: string): number {
  const size = k.length + v.length + 3;
  let total = size + String(size).length;
  const rec = String(total).length + 1 + k.length + 1 + v.length + 1;
  if (rec !== total) total = rec;
  return total;
}

/** Writer.WriteHeader's verdict on `hdr`: null when accepted, else Go's error text. */
export function writeHeaderError(hdr: TarHeader): string | null {
  let modTime = hdr.modTime;
  let accessTime = hdr.accessTime;
  let changeTime = hdr.changeTime;
  if (hdr.format === FORMAT.UNKNOWN) {
    modTime = roundSecond(modTime);
    accessTime = ZERO_TIME;
    changeTime = ZERO_TIME;
  }
  let format = FORMAT.USTAR | FORMAT.PAX | FORMAT.GNU;
  const paxHdrs = new Map<string, string>();
  let whyNoUSTAR = '';
  let whyNoPAX = '';
  let whyNoGNU = '';
  let preferPAX = false;
  const records = hdr.paxRecords;

  const verifyString = (s: string, size: number, name: string, paxKey: string): void => {
    const tooLong = s.length > size;
    const allowLongGNU = paxKey === 'path' || paxKey === 'linkpath';
    if (s.includes('\0') || (tooLong && !allowLongGNU)) {
      whyNoGNU = `GNU cannot encode ${name}=${q(s)}`;
      format &= ~FORMAT.GNU;
    }
    if (!isAscii(s) || tooLong) {
      const canSplit = paxKey === 'path';
      if (!canSplit || !splitUstarPath(s)) {
        whyNoUSTAR = `USTAR cannot encode ${name}=${q(s)}`;
        format &= ~FORMAT.USTAR;
      }
      if (paxKey === '') {
        whyNoPAX = `PAX cannot encode ${name}=${q(s)}`;
        format &= ~FORMAT.PAX;
      } else {
        paxHdrs.set(paxKey, s);
      }
    }
    const v = records?.get(paxKey);
    if (v !== undefined && v === s) paxHdrs.set(paxKey, v);
  };
  const verifyNumeric = (n: bigint, size: number, name: string, paxKey: string): void => {
    if (!fitsInBase256(size, n)) {
      whyNoGNU = `GNU cannot encode ${name}=${n}`;
      format &= ~FORMAT.GNU;
    }
    if (!fitsInOctal(size, n)) {
      whyNoUSTAR = `USTAR cannot encode ${name}=${n}`;
      format &= ~FORMAT.USTAR;
      if (paxKey === '') {
        whyNoPAX = `PAX cannot encode ${name}=${n}`;
        format &= ~FORMAT.PAX;
      } else {
        paxHdrs.set(paxKey, n.toString());
      }
    }
    const v = records?.get(paxKey);
    if (v !== undefined && v === n.toString()) paxHdrs.set(paxKey, v);
  };
  const verifyTime = (ts: GoTime, size: number, name: string, paxKey: string): void => {
    if (isZeroTime(ts)) return;
    if (!fitsInBase256(size, ts.sec)) {
      whyNoGNU = `GNU cannot encode ${name}=${goTimeString(ts)}`;
      format &= ~FORMAT.GNU;
    }
    const isMtime = paxKey === 'mtime';
    const fitsOctal = fitsInOctal(size, ts.sec);
    if ((isMtime && !fitsOctal) || !isMtime) {
      whyNoUSTAR = `USTAR cannot encode ${name}=${goTimeString(ts)}`;
      format &= ~FORMAT.USTAR;
    }
    const needsNano = ts.nsec !== 0;
    if (!isMtime || !fitsOctal || needsNano) {
      preferPAX = true;
      if (paxKey === '') {
        whyNoPAX = `PAX cannot encode ${name}=${goTimeString(ts)}`;
        format &= ~FORMAT.PAX;
      } else {
        paxHdrs.set(paxKey, formatPaxTime(ts));
      }
    }
    const v = records?.get(paxKey);
    if (v !== undefined && v === formatPaxTime(ts)) paxHdrs.set(paxKey, v);
  };

  verifyString(hdr.name, 100, 'Name', 'path');
  verifyString(hdr.linkname, 100, 'Linkname', 'linkpath');
  verifyString(hdr.uname, 32, 'Uname', 'uname');
  verifyString(hdr.gname, 32, 'Gname', 'gname');
  verifyNumeric(hdr.mode, 8, 'Mode', '');
  verifyNumeric(hdr.uid, 8, 'Uid', 'uid');
  verifyNumeric(hdr.gid, 8, 'Gid', 'gid');
  verifyNumeric(hdr.size, 12, 'Size', 'size');
  verifyNumeric(hdr.devmajor, 8, 'Devmajor', '');
  verifyNumeric(hdr.devminor, 8, 'Devminor', '');
  verifyTime(modTime, 12, 'ModTime', 'mtime');
  verifyTime(accessTime, 12, 'AccessTime', 'atime');
  verifyTime(changeTime, 12, 'ChangeTime', 'ctime');

  let whyOnlyPAX = '';
  const whyOnlyGNU = '';
  const t = hdr.typeflag;
  const global = t === TYPE.XGLOBAL;
  if (t === TYPE.REG || t === TYPE.CHAR || t === TYPE.BLOCK || t === TYPE.FIFO || t === TYPE.GNU_SPARSE) {
    if (hdr.name.endsWith('/')) return headerError(['filename may not have trailing slash']);
  } else if (t === TYPE.XHEADER || t === TYPE.GNU_LONGNAME || t === TYPE.GNU_LONGLINK) {
    return headerError(['cannot manually encode TypeXHeader, TypeGNULongName, or TypeGNULongLink headers']);
  } else if (global) {
    const onlyAllowed = hdr.linkname === '' && hdr.size === 0n && hdr.mode === 0n && hdr.uid === 0n && hdr.gid === 0n && hdr.uname === '' && hdr.gname === '' &&
      isZeroTime(modTime) && isZeroTime(accessTime) && isZeroTime(changeTime) && hdr.devmajor === 0n && hdr.devminor === 0n && sameRecords(records, hdr.paxRecords);
    if (!onlyAllowed) return headerError(['only PAXRecords should be set for TypeXGlobalHeader']);
    whyOnlyPAX = 'only PAX supports TypeXGlobalHeader';
    format &= FORMAT.PAX;
  }
  const headerOnly = t === TYPE.LINK || t === TYPE.SYMLINK || t === TYPE.CHAR || t === TYPE.BLOCK || t === TYPE.DIR || t === TYPE.FIFO;
  if (!headerOnly && hdr.size < 0n) return headerError(['negative size on header-only type']);
  if (hdr.xattrs && hdr.xattrs.size > 0) {
    for (const [k, v] of hdr.xattrs) paxHdrs.set('SCHILY.xattr.' + k, v);
    whyOnlyPAX = 'only PAX supports Xattrs';
    format &= FORMAT.PAX;
  }
  if (records && records.size > 0) {
    for (const [k, v] of records) {
      if (paxHdrs.has(k)) continue;
      if (global) paxHdrs.set(k, v);
      else if (!BASIC_KEYS.has(k) && !k.startsWith('GNU.sparse.')) paxHdrs.set(k, v);
    }
    whyOnlyPAX = 'only PAX supports PAXRecords';
    format &= FORMAT.PAX;
  }
  for (const [k, v] of paxHdrs) {
    if (!validPaxRecord(k, v)) return headerError([`invalid PAX record: ${q(k + ' = ' + v)}`]);
  }
  if (hdr.format !== FORMAT.UNKNOWN) {
    let want = hdr.format;
    if (want & FORMAT.PAX && !preferPAX) want |= FORMAT.USTAR;
    format &= want;
  }
  if (format === FORMAT.UNKNOWN) {
    switch (hdr.format) {
      case FORMAT.USTAR:
        return headerError(['Format specifies USTAR', whyNoUSTAR, whyOnlyPAX, whyOnlyGNU]);
      case FORMAT.PAX:
        return headerError(['Format specifies PAX', whyNoPAX, whyOnlyGNU]);
      case FORMAT.GNU:
        return headerError(['Format specifies GNU', whyNoGNU, whyOnlyPAX]);
      default:
        return headerError([whyNoUSTAR, whyNoPAX, whyNoGNU, whyOnlyPAX, whyOnlyGNU]);
    }
  }
  if (!(format & FORMAT.USTAR) && format & FORMAT.PAX && (paxHdrs.size > 0 || global)) {
    let total = 0;
    for (const [k, v] of paxHdrs) total += paxRecordLength(k, v);
    if (total > MAX_SPECIAL_FILE) return ERR_FIELD_TOO_LONG;
  }
  return null;
}
