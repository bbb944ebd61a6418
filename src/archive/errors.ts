/**
 * An error carrying the exact text Go's standard library would produce for the same input, so
 * that the judges can quote the peer byte for byte. Thrown inside the archive readers only; the
 * judges catch it at their boundary and turn it into a value.
 */
export class GoError extends Error {
  constructor(readonly goText: string) {
    super(goText);
    this.name = 'GoError';
  }
}

/** io.EOF */
export const EOF = 'EOF';
/** io.ErrUnexpectedEOF */
export const UNEXPECTED_EOF = 'unexpected EOF';
/** archive/tar ErrHeader */
export const TAR_INVALID_HEADER = 'archive/tar: invalid tar header';
/** compress/gzip ErrHeader */
export const GZIP_INVALID_HEADER = 'gzip: invalid header';
/** compress/gzip ErrChecksum */
export const GZIP_INVALID_CHECKSUM = 'gzip: invalid checksum';

/** A limit of the harness (not of the peer) was reached: a decompression bomb or a hostile archive. */
export class LimitExceeded extends Error {
  constructor(readonly limit: 'bytes' | 'entries' | 'ratio' | 'entry-size', message: string) {
    super(message);
    this.name = 'LimitExceeded';
  }
}
