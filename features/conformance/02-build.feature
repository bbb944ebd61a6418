@stage:build
Feature: Build — the peer runs the external builders
  Right after parsing, install builds the package synchronously: the peer extracts code.tar.gz
  into a scratch build context, runs bin/detect of each configured builder in order, then
  bin/build and bin/release of the first that detects, and copies the output to durable storage.

  Background:
    When the peer builds the package with its external builders

  @CODE-01 @MUST
  Scenario: code.tar.gz extracts for the builders
    Then rule "CODE-01" holds

  @CODE-02 @MUST
  Scenario: No absolute or escaping paths in code.tar.gz
    Then rule "CODE-02" holds

  @CODE-03 @MUST
  Scenario: Only directories and regular files in code.tar.gz
    Then rule "CODE-03" holds

  @BLD-06 @MUST
  Scenario: A configured builder detects the package
    Then rule "BLD-06" holds

  @BLD-12 @MUST
  Scenario: Build and release succeed
    Then rule "BLD-12" holds

  @BLD-09 @MUST
  Scenario: The build output can be persisted
    Then rule "BLD-09" holds

  @BLD-07 @SHOULD
  Scenario: Every builder program finishes
    Then rule "BLD-07" holds
