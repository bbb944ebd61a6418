import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

/**
 * Chaincode packages for the real-peer corpus, good and broken, written byte by byte: the outer
 * tar.gz holds metadata.json and code.tar.gz (or whatever a case says instead), the inner one
 * connection.json and any other files.
 */

export interface TarFile {
  readonly name: string;
  readonly data: Buffer;
  /** Default 0o644. */
  readonly mode?: number;
  /** Default 'file'. */
  readonly type?: 'file' | 'directory' | 'symlink';
  readonly linkname?: string;
}

export async function tarGz(files: readonly TarFile[]): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    p.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    p.on('end', () => resolve(Buffer.concat(chunks)));
    p.on('error', reject);
  });
  for (const f of files) {
    const type = f.type ?? 'file';
    await new Promise<void>((resolve, reject) => {
      const header = { name: f.name, mode: f.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: 0, gid: 0, mtime: new Date(0), type, ...(f.linkname ? { linkname: f.linkname } : {}), ...(type === 'file' ? { size: f.data.length } : {}) };
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (type === 'file') p.entry(header, f.data, cb);
      else p.entry(header, cb);
    });
  }
  p.finalize();
  return gzipSync(await done);
}

export interface PackageSpec {
  /** metadata.json's bytes, or an object to serialise. */
  readonly metadata: Buffer | { readonly type: unknown; readonly label: unknown } | null;
  /** connection.json's bytes (null: no connection.json in code.tar.gz). */
  readonly connection: Buffer | null;
  /** More files in code.tar.gz. */
  readonly codeFiles?: readonly TarFile[];
  /** Leave code.tar.gz out. */
  readonly noCode?: boolean;
  /** More entries in the outer archive. */
  readonly outerFiles?: readonly TarFile[];
}

export async function makePackage(s: PackageSpec): Promise<Buffer> {
  const outer: TarFile[] = [];
  if (s.metadata !== null) outer.push({ name: 'metadata.json', data: Buffer.isBuffer(s.metadata) ? s.metadata : Buffer.from(JSON.stringify(s.metadata)) });
  if (!s.noCode) {
    const code: TarFile[] = [];
    if (s.connection) code.push({ name: 'connection.json', data: s.connection });
    code.push(...(s.codeFiles ?? []));
    outer.push({ name: 'code.tar.gz', data: await tarGz(code) });
  }
  outer.push(...(s.outerFiles ?? []));
  return tarGz(outer);
}

/** The package ID the peer computes: `<label>:<sha256 of the file>`. */
export function packageIdOf(label: string, bytes: Buffer): string {
  return `${label}:${createHash('sha256').update(bytes).digest('hex')}`;
}
