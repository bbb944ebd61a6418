import { DEFAULT_PACKAGE_LIMITS, inspectPackage } from '../../package/index.js';
import { blocked } from '../../findings.js';
import { judgeLabelFileNames } from '../../package/fileNames.js';
import { PEER_FS } from '../../peer/chains.js';
import type { PackageStage, SessionContext } from '../types.js';
import { builderSpecs, setupOf } from './build.js';

/** Install: the peer's package parse (PKG-*), judged by src/package. */
export async function packageStage(s: SessionContext): Promise<PackageStage> {
  const inspected = await inspectPackage(s.config.packagePath, s.config.workDir, s.config.packageLimits ?? DEFAULT_PACKAGE_LIMITS);
  // PKG-17: the package ID as file names on the peer (the stored package, the build's scratch dir).
  if (inspected.failure || !inspected.packageId || inspected.label === null) {
    const by = inspected.failure ?? { rule: 'PKG-06', peerError: null, message: 'no label' };
    return { findings: [...inspected.findings, blocked('PKG-17', by)], failure: inspected.failure, inspected };
  }
  const setup = setupOf(s.config);
  const names = judgeLabelFileNames(inspected.label, inspected.packageId, { fileSystemPath: setup.settings['peer.fileSystemPath'] ?? PEER_FS, tempDir: '/tmp', externalBuilders: builderSpecs(s.config).length > 0 });
  if (!names.failure) return { findings: [...inspected.findings, names.finding], failure: null, inspected };
  // Install fails here: the builders never get the package.
  return { findings: [...inspected.findings, names.finding], failure: names.failure, inspected: { ...inspected, failure: names.failure, builderInput: null } };
}
