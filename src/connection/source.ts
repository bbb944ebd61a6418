import { copyAll } from '../archive/goio.js';
import { GoGzipReader } from '../archive/gzip.js';
import { FileAccess } from '../archive/source.js';
import { TYPE, TarReader } from '../archive/tar.js';
import { goClean, validPath } from '../gopath/filepath.js';
import { learnPrivateKeys } from '../report/knownKeys.js';
import { decodeUserData } from './userData.js';
import type { ChaincodeServerUserData } from './userData.js';

/** The most a source code.tar.gz is inflated to look for its connection.json. */
const MAX_INFLATED = 64 * 1024 * 1024;
/** connection.json is small; anything larger is not what the ccaas builder would decode here. */
const MAX_CONNECTION_JSON = 4 * 1024 * 1024;

/**
 * The bytes the peer's extraction (externalbuilder.Untar) leaves at `<src>/connection.json`, read
 * with the same Go-faithful gzip and tar readers every verdict uses (src/archive): entries whose
 * cleaned name is connection.json, each written over the previous one without truncation
 * (O_CREATE|O_RDWR, as Untar opens files). null when the archive does not extract (the build
 * then fails on it, and says so) or holds no such file.
 */
export async function sourceConnectionBytes(codeArchivePath: string): Promise<Buffer | null> {
  let access: FileAccess;
  try {
    access = new FileAccess(codeArchivePath);
  } catch {
    return null;
  }
  let gz: GoGzipReader | null = null;
  try {
    const opened = await GoGzipReader.open(access, { maxBytes: MAX_INFLATED, maxRatio: Number.POSITIVE_INFINITY });
    if (!opened.reader) return null;
    gz = opened.reader;
    const tr = new TarReader(gz, { maxHeaders: 100_000 });
    let file: Buffer | null = null;
    for (;;) {
      const next = await tr.next();
      if (next.err !== null) return next.err === 'EOF' ? file : null;
      const h = next.header;
      // Untar stops at the first entry it refuses: nothing after it is extracted.
      if (!validPath(h.name)) return null;
      if (h.typeflag === TYPE.DIR) continue;
      if (h.typeflag !== TYPE.REG) return null;
      if (goClean(h.name) !== 'connection.json') continue;
      const chunks: Buffer[] = [];
      let size = 0;
      const err = await copyAll(tr, (c) => {
        size += c.length;
        if (size > MAX_CONNECTION_JSON) throw new RangeError('connection.json too large');
        chunks.push(Buffer.from(c));
      });
      if (err !== null) return null;
      const data = Buffer.concat(chunks);
      // Written over what an earlier entry of the same name left, without truncation.
      file = file && file.length > data.length ? Buffer.concat([data, file.subarray(data.length)]) : data;
    }
  } catch {
    return null;
  } finally {
    if (gz) await gz.close();
    access.close();
  }
}

/**
 * The package's own connection.json (in code.tar.gz, before any builder ran), decoded as the
 * peer decodes it; null when there is none or it does not decode. Builders may rewrite it, so
 * this is what the user wrote, not what the peer will dial: the dial stage uses it to tell what
 * a builder dropped, the session to start a `--command` server before the build finishes.
 */
export async function sourceConnection(codeArchivePath: string | null): Promise<ChaincodeServerUserData | null> {
  if (!codeArchivePath) return null;
  const bytes = await sourceConnectionBytes(codeArchivePath);
  if (!bytes) return null;
  learnPrivateKeys(bytes.toString('utf8')); // its client_key is redacted in every encoding from now on
  const d = decodeUserData(bytes);
  return d.kind === 'ok' ? d.userData : null;
}
