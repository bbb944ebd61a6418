import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FileAccess } from '../archive/source.js';
import type { PeerFailure } from '../findings.js';
import { packageIdOf } from './label.js';
import { DEFAULT_PACKAGE_LIMITS, type PackageLimits } from './limits.js';
import { parsePackage } from './parse.js';
import { PARSE_PREFIX } from './texts.js';

/** SHA-256 (lowercase hex) and size of a file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    const b = chunk as Buffer;
    size += b.length;
    h.update(b);
  }
  return { sha256: h.digest('hex'), size };
}

export type CalculatedPackageId = { readonly packageId: string; readonly label: string; readonly failure: null } | { readonly packageId: null; readonly label: string | null; readonly failure: PeerFailure };

/**
 * PKG-13: `peer lifecycle chaincode calculatepackageid`: ParseChaincodePackage only (no
 * DB-artifact scan, so a broken code.tar.gz goes unnoticed), then `<label>:<sha256>`. Errors carry
 * the CLI's prefix `could not parse as a chaincode install package: `.
 */
export async function calculatePackageId(file: string, limits: PackageLimits = DEFAULT_PACKAGE_LIMITS): Promise<CalculatedPackageId> {
  const access = new FileAccess(file);
  try {
    const [parsed, hash] = await Promise.all([parsePackage(access, null, limits), hashFile(file)]);
    if (parsed.failure) {
      const f = parsed.failure;
      return {
        packageId: null,
        label: parsed.label,
        failure: { rule: f.rule, peerError: f.peerError === null ? null : PARSE_PREFIX + f.peerError, message: f.detail },
      };
    }
    const label = parsed.label as string;
    return { packageId: packageIdOf(label, hash.sha256), label, failure: null };
  } finally {
    access.close();
  }
}
