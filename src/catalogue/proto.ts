import type { Rule } from './types.js';

const HANDLER = 'core/chaincode/handler.go';

/**
 * The PROTO rules the protocol oracle covers (test/property/protocol-oracle.test.ts: generated
 * scripts through Fabric's own Handler and through the mock peer, for each pinned release); only
 * these may say confidence 'fabric'.
 */
export const PROTOCOL_ORACLE_RULES: ReadonlySet<string> = new Set(['PROTO-01', 'PROTO-02', 'PROTO-03', 'PROTO-04', 'PROTO-05', 'PROTO-06', 'PROTO-09', 'PROTO-10', 'PROTO-11', 'PROTO-16']);

/** PROTO: the chaincode message protocol, peer side (reference §6). */
export const PROTO_RULES: readonly Rule[] = [
  {
    id: 'PROTO-01', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'Messages are well-formed ChaincodeMessages',
    peer: 'ChaincodeMessage{type, timestamp, payload, txid, proposal, chaincode_event, channel_id}; requests must echo txid and channel_id.',
    source: [{ repo: 'fabric-protos', path: 'peer/chaincode_shim.proto', symbols: ['ChaincodeMessage'] }],
    remedy: 'Use an official shim; a hand-written server must set txid and channel_id on every request.',
  },
  {
    id: 'PROTO-02', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'The chaincode follows the handler states',
    peer: 'created → established (REGISTERED sent) → ready (READY sent); KEEPALIVE from the chaincode is ignored in every state.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['Handler.handleMessage'] }],
    remedy: 'Send REGISTER first and wait for READY before sending requests.',
  },
  {
    id: 'PROTO-03', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'Only REGISTER before registration',
    peer: 'Any other message in the created state ends the stream: `[<txid>] Fabric side handler cannot handle message (<TYPE>) while in created state`, with no ERROR sent.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['handleMessageCreatedState'] }],
    remedy: 'Send REGISTER as the first message on the stream.',
  },
  {
    id: 'PROTO-04', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'REGISTER carries the exact package ID',
    peer: 'ChaincodeID.name must equal the package ID the peer dialled for; any other name is refused with `peer will not accept external chaincode connection <name> (except in dev mode)` and no reply, and the launch times out after chaincode.startuptimeout (300s).',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['HandleRegister'] }, { repo: 'fabric', path: 'core/chaincode/handler_registry.go', symbols: ['Register', 'Launching'] }],
    remedy: 'Start the server with the full package ID (`label:sha256`) in CHAINCODE_ID / CORE_CHAINCODE_ID_NAME / --chaincode-id, exactly as computed from the installed file.',
  },
  {
    id: 'PROTO-05', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'REGISTERED and READY are accepted',
    peer: 'After a good REGISTER the peer sends REGISTERED (no payload) then READY with ChaincodeAdditionalParams from chaincode.runtimeParams.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['sendReady'] }],
    remedy: 'Use an official shim version that understands READY\'s payload.',
    releases: { appliesTo: ['2.5', '3.1'], differences: { '2.5': 'READY has no payload (2.5 has no chaincode.runtimeParams; the shims then use neither write batches nor GET_STATE_MULTIPLE).', '3.1': 'READY carries ChaincodeAdditionalParams{use_write_batch, max_size_write_batch, use_get_multiple_keys, max_size_get_multiple_keys}.' } },
  },
  {
    id: 'PROTO-06', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'Only requests and completions in the ready state',
    peer: 'In ready, types other than COMPLETED, ERROR, KEEPALIVE and the state requests end the stream: `[<txid>] Fabric side handler cannot handle message (<TYPE>) while in ready state`.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['handleMessageReadyState'] }],
    remedy: 'Do not send REGISTER, READY or RESPONSE after registration; against a 2.5 peer, do not send WRITE_BATCH_STATE or GET_STATE_MULTIPLE (the shims send them only when READY advertised them).',
    releases: { appliesTo: ['2.5', '3.1'], differences: { '2.5': 'WRITE_BATCH_STATE (24) and GET_STATE_MULTIPLE (25) are unknown to its protos and end the stream: `[<txid>] Fabric side handler cannot handle message (24) while in ready state` (printed as numbers).', '3.1': 'WRITE_BATCH_STATE and GET_STATE_MULTIPLE are requests, answered like the others.' } },
  },
  {
    id: 'PROTO-07', family: 'PROTO', level: 'MUST', confidence: 'code',
    title: 'A transaction completes with COMPLETED carrying a Response',
    peer: 'The peer sends TRANSACTION (or INIT) with ChaincodeInput and the SignedProposal; the chaincode answers COMPLETED with a marshalled protos.Response (or ERROR). The Response\'s status is the chaincode\'s own answer: the peer endorses status < 400 and returns 400 and above to the client unendorsed (core/endorser/endorser.go); neither is a rejection of the setup, so the harness reports it as a chaincode answer, not under this rule.',
    source: [{ repo: 'fabric', path: 'core/chaincode/chaincode_support.go', symbols: ['execute', 'CheckInvocation'] }, { repo: 'fabric', path: 'core/endorser/endorser.go', symbols: ['ProcessProposalSuccessfullyOrError'] }],
    remedy: 'Answer every TRANSACTION with COMPLETED carrying a marshalled protos.Response (shim.Success/shim.Error, or the contract API\'s results) or an ERROR, within chaincode.executetimeout (30s).',
  },
  {
    id: 'PROTO-08', family: 'PROTO', level: 'MUST', confidence: 'code',
    title: 'Completions match the transaction by channel_id + txid',
    peer: 'COMPLETED/ERROR are matched by the concatenation channel_id + txid; an unmatched one is dropped with only a debug log (`notifier Txid:<txid>, channelID:<channel> does not exist for handling message COMPLETED`) and the invocation fails after chaincode.executetimeout with `timeout expired while executing transaction` (the harness says so as soon as the completion arrives); an undecodable Response is `failed to unmarshal response for transaction <txid>`.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['Notify'] }],
    remedy: 'Echo txid and channel_id of the TRANSACTION in COMPLETED.',
  },
  {
    id: 'PROTO-09', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'One outstanding request per transaction',
    peer: 'A second request for the same channel_id + txid that arrives while the first is still being handled is dropped silently (each request runs in its own goroutine, so a second one that arrives after the first was answered is answered too: the protocol oracle saw Fabric answer it in about half the cases); unknown transactions get `<TYPE> failed: transaction ID: <txid>: no ledger context`.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['handleMessageReadyState', 'HandleTransaction'] }],
    remedy: 'Await each state request before the next one within a transaction.',
  },
  {
    id: 'PROTO-10', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'State requests get the peer\'s replies',
    peer: 'GET_STATE, PUT_STATE, DEL_STATE and the other requests are answered with RESPONSE or ERROR `<TYPE> failed: transaction ID: <txid>: <cause>`.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['HandleGetState', 'HandlePutState', 'HandleDelState'] }],
    remedy: 'Handle ERROR replies in the chaincode.',
    releases: { appliesTo: ['2.5', '3.1'], differences: { '2.5': 'PUT_STATE_METADATA and PURGE_PRIVATE_DATA check the channel capability before they read the payload (an undecodable payload on a V1_2 channel gets the capability error); no WRITE_BATCH_STATE or GET_STATE_MULTIPLE (PROTO-06).', '3.1': 'PUT_STATE_METADATA and PURGE_PRIVATE_DATA read the payload first (`unmarshal failed: ...` before the capability error).' } },
  },
  {
    id: 'PROTO-11', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'Range and rich queries page in batches of 100',
    peer: 'Unpaginated queries return 100 results per RESPONSE with has_more and an iterator id; QUERY_STATE_NEXT fetches the rest.',
    source: [{ repo: 'fabric', path: 'core/chaincode/query_response_generator.go', symbols: ['BuildQueryResponse'] }],
    remedy: 'Iterate with the shim\'s iterator until has_more is false, and close it.',
  },
  {
    id: 'PROTO-12', family: 'PROTO', level: 'MUST', confidence: 'code',
    title: 'Chaincode-to-chaincode calls',
    peer: 'INVOKE_CHAINCODE runs the callee as a TRANSACTION with the same txid; calling a chaincode that already has the txid (itself) fails `execute failed: error sending: txid: <txid>(<ch>) exists`.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['HandleInvokeChaincode'] }],
    remedy: 'Do not invoke the same chaincode from itself.',
  },
  {
    id: 'PROTO-13', family: 'PROTO', level: 'SHOULD', confidence: 'code',
    title: 'Keys are valid for CouchDB',
    peer: 'With CouchDB keys must be valid UTF-8, non-empty and must not start with `_`.',
    source: [{ repo: 'fabric', path: 'core/ledger/kvledger/txmgmt/statedb/statecouchdb/couchdoc_conv.go', symbols: ['validateKey'] }],
    remedy: 'Avoid keys starting with `_` and non-UTF-8 keys.',
  },
  {
    id: 'PROTO-14', family: 'PROTO', level: 'SHOULD', confidence: 'code',
    title: 'The chaincode tolerates peer KEEPALIVE',
    peer: 'With chaincode.keepalive > 0 the peer sends KEEPALIVE on every stream from its start.',
    source: [{ repo: 'fabric', path: 'core/chaincode/config.go', symbols: ['toSeconds'] }],
    remedy: 'Use a shim that echoes KEEPALIVE (Go shim; Node shim after 2.5.8) or keep chaincode.keepalive at 0.',
  },
  {
    id: 'PROTO-15', family: 'PROTO', level: 'MUST', confidence: 'code',
    title: 'Transactions complete within chaincode.executetimeout',
    peer: 'An execution waits for COMPLETED/ERROR up to chaincode.executetimeout (30s): `timeout expired while executing transaction`.',
    source: [{ repo: 'fabric', path: 'core/chaincode/chaincode_support.go', symbols: ['executeTimeout'] }],
    remedy: 'Make the function return; a raw-shim Invoke that rejects never answers.',
  },
  {
    id: 'PROTO-16', family: 'PROTO', level: 'MUST', confidence: 'fabric',
    title: 'The stream is kept open while transactions run',
    peer: 'When the stream ends, in-flight executions fail with `chaincode stream terminated` and the next invocation relaunches. A stream that ends right after it registers races the invocation that launched it: the peer prints `error sending: chaincode stream terminated` when the invocation found the handler first, and `claimed to start chaincode container for <ccid> but could not find handler` when the end was processed first (both seen on the real 3.1.5 peer with the same server).',
    source: [
      { repo: 'fabric', path: HANDLER, symbols: ['ProcessStream'] },
      { repo: 'fabric', path: 'core/chaincode/chaincode_support.go', symbols: ['Launch'] },
    ],
    remedy: 'Do not exit the chaincode process while the peer is connected.',
  },
  {
    id: 'PROTO-17', family: 'PROTO', level: 'MUST', confidence: 'code',
    title: 'REGISTER is the chaincode\'s first message, sent promptly',
    peer: 'The shims send REGISTER{ChaincodeID{name}} as soon as Connect opens; the peer waits up to chaincode.startuptimeout for it (300 s in the sample core.yaml; the harness judges within --register-timeout). Measured for the Node (fabric-shim 2.5.8), Java (fabric-chaincode-shim 2.5.8) and Go (fabric-chaincode-go/v2 at ea8b3041, built from a local mirror because the Go module proxy refuses github.com/hyperledger/*) servers.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['ProcessStream'] }],
    remedy: 'Start the shim in server mode; it registers by itself.',
    releases: {
      appliesTo: ['2.5', '3.1'],
      differences: {
        '2.5': 'A stream the server ends before REGISTER fails the launch at once with `could not launch chaincode <ccid>: chaincode registration failed: connection to <ccid> terminated` (Stream drops the stream\'s error).',
        '3.1': 'A stream the server ends before REGISTER fails the launch at once with `could not launch chaincode <ccid>: connection to <ccid> failed: error handling chaincode stream for <ccid>: EOF` (or `receive from chaincode support stream failed: rpc error: ...` for an error status).',
      },
    },
  },
  {
    id: 'PROTO-18', family: 'PROTO', level: 'MUST', confidence: 'code',
    title: 'The chaincode accepts a real SignedProposal',
    peer: 'The peer passes the client\'s SignedProposal (X.509 creator, channel header, nonce, transient map) with every INIT/TRANSACTION.',
    source: [{ repo: 'fabric', path: HANDLER, symbols: ['setChaincodeProposal'] }],
    remedy: 'Read identities through the shim\'s ClientIdentity; do not assume a particular MSP.',
  },
  {
    id: 'PROTO-19', family: 'PROTO', level: 'SHOULD', confidence: 'code',
    title: 'Several peers can use the server at once',
    peer: 'Every peer of an organisation that installs the package dials the same address and opens its own Connect stream (DIAL-01); each registers with the same package ID and expects its own REGISTERED/READY and transactions, independent of the other streams. The harness opens two more streams: the first registers, then sends a transaction while the second is registering (its REGISTERED/READY held until that transaction completes, at most 300 ms, as on a slow link), then both transact at once.',
    source: [{ repo: 'fabric', path: 'core/chaincode/extcc/extcc_handler.go', symbols: ['ExternalChaincodeRuntime.Stream'] }, { repo: 'fabric-chaincode-java', path: 'fabric-chaincode-shim/src/main/java/org/hyperledger/fabric/shim/impl/InvocationTaskManager.java', symbols: ['processChaincodeMessage'] }],
    remedy: 'Keep per-connection state per stream: the Java shim keeps the handler state on the one ChaincodeBase, so a second peer\'s connection makes the first one drop its transactions; run one Java server per peer.',
    related: ['DIAL-01', 'SHIM-JAVA-04'],
  },
];
