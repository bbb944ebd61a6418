/**
 * Go's error texts for the archive readers, so the judges can quote the peer byte for byte, and
 * the harness's own limit error (not a Go error: the peer has no such limits).
 */

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
