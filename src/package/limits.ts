/**
 * Limits of the HARNESS, not of the peer. The peer reads the whole package, every top-level entry
 * and the code package into memory (io.ReadAll) and has no caps at all, so a decompression bomb
 * or a hostile archive would exhaust its memory or disk. The harness stops instead, with a
 * finding (PKG-16) that says what the peer would have tried to do.
 */
export interface PackageLimits {
  /** Decompressed bytes per gzip stream (the package, or one code archive), and bytes extracted. */
  maxDecompressedBytes: number;
  /** Tar headers per archive (entries plus PAX/GNU meta headers). */
  maxEntries: number;
  /** Decompressed/compressed ratio per gzip stream, checked after the first MiB of output. */
  maxRatio: number;
  /** Bytes of one metadata.json entry (the peer decodes it whole). */
  maxMetadataBytes: number;
}

/**
 * Defaults sized for CCaaS packages (a connection.json and some index files): generous for any
 * real package, and small enough that a bomb or a hostile archive stops within seconds.
 */
export const DEFAULT_PACKAGE_LIMITS: PackageLimits = Object.freeze({
  maxDecompressedBytes: 4 * 1024 * 1024 * 1024,
  maxEntries: 10_000,
  maxRatio: 200,
  maxMetadataBytes: 1024 * 1024,
});
