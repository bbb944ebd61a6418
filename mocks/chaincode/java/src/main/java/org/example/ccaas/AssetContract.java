package org.example.ccaas;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.protos.peer.QueryResponseMetadata;
import org.hyperledger.fabric.shim.Chaincode;
import org.hyperledger.fabric.shim.ChaincodeException;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.KeyModification;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;
import org.hyperledger.fabric.shim.ledger.QueryResultsIteratorWithMetadata;

/**
 * The Java chaincode server fixture of ccaas-conformance: the same asset-transfer contract as
 * mocks/chaincode/node/index.js, function for function, with the same results, so one feature
 * file runs against both shims.
 */
@Contract(name = "asset", info = @Info(title = "asset", version = "1.0.0"))
@Default
public final class AssetContract implements ContractInterface {

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(final byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String Ping(final Context ctx) {
        return "pong";
    }

    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public String CreateAsset(final Context ctx, final String id, final String value) {
        final ChaincodeStub stub = ctx.getStub();
        final byte[] existing = stub.getState(id);
        if (existing != null && existing.length > 0) {
            throw new ChaincodeException("asset " + id + " already exists");
        }
        final String asset = Json.asset(id, value, ctx.getClientIdentity().getMSPID());
        stub.putState(id, utf8(asset));
        stub.setEvent("AssetCreated", utf8("{\"id\":" + Json.quote(id) + "}"));
        return asset;
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String ReadAsset(final Context ctx, final String id) {
        final byte[] data = ctx.getStub().getState(id);
        if (data == null || data.length == 0) {
            throw new ChaincodeException("asset " + id + " does not exist");
        }
        return str(data);
    }

    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public String UpdateAsset(final Context ctx, final String id, final String value) {
        final ChaincodeStub stub = ctx.getStub();
        final byte[] data = stub.getState(id);
        if (data == null || data.length == 0) {
            throw new ChaincodeException("asset " + id + " does not exist");
        }
        final String asset = Json.asset(id, value, Json.field(str(data), "owner"));
        stub.putState(id, utf8(asset));
        return asset;
    }

    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public void DeleteAsset(final Context ctx, final String id) {
        ctx.getStub().delState(id);
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String AssetExists(final Context ctx, final String id) {
        final byte[] data = ctx.getStub().getState(id);
        return data != null && data.length > 0 ? "true" : "false";
    }

    private static String records(final Iterable<KeyValue> it, final AutoCloseable closer) {
        final List<String> out = new ArrayList<>();
        try {
            for (final KeyValue kv : it) {
                out.add("{\"key\":" + Json.quote(kv.getKey()) + ",\"value\":" + Json.quote(kv.getStringValue()) + "}");
            }
        } finally {
            try {
                closer.close();
            } catch (Exception e) {
                throw new ChaincodeException("closing the iterator failed: " + e.getMessage());
            }
        }
        return "[" + String.join(",", out) + "]";
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String GetAssetsByRange(final Context ctx, final String startKey, final String endKey) {
        final QueryResultsIterator<KeyValue> it = ctx.getStub().getStateByRange(startKey, endKey);
        return records(it, it::close);
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String GetAssetsByRangeWithPagination(final Context ctx, final String startKey, final String endKey,
            final String pageSize, final String bookmark) {
        final QueryResultsIteratorWithMetadata<KeyValue> it =
                ctx.getStub().getStateByRangeWithPagination(startKey, endKey, Integer.parseInt(pageSize), bookmark);
        final QueryResponseMetadata md = it.getMetadata();
        final String recs = records(it, it::close);
        return "{\"records\":" + recs + ",\"fetchedRecordsCount\":" + md.getFetchedRecordsCount()
                + ",\"bookmark\":" + Json.quote(md.getBookmark()) + "}";
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String QueryAssets(final Context ctx, final String query) {
        final QueryResultsIterator<KeyValue> it = ctx.getStub().getQueryResult(query);
        return records(it, it::close);
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String GetAssetHistory(final Context ctx, final String id) {
        final QueryResultsIterator<KeyModification> it = ctx.getStub().getHistoryForKey(id);
        final List<String> out = new ArrayList<>();
        try {
            for (final KeyModification m : it) {
                out.add("{\"txId\":" + Json.quote(m.getTxId()) + ",\"isDelete\":" + m.isDeleted()
                        + ",\"value\":" + Json.quote(m.getStringValue()) + "}");
            }
        } finally {
            try {
                it.close();
            } catch (Exception e) {
                throw new ChaincodeException("closing the iterator failed: " + e.getMessage());
            }
        }
        return "[" + String.join(",", out) + "]";
    }

    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public void PutPrivateAsset(final Context ctx, final String collection, final String id) {
        final Map<String, byte[]> transientMap = ctx.getStub().getTransient();
        final byte[] value = transientMap.get("value");
        if (value == null || value.length == 0) {
            throw new ChaincodeException("transient field \"value\" is missing");
        }
        ctx.getStub().putPrivateData(collection, id, value);
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String ReadPrivateAsset(final Context ctx, final String collection, final String id) {
        final byte[] data = ctx.getStub().getPrivateData(collection, id);
        if (data == null || data.length == 0) {
            throw new ChaincodeException("private asset " + id + " does not exist in " + collection);
        }
        return str(data);
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String ReadPrivateAssetHash(final Context ctx, final String collection, final String id) {
        final byte[] hash = ctx.getStub().getPrivateDataHash(collection, id);
        final StringBuilder sb = new StringBuilder();
        if (hash != null) {
            for (final byte b : hash) {
                sb.append(String.format("%02x", b));
            }
        }
        return sb.toString();
    }

    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public String CallOther(final Context ctx, final String chaincode, final String fn, final String arg) {
        final Chaincode.Response r = ctx.getStub().invokeChaincodeWithStringArgs(chaincode, Arrays.asList(fn, arg));
        if (r.getStatusCode() != 200) {
            throw new ChaincodeException(chaincode + " answered " + r.getStatusCode() + ": " + r.getMessage());
        }
        return r.getStringPayload();
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String WhoAmI(final Context ctx) {
        return "{\"mspid\":" + Json.quote(ctx.getClientIdentity().getMSPID()) + ",\"id\":"
                + Json.quote(ctx.getClientIdentity().getId()) + "}";
    }
}
