@vectors
Feature: Reference vectors §9.2 — external builders as the peer runs them (B1-B13)
  At install the peer extracts code.tar.gz into a scratch build context (src, metadata, bld,
  release), runs bin/detect of each builder of chaincode.externalBuilders in order until one exits
  0, then bin/build and — when it exists and is executable — bin/release of that builder, and
  copies release and bld to its durable directory
  /var/hyperledger/production/externalbuilder/builds/<package id>. At every launch it reads
  release/chaincode/server/connection.json from there, or runs the builder's bin/run when there is
  none. No program has a timeout; stdout is discarded, stderr is logged.

  Each scenario is one vector of the contract reference, with the peer's exact texts, for the
  package mycc:0123456789abcdef whose src holds just connection.json. Builders are shell scripts
  written for the scenario; the built-in ccaas builder runs both as the bundled twin and as
  Fabric's own ccaas_builder built from the pinned Fabric commit. In expected texts, {context} is
  the scratch build context and {x} the directory of builder x.

  @B1
  Scenario: B1: when no builder detects the package and vm.endpoint is empty, the install fails: docker build is disabled
    Given an external builder "a" whose bin/detect exits 1
    And an external builder "b" whose bin/detect is not executable
    And the peer's vm.endpoint is empty
    When the peer runs its external builders on the package
    Then the external build fails at rule "BLD-06" with `could not build chaincode: docker build failed: docker build is disabled`
    And the builder programs ran as follows:
      | builder | program | result                                       |
      | a       | detect  | exit status 1                                |
      | b       | detect  | fork/exec {b}/bin/detect: permission denied  |

  @B1
  Scenario: B1: when no builder detects the package and vm.endpoint is set, the peer tries a Docker build, never chaincode-as-a-service
    Given an external builder "a" whose bin/detect exits 1
    And the peer's vm.endpoint is `unix:///var/run/docker.sock`
    When the peer runs its external builders on the package
    Then the external build fails at rule "BLD-06" with `could not build chaincode: docker build failed: docker image inspection failed: failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory`

  @B2
  Scenario: B2: of two builders that both detect the package, only the first listed builds it
    Given an external builder "first" that detects the package, builds and releases connection.json
    And an external builder "second" that detects the package, builds and releases connection.json
    When the peer runs its external builders on the package
    Then the external build succeeds, by builder "first"
    And the builder programs ran as follows:
      | builder | program | result |
      | first   | detect  | exit 0 |
      | first   | build   | exit 0 |
      | first   | release | exit 0 |

  @B3
  Scenario: B3: a bin/build that exits 3 fails the install with the builder's name and exit status
    Given an external builder "x" that detects the package, builds and releases connection.json
    And its bin/build is
      """
      #!/bin/sh
      echo nope >&2
      exit 3
      """
    When the peer runs its external builders on the package
    Then the external build fails at rule "BLD-12" with `could not build chaincode: external builder failed: external builder failed to build: external builder 'x' failed: exit status 3`

  @B4
  Scenario: B4: a bin/release without the exec bit is skipped, the install succeeds, and every launch runs bin/run
    Given an external builder "norel" that detects the package, builds and releases connection.json
    And its bin/release is not executable
    When the peer runs its external builders on the package
    Then the external build succeeds, by builder "norel"
    And the builder programs ran as follows:
      | builder | program | result                                                          |
      | norel   | detect  | exit 0                                                          |
      | norel   | build   | exit 0                                                          |
      | norel   | release | not run: exec.LookPath({norel}/bin/release): permission denied  |
    And the release is empty
    And at every launch the peer runs bin/run instead, which fails with `could not launch chaincode mycc:0123456789abcdef: error starting container: error starting container: could not execute run: builder 'norel' run failed to start: fork/exec {norel}/bin/run: no such file or directory`

  @B5
  Scenario: B5: a bin/release that exits 1 fails the install with the builder's name and exit status
    Given an external builder "y" that detects the package, builds and releases connection.json
    And its bin/release is
      """
      #!/bin/sh
      exit 1
      """
    When the peer runs its external builders on the package
    Then the external build fails at rule "BLD-12" with `could not build chaincode: external builder failed: external builder failed to release: builder 'y' release failed: exit status 1`

  @B6
  Scenario: B6: an absolute symlink in the release fails the copy to the durable directory, which stays behind half-copied
    Given an external builder "abs" that detects the package, builds and releases connection.json
    And its bin/release is
      """
      #!/bin/sh
      set -eu
      mkdir -p "$2/chaincode/server"
      cp "$1/connection.json" "$2/chaincode/server/connection.json"
      ln -s /etc/passwd "$2/x"
      """
    When the peer runs its external builders on the package
    Then the external build fails at rule "BLD-09" with `could not build chaincode: external builder failed: could not move or copy build context release to persistent location '/var/hyperledger/production/externalbuilder/builds/mycc-0123456789abcdef': failed to copy {context}/release to /var/hyperledger/production/externalbuilder/builds/mycc-0123456789abcdef/release: refusing to copy absolute symlink {context}/release/x -> /etc/passwd`
    And the peer's durable build directory keeps only build-info.json
    When the package is installed again on the same peer
    Then the build is restored from that directory as built by "abs", running no builder program

  @B7
  Scenario: B7: builder programs get the listed and default environment variables, the peer's working directory and the peer's arguments; stdout is lost
    Given an external builder "env" propagating MY_VAR and UNSET_VAR, each of whose programs first runs
      """
      echo "argc=$# $*" >&2
      echo "cwd=$(pwd)" >&2
      env | grep -v "^PWD=\|^SHLVL=\|^_=" | sort >&2
      echo "this line goes to stdout"
      """
    And the peer process's environment also has TMPDIR=`/tmp`
    And the peer process's environment also has MY_VAR=`v`
    And the peer process's environment also has SECRET=`s`
    And the peer process's environment also has HOME=`/root`
    When the peer runs its external builders on the package
    Then the external build succeeds, by builder "env"
    And every program of builder "env" got exactly the environment variables MY_VAR, PATH and TMPDIR
    And every program of builder "env" ran in the peer's working directory
    And the programs of builder "env" printed these arguments:
      | program | argc | arguments                                          |
      | detect  | 2    | {context}/src {context}/metadata                   |
      | build   | 3    | {context}/src {context}/metadata {context}/bld     |
      | release | 2    | {context}/bld {context}/release                    |
    And what the programs of builder "env" printed on stdout is not in the peer's log

  @B8
  Scenario: B8: after a restart with the builder renamed in core.yaml, the peer cannot restore the package's build
    Given an external builder "ccaas-v1" that detects the package, builds and releases connection.json
    And the peer has built the package with its external builders
    When the peer restarts with builder "ccaas-v1" renamed "ccaas-v2" and runs its external builders on the package again
    Then the external build fails at rule "BLD-10" with `could not build chaincode: external builder failed: existing build could not be restored: chaincode 'mycc:0123456789abcdef' was already built with builder 'ccaas-v1', but that builder is no longer available`
    And no builder program ran

  @B9
  Scenario: B9: a build longer than max(installTimeout, executetimeout) times the install client out, while the build goes on and completes
    Given an external builder "slow" that is mocks/builders/posix-ccaas with a bin/build that first sleeps 1.3 s
    And the peer's core.yaml is
      """
      peer:
        localMspId: Org1MSP
      chaincode:
        installTimeout: 1s
        executetimeout: 1s
        externalBuilders:
          - name: slow
            path: {slow}
      """
    When the harness checks the sample package against that core.yaml
    Then the install client gets `timeout expired while executing transaction` (rule "BLD-11"), the check exiting with code 1
    And the harness explains that the build took more than the 1000 ms the install client waits
    And the build itself completes: rules "BLD-07" and "BLD-13" pass

  Scenario Outline: B10: <builder> releases a connection.json without dial_timeout as "", which every launch refuses
    Given <builder> is the peer's external builder, as in the sample core.yaml
    And the build context's src holds connection.json `{"address":"h:1"}`
    When the peer runs its external builders on the package
    Then the external build succeeds, by builder "ccaas_builder"
    And the released connection.json is `{"address":"h:1","dial_timeout":"","tls_required":false,"client_auth_required":false,"root_cert":"","client_key":"","client_cert":""}`
    And reading it at every launch, the peer fails with `could not launch chaincode mycc:0123456789abcdef: error building chaincode: malformed chaincode info at '/var/hyperledger/production/externalbuilder/builds/mycc-0123456789abcdef/release/chaincode/server/connection.json': time: invalid duration ""`

    @B10
    Examples:
      | builder                   |
      | the bundled ccaas builder |
      | Fabric's ccaas_builder    |

  Scenario Outline: B11: <builder> refuses a numeric dial_timeout, failing the install
    Given <builder> is the peer's external builder, as in the sample core.yaml
    And the build context's src holds connection.json `{"address":"h:1","dial_timeout":10}`
    When the peer runs its external builders on the package
    Then the external build fails at rule "BLD-12" with `could not build chaincode: external builder failed: external builder failed to build: external builder 'ccaas_builder' failed: exit status 1`
    And its bin/build printed the line `::Error: json: cannot unmarshal number into Go struct field connection.dial_timeout of type string` on stderr

    @B11
    Examples:
      | builder                   |
      | the bundled ccaas builder |
      | Fabric's ccaas_builder    |

  Scenario Outline: B12: <builder> fills the address template from the propagated builder config
    Given <builder> is the peer's external builder, as in the sample core.yaml
    And the build context's src holds connection.json `{"address":"{{.host}}:9999","dial_timeout":"10s","tls_required":false}`
    And the peer process's environment also has CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG=`{"host":"x"}`
    When the peer runs its external builders on the package
    Then the external build succeeds, by builder "ccaas_builder"
    And the released connection.json is `{"address":"x:9999","dial_timeout":"10s","tls_required":false,"client_auth_required":false,"root_cert":"","client_key":"","client_cert":""}`

    @B12
    Examples:
      | builder                   |
      | the bundled ccaas builder |
      | Fabric's ccaas_builder    |

  Scenario Outline: B12: <builder> fails the install when the builder config lacks a key the address template names
    Given <builder> is the peer's external builder, as in the sample core.yaml
    And the build context's src holds connection.json `{"address":"{{.host}}:9999","dial_timeout":"10s"}`
    And the peer process's environment also has CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG=`{}`
    When the peer runs its external builders on the package
    Then the external build fails at rule "BLD-12" with `could not build chaincode: external builder failed: external builder failed to build: external builder 'ccaas_builder' failed: exit status 1`
    And its bin/build printed the line `::Error: Failed to parse the Address field template: template: :1:2: executing "" at <.host>: map has no entry for key "host"` on stderr

    @B12
    Examples:
      | builder                   |
      | the bundled ccaas builder |
      | Fabric's ccaas_builder    |

  Scenario Outline: B12: without propagateEnvironment the builder config never reaches <builder>, and the install fails
    Given <builder> is the peer's external builder, without propagateEnvironment
    And the build context's src holds connection.json `{"address":"{{.host}}:9999","dial_timeout":"10s"}`
    And the peer process's environment also has CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG=`{"host":"x"}`
    When the peer runs its external builders on the package
    Then the external build fails at rule "BLD-12" with `could not build chaincode: external builder failed: external builder failed to build: external builder 'ccaas_builder' failed: exit status 1`
    And its bin/build printed the line `::Error: Failed to parse the Address field template: template: :1:2: executing "" at <.host>: map has no entry for key "host"` on stderr

    @B12
    Examples:
      | builder                   |
      | the bundled ccaas builder |
      | Fabric's ccaas_builder    |

  Scenario Outline: B13: <builder> drops domain from the released connection.json
    Given <builder> is the peer's external builder, as in the sample core.yaml
    And the build context's src holds connection.json `{"address":"h:1","dial_timeout":"10s","domain":"d","tls_required":false}`
    When the peer runs its external builders on the package
    Then the external build succeeds, by builder "ccaas_builder"
    And the released connection.json is `{"address":"h:1","dial_timeout":"10s","tls_required":false,"client_auth_required":false,"root_cert":"","client_key":"","client_cert":""}`

    @B13
    Examples:
      | builder                   |
      | the bundled ccaas builder |
      | Fabric's ccaas_builder    |
