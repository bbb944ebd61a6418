@stage:protocol @network
Feature: Launch and invoke — the chaincode protocol
  On the stream the chaincode speaks first: REGISTER with the exact package ID; the peer answers
  REGISTERED and READY, then sends transactions with a SignedProposal and serves state requests.

  @PROTO-17 @MUST
  Scenario: The chaincode sends REGISTER promptly
    When the chaincode registers
    Then rule "PROTO-17" holds

  @PROTO-04 @MUST
  Scenario: REGISTER carries the exact package ID
    When the chaincode registers
    Then rule "PROTO-04" holds

  @PROTO-05 @MUST
  Scenario: The chaincode accepts REGISTERED and READY
    When the chaincode registers
    Then rule "PROTO-05" holds

  @PROTO-07 @MUST
  Scenario: A transaction completes with a Response the peer relays, whatever its status
    When the peer invokes the smoke transaction
    Then rule "PROTO-07" holds

  @PROTO-18 @MUST
  Scenario: The chaincode accepts a real SignedProposal
    When the peer invokes the smoke transaction
    Then rule "PROTO-18" holds

  @PROTO-03 @MUST
  Scenario: Nothing but REGISTER before registration
    When the chaincode registers
    Then rule "PROTO-03" holds

  @PROTO-08 @MUST
  Scenario: COMPLETED matches the transaction by channel and txid
    When the peer invokes the smoke transaction
    Then rule "PROTO-08" holds

  @PROTO-15 @MUST
  Scenario: The transaction completes within chaincode.executetimeout
    When the peer invokes the smoke transaction
    Then rule "PROTO-15" holds

  @PROTO-02 @MUST
  Scenario: The chaincode follows the handler states
    When the chaincode registers
    Then rule "PROTO-02" holds

  @PROTO-01 @MUST
  Scenario: Requests and completions echo txid and channel_id
    When the peer invokes the smoke transaction
    Then rule "PROTO-01" holds

  @PROTO-16 @MUST
  Scenario: The server accepts a new stream after one ends
    When the peer invokes the smoke transaction
    Then rule "PROTO-16" holds

  @PROTO-19 @SHOULD
  Scenario: A second peer can connect while the first stays connected
    When the peer invokes the smoke transaction
    Then rule "PROTO-19" holds

  @PROTO-14 @SHOULD
  Scenario: The chaincode tolerates peer KEEPALIVE when chaincode.keepalive is set
    When the peer invokes the smoke transaction
    Then rule "PROTO-14" holds
