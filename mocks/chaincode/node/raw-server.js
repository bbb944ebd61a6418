'use strict';
/*
 * A raw fabric-shim chaincode (ChaincodeInterface, no contract API) served with shim.server():
 * the lightest real chaincode server, for the protocol throughput benchmark
 * (bench/protocol-throughput.ts). `ping` makes no state call; `put k v` makes one PUT_STATE.
 * Reads CORE_CHAINCODE_ID_NAME and CHAINCODE_SERVER_ADDRESS, as the harness's launcher sets them.
 */
const shim = require('fabric-shim');

class Raw {
  async Init() {
    return shim.success();
  }

  async Invoke(stub) {
    const { fcn, params } = stub.getFunctionAndParameters();
    if (fcn === 'put') {
      await stub.putState(params[0], Buffer.from(params[1]));
      return shim.success();
    }
    return shim.success(Buffer.from('pong'));
  }
}

shim
  .server(new Raw(), { ccid: process.env.CORE_CHAINCODE_ID_NAME, address: process.env.CHAINCODE_SERVER_ADDRESS, 'grpc.max_receive_message_length': -1 })
  .start()
  .catch((e) => {
    process.stderr.write(`raw chaincode server failed: ${e.stack || e}\n`);
    process.exit(1);
  });
