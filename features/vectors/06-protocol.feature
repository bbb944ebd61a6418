@vectors
Feature: Reference vectors §9.4 — transactions on the chaincode stream: completions and the chaincode's requests (S9-S27)
  Once the chaincode is READY the peer sends it each proposal as TRANSACTION (or INIT) and waits
  for a COMPLETED or ERROR under the same channel and txid, up to chaincode.executetimeout. While it
  waits, the chaincode's requests (GET_STATE, range queries, WRITE_BATCH_STATE, INVOKE_CHAINCODE...)
  are answered with RESPONSE or with ERROR "<TYPE> failed: transaction ID: <txid>: <cause>". Each
  scenario runs the mock peer against a chaincode server (an impostor over real gRPC on loopback)
  that does exactly what the vector says. The chaincode is "asset" on channel "mychannel"; {txid}
  stands for the txid of the client's proposal; chaincode.executetimeout is 3 s unless a scenario
  says otherwise (scaled down from the peer's 30 s).

  Rule: the peer matches COMPLETED and ERROR to the transaction by channel_id + txid

    @S9
    Scenario: S9: COMPLETED with the right txid but another channel_id is dropped; the invocation times out
      Given chaincode.executetimeout is 1000 ms, scaled down from the peer's 30 s
      And a chaincode server that registers and answers the transaction with COMPLETED on channel "otherchannel"
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the proposal fails with `error in simulation: failed to execute transaction {txid}: error sending: timeout expired while executing transaction`

    @S10
    Scenario: S10: COMPLETED with channel "" and txid = channel + txid is accepted (the peer's key is their concatenation)
      Given a chaincode server that registers and answers the transaction with COMPLETED on channel "" with txid "mychannel" + txid and payload "ok"
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the proposal response has status 200 and payload "ok"

    @S11
    Scenario: S11: COMPLETED whose payload is not a Response fails the invocation
      Given a chaincode server that registers and answers the transaction with COMPLETED whose payload is the bytes "ffff"
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the proposal fails with a text starting `error in simulation: failed to unmarshal response for transaction {txid}`

    @S12
    Scenario: S12: ERROR "boom" for an INIT fails the invocation with transaction returned with failure: boom
      Given the definition of "asset" requires initialization
      And a chaincode server that registers and answers INIT with ERROR "boom"
      When the peer connects to the chaincode server
      And a client invokes the chaincode's Init
      Then the proposal fails with `error in simulation: transaction returned with failure: boom`

    Scenario: a TRANSACTION before the required INIT is refused by the peer, without reaching the chaincode
      Given the definition of "asset" requires initialization
      And a chaincode server that registers and answers INIT with ERROR "boom"
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the proposal fails with `error in simulation: failed to execute transaction {txid}: invalid invocation: chaincode 'asset' has not been initialized for this version, must call as init first`
      And the chaincode server received no TRANSACTION

    Scenario: an INIT when the definition does not require it is refused by the peer, without reaching the chaincode
      Given a chaincode server that registers and answers INIT with ERROR "boom"
      When the peer connects to the chaincode server
      And a client invokes the chaincode's Init
      Then the proposal fails with `error in simulation: failed to execute transaction {txid}: invalid invocation: chaincode 'asset' does not require initialization but called as init`
      And the chaincode server received no INIT

    @S13
    Scenario Outline: S13: Response status <status>: <verdict>
      Given a chaincode server that registers, writes key "k<status>" with PUT_STATE, and answers the transaction with status <status> and payload "p<status>"
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the proposal response has status <status> and payload "p<status>"
      And the proposal is <verdict>
      And the world state <holds> key "k<status>"

      Examples:
        | status | verdict                            | holds         |
        | 0      | endorsed and committed             | holds         |
        | 200    | endorsed and committed             | holds         |
        | 404    | a response only, without endorsement | does not hold |
        | 500    | a response only, without endorsement | does not hold |

  Rule: the peer answers one request per transaction at a time

    @S14
    Scenario: S14: two GET_STATE for one txid without waiting: the mock peer drops the second (on Fabric's Handler a race: dropped only while the first is still being handled)
      Given a chaincode server that registers and, during the transaction, sends GET_STATE "a" and GET_STATE "b" without waiting, then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the proposal response has status 200
      And the chaincode server got exactly 1 reply to its 2 GET_STATE

  Rule: the peer answers each request with RESPONSE or with ERROR in its own words

    Scenario Outline: <vector>: <request> is answered <answer>
      Given a chaincode server that registers and, during the transaction, sends <request>, then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the peer answers the chaincode's <type> with <answer>

      @S15
      Examples: a request under a txid the peer is not executing
        | vector | request                                              | type     | answer                                                           |
        | S15    | GET_STATE for key "k" under the unknown txid "nosuchtx" | GET_STATE | ERROR `GET_STATE failed: transaction ID: nosuchtx: no ledger context` |

      @S16
      Examples: iterators the peer does not know
        | vector | request                                                | type             | answer                                                                          |
        | S16    | QUERY_STATE_NEXT for the unknown iterator "no-such-id" | QUERY_STATE_NEXT | ERROR `QUERY_STATE_NEXT failed: transaction ID: {txid}: query iterator not found` |

    @S17
    Scenario: S17: QUERY_STATE_CLOSE with an unknown id is answered RESPONSE, as if the iterator were closed
      Given a chaincode server that registers and, during the transaction, sends QUERY_STATE_CLOSE for the unknown iterator "no-such-id", then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the peer answers the chaincode's QUERY_STATE_CLOSE with RESPONSE
      And that RESPONSE is a QueryResponse with no results, has_more false, id "no-such-id" and no metadata

    @S21
    Scenario: S21: WRITE_BATCH_STATE is accepted although READY advertised use_write_batch false
      Given the peer's READY advertises use_write_batch false, max_size_write_batch 1000, use_get_multiple_keys false, max_size_get_multiple_keys 1000
      And a chaincode server that registers and, during the transaction, sends WRITE_BATCH_STATE putting "w1" = "1" and "w2" = "2", then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the peer answers the chaincode's WRITE_BATCH_STATE with RESPONSE
      And the world state holds key "w2" with value "2"

    @S20
    Scenario: S20: a record of type UNDEFINED is refused also when READY advertised use_write_batch false
      Given the peer's READY advertises use_write_batch false, max_size_write_batch 1000, use_get_multiple_keys false, max_size_get_multiple_keys 1000
      And a chaincode server that registers and, during the transaction, sends WRITE_BATCH_STATE with a record of type UNDEFINED, then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the peer answers the chaincode's WRITE_BATCH_STATE with ERROR `WRITE_BATCH_STATE failed: transaction ID: {txid}: unknown operation type`

    Scenario Outline: <vector>: <request> on a channel with application capability <capability> is answered <answer>
      Given channel "mychannel" has application capability <capability>
      And a chaincode server that registers and, during the transaction, sends <request>, then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the peer answers the chaincode's <type> with <answer>

      @S22
      Examples: PURGE_PRIVATE_DATA applies to private data only, from V2_5
        | vector | capability | request                                          | type               | answer                                                                                                                        |
        | S22    | V2_5       | PURGE_PRIVATE_DATA for key "k" without a collection | PURGE_PRIVATE_DATA | ERROR `PURGE_PRIVATE_DATA failed: transaction ID: {txid}: only applicable for private data`                                    |
        | S22    | V1_2       | PURGE_PRIVATE_DATA for key "k" without a collection | PURGE_PRIVATE_DATA | ERROR `PURGE_PRIVATE_DATA failed: transaction ID: {txid}: purge private data is not enabled, channel application capability of V2_5 or later is required` |

      @S23
      Examples: key-level endorsement metadata needs V1_3
        | vector | capability | request                        | type               | answer                                                                                                                                   |
        | S23    | V1_2       | GET_STATE_METADATA for key "k" | GET_STATE_METADATA | ERROR `GET_STATE_METADATA failed: transaction ID: {txid}: key level endorsement is not enabled, channel application capability of V1_3 or later is required` |
        | S23    | V2_5       | GET_STATE_METADATA for key "k" | GET_STATE_METADATA | RESPONSE                                                                                                                                 |

      @S24
      Examples: PUT_STATE_METADATA without metadata panics inside the peer, which recovers
        | vector | capability | request                                        | type               | answer                                                                                                                                   |
        | S24    | V2_5       | PUT_STATE_METADATA for key "k" without metadata | PUT_STATE_METADATA | ERROR `PUT_STATE_METADATA failed: transaction ID: {txid}: panic during execution`                                                         |
        | S24    | V1_2       | PUT_STATE_METADATA for key "k" without metadata | PUT_STATE_METADATA | ERROR `PUT_STATE_METADATA failed: transaction ID: {txid}: key level endorsement is not enabled, channel application capability of V1_3 or later is required` |

    @S25
    Scenario: S25: a private-data GET_STATE during INIT is refused
      Given the definition of "asset" requires initialization
      And a chaincode server that registers and, during the INIT, sends GET_STATE for key "k" in collection "c1", then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode's Init
      Then the peer answers the chaincode's GET_STATE with ERROR `GET_STATE failed: transaction ID: {txid}: private data APIs are not allowed in chaincode Init()`

    Scenario: GET_PRIVATE_DATA_HASH with an empty collection name passes the collection check and gets an empty hash (found by the protocol oracle)
      Given a chaincode server that registers and, during the transaction, sends GET_PRIVATE_DATA_HASH for key "k" in collection "", then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the peer answers the chaincode's GET_PRIVATE_DATA_HASH with RESPONSE
      And that RESPONSE has an empty payload

    Scenario: PUT_STATE with an empty value is a delete: the write set records IsDelete (found by the protocol oracle)
      Given the world state holds keys "k1" to "k1" with value "old"
      And a chaincode server that registers, writes key "k1" = "" with PUT_STATE, and answers the transaction with status 200 and payload "ok"
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the proposal response has status 200 and payload "ok"
      And the world state does not hold key "k1"

  Rule: chaincode-to-chaincode calls run on the same peer

    @S26
    Scenario: S26: INVOKE_CHAINCODE of the chaincode itself fails: the txid is already executing
      Given a chaincode server that registers and, during the transaction, sends INVOKE_CHAINCODE of "asset", then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the peer answers the chaincode's INVOKE_CHAINCODE with ERROR `INVOKE_CHAINCODE failed: transaction ID: {txid}: execute failed: error sending: txid: {txid}(mychannel) exists`

    @S27
    Scenario: S27: INVOKE_CHAINCODE of another chaincode is answered RESPONSE carrying its COMPLETED message
      Given chaincode "other" is registered on the same peer and completes its transactions with payload "from other"
      And a chaincode server that registers and, during the transaction, sends INVOKE_CHAINCODE of "other", then completes it
      When the peer connects to the chaincode server
      And a client invokes the chaincode
      Then the peer answers the chaincode's INVOKE_CHAINCODE with RESPONSE
      And that RESPONSE's payload is a ChaincodeMessage of type COMPLETED for txid {txid}

  Rule: range queries return pages of at most 100 results, or of the page size asked for

    @S18
    Scenario: S18: a range over exactly 100 keys, without metadata, is one reply of 100 with has_more false
      Given the world state holds keys "a000" to "a099" with value "x"
      And a chaincode server that registers and, during the transaction, reads the range "a" to "a~" with GET_STATE_BY_RANGE, following has_more with QUERY_STATE_NEXT
      When the peer connects to the chaincode server
      And a client queries the chaincode
      Then the chaincode server receives these pages:
        | results | has_more | first key |
        | 100     | false    | a000      |

    @S18
    Scenario: S18: a range over 101 keys, without metadata, is 100 with has_more true, then QUERY_STATE_NEXT gives the last one
      Given the world state holds keys "b000" to "b100" with value "x"
      And a chaincode server that registers and, during the transaction, reads the range "b" to "b~" with GET_STATE_BY_RANGE, following has_more with QUERY_STATE_NEXT
      When the peer connects to the chaincode server
      And a client queries the chaincode
      Then the chaincode server receives these pages:
        | results | has_more | first key |
        | 100     | true     | b000      |
        | 1       | false    | b100      |

    @S19
    Scenario Outline: S19: a page of 2 over 5 keys from bookmark "<bookmark>" is one reply, fetched_records_count <n>, next bookmark "<next>"
      Given the world state holds keys "k1" to "k5" with values "1" to "5"
      And a chaincode server that registers and, during the transaction, reads the range "k1" to "k9" with GET_STATE_BY_RANGE, page size 2 and bookmark "<bookmark>"
      When the peer connects to the chaincode server
      And a client queries the chaincode
      Then the chaincode server receives <n> results, has_more false, and metadata with fetched_records_count <n> and bookmark "<next>"

      Examples:
        | bookmark | n | next |
        |          | 2 | k3   |
        | k5       | 1 |      |
