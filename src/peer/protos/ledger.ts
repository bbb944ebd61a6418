/** fabric-protos ledger/queryresult (the package's `ledger.queryresult` namespace). */
export * as queryresult from '@hyperledger/fabric-protos/lib/ledger/queryresult/kv_query_result_pb';
