'use strict';
/*
 * The Node chaincode server fixture of ccaas-conformance: a small asset-transfer contract on
 * fabric-contract-api, served by `fabric-chaincode-node server` (chaincode-as-a-service).
 * Started by the CLI's --command and by the tests, plain, TLS or mutual TLS, through the
 * CORE_CHAINCODE_* variables the shim reads.
 *
 * The Java fixture (mocks/chaincode/java) implements the same functions with the same results,
 * so one feature file (features/examples/asset.feature) runs against both.
 */
const { Contract } = require('fabric-contract-api');

function assetJson(id, value, owner) {
  return JSON.stringify({ id, value, owner });
}

async function collect(iterator) {
  const out = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      out.push({ key: r.value.key, value: Buffer.from(r.value.value).toString('utf8') });
    }
  } finally {
    await iterator.close();
  }
  return out;
}

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
    const asset = assetJson(id, value, ctx.clientIdentity.getMSPID());
    await ctx.stub.putState(id, Buffer.from(asset));
    ctx.stub.setEvent('AssetCreated', Buffer.from(JSON.stringify({ id })));
    return asset;
  }

  async ReadAsset(ctx, id) {
    const data = await ctx.stub.getState(id);
    if (!data || data.length === 0) {
      throw new Error(`asset ${id} does not exist`);
    }
    return data.toString();
  }

  async UpdateAsset(ctx, id, value) {
    const data = await ctx.stub.getState(id);
    if (!data || data.length === 0) {
      throw new Error(`asset ${id} does not exist`);
    }
    const old = JSON.parse(data.toString());
    const asset = assetJson(id, value, old.owner);
    await ctx.stub.putState(id, Buffer.from(asset));
    return asset;
  }

  async DeleteAsset(ctx, id) {
    await ctx.stub.deleteState(id);
  }

  async AssetExists(ctx, id) {
    const data = await ctx.stub.getState(id);
    return data && data.length > 0 ? 'true' : 'false';
  }

  async GetAssetsByRange(ctx, startKey, endKey) {
    return JSON.stringify(await collect(await ctx.stub.getStateByRange(startKey, endKey)));
  }

  async GetAssetsByRangeWithPagination(ctx, startKey, endKey, pageSize, bookmark) {
    const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(startKey, endKey, parseInt(pageSize, 10), bookmark);
    const records = await collect(iterator);
    return JSON.stringify({ records, fetchedRecordsCount: metadata.fetchedRecordsCount, bookmark: metadata.bookmark });
  }

  async QueryAssets(ctx, query) {
    return JSON.stringify(await collect(await ctx.stub.getQueryResult(query)));
  }

  async GetAssetHistory(ctx, id) {
    const it = await ctx.stub.getHistoryForKey(id);
    const out = [];
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        out.push({ txId: r.value.txId, isDelete: r.value.isDelete, value: Buffer.from(r.value.value).toString('utf8') });
      }
    } finally {
      await it.close();
    }
    return JSON.stringify(out);
  }

  /** Stores the transient value "value" in a private data collection. */
  async PutPrivateAsset(ctx, collection, id) {
    const transient = ctx.stub.getTransient();
    const value = transient.get('value');
    if (!value || value.length === 0) {
      throw new Error('transient field "value" is missing');
    }
    await ctx.stub.putPrivateData(collection, id, Buffer.from(value));
  }

  async ReadPrivateAsset(ctx, collection, id) {
    const data = await ctx.stub.getPrivateData(collection, id);
    if (!data || data.length === 0) {
      throw new Error(`private asset ${id} does not exist in ${collection}`);
    }
    return data.toString();
  }

  async ReadPrivateAssetHash(ctx, collection, id) {
    const hash = await ctx.stub.getPrivateDataHash(collection, id);
    return Buffer.from(hash).toString('hex');
  }

  /** Invokes `fn arg` on another chaincode on this channel and returns its payload. */
  async CallOther(ctx, chaincode, fn, arg) {
    const r = await ctx.stub.invokeChaincode(chaincode, [fn, arg], '');
    if (r.status !== 200) {
      throw new Error(`${chaincode} answered ${r.status}: ${r.message}`);
    }
    return Buffer.from(r.payload).toString('utf8');
  }

  async WhoAmI(ctx) {
    return JSON.stringify({ mspid: ctx.clientIdentity.getMSPID(), id: ctx.clientIdentity.getID() });
  }
}

module.exports.contracts = [AssetContract];
