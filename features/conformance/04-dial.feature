@stage:dial @network
Feature: Launch — the peer dials the chaincode server
  The peer is the gRPC client: it builds its TLS configuration from connection.json, dials
  `address` with a blocking dial bounded by dial_timeout, verifies the server's certificate by Go's
  rules, and opens /protos.Chaincode/Connect. When the dial fails, a staged probe (resolution, TCP,
  TLS, HTTP/2, Connect) names the stage and the cause, with the error chain the peer would log.
  The certificate checks need no network and also run with --offline.

  Background:
    When the peer dials the chaincode server

  @CONN-08 @MUST
  Scenario: The TLS material in connection.json parses as the peer parses it
    Then rule "CONN-08" holds

  @DIAL-04 @MUST
  Scenario: address is a usable gRPC target
    Then rule "DIAL-04" holds

  @DIAL-12 @MUST
  Scenario: The chaincode server is running and listening when the peer dials
    Then rule "DIAL-12" holds

  @DIAL-03 @MUST
  Scenario: The connection is ready within dial_timeout
    Then rule "DIAL-03" holds

  @DIAL-05 @MUST
  Scenario: The TLS handshake succeeds with the peer's configuration
    Then rule "DIAL-05" holds

  @DIAL-06 @MUST
  Scenario: The server serves /protos.Chaincode/Connect
    Then rule "DIAL-06" holds

  @DIAL-09 @SHOULD
  Scenario: TLS material is PEM where PEM is expected
    Then rule "DIAL-09" holds

  @DIAL-10 @SHOULD
  Scenario: The server certificate passes the peer's verification, with time to spare
    Then rule "DIAL-10" holds

  @DIAL-11 @SHOULD
  Scenario: The peer's client certificate suits mutual TLS
    Then rule "DIAL-11" holds

  @CONN-09 @SHOULD
  Scenario: No TLS files are left in the release directory
    Then rule "CONN-09" holds

  @DRIFT-04 @SHOULD
  Scenario: root_cert is the chaincode server's CA, not the peer's
    Then rule "DRIFT-04" holds

  @DRIFT-07 @SHOULD
  Scenario: TLS material is inline, not copied to release/chaincode/server/tls as the sample suggests
    Then rule "DRIFT-07" holds
