@stage:dial @network
Feature: Launch — the peer dials the chaincode server
  The peer is the gRPC client: it dials `address` with a blocking dial bounded by dial_timeout,
  with TLS and client authentication as connection.json says, and opens /protos.Chaincode/Connect.

  Background:
    When the peer dials the chaincode server

  @DIAL-03 @MUST
  Scenario: The connection is ready within dial_timeout
    Then rule "DIAL-03" holds

  @DIAL-05 @MUST
  Scenario: The TLS handshake succeeds with the peer's configuration
    Then rule "DIAL-05" holds

  @DIAL-06 @MUST
  Scenario: The server serves /protos.Chaincode/Connect
    Then rule "DIAL-06" holds

  @DIAL-04 @MUST
  Scenario: address is a usable gRPC target
    Then rule "DIAL-04" holds
