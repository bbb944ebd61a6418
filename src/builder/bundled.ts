import { join } from 'node:path';
import type { ExternalBuilderConf } from './peerConfig.js';
import type { BuilderSpec } from './runner.js';

/**
 * The bundled TypeScript twin of Fabric's built-in ccaas builder (src/builder/ccaas), run as a
 * Node process per program. It is what the harness runs for the sample core.yaml's
 * `ccaas_builder` (/opt/hyperledger/ccaas_builder, which exists only in the peer image).
 */

/** Where the stock peer image installs the ccaas builder (images/peer/Dockerfile). */
export const STOCK_CCAAS_PATH = '/opt/hyperledger/ccaas_builder';

/** node <main.js> <program> <peer args...>; the twin has no bin/run, like the real builder. */
export function ccaasTwinLauncher(): NonNullable<BuilderSpec['launcher']> {
  const main = join(__dirname, 'ccaas', 'main.js');
  return (program) => (program === 'run' ? null : { file: process.execPath, prefixArgs: [main, program] });
}

/** The twin standing in for a configured builder (its name, path and propagateEnvironment kept). */
export function ccaasTwinFor(conf: ExternalBuilderConf): BuilderSpec {
  return { name: conf.name, path: conf.path, propagateEnvironment: conf.propagateEnvironment, launcher: ccaasTwinLauncher(), standInFor: conf.path };
}

/** The sample core.yaml's builder, run by the twin. */
export function bundledCcaasBuilder(): BuilderSpec {
  return ccaasTwinFor({ name: 'ccaas_builder', path: STOCK_CCAAS_PATH, propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] });
}
