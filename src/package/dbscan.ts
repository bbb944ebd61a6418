import { LimitExceeded } from '../archive/errors.js';
import { copyAll } from '../archive/goio.js';
import { GoGzipReader, type GzipHeaderInfo } from '../archive/gzip.js';
import { FileAccess } from '../archive/source.js';
import { TarReader } from '../archive/tar.js';
import { writeHeaderError } from '../archive/tarwriter.js';
import type { PackageLimits } from './limits.js';
import { entryFacts, limitDetail, type EntryFacts } from './parse.js';

/**
 * ccprovider.MetadataAsTarEntries, as install runs it on the LAST code.tar.gz (PKG-08): gzip +
 * tar over the whole archive; every entry whose name starts with exactly `META-INF/statedb/` is
 * written to a new tar (Writer.WriteHeader, then io.Copy of its data). Errors are returned
 * unwrapped; the parser prefixes `error retrieving DB artifacts from code package: `.
 */

export interface DbScanResult {
  /** Go's error text, or null when the scan succeeded. */
  readonly err: string | null;
  /** A harness limit stopped the scan (err is null then). */
  readonly limit: string | null;
  readonly gzipHeader: GzipHeaderInfo | null;
  readonly gzipMembers: number;
  readonly entries: readonly EntryFacts[];
  /** Names (as Go shows them) the peer takes as DB artifacts. */
  readonly artifacts: readonly string[];
}

const MAX_LISTED = 10_000;

export async function scanDbArtifacts(codeArchivePath: string, limits: PackageLimits): Promise<DbScanResult> {
  const entries: EntryFacts[] = [];
  const artifacts: string[] = [];
  let gzipHeader: GzipHeaderInfo | null = null;
  let members = 0;
  const result = (err: string | null, limit: string | null = null): DbScanResult => ({ err, limit, gzipHeader, gzipMembers: members, entries, artifacts });
  const access = new FileAccess(codeArchivePath);
  let gz: GoGzipReader | null = null;
  try {
    const opened = await GoGzipReader.open(access, { maxBytes: limits.maxDecompressedBytes, maxRatio: limits.maxRatio });
    if (!opened.reader) return result(opened.err);
    gz = opened.reader;
    gzipHeader = gz.stats.firstHeader;
    const tr = new TarReader(gz, { maxHeaders: limits.maxEntries });
    for (;;) {
      const next = await tr.next();
      members = gz.stats.members;
      if (next.err === 'EOF') return result(null);
      if (next.err !== null) return result(next.err);
      const h = next.header;
      const f = entryFacts(h);
      if (entries.length < MAX_LISTED) entries.push(f);
      if (!h.name.startsWith('META-INF/statedb/')) continue;
      const werr = writeHeaderError(h);
      if (werr !== null) return result(werr);
      if (artifacts.length < MAX_LISTED) artifacts.push(f.name);
      const cerr = await copyAll(tr, () => undefined, 1 << 20);
      if (cerr !== null) return result(cerr);
    }
  } catch (e) {
    if (e instanceof LimitExceeded) return result(null, limitDetail('code.tar.gz', e));
    throw e;
  } finally {
    if (gz) await gz.close();
    access.close();
  }
}
