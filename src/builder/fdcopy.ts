import type { FileHandle } from 'node:fs/promises';

/** The most a copy reads at once. */
const MAX_CHUNK = 256 * 1024;

/**
 * io.Copy between two open files, in bounded memory: one buffer, sized to the file when its size
 * is known (`size`, as stat gave it; a file that grew is still read to its end) and never over
 * 256 KiB. Read errors are thrown as `read`, write errors as `write`.
 */
export async function copyHandle(input: FileHandle, output: FileHandle, size: number = MAX_CHUNK): Promise<void> {
  const buf = Buffer.allocUnsafe(Math.min(MAX_CHUNK, Math.max(0, Math.floor(size)) + 1));
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
