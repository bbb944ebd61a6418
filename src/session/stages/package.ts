import { DEFAULT_PACKAGE_LIMITS, inspectPackage } from '../../package/index.js';
import type { PackageStage, SessionContext } from '../types.js';

/** Install: the peer's package parse (PKG-*), judged by src/package. */
export const PACKAGE_RULES = [
  'PKG-01', 'PKG-02', 'PKG-03', 'PKG-04', 'PKG-05', 'PKG-06', 'PKG-07', 'PKG-08',
  'PKG-09', 'PKG-10', 'PKG-11', 'PKG-12', 'PKG-13', 'PKG-15', 'PKG-16',
] as const;

export async function packageStage(s: SessionContext): Promise<PackageStage> {
  const inspected = await inspectPackage(s.config.packagePath, s.config.workDir, s.config.packageLimits ?? DEFAULT_PACKAGE_LIMITS);
  return { findings: inspected.findings, failure: inspected.failure, inspected };
}
