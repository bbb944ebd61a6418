import { assetSuite } from '../../mocks/chaincode/impostors/assetSuite.js';
import { nodeServerCommand } from '../../mocks/chaincode/node/launch.js';

/** The real Node shim (fabric-contract-api 2.5.8, `fabric-chaincode-node server`) driven by the mock peer. */
assetSuite('Node shim server (fabric-contract-api) against the mock peer', () => nodeServerCommand(), () => null, {
  peerErrorMessage: /^GET_QUERY_RESULT failed: transaction ID: [0-9a-f]{64}: ExecuteQuery not supported for leveldb$/,
});
