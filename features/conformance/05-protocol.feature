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
  Scenario: A transaction completes with status 200
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
