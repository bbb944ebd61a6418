import { assetSuite } from '../../mocks/chaincode/impostors/assetSuite.js';
import { buildJavaFixture, javaMissing, javaServerCommand } from '../../mocks/chaincode/java/launch.js';

/**
 * The real Java shim (fabric-chaincode-shim 2.5.x contract API, ContractRouter as a server)
 * driven by the mock peer. Skips with a one-line reason when java or mvn is missing, unless CI=true.
 */
function skip(): string | null {
  const missing = javaMissing();
  if (missing && process.env['CI'] !== 'true') return missing;
  const built = buildJavaFixture();
  if (!built.ok) throw new Error(`mvn package of mocks/chaincode/java failed:\n${built.output}`);
  return null;
}

assetSuite('Java shim server (fabric-chaincode-shim contract API) against the mock peer', () => javaServerCommand(), skip, {
  // SHIM-JAVA-05: the Java shim replaces the peer's ERROR text with its own
  peerErrorMessage: /^\[[0-9a-f]{8}\]Unsuccessful response received\.$/,
});
