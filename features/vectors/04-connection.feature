@vectors
Feature: Reference vectors §9.3 — connection.json as the peer reads it (J1-J22)
  Each example is one vector of the contract reference: a connection.json as a builder released
  it, read the way the peer reads it at launch (Go encoding/json into ChaincodeServerUserData,
  then ChaincodeServerInfo's checks), with the peer's exact text. {path} is the peer's path of
  the file.

  Scenario Outline: <vector>: <what> is rejected with the peer's words
    Given connection.json is `<json>`
    When the peer reads it at launch
    Then the launch fails at rule "<rule>" with `<error>`

    @J2
    Examples: no address
      | vector | what             | json             | rule    | error                          |
      | J2     | an empty object  | {}               | CONN-07 | chaincode address not provided |
      | J2     | an empty address | {"address":""}   | CONN-07 | chaincode address not provided |

    @J4
    Examples: not an object
      | vector | what     | json | rule    | error                                                                                                            |
      | J4     | an array | []   | CONN-02 | malformed chaincode info at '{path}': json: cannot unmarshal array into Go value of type externalbuilder.ChaincodeServerUserData  |
      | J4     | a string | "x"  | CONN-02 | malformed chaincode info at '{path}': json: cannot unmarshal string into Go value of type externalbuilder.ChaincodeServerUserData |

    @J5
    Examples: tls_required as a string, as the Fabric docs write it
      | vector | what                   | json                                     | rule    | error                                                                                                                  |
      | J5     | "tls_required":"true"  | {"address":"h:1","tls_required":"true"}  | CONN-03 | malformed chaincode info at '{path}': json: cannot unmarshal string into Go struct field ChaincodeServerUserData.tls_required of type bool |

    @J6 @J7 @J8
    Examples: TLS material, checked in the peer's order (key, cert, root)
      | vector | what                              | json                                                                                 | rule    | error                                 |
      | J6     | TLS without root_cert             | {"address":"h:1","tls_required":true}                                                | CONN-07 | chaincode tls root cert not provided  |
      | J7     | client auth without key           | {"address":"h:1","tls_required":true,"client_auth_required":true}                    | CONN-07 | chaincode tls key not provided        |
      | J8     | client auth with a key, no cert   | {"address":"h:1","tls_required":true,"client_auth_required":true,"client_key":"k"}   | CONN-07 | chaincode tls cert not provided       |

    @J9
    Examples: a type error although TLS is off
      | vector | what                         | json                                                                   | rule    | error                                                                                                                          |
      | J9     | "client_auth_required":"yes" | {"address":"h:1","tls_required":false,"client_auth_required":"yes"}    | CONN-03 | malformed chaincode info at '{path}': json: cannot unmarshal string into Go struct field ChaincodeServerUserData.client_auth_required of type bool |

    @J14
    Examples: dial_timeout strings that time.ParseDuration refuses
      | vector | what      | json                                   | rule    | error                                                                    |
      | J14    | "10"      | {"address":"h:1","dial_timeout":"10"}   | CONN-06 | malformed chaincode info at '{path}': time: missing unit in duration "10" |
      | J14    | ""        | {"address":"h:1","dial_timeout":""}     | CONN-06 | malformed chaincode info at '{path}': time: invalid duration ""           |
      | J14    | "10S"     | {"address":"h:1","dial_timeout":"10S"}  | CONN-06 | malformed chaincode info at '{path}': time: unknown unit "S" in duration "10S" |
      | J14    | " 10s"    | {"address":"h:1","dial_timeout":" 10s"} | CONN-06 | malformed chaincode info at '{path}': time: invalid duration " 10s"       |
      | J14    | "1e3s"    | {"address":"h:1","dial_timeout":"1e3s"} | CONN-06 | malformed chaincode info at '{path}': time: unknown unit "e" in duration "1e3s" |

    @J15
    Examples: dial_timeout of another JSON type
      | vector | what  | json                                  | rule    | error                                                  |
      | J15    | null  | {"address":"h:1","dial_timeout":null}  | CONN-06 | malformed chaincode info at '{path}': invalid duration |
      | J15    | true  | {"address":"h:1","dial_timeout":true}  | CONN-06 | malformed chaincode info at '{path}': invalid duration |
      | J15    | {}    | {"address":"h:1","dial_timeout":{}}    | CONN-06 | malformed chaincode info at '{path}': invalid duration |
      | J15    | []    | {"address":"h:1","dial_timeout":[]}    | CONN-06 | malformed chaincode info at '{path}': invalid duration |

    @J21
    Examples: the Duration decoder's error aborts the decode before the earlier type error (CONN-05)
      | vector | what                              | json                                                            | rule    | error                                                            |
      | J21    | a string bool, then a bad timeout | {"address":"h:1","tls_required":"true","dial_timeout":"bogus"}  | CONN-06 | malformed chaincode info at '{path}': time: invalid duration "bogus" |

  @J4
  Scenario: J4: an empty file is rejected with the peer's words
    Given connection.json is an empty file
    When the peer reads it at launch
    Then the launch fails at rule "CONN-02" with `malformed chaincode info at '{path}': unexpected end of JSON input`

  @J3
  Scenario: J3: the JSON literal null crashes the peer (nil pointer dereference)
    Given connection.json is `null`
    When the peer reads it at launch
    Then the peer process crashes with `panic: runtime error: invalid memory address or nil pointer dereference`

  Scenario Outline: <vector>: <what> is accepted, plaintext
    Given connection.json is `<json>`
    When the peer reads it at launch
    Then the peer dials "<address>" in plaintext with a dial timeout of <nanos> ns

    @J1
    Examples: the address alone
      | vector | what         | json              | address | nanos      |
      | J1     | address only | {"address":"h:1"} | h:1     | 3000000000 |

    @J10
    Examples: TLS fields are not read when TLS is off
      | vector | what                          | json                                                          | address | nanos      |
      | J10    | root_cert garbage, TLS off    | {"address":"h:1","tls_required":false,"root_cert":"garbage"}  | h:1     | 3000000000 |

    @J13
    Examples: a numeric dial_timeout is float64 nanoseconds, truncated; 0 means 3 s
      | vector | what     | json                                  | address | nanos       |
      | J13    | 10       | {"address":"h:1","dial_timeout":10}    | h:1     | 10          |
      | J13    | 1e10     | {"address":"h:1","dial_timeout":1e10}  | h:1     | 10000000000 |
      | J13    | 0.5      | {"address":"h:1","dial_timeout":0.5}   | h:1     | 3000000000  |
      | J13    | -1       | {"address":"h:1","dial_timeout":-1}    | h:1     | -1          |

    @J16
    Examples: zero durations mean the 3 s default
      | vector | what | json                                   | address | nanos      |
      | J16    | "0"  | {"address":"h:1","dial_timeout":"0"}    | h:1     | 3000000000 |
      | J16    | "0s" | {"address":"h:1","dial_timeout":"0s"}   | h:1     | 3000000000 |

    @J18 @J19
    Examples: Go's key matching: Unicode simple folding, the last duplicate wins
      | vector | what                          | json                          | address | nanos      |
      | J18    | addreſs (U+017F long s)       | {"addreſs":"h:1"}             | h:1     | 3000000000 |
      | J19    | address, then Address         | {"address":"a","Address":"b"} | b       | 3000000000 |

  Scenario Outline: <vector>: <what> is accepted, over TLS
    Given connection.json is `<json>`
    When the peer reads it at launch
    Then the peer dials "h:1" over TLS trusting root_cert `<root>`, without a client certificate

    @J11 @J12 @J17 @J20
    Examples:
      | vector | what                                                 | json                                                                           | root    |
      | J11    | root_cert that is not PEM (refused only at the dial) | {"address":"h:1","tls_required":true,"root_cert":"not pem"}                    | not pem |
      | J12    | domain without client auth (ignored)                 | {"address":"h:1","tls_required":true,"root_cert":"r","domain":"d"}             | r       |
      | J17    | upper-case keys                                      | {"ADDRESS":"h:1","TLS_REQUIRED":true,"Root_Cert":"r"}                          | r       |
      | J20    | null does not turn TLS off                           | {"address":"h:1","tls_required":true,"root_cert":"r","tls_required":null}      | r       |

  @J11
  Scenario: J11: a root_cert that is not PEM fails the dial, after connection.json was accepted
    Given connection.json is `{"address":"h:1","tls_required":true,"root_cert":"not pem"}`
    When the peer reads it at launch
    Then the dial fails before connecting with `error adding root certificate`

  @J12
  Scenario: J12: with client auth, domain is the server name the peer verifies
    Given connection.json is `{"address":"h:1","tls_required":true,"client_auth_required":true,"client_key":"k","client_cert":"c","root_cert":"r","domain":"d"}`
    When the peer reads it at launch
    Then the peer dials over TLS presenting client_cert `c` and client_key `k`, verifying the server name "d"

  @J22
  Scenario: J22: 9223372036854775807 rounds to 2^63 and becomes a negative duration on amd64
    Given connection.json is `{"address":"h:1","dial_timeout":9223372036854775807}`
    When the peer reads it at launch
    Then the peer dials "h:1" in plaintext with a dial timeout of -9223372036854775808 ns
    And the dial context is already expired when the dial starts
