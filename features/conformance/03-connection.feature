@stage:connection
Feature: Launch — the peer reads connection.json
  At every launch the peer reads release/chaincode/server/connection.json from the durable build
  output with Go's encoding/json into ChaincodeServerUserData, then validates it. Errors surface as
  "could not launch chaincode <id>: error building chaincode: ..." on every invocation.

  Background:
    When the peer reads connection.json from the release

  @CONN-01 @MUST
  Scenario: The release holds chaincode/server/connection.json
    Then rule "CONN-01" holds

  @CONN-02 @MUST
  Scenario: connection.json is one JSON object
    Then rule "CONN-02" holds

  @CONN-03 @MUST
  Scenario: Fields have the peer's Go types
    Then rule "CONN-03" holds

  @CONN-05 @MUST
  Scenario: No dial_timeout error hides the type errors after it
    Then rule "CONN-05" holds

  @CONN-06 @MUST
  Scenario: dial_timeout is a duration the peer understands
    Then rule "CONN-06" holds

  @CONN-07 @MUST
  Scenario: address and the TLS material are present
    Then rule "CONN-07" holds

  @CONN-04 @SHOULD
  Scenario: Keys are spelled exactly once, in the documented case
    Then rule "CONN-04" holds
