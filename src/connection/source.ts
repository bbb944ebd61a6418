import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { learnPrivateKeys } from '../report/knownKeys.js';
import { decodeUserData } from './userData.js';
import type { ChaincodeServerUserData } from './userData.js';

/** The most a source code.tar.gz is inflated to look for its connection.json. */
const MAX_INFLATED = 64 * 1024 * 1024;

/**
 * The package's own connection.json (in code.tar.gz, before any builder ran), decoded as the
 * peer decodes it; null when there is none or it does not decode. Builders may rewrite it, so
 * this is what the user wrote, not what the peer will dial: the dial stage uses it to tell what
 * a builder dropped, the session to start a `--command` server before the build finishes.
 */
export async function sourceConnection(codeArchivePath: string | null): Promise<ChaincodeServerUserData | null> {
  if (!codeArchivePath) return null;
  const gz = await readFile(codeArchivePath).catch(() => null);
  if (!gz) return null;
  let tar: Buffer;
  try {
    tar = gunzipSync(gz, { maxOutputLength: MAX_INFLATED });
  } catch {
    return null;
  }
  const bytes = await new Promise<Buffer | null>((resolve) => {
    const ex = extract();
    let found: Buffer | null = null;
    ex.on('entry', (h, stream, next) => {
      const chunks: Buffer[] = [];
      const want = h.name.replace(/^\.\//, '') === 'connection.json';
      stream.on('data', (d: unknown) => {
        if (want && Buffer.isBuffer(d)) chunks.push(d);
      });
      stream.on('end', () => {
        if (want) found = Buffer.concat(chunks);
        next();
      });
      stream.resume();
    });
    ex.on('finish', () => resolve(found));
    ex.on('error', () => resolve(found));
    ex.end(tar);
  });
  if (!bytes) return null;
  learnPrivateKeys(bytes.toString('utf8')); // its client_key is redacted in every encoding from now on
  const d = decodeUserData(bytes);
  return d.kind === 'ok' ? d.userData : null;
}
