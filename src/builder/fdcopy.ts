import type { FileHandle } from 'node:fs/promises';

/**
 * io.Copy between two open files, in bounded memory (one buffer of `chunk` bytes, at least 1).
 * Read errors are thrown as `read`, write errors as `write`.
 */
export async function copyHandle(input: FileHandle, output: FileHandle, chunk: number = 256 * 1024): Promise<void> {
  const buf = Buffer.allocUnsafe(Math.max(1, Math.floor(chunk)));
  for (;;) {
    let n: number;
    try {
      n = (await input.read(buf, 0, buf.length, null)).bytesRead;
    } catch (e) {
      throw Object.assign(e as Error, { op: 'read' });
    }
    if (n === 0) return;
    let off = 0;
    while (off < n) {
      try {
        off += (await output.write(buf, off, n - off, null)).bytesWritten;
      } catch (e) {
        throw Object.assign(e as Error, { op: 'write' });
      }
    }
  }
}
