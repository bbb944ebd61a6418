import { join } from 'node:path';
import type { BuilderSpec } from './runner.js';

/**
 * The default builder when none is configured: the TypeScript twin of Fabric's built-in ccaas
 * builder, configured as the sample core.yaml configures the real one.
 */
export function bundledCcaasBuilder(): BuilderSpec {
  const main = join(__dirname, 'ccaas', 'main.js');
  return {
    name: 'ccaas_builder',
    path: '(bundled ccaas builder)',
    propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'],
    launcher: (program) => ({ file: process.execPath, prefixArgs: [main, program] }),
  };
}
