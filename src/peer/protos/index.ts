/**
 * The fabric-protos messages the harness uses, loaded file by file: the package's index loads
 * every Fabric proto (orderer, gossip, discovery...), most of a run's start-up time for nothing.
 * Same classes, same module instances as `@hyperledger/fabric-protos`.
 */
export * as common from '@hyperledger/fabric-protos/lib/common/common_pb';
export * as msp from '@hyperledger/fabric-protos/lib/msp/identities_pb';
export * as ledger from './ledger.js';
export * as peer from './peer.js';
