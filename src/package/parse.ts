import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { LimitExceeded } from '../archive/errors.js';
import { copyAll, readAll } from '../archive/goio.js';
import { GoGzipReader, type GzipHeaderInfo } from '../archive/gzip.js';
import type { RandomAccess } from '../archive/source.js';
import { TYPE, TarReader, display, type TarHeader } from '../archive/tar.js';
import { labelError } from './label.js';
import type { PackageLimits } from './limits.js';
import { decodeMetadata, type PackageMetadata } from './metadata.js';
import { text } from './texts.js';

/**
 * persistence.ParseChaincodePackage, streamed: gzip + tar over the whole package, every entry
 * must be regular, metadata.json decoded as it comes (the LAST one wins), code.tar.gz kept (the
 * LAST one goes to the DB-artifact scan, the FIRST to the builders), then the missing-file checks
 * and the label check. code.tar.gz entries are spooled to files in `work` instead of memory.
 */

/** A top-level tar entry, as the facts the judges need. */
export interface EntryFacts {
  readonly name: string;
  readonly nameBytes: string;
  readonly typeflag: number;
  readonly size: bigint;
  readonly mode: bigint;
  readonly uid: bigint;
  readonly gid: bigint;
  readonly uname: string;
  readonly gname: string;
  readonly mtime: bigint;
  readonly format: number;
  readonly pax: readonly string[];
  readonly sparse: boolean;
}

export function entryFacts(h: TarHeader): EntryFacts {
  return {
    name: display(h.name),
    nameBytes: h.name,
    typeflag: h.typeflag,
    size: h.size,
    mode: h.mode,
    uid: h.uid,
    gid: h.gid,
    uname: display(h.uname),
    gname: display(h.gname),
    mtime: h.modTime.sec,
    format: h.format,
    pax: h.paxRecords ? [...h.paxRecords.keys()].map(display) : [],
    sparse: h.sparse,
  };
}

/** Where the parse stopped, in the peer's words, and which rule that is. */
export interface ParseFailure {
  readonly rule: 'PKG-01' | 'PKG-02' | 'PKG-04' | 'PKG-05' | 'PKG-06' | 'PKG-16';
  /** The peer's error (without the `could not parse...` prefix); null for a harness limit. */
  readonly peerError: string | null;
  readonly detail: string;
}

export interface CodeSpool {
  readonly path: string;
  readonly size: number;
  /** Index among the top-level entries. */
  readonly entry: number;
}

export interface MetadataSeen {
  readonly entry: number;
  readonly bytes: Buffer;
  readonly decoded: PackageMetadata;
  readonly keys: readonly string[];
}

export interface ParseResult {
  readonly failure: ParseFailure | null;
  readonly gzipHeader: GzipHeaderInfo | null;
  readonly gzipMembers: number;
  /** Top-level entries seen (all of them up to where the parse stopped). */
  readonly entries: readonly EntryFacts[];
  /** Every metadata.json decoded, in order (bytes kept for the first and the last). */
  readonly metadata: readonly MetadataSeen[];
  readonly firstCode: CodeSpool | null;
  readonly lastCode: CodeSpool | null;
  readonly codeCount: number;
  readonly unexpected: readonly string[];
  /** The decoded metadata (the last metadata.json) when the loop got that far. */
  readonly label: string | null;
  readonly type: string | null;
  /** The parse got through the missing-file checks (label known). */
  readonly labelChecked: boolean;
}

const MAX_LISTED_ENTRIES = 10_000;

async function spoolEntry(tr: TarReader, path: string): Promise<{ size: number; err: string | null }> {
  let fh: FileHandle | null = await open(path, 'w', 0o600);
  let size = 0;
  try {
    const err = await copyAll(tr, async (chunk) => {
      size += chunk.length;
      let off = 0;
      while (off < chunk.length) off += (await (fh as FileHandle).write(chunk, off, chunk.length - off)).bytesWritten;
    }, 1 << 20);
    await fh.close();
    fh = null;
    return { size, err };
  } finally {
    if (fh) await fh.close().catch(() => undefined);
  }
}

/** `work` null: code.tar.gz entries are read and dropped (calculatepackageid needs no copy). */
export async function parsePackage(access: RandomAccess, work: string | null, limits: PackageLimits): Promise<ParseResult> {
  const entries: EntryFacts[] = [];
  const metadata: MetadataSeen[] = [];
  const unexpected: string[] = [];
  let firstCode: CodeSpool | null = null;
  let lastCode: CodeSpool | null = null;
  let codeCount = 0;
  let gzipHeader: GzipHeaderInfo | null = null;
  let gzipMembers = 0;
  let lastMeta: PackageMetadata | null = null;
  const result = (failure: ParseFailure | null, labelChecked = false): ParseResult => ({
    failure, gzipHeader, gzipMembers, entries, metadata, firstCode, lastCode, codeCount, unexpected,
    label: lastMeta ? lastMeta.label : null, type: lastMeta ? lastMeta.type : null, labelChecked,
  });

  const opened = await GoGzipReader.open(access, { maxBytes: limits.maxDecompressedBytes, maxRatio: limits.maxRatio });
  if (!opened.reader) return result({ rule: 'PKG-01', peerError: text.gzipOpen(opened.err), detail: 'the package is not a gzip stream' });
  const gz = opened.reader;
  gzipHeader = gz.stats.firstHeader;
  const tr = new TarReader(gz, { maxHeaders: limits.maxEntries });
  let spoolN = 0;
  try {
    for (let index = 0; ; index++) {
      const next = await tr.next();
      gzipMembers = gz.stats.members;
      if (next.err === 'EOF') break;
      if (next.err !== null) return result({ rule: 'PKG-01', peerError: text.nextHeader(next.err), detail: 'the package archive is corrupt' });
      const h = next.header;
      const facts = entryFacts(h);
      if (entries.length < MAX_LISTED_ENTRIES) entries.push(facts);
      if (h.typeflag !== TYPE.REG) {
        return result({ rule: 'PKG-02', peerError: text.notRegular(facts.name, h.typeflag), detail: `entry '${facts.name}' is not a regular file` });
      }
      const isCode = h.name === 'code.tar.gz';
      const isMeta = h.name === 'metadata.json';
      if (isCode) {
        codeCount++;
        if (work === null) {
          const err = await copyAll(tr, () => undefined, 1 << 20);
          if (err !== null) return result({ rule: 'PKG-01', peerError: text.readEntry(facts.name, err), detail: 'the package archive is corrupt' });
          continue;
        }
        const path = join(work, `code-${++spoolN}.tar.gz`);
        const s = await spoolEntry(tr, path);
        if (s.err !== null) {
          await rm(path, { force: true });
          return result({ rule: 'PKG-01', peerError: text.readEntry(facts.name, s.err), detail: 'the package archive is corrupt' });
        }
        const spool = { path, size: s.size, entry: index };
        if (!firstCode) firstCode = spool;
        if (lastCode && lastCode !== firstCode) await rm(lastCode.path, { force: true });
        lastCode = spool;
        continue;
      }
      if (isMeta) {
        const r = await readAll(tr, limits.maxMetadataBytes);
        if (r.tooBig) {
          return result({
            rule: 'PKG-16', peerError: null,
            detail: `metadata.json is larger than the harness limit of ${limits.maxMetadataBytes} bytes; the peer would read all of it into memory and decode it as JSON`,
          });
        }
        if (r.err !== null) return result({ rule: 'PKG-01', peerError: text.readEntry(facts.name, r.err), detail: 'the package archive is corrupt' });
        const d = decodeMetadata(r.data);
        metadata.push({ entry: index, bytes: r.data, decoded: d.metadata, keys: d.keys });
        if (metadata.length > 2) {
          // keep the bytes of the first and the last only
          const mid = metadata[metadata.length - 2] as MetadataSeen;
          metadata[metadata.length - 2] = { ...mid, bytes: Buffer.alloc(0) };
        }
        lastMeta = d.metadata;
        if (d.error !== null) return result({ rule: 'PKG-05', peerError: text.unmarshal(d.error), detail: 'metadata.json is not what the peer can decode' });
        continue;
      }
      // Any other file is read whole by the peer (io.ReadAll) and ignored with a warning.
      unexpected.push(facts.name);
      const err = await copyAll(tr, () => undefined, 1 << 20);
      if (err !== null) return result({ rule: 'PKG-01', peerError: text.readEntry(facts.name, err), detail: 'the package archive is corrupt' });
    }
    if (codeCount === 0) return result({ rule: 'PKG-04', peerError: text.noCode(), detail: 'no top-level entry is named exactly code.tar.gz' });
    if (metadata.length === 0) return result({ rule: 'PKG-04', peerError: text.noMetadata(), detail: 'no top-level entry is named exactly metadata.json' });
    const le = labelError((lastMeta as PackageMetadata).label);
    if (le !== null) return result({ rule: 'PKG-06', peerError: le, detail: 'the label is not valid' }, true);
    return result(null, true);
  } catch (e) {
    if (e instanceof LimitExceeded) {
      return result({ rule: 'PKG-16', peerError: null, detail: limitDetail('the package', e) });
    }
    throw e;
  } finally {
    await gz.close();
  }
}

/** What a harness limit means, in the peer's terms. */
export function limitDetail(what: string, e: LimitExceeded): string {
  const tail = e.limit === 'entries'
    ? 'the peer would keep reading headers with no limit'
    : 'the peer would decompress all of it (into memory at install), with no limit';
  return `${what}: ${e.message}; the harness stopped here: ${tail}`;
}

