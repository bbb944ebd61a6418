/** connection.json as the peer reads it, and as the built-in ccaas builder rewrites it. */
export { readConnection, NIL_DEREFERENCE_PANIC, type ConnectionRead, type ChaincodeServerInfo, type ChaincodeServerUserData } from './read.js';
export { decodeUserData, CHAINCODE_SERVER_USER_DATA } from './userData.js';
export { chaincodeServerInfo, ERR_ADDRESS, ERR_TLS_KEY, ERR_TLS_CERT, ERR_TLS_ROOT } from './serverInfo.js';
export { unmarshalDialTimeout, DEFAULT_DIAL_TIMEOUT_NANOS } from './dialTimeout.js';
export { lintConnection } from './lint.js';
export { rewriteConnection, CCAAS_CONNECTION, type RewriteResult } from './ccaasRewrite.js';
