/**
 * The package judge: what the real Fabric peer does with a chaincode install package (PKG) and
 * with its code.tar.gz when an external builder runs (CODE), and a reproducible CCaaS packer.
 */
import type { Finding, Outcome, PeerFailure } from '../findings.js';
import { inspect } from './inspect.js';
import { DEFAULT_PACKAGE_LIMITS, type PackageLimits } from './limits.js';
import { pack, type PackOptions } from './pack.js';
import { untarCodeArchive } from './untar.js';

export { DEFAULT_PACKAGE_LIMITS, type PackageLimits } from './limits.js';
export type { PackOptions } from './pack.js';
export { calculatePackageId, type CalculatedPackageId } from './packageid.js';
export { labelError, packageIdOf, storedFileName } from './label.js';
export { PARSE_PREFIX, BUILD_PREFIX, untarChain } from './texts.js';
export type { IndexFile } from './indexes.js';

export interface InspectedPackage {
  readonly path: string;
  readonly size: number;
  /** Lowercase hex SHA-256 of the whole file (what the package ID hashes). */
  readonly sha256: string;
  /** The label of the LAST metadata.json, once the parse decoded it. */
  readonly label: string | null;
  readonly type: string | null;
  /**
   * `<label>:<sha256>` as soon as the parse got past the label check (PKG-06), even when install
   * fails later at the DB-artifact scan (PKG-08): that is the ID `calculatepackageid` prints.
   * null when the parse stopped earlier (no valid label, so the peer has no ID).
   */
  readonly packageId: string | null;
  /**
   * The install verdict: null when `InstallChaincode` would get past parsing; otherwise the rule
   * and the FULL client-visible chain in `peerError` (e.g. `could not parse as a chaincode install
   * package: tar entry ./ is not a regular file, type 53`). A harness limit (PKG-16) has
   * peerError null. Build-time (CODE) failures are findings, not this verdict: they depend on the
   * builders configured.
   */
  readonly failure: PeerFailure | null;
  /** One finding per PKG/CODE rule judged, including SHOULD findings. */
  readonly findings: readonly Finding[];
  /**
   * What the builders receive (PKG-11): the FIRST metadata.json bytes and the FIRST code.tar.gz,
   * streamed to a file under workDir (left there for the caller; everything else the judge
   * creates is removed). null when install fails before building.
   */
  readonly builderInput: { readonly metadataJson: Buffer; readonly codeArchivePath: string } | null;
}

/**
 * Judges a package file as `_lifecycle InstallChaincode` would (PKG-01..13), then, when install
 * gets that far, extracts the builders' code.tar.gz into a scratch directory under `workDir` as
 * `externalbuilder.Untar` would (CODE-01..03) and judges index files (CODE-05..07). Never throws
 * for any file content; memory stays flat however large the package is.
 */
export function inspectPackage(file: string, workDir: string, limits: PackageLimits = DEFAULT_PACKAGE_LIMITS): Promise<InspectedPackage> {
  return inspect(file, workDir, limits);
}

/**
 * CODE-01..03: extract code.tar.gz as the peer's externalbuilder.Untar does, into destDir (which
 * exists). failure.peerError is the inner text as NewBuildContext wraps it: `could not untar
 * source package: <err>`; the builder stage adds `could not build chaincode: external builder
 * failed: could not create build context: ` (see `untarChain`). A harness limit (a bomb, too many
 * entries) gives rule PKG-16 with peerError null: the peer has no limit and would keep going.
 */
export async function untarCode(codeArchivePath: string, destDir: string, limits: PackageLimits = DEFAULT_PACKAGE_LIMITS): Promise<Outcome<{ files: number; bytes: number }>> {
  const r = await untarCodeArchive(codeArchivePath, destDir, limits);
  return r.outcome;
}

/**
 * A correct CCaaS package whose bytes depend only on the inputs (same package ID on any machine,
 * any day): tar entries `metadata.json` then `code.tar.gz`, USTAR, mode 0644, uid/gid 0, empty
 * owner names, mtime 0; gzip header mtime 0, no name, OS 255 (as the peer CLI writes it).
 */
export function writePackage(opts: PackOptions): Promise<Buffer> {
  return pack(opts);
}
