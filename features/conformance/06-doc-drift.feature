@stage:connection @doc-drift
Feature: Doc drift — what the Fabric documentation gets wrong about connection.json
  Fabric's "chaincode as an external service" page shows connection.json values that the peer's
  code does not accept or reads differently. Each scenario says whether this package depends on
  one of those mistakes, with the doc's claim and the code's behaviour side by side.

  Background:
    When the peer reads connection.json from the release

  @DRIFT-01 @SHOULD
  Scenario: tls_required and client_auth_required are JSON booleans, not "true"
    Then rule "DRIFT-01" holds

  @DRIFT-02 @SHOULD
  Scenario: tls_required is written explicitly (its real default is false)
    Then rule "DRIFT-02" holds

  @DRIFT-03 @SHOULD
  Scenario: domain is not relied on without client authentication
    Then rule "DRIFT-03" holds

  @DRIFT-05 @SHOULD
  Scenario: dial_timeout is not a bare number of nanoseconds
    Then rule "DRIFT-05" holds
