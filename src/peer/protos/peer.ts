/** The fabric-protos peer messages the mock peer speaks (the package's `peer` namespace, only these files). */
export * from '@hyperledger/fabric-protos/lib/peer/chaincode_pb';
export * from '@hyperledger/fabric-protos/lib/peer/chaincode_event_pb';
export * from '@hyperledger/fabric-protos/lib/peer/chaincode_shim_pb';
export * from '@hyperledger/fabric-protos/lib/peer/chaincode_shim_grpc_pb';
export * from '@hyperledger/fabric-protos/lib/peer/proposal_pb';
export * from '@hyperledger/fabric-protos/lib/peer/proposal_response_pb';
