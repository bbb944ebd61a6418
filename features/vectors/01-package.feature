@vectors
Feature: Reference vectors §9.1 — the chaincode install package as the peer parses it (P1-P25)
  `peer lifecycle chaincode install` sends the package file to the peer, and _lifecycle
  InstallChaincode parses it before anything is built: the file must be a gzip-compressed tar
  whose top-level entries are regular files, exactly one named metadata.json and one named
  code.tar.gz; metadata.json is decoded with Go's encoding/json and its label checked; code.tar.gz
  is read once for state-database artifacts. The package ID is the label, a colon and the SHA-256
  of the whole file. Each scenario is one vector of the contract reference; a refusal quotes the
  peer's exact text, which the client sees after
  `failed to invoke backing implementation of 'InstallChaincode': ` (status 500).

  In the tables, `gzip(tar[connection.json])` is a code.tar.gz holding one connection.json
  `{"address":"h:1","dial_timeout":"10s"}`. Every tar entry is USTAR, mode 0644, mtime 0, and the
  gzip header's modification time is 0 unless a step says otherwise. {id} is the package ID.

  @P1
  Scenario: P1: a minimal CCaaS package installs; its ID is the label and the SHA-256 of the file
    Given a package whose outer tar holds:
      | entry         | kind | content                         |
      | metadata.json | file | {"type":"ccaas","label":"mycc"} |
      | code.tar.gz   | file | gzip(tar[connection.json])      |
    When the peer parses the package for install
    Then the package is accepted with the package ID "mycc:" followed by the SHA-256 of the whole file
    And no rule fails for the package
    And the package hands the builders metadata.json `{"type":"ccaas","label":"mycc"}`

  @P2
  Scenario: P2: the same entries in reverse order install too, under another package ID
    Given a package whose outer tar holds:
      | entry         | kind | content                         |
      | code.tar.gz   | file | gzip(tar[connection.json])      |
      | metadata.json | file | {"type":"ccaas","label":"mycc"} |
    When the peer parses the package for install
    Then the package is accepted with the package ID "mycc:" followed by the SHA-256 of the whole file
    And the package's ID differs from the ID of P1's package

  @P3
  Scenario: P3: another gzip header time installs too, under another package ID (not reproducible)
    Given a package whose outer tar holds:
      | entry         | kind | content                         |
      | metadata.json | file | {"type":"ccaas","label":"mycc"} |
      | code.tar.gz   | file | gzip(tar[connection.json])      |
    And the package's gzip header carries the modification time 1700000000
    When the peer parses the package for install
    Then the package is accepted with the package ID "mycc:" followed by the SHA-256 of the whole file
    And the package's ID differs from the ID of P1's package
    And the package is flagged at rule "PKG-12", saying `gzip header time`

  @P4
  Scenario: P4: a package made with `tar -C dir -czf pkg .` is refused: its ./ entry is a directory (type 53)
    Given a package whose outer tar holds:
      | entry           | kind      | content                    |
      | ./              | directory |                            |
      | ./metadata.json | file      | {"label":"x"}              |
      | ./code.tar.gz   | file      | gzip(tar[connection.json]) |
    When the peer parses the package for install
    Then the package is refused at rule "PKG-02" with `could not parse as a chaincode install package: tar entry ./ is not a regular file, type 53`
    And the package has no ID: the parse stopped before the label

  @P5
  Scenario: P5: entries named ./metadata.json and ./code.tar.gz are not recognised: no code package
    Given a package whose outer tar holds:
      | entry           | kind | content                    |
      | ./metadata.json | file | {"label":"x"}              |
      | ./code.tar.gz   | file | gzip(tar[connection.json]) |
    When the peer parses the package for install
    Then the package is refused at rule "PKG-04" with `could not parse as a chaincode install package: did not find a code package inside the package`
    And the package is flagged at rule "PKG-03"

  @P6
  Scenario: P6: a pax_global_header entry first (as git archive writes) is refused, type 103
    Given a package whose outer tar holds:
      | entry             | kind              | content                    |
      | pax_global_header | PAX global header | comment=abc                |
      | metadata.json     | file              | {"label":"x"}              |
      | code.tar.gz       | file              | gzip(tar[connection.json]) |
    When the peer parses the package for install
    Then the package is refused at rule "PKG-02" with `could not parse as a chaincode install package: tar entry pax_global_header is not a regular file, type 103`

  @P7
  Scenario: P7: per-file PAX records are consumed by the tar reader: the package installs
    Given a package whose outer tar holds:
      | entry         | kind | content                         | PAX records                   |
      | metadata.json | file | {"type":"ccaas","label":"mycc"} | mtime=1700000000.5, comment=x |
      | code.tar.gz   | file | gzip(tar[connection.json])      | path=code.tar.gz              |
    When the peer parses the package for install
    Then the package is accepted with the package ID "mycc:" followed by the SHA-256 of the whole file

  @P8
  Scenario: P8: code.tar.gz as a symbolic link is refused, type 50
    Given a package whose outer tar holds:
      | entry         | kind                 | content       |
      | metadata.json | file                 | {"label":"x"} |
      | code.tar.gz   | symlink to elsewhere |               |
    When the peer parses the package for install
    Then the package is refused at rule "PKG-02" with `could not parse as a chaincode install package: tar entry code.tar.gz is not a regular file, type 50`

  @P9
  Scenario: P9: a package with only metadata.json is refused: no code package
    Given a package whose outer tar holds:
      | entry         | kind | content       |
      | metadata.json | file | {"label":"x"} |
    When the peer parses the package for install
    Then the package is refused at rule "PKG-04" with `could not parse as a chaincode install package: did not find a code package inside the package`

  @P10
  Scenario: P10: a package with only code.tar.gz is refused: no metadata
    Given a package whose outer tar holds:
      | entry       | kind | content                    |
      | code.tar.gz | file | gzip(tar[connection.json]) |
    When the peer parses the package for install
    Then the package is refused at rule "PKG-04" with `could not parse as a chaincode install package: did not find any package metadata (missing metadata.json)`

  @P11
  Scenario: P11: an extra top-level README installs with a warning, and its bytes are in the package ID
    Given a package whose outer tar holds:
      | entry         | kind | content                         |
      | metadata.json | file | {"type":"ccaas","label":"mycc"} |
      | code.tar.gz   | file | gzip(tar[connection.json])      |
      | README        | file | read me                         |
    When the peer parses the package for install
    Then the package is accepted with the package ID "mycc:" followed by the SHA-256 of the whole file
    And the peer warns about the package at rule "PKG-03": `Encountered unexpected file 'README' in top level of chaincode package`

  @P12
  Scenario: P12: a plain tar, not gzipped, is refused: invalid gzip header
    Given a package that is a plain tar, not gzipped, holding:
      | entry         | kind | content |
      | metadata.json | file | {}      |
    When the peer parses the package for install
    Then the package is refused at rule "PKG-01" with `could not parse as a chaincode install package: error reading as gzip stream: gzip: invalid header`

  Scenario Outline: <vector>: the label <what> is refused
    Given a package whose label is `<label>`
    When the peer parses the package for install
    Then the package is refused at rule "PKG-06" with `could not parse as a chaincode install package: invalid label '<label>'. Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics`
    And the package has no ID: the parse stopped before the label

    @P13
    Examples: labels outside ^[[:alnum:]][[:alnum:]_.+-]*$
      | vector | what                                  | label |
      | P13    | a:b (a colon)                         | a:b   |
      | P13    | "" (empty)                            |       |
      | P13    | .x (begins with a symbol)             | .x    |
      | P13    | _x (begins with a symbol)             | _x    |
      | P13    | é1 (a letter outside ASCII)           | é1    |
      | P13    | abc followed by a newline             | abc\n |

  Scenario Outline: <vector>: the label <label> is accepted
    Given a package whose label is `<label>`
    When the peer parses the package for install
    Then the package is accepted with the package ID "<label>:" followed by the SHA-256 of the whole file

    @P14
    Examples: labels inside ^[[:alnum:]][[:alnum:]_.+-]*$
      | vector | label     |
      | P14    | 0         |
      | P14    | a-        |
      | P14    | a++b      |
      | P14    | v1.0.0    |
      | P14    | A_b.c+d-e |

  @P15
  Scenario: P15: metadata.json keys match case-insensitively: LABEL and Type are read
    Given a package whose metadata.json is `{"LABEL":"x1","Type":"CCAAS"}`
    When the peer parses the package for install
    Then the package is accepted with the package ID "x1:" followed by the SHA-256 of the whole file
    And the package reads as label "x1" and type "CCAAS"

  Scenario Outline: <vector>: metadata.json <what> is refused: <why>
    Given a package whose metadata.json is `<json>`
    When the peer parses the package for install
    Then the package is refused at rule "<rule>" with `<error>`

    @P16
    Examples: trailing bytes after the object
      | vector | what            | why                                       | json                           | rule   | error                                                                                                                                   |
      | P16    | with trailing x | Go decodes the whole file as one value    | {"type":"ccaas","label":"x1"}x | PKG-05 | could not parse as a chaincode install package: could not unmarshal metadata.json as json: invalid character 'x' after top-level value |

    @P17
    Examples: null decodes to nothing
      | vector | what | why                              | json | rule   | error                                                                                                                                                                                   |
      | P17    | null | it leaves the label empty        | null | PKG-06 | could not parse as a chaincode install package: invalid label ''. Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics |

    @P18
    Examples: a label that is not a string
      | vector | what         | why                         | json        | rule   | error                                                                                                                                                                                     |
      | P18    | with label 5 | the label is not a string   | {"label":5} | PKG-05 | could not parse as a chaincode install package: could not unmarshal metadata.json as json: json: cannot unmarshal number into Go struct field ChaincodePackageMetadata.label of type string |

  @P19
  Scenario: P19: metadata.json after a UTF-8 byte order mark is refused: Go's decoder does not skip it
    Given a package whose metadata.json is `{"label":"x1"}` after a UTF-8 byte order mark
    When the peer parses the package for install
    Then the package is refused at rule "PKG-05" with `could not parse as a chaincode install package: could not unmarshal metadata.json as json: invalid character 'ï' looking for beginning of value`

  @P20
  Scenario: P20: with two metadata.json, install takes the label of the last, the builders get the first
    Given a package whose outer tar holds:
      | entry         | kind | content                              |
      | metadata.json | file | {"type":"ccaas","label":"bad label"} |
      | metadata.json | file | {"type":"x","label":"good"}          |
      | code.tar.gz   | file | gzip(tar[connection.json])           |
    When the peer parses the package for install
    Then the package is accepted with the package ID "good:" followed by the SHA-256 of the whole file
    And the package hands the builders metadata.json `{"type":"ccaas","label":"bad label"}`
    And the package is flagged at rule "PKG-11"

  Scenario Outline: <vector>: the package is refused at the install-time DB artifact scan: its code.tar.gz is <what>
    Given a package whose code.tar.gz is <what>
    When the peer parses the package for install
    Then the package is refused at rule "PKG-08" with `<error>`
    And calculatepackageid would still print "mycc:" followed by the SHA-256 of the whole file
    And the package is flagged at rule "PKG-13"

    @P21
    Examples: zero bytes
      | vector | what            | error                                                                                                |
      | P21    | empty (0 bytes) | could not parse as a chaincode install package: error retrieving DB artifacts from code package: EOF |

    @P22
    Examples: not gzipped
      | vector | what                                        | error                                                                                                               |
      | P22    | a plain tar of connection.json, not gzipped | could not parse as a chaincode install package: error retrieving DB artifacts from code package: gzip: invalid header |

  @P23
  Scenario: P23: a code.tar.gz that is the gzip of zero bytes installs; the builders get an empty source directory
    The ccaas builder then fails its build: connection.json is not found.
    Given a package whose code.tar.gz is the gzip of zero bytes
    When the peer parses the package for install
    Then the package is accepted with the package ID "mycc:" followed by the SHA-256 of the whole file
    And the package extracts for the builders to a source directory without connection.json at its root

  @P24
  Scenario: P24: installing the same package a second time is refused: already installed
    Given a package whose outer tar holds:
      | entry         | kind | content                         |
      | metadata.json | file | {"type":"ccaas","label":"mycc"} |
      | code.tar.gz   | file | gzip(tar[connection.json])      |
    When the peer parses the package for install
    Then the package is accepted with the package ID "mycc:" followed by the SHA-256 of the whole file
    And installing the package again is refused with `chaincode already successfully installed (package ID '{id}')`

  @P25
  Scenario: P25: calculatepackageid prints the ID of P21's package, whose DB artifact scan install fails
    Given a package whose code.tar.gz is empty (0 bytes)
    When the peer CLI calculates the package's ID
    Then calculatepackageid prints "mycc:" followed by the SHA-256 of the whole file
