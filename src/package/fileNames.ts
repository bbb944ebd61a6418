import { failed, passed, type Finding, type PeerFailure } from '../findings.js';
import { sanitizeCcidPath } from '../peer/chains.js';
import { storedFileName } from './label.js';
import { BUILD_CONTEXT_PREFIX, BUILD_PREFIX, EXTERNAL_BUILDER_PREFIX } from './texts.js';

/**
 * PKG-17: the package ID becomes file names on the peer, and a file name holds at most 255
 * bytes on the file systems peers run on (ext4, xfs, overlayfs: NAME_MAX). The label has no
 * length limit of its own (persistence.ValidateLabel), so a long one breaks install:
 *
 * - Store.Save renames a temp file to `<label>.<sha256>.tar.gz` (CCFileName: label + 72 bytes)
 *   in `<peer.fileSystemPath>/lifecycle/chaincodes`: from a 184-byte label the rename fails, and
 *   InstallChaincode returns `could not save cc install package: error writing chaincode install
 *   package to <path>: error renaming temp file '<tmp>': rename <tmp> <path>: file name too long`;
 * - NewBuildContext makes its scratch dir with os.MkdirTemp("", "fabric-"+SanitizeCCIDPath(ccid)):
 *   `fabric-<label>-<sha256>` plus Go's random suffix (the decimal of a uint32, 1 to 10 digits,
 *   9 or 10 in 99.8% of runs): label + 72 + digits bytes. A 174-byte label fails when the suffix
 *   has 10 digits (about 77% of installs), 175 bytes with 9 or more (about 98%), 176 to 182 in
 *   over 99%, 183 always (every retry is a new draw): `could not build chaincode: external builder failed: could not
 *   create build context: could not create temp dir: mkdir /tmp/fabric-<id><random>: file name
 *   too long`. The build runs only when an external builder is configured.
 *
 * Pure: the peer's paths come in, the finding goes out.
 */

export const NAME_MAX = 255;
/** `.` + 64 hex + `.tar.gz` after the label in the stored file name. */
const STORED_EXTRA = 72;
/** `fabric-` + `-` + 64 hex before MkdirTemp's random suffix. */
const SCRATCH_EXTRA = 72;
/** Digits of a uint32's decimal: at most 10. */
const MAX_RANDOM_DIGITS = 10;
/** Share of uint32 values whose decimal has at least `digits` digits (>= 10^(digits-1)). */
function shareWithDigits(digits: number): number {
  return digits <= 1 ? 1 : (2 ** 32 - 10 ** (digits - 1)) / 2 ** 32;
}

export interface PeerPaths {
  /** peer.fileSystemPath (the chaincode store is <it>/lifecycle/chaincodes). */
  readonly fileSystemPath: string;
  /** os.TempDir() on the peer ($TMPDIR, else /tmp). */
  readonly tempDir: string;
  /** Whether an external builder is configured (the build context is made only then). */
  readonly externalBuilders: boolean;
}

export interface FileNameVerdict {
  readonly finding: Finding;
  /** Set when install fails: it stops the peer's flow at this package. */
  readonly failure: PeerFailure | null;
}

const share = (p: number): string => (p >= 1 ? 'every install fails' : p >= 0.99 ? 'over 99% of installs fail' : `about ${Math.round(p * 100)}% of installs fail`);

export function judgeLabelFileNames(label: string, packageId: string, peer: PeerPaths): FileNameVerdict {
  const bytes = Buffer.byteLength(label, 'utf8');
  const stored = storedFileName(packageId);
  const storeDir = `${peer.fileSystemPath.replace(/\/+$/, '')}/lifecycle/chaincodes`;
  const remedy = `Shorten the label: it becomes part of file names on the peer, which hold at most ${NAME_MAX} bytes. Keep it under 174 bytes (a label like "<name>_<version>" is what the peer CLI docs show).`;
  if (bytes + STORED_EXTRA > NAME_MAX) {
    const tmp = `${storeDir}/.ccpackage.<random>`;
    const f: PeerFailure = {
      rule: 'PKG-17',
      peerError: `could not save cc install package: error writing chaincode install package to ${storeDir}/${stored}: error renaming temp file '${tmp}': rename ${tmp} ${storeDir}/${stored}: file name too long`,
      message: `the ${bytes}-byte label makes the stored package file name ${bytes + STORED_EXTRA} bytes long ('<label>.<sha256>.tar.gz'), over the ${NAME_MAX}-byte file name limit: install fails when the peer saves the package, before any build`,
      remedy,
      evidence: { labelBytes: bytes, storedFileNameBytes: bytes + STORED_EXTRA, nameMax: NAME_MAX },
    };
    return { finding: failed(f), failure: f };
  }
  const scratchMin = bytes + SCRATCH_EXTRA + 1;
  const scratchMax = bytes + SCRATCH_EXTRA + MAX_RANDOM_DIGITS;
  if (peer.externalBuilders && scratchMax > NAME_MAX) {
    const digitsThatFail = NAME_MAX - bytes - SCRATCH_EXTRA + 1;
    const p = shareWithDigits(digitsThatFail);
    const dir = `${peer.tempDir.replace(/\/+$/, '')}/fabric-${sanitizeCcidPath(packageId)}<random>`;
    const f: PeerFailure = {
      rule: 'PKG-17',
      peerError: `${BUILD_PREFIX}${EXTERNAL_BUILDER_PREFIX}${BUILD_CONTEXT_PREFIX}could not create temp dir: mkdir ${dir}: file name too long`,
      message: `the ${bytes}-byte label makes the build's scratch directory name ${scratchMin}..${scratchMax} bytes long ('fabric-<label>-<sha256>' plus a random number of up to ${MAX_RANDOM_DIGITS} digits), over the ${NAME_MAX}-byte limit whenever the random part has ${digitsThatFail} digits or more: ${share(p)} before any builder runs (the package is saved, then deleted again)${p < 1 ? ', and a retry draws again' : ''}`,
      remedy,
      evidence: { labelBytes: bytes, scratchDirNameBytes: [scratchMin, scratchMax], nameMax: NAME_MAX, failingShare: Math.round(p * 1000) / 1000 },
    };
    return { finding: failed(f), failure: f };
  }
  return {
    finding: passed('PKG-17', `the ${bytes}-byte label fits the peer's file names: stored package ${bytes + STORED_EXTRA} bytes${peer.externalBuilders ? `, build scratch directory at most ${scratchMax}` : ''} (limit ${NAME_MAX})`),
    failure: null,
  };
}
