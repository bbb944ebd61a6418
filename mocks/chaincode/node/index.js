'use strict';
/*
 * The Node chaincode server fixture of ccaas-conformance: a small asset contract on
 * fabric-contract-api, served by `fabric-chaincode-node server` (chaincode-as-a-service).
 * Started by the CLI's --command and by the tests, plain, TLS or mutual TLS, through the
 * CORE_CHAINCODE_* variables the shim reads.
 */
const { Contract } = require('fabric-contract-api');

class AssetContract extends Contract {
  constructor() {
    super('asset');
  }

  async Ping() {
    return 'pong';
  }

  async CreateAsset(ctx, id, value) {
    const exists = await ctx.stub.getState(id);
    if (exists && exists.length > 0) {
      throw new Error(`asset ${id} already exists`);
    }
    const asset = { id, value, owner: ctx.clientIdentity.getID() };
    await ctx.stub.putState(id, Buffer.from(JSON.stringify(asset)));
    ctx.stub.setEvent('AssetCreated', Buffer.from(JSON.stringify({ id })));
    return JSON.stringify(asset);
  }

  async ReadAsset(ctx, id) {
    const data = await ctx.stub.getState(id);
    if (!data || data.length === 0) {
      throw new Error(`asset ${id} does not exist`);
    }
    return data.toString();
  }

  async DeleteAsset(ctx, id) {
    await ctx.stub.deleteState(id);
  }

  async WhoAmI(ctx) {
    return JSON.stringify({ mspid: ctx.clientIdentity.getMSPID(), id: ctx.clientIdentity.getID() });
  }
}

module.exports.contracts = [AssetContract];
