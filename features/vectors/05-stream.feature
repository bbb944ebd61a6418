@vectors
Feature: Reference vectors §9.4 — the chaincode stream: registration, keepalive and the connection (S1-S8, S28-S32)
  After a launch the peer dials the chaincode server, opens the /protos.Chaincode/Connect stream
  and waits for the chaincode's REGISTER. Its handler answers the package ID it launched with
  REGISTERED then READY (carrying the runtime params of core.yaml), ignores or refuses everything
  else as the vectors say, and ends the stream when the chaincode breaks the protocol. Each
  scenario runs the mock peer's handler against a chaincode server (an impostor over real gRPC on
  loopback) that does exactly what the vector says. The chaincode is "asset" on channel
  "mychannel"; its package ID is "asset:<sha256 of asset>". The peer's timeouts are scaled down
  where a scenario says so.

  Rule: the peer answers only a REGISTER naming the package ID it launched

    @S1
    Scenario Outline: S1: REGISTER with the exact package ID is answered REGISTERED (08 02), then READY with <params>
      Given the peer's READY advertises use_write_batch <batch>, max_size_write_batch 1000, use_get_multiple_keys <multi>, max_size_get_multiple_keys 1000
      And a chaincode server that sends REGISTER with its package ID
      When the peer connects to the chaincode server
      Then the handler registers the chaincode
      And the chaincode server receives the bytes "0802", then "<ready>"
      And the handler is in state "ready"

      Examples:
        | params                              | batch | multi | ready                        |
        | the sample core.yaml runtime params | true  | true  | 08041a0a080110e807180120e807 |
        | both features off (fields omitted)  | false | false | 08041a0610e80720e807         |

    @S2
    Scenario: S2: REGISTER with the label only gets no reply; the peer leaves the stream open
      Given a chaincode server that sends REGISTER with the name "asset"
      When the peer connects to the chaincode server
      Then the handler refuses the REGISTER at once, not at the startup timeout, as "wrong-name" with `peer will not accept external chaincode connection asset (except in dev mode)`
      And the chaincode server receives no message within 300 ms
      And the peer leaves the stream open for 400 ms
      And the handler is in state "created"

    @S3
    Scenario: S3: an undecodable REGISTER (payload ff) is ignored, and a correct REGISTER after it is accepted
      Given a chaincode server that sends REGISTER with the payload bytes "ff", then REGISTER with its package ID
      When the peer connects to the chaincode server
      Then the handler's registration outcome is "undecodable"
      And the chaincode server gets no reply to its REGISTER with the payload bytes "ff"
      And the handler reaches state "ready" within 1000 ms

    @S4
    Scenario: S4: REGISTER with an empty name gets no reply; the handler stays created
      Given a chaincode server that sends REGISTER with the name ""
      When the peer connects to the chaincode server
      Then the handler's registration outcome is "empty-name"
      And the chaincode server receives no message within 300 ms
      And the handler is in state "created"

  Rule: before READY the peer ignores KEEPALIVE and ends the stream on any other message

    @S5
    Scenario: S5: KEEPALIVE (08 12) before REGISTER is ignored, without a reply
      Given a chaincode server that sends KEEPALIVE, then REGISTER with its package ID
      When the peer connects to the chaincode server
      Then the handler registers the chaincode
      And the chaincode server gets no reply to its KEEPALIVE

    @S6
    Scenario: S6: GET_STATE before REGISTER makes the peer close the stream, without sending ERROR
      Given a chaincode server that sends GET_STATE for txid "tx1" before it registers
      When the peer connects to the chaincode server
      Then the handler's registration outcome is "violation"
      And the peer ends the stream with `error handling message, ending stream: [tx1] Fabric side handler cannot handle message (GET_STATE) while in created state`
      And the chaincode server's stream ends
      And the chaincode server gets no reply to its GET_STATE

    Scenario: a second REGISTER right behind the first: the chaincode still gets REGISTERED and READY before the peer ends the stream (found by the protocol oracle)
      Given a chaincode server that sends REGISTER with its package ID twice without waiting
      When the peer connects to the chaincode server
      Then the handler registers the chaincode
      And the chaincode server receives the bytes "0802", then "08041a0a080110e807180120e807"
      And the peer ends the stream with `error handling message, ending stream: [] Fabric side handler cannot handle message (REGISTER) while in ready state`

    @S7
    Scenario Outline: S7: <message> after READY makes the peer close the stream
      Given a chaincode server that registers, then sends <message> for txid "t"
      When the peer connects to the chaincode server
      Then the handler registers the chaincode
      And the peer ends the stream with `error handling message, ending stream: [t] Fabric side handler cannot handle message (<message>) while in ready state`

      Examples:
        | message  |
        | READY    |
        | RESPONSE |
        | REGISTER |

    @S8
    Scenario: S8: a chaincode server that sends nothing after connect fails the launch at the startup timeout
      Given chaincode.startuptimeout is 300 ms, scaled down from the peer's 300 s
      And a chaincode server that sends nothing
      When the peer connects to the chaincode server
      Then the handler's registration outcome is "timeout"

  Rule: the stream lives as long as the connection; the peer redials at the next launch

    @S28
    Scenario: S28: the server closes the stream mid-transaction: the invocation fails with chaincode stream terminated, and the next launch registers again
      Given a chaincode server that registers on every stream, ends its first stream when the first transaction arrives, and completes the transactions of later streams
      When the peer connects to the chaincode server
      Then the handler registers the chaincode
      When a client invokes the chaincode
      Then the proposal fails with `error in simulation: failed to execute transaction {txid}: error sending: chaincode stream terminated`
      When the peer connects to the chaincode server again
      Then the handler registers the chaincode
      When a client invokes the chaincode
      Then the proposal response has status 200

    @S29
    Scenario: S29: with chaincode.keepalive set, the peer sends KEEPALIVE (08 12) from the stream start, before REGISTER
      Given chaincode.keepalive is 1 s, scaled down from the vector's 5 s
      And a chaincode server that waits for the peer's first message, then registers
      When the peer connects to the chaincode server
      Then the first message the chaincode server receives is the bytes "0812", about 1 s after the stream opened
      And the handler registers the chaincode

    @S30
    Scenario: S30: a chaincode server enforcing grpc-go's default keepalive policy closes the peer's connection with GOAWAY too_many_pings
      The peer pings every 60 s, also without a stream (permitWithoutStream); a grpc-go server by
      default takes a ping sooner than 5 min after the previous one as a strike, forgives 2 and
      answers the third with GOAWAY ENHANCE_YOUR_CALM "too_many_pings". Durations are scaled down
      here: the peer's 60 s keepalive to 200 ms, grpc-go's 5 min MinTime to 5 s (the peer's other
      keepalive options are unchanged: 20 s timeout, pings without streams).
      Given a chaincode server enforcing keepalive pings with MinTime 5000 ms, 2 ping strikes forgiven and no pings without a stream, scaled down from grpc-go's 5 min
      When the peer opens the chaincode stream to it with its keepalive options, pinging every 200 ms instead of every 60 s
      Then the chaincode server receives the peer's pings about 200 ms apart
      And the chaincode server sends GOAWAY ENHANCE_YOUR_CALM with debug data "too_many_pings" after 3 ping strikes
      And the peer's chaincode stream ends within 5000 ms with code 8 (RESOURCE_EXHAUSTED) `Bandwidth exhausted or memory limit exceeded`
      And grpc-js logs that the connection was `rejected by server because of excess pings`

  Rule: the peer's TLS handshake is grpc-go's

    @S31
    Scenario: S31: a TLS chaincode server that does not select ALPN h2 is rejected at the handshake (grpc-go >= 1.67)
      Given a TLS chaincode server, with a certificate for localhost from the test CA, that does not negotiate ALPN h2
      And the peer dials it with tls_required true, root_cert the test CA and client_auth_required false
      When the peer's dial to it is probed stage by stage within 1000 ms
      Then the probe classifies it as "no-alpn-h2", failing at the "tls" stage
      And the peer's launch fails after dial_timeout with `failed to create new connection: context deadline exceeded`
      And the peer's "comm.tls" logger says:
        """
        Client TLS handshake failed after <duration> with error: credentials: cannot check peer: missing selected ALPN property. If you upgraded from a grpc-go version earlier than 1.67, your TLS connections may have stopped working due to ALPN enforcement. For more details, see: https://github.com/grpc/grpc-go/issues/434
        """

    @S32
    Scenario: S32: a mutual-TLS chaincode server refuses the peer when connection.json has TLS but client_auth_required false
      Given a mutual-TLS chaincode server, with a certificate for localhost from the test CA, that requires a client certificate from the same CA
      And the peer dials it with tls_required true, root_cert the test CA and client_auth_required false
      When the peer's dial to it is probed stage by stage within 1000 ms
      Then the probe classifies it as "tls-client-cert-required"
      And the peer's launch fails after dial_timeout with `failed to create new connection: context deadline exceeded`
      And the peer's "grpc" logger says:
        """
        [core] grpc: addrConn.createTransport failed to connect to {Addr: "{address}", ServerName: "{address}", }. Err: connection error: desc = "error reading server preface: remote error: tls: certificate required"
        """
      And a grpc-js dial with the peer's options fails with `Failed to connect before the deadline`

    @S32
    Scenario: S32: the same mutual-TLS chaincode server accepts the peer when connection.json presents a client certificate from that CA
      Given a mutual-TLS chaincode server, with a certificate for localhost from the test CA, that requires a client certificate from the same CA
      And the peer dials it with tls_required true, root_cert the test CA, client_auth_required true and a client certificate from the test CA
      When the peer's dial to it is probed stage by stage within 1000 ms
      Then the probe's "tls" stage passes
      And a grpc-js dial with the peer's options connects
