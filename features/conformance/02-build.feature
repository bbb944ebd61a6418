@stage:build
Feature: Build — the peer runs the external builders
  Right after parsing, install builds the package synchronously: the peer reads its builder
  configuration (core.yaml chaincode.externalBuilders), extracts code.tar.gz into a scratch build
  context, runs bin/detect of each builder in order, then bin/build and bin/release of the first
  that detects, each with the peer's arguments, working directory and pruned environment, and
  copies the output to durable storage. Builders are linted first; the harness adds the deadline
  the peer lacks and says what a restart, a launch and other peers would do.

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

  @CODE-04 @SHOULD
  Scenario: The builders get the first metadata.json verbatim
    Then rule "CODE-04" holds

  @CODE-05 @SHOULD
  Scenario: CouchDB indexes sit where the builder releases them
    Then rule "CODE-05" holds

  @CODE-06 @SHOULD
  Scenario: Index files are valid CouchDB index definitions
    Then rule "CODE-06" holds

  @CODE-07 @SHOULD
  Scenario: Index files pass the CLI packager's metadata validation
    Then rule "CODE-07" holds

  @BLD-01 @MUST
  Scenario: chaincode.externalBuilders is a configuration the peer starts with
    Then rule "BLD-01" holds

  @BLD-02 @MUST
  Scenario: Builder programs can be started by execve
    Then rule "BLD-02" holds

  @BLD-03 @MUST
  Scenario: Programs take the peer's arguments
    Then rule "BLD-03" holds

  @BLD-04 @SHOULD
  Scenario: Builders explain themselves on stderr, in lines under 64 KiB
    Then rule "BLD-04" holds

  @BLD-05 @SHOULD
  Scenario: Builders need only propagated environment variables
    Then rule "BLD-05" holds

  @BLD-06 @MUST
  Scenario: A builder detects the package
    Then rule "BLD-06" holds

  @BLD-07 @MUST
  Scenario: Builder programs finish
    Then rule "BLD-07" holds

  @BLD-08 @MUST
  Scenario: Build output is persisted
    Then rule "BLD-08" holds

  @BLD-09 @MUST
  Scenario: Release and build output hold no absolute or escaping symlink and no special file
    Then rule "BLD-09" holds

  @BLD-10 @SHOULD
  Scenario: Cached builds are restored by builder name
    Then rule "BLD-10" holds

  @BLD-11 @MUST
  Scenario: The build fits in the install's wait
    Then rule "BLD-11" holds

  @BLD-12 @MUST
  Scenario: bin/build and bin/release exit 0
    Then rule "BLD-12" holds

  @BLD-13 @MUST
  Scenario: The release makes the package chaincode-as-a-service
    Then rule "BLD-13" holds

  @BLD-14 @SHOULD
  Scenario: The release holds only what the peer reads
    Then rule "BLD-14" holds

  @BLD-15 @MUST
  Scenario: The built-in ccaas builder accepts the package
    Then rule "BLD-15" holds

  @CONN-10 @MUST
  Scenario: connection.json survives the built-in ccaas builder's rewrite
    Then rule "CONN-10" holds

  @BLD-16 @SHOULD
  Scenario: Builder programs exist and are executable (lint)
    Then rule "BLD-16" holds

  @BLD-17 @SHOULD
  Scenario: Builder scripts use LF line endings (lint)
    Then rule "BLD-17" holds

  @BLD-18 @SHOULD
  Scenario: Builder scripts name an interpreter that exists (lint)
    Then rule "BLD-18" holds

  @BLD-19 @SHOULD
  Scenario: Builders use only what the stock peer image has (lint)
    Then rule "BLD-19" holds

  @BLD-20 @SHOULD
  Scenario: Builder scripts use no variable that nothing sets (lint)
    Then rule "BLD-20" holds

  @BLD-21 @SHOULD
  Scenario: CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG is propagated to builders that read it (lint)
    Then rule "BLD-21" holds

  @BLD-22 @MUST
  Scenario: One package builds on every peer
    Then rule "BLD-22" holds

  @BLD-23 @SHOULD
  Scenario: Builder programs leave no process running
    Then rule "BLD-23" holds

  @DRIFT-13 @SHOULD
  Scenario: The stock peer claims only type ccaas
    Then rule "DRIFT-13" holds

  @DRIFT-17 @SHOULD
  Scenario: Copy happens after release
    Then rule "DRIFT-17" holds

  @DRIFT-18 @SHOULD
  Scenario: Index names are not checked
    Then rule "DRIFT-18" holds

  @DRIFT-19 @SHOULD
  Scenario: A non-executable release is skipped
    Then rule "DRIFT-19" holds

  @DRIFT-20 @SHOULD
  Scenario: Docker fallback is disabled
    Then rule "DRIFT-20" holds

  @DRIFT-21 @SHOULD
  Scenario: Builder names matter
    Then rule "DRIFT-21" holds

  @DRIFT-22 @SHOULD
  Scenario: Sample run script uses an unset variable
    Then rule "DRIFT-22" holds

  @DRIFT-23 @SHOULD
  Scenario: Whole environment when nothing is set
    Then rule "DRIFT-23" holds

  @DRIFT-25 @SHOULD
  Scenario: The builder is named ccaas_builder
    Then rule "DRIFT-25" holds

  @DRIFT-26 @SHOULD
  Scenario: Relative builder paths are accepted
    Then rule "DRIFT-26" holds

  @DRIFT-27 @SHOULD
  Scenario: chaincode.keepalive takes whole seconds
    Then rule "DRIFT-27" holds

  @DRIFT-28 @SHOULD
  Scenario: installTimeout does not stop builders
    Then rule "DRIFT-28" holds
