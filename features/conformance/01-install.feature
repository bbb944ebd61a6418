@stage:package
Feature: Install — the peer parses the package
  `peer lifecycle chaincode install` sends the package bytes to the peer's _lifecycle system
  chaincode, which parses them (persistence.ParseChaincodePackage), computes the package ID and
  scans code.tar.gz for CouchDB indexes before any builder runs. Any rejection here is what the
  CLI prints after "chaincode install failed with status: 500".

  Background:
    When the peer installs the package

  @PKG-01 @MUST
  Scenario: The package is a gzip-compressed tar stream
    Then rule "PKG-01" holds

  @PKG-02 @MUST
  Scenario: Every top-level entry is a regular file
    Then rule "PKG-02" holds

  @PKG-03 @SHOULD
  Scenario: Only metadata.json and code.tar.gz at the top level
    Then rule "PKG-03" holds

  @PKG-04 @MUST
  Scenario: Both code.tar.gz and metadata.json are present
    Then rule "PKG-04" holds

  @PKG-05 @MUST
  Scenario: metadata.json decodes as the peer decodes it
    Then rule "PKG-05" holds

  @PKG-06 @MUST
  Scenario: The label is valid
    Then rule "PKG-06" holds

  @PKG-07 @MUST
  Scenario: The package ID is label:sha256 of the whole file
    Then rule "PKG-07" holds

  @PKG-08 @MUST
  Scenario: code.tar.gz is readable for the install-time index scan
    Then rule "PKG-08" holds

  @PKG-09 @SHOULD
  Scenario: The peer stores the package under its package ID
    Then rule "PKG-09" holds

  @PKG-10 @MUST
  Scenario: Install parses the package, stores it and goes on to build
    Then rule "PKG-10" holds

  @PKG-11 @SHOULD
  Scenario: No duplicate entries
    Then rule "PKG-11" holds

  @PKG-12 @SHOULD
  Scenario: The package bytes are reproducible
    Then rule "PKG-12" holds

  @PKG-13 @SHOULD
  Scenario: calculatepackageid prints the ID install uses
    Then rule "PKG-13" holds

  @PKG-15 @MUST
  Scenario: The package fits in one gRPC message
    Then rule "PKG-15" holds

  @PKG-16 @SHOULD
  Scenario: The package stays within the harness limits
    Then rule "PKG-16" holds

  @PKG-17 @MUST
  Scenario: The label fits the peer's file names
    Then rule "PKG-17" holds
