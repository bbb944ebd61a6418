import { writeSync } from 'node:fs';
import { fail, ok, type Outcome } from '../findings.js';
import { LimitExceeded } from '../archive/errors.js';
import { copyAll } from '../archive/goio.js';
import { goClean as clean, goDir, goJoin, validPath } from '../gopath/filepath.js';
import { closeQuietly, mkdirAll, openCreateRdwr } from '../archive/goos.js';
import { GoGzipReader } from '../archive/gzip.js';
import { FileAccess } from '../archive/source.js';
import { TYPE, TarReader, bin, display } from '../archive/tar.js';
import type { PackageLimits } from './limits.js';
import { entryFacts, limitDetail, type EntryFacts } from './parse.js';
import { UNTAR_PREFIX, text, untarChain } from './texts.js';

/**
 * externalbuilder.Untar, as NewBuildContext runs it on the builders' code.tar.gz (CODE-01..03):
 * gzip.NewReader (its error unwrapped), then for every tar entry: ValidPath (filepath.Clean, not
 * absolute, not escaping), then directories MkdirAll 0700, regular files MkdirAll of the parent
 * (0700) and OpenFile(O_CREATE|O_RDWR, header mode) without truncation, then the data; any other
 * type fails. Errors of the data copy are returned unwrapped, as the peer does.
 */

export interface UntarFacts {
  readonly entries: readonly EntryFacts[];
  readonly gzipMembers: number;
  readonly files: number;
  readonly bytes: number;
  /** Names (as Go shows them) whose cleaned path differs from the name (`./x`, `a/../b`). */
  readonly normalised: readonly string[];
}

const MAX_LISTED = 10_000;

export async function untarCodeArchive(codeArchivePath: string, destDir: string, limits: PackageLimits): Promise<{ outcome: Outcome<{ files: number; bytes: number }>; facts: UntarFacts }> {
  const entries: EntryFacts[] = [];
  const normalised: string[] = [];
  let files = 0;
  let bytes = 0;
  let members = 0;
  const facts = (): UntarFacts => ({ entries, gzipMembers: members, files, bytes, normalised });
  const failWith = (inner: string, message: string, rule = 'CODE-01') => ({
    outcome: fail<{ files: number; bytes: number }>({ rule, peerError: UNTAR_PREFIX + inner, message, evidence: { fullChain: untarChain(inner) } }),
    facts: facts(),
  });
  let access: FileAccess;
  try {
    access = new FileAccess(codeArchivePath);
  } catch (e) {
    return { outcome: fail({ rule: 'CODE-01', peerError: null, message: `cannot read ${codeArchivePath}: ${e instanceof Error ? e.message : String(e)}` }), facts: facts() };
  }
  // Go strings: the destination as bytes, so names with any bytes map to the same file.
  const dst = bin(Buffer.from(destDir, 'utf8'));
  let gz: GoGzipReader | null = null;
  try {
    const opened = await GoGzipReader.open(access, { maxBytes: limits.maxDecompressedBytes, maxRatio: limits.maxRatio });
    if (!opened.reader) return failWith(opened.err, 'code.tar.gz is not a gzip stream');
    gz = opened.reader;
    const tr = new TarReader(gz, { maxHeaders: limits.maxEntries });
    for (;;) {
      const next = await tr.next();
      members = gz.stats.members;
      if (next.err === 'EOF') return { outcome: ok({ files, bytes }), facts: facts() };
      if (next.err !== null) return failWith(text.nextTarElement(next.err), 'code.tar.gz is corrupt');
      const h = next.header;
      const f = entryFacts(h);
      if (entries.length < MAX_LISTED) entries.push(f);
      if (!validPath(h.name)) return failWith(text.escapingPath(f.name), `entry '${f.name}' is absolute or escapes the build directory`, 'CODE-02');
      const target = goJoin(dst, h.name);
      if (clean(h.name) !== h.name && normalised.length < 100) normalised.push(f.name);
      if (h.typeflag === TYPE.DIR) {
        const err = mkdirAll(target, 0o700);
        if (err !== null) return failWith(text.createDir(f.name, err), `directory '${f.name}' cannot be created`);
        continue;
      }
      if (h.typeflag !== TYPE.REG) {
        return failWith(text.invalidType(h.typeflag, f.name), `entry '${f.name}' is neither a regular file nor a directory`, 'CODE-03');
      }
      const parentErr = mkdirAll(goDir(target), 0o700);
      if (parentErr !== null) return failWith(text.createDir(display(goDir(h.name)), parentErr), `the directory of '${f.name}' cannot be created`);
      const o = openCreateRdwr(target, h.mode);
      if (o.fd === null) return failWith(text.createFile(f.name, o.err), `file '${f.name}' cannot be created`);
      const fd = o.fd;
      let pos = 0;
      let copyErr: string | null;
      try {
        copyErr = await copyAll(tr, (chunk) => {
          bytes += chunk.length;
          if (bytes > limits.maxDecompressedBytes) throw new LimitExceeded('bytes', `more than ${limits.maxDecompressedBytes} bytes extracted`);
          let off = 0;
          while (off < chunk.length) {
            const n = writeSync(fd, chunk, off, chunk.length - off, pos);
            off += n;
            pos += n;
          }
        }, 1 << 20);
      } finally {
        closeQuietly(fd);
      }
      files++;
      if (copyErr !== null) return failWith(copyErr, `the data of '${f.name}' cannot be read`);
    }
  } catch (e) {
    if (e instanceof LimitExceeded) {
      return { outcome: fail({ rule: 'PKG-16', peerError: null, message: limitDetail('code.tar.gz', e) }), facts: facts() };
    }
    const code = (e as { code?: string }).code;
    if (code) return { outcome: fail({ rule: 'CODE-01', peerError: null, message: `the harness could not write the extracted files: ${e instanceof Error ? e.message : String(e)}` }), facts: facts() };
    throw e;
  } finally {
    if (gz) await gz.close();
    access.close();
  }
}
