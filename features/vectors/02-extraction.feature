@vectors
Feature: Reference vectors §9.2 — code.tar.gz as the peer extracts it for the external builders (C1-C8)
  Before it runs the external builders, the peer extracts the package's code.tar.gz into the build
  context's src directory with its own Untar: only directories and regular files are allowed, no
  absolute path and no path that escapes the directory; files are opened for writing without
  truncation, and their modes pass through the peer's umask. A refusal ends the install; the
  client sees the peer's text after `failed to invoke backing implementation of 'InstallChaincode': `
  (status 500), and the peer removes the package file it had stored. {src} is the directory
  extracted into. Every tar entry is USTAR, mode 0644, mtime 0 unless the table gives a mode.

  @C1
  Scenario: C1: a symbolic link fails the build context, type 50
    Given a code.tar.gz holding:
      | entry           | kind                       | content                                |
      | connection.json | file                       | {"address":"h:1","dial_timeout":"10s"} |
      | l               | symlink to connection.json |                                        |
    When the peer extracts the code.tar.gz into the build context
    Then the code.tar.gz is refused at rule "CODE-03" with `could not build chaincode: external builder failed: could not create build context: could not untar source package: invalid file type '50' contained in archive for file 'l'`

  Scenario Outline: <vector>: the entry <entry> is refused: <what>
    Given a code.tar.gz holding:
      | entry   | kind | content |
      | <entry> | file | x       |
    When the peer extracts the code.tar.gz into the build context
    Then the code.tar.gz is refused at rule "CODE-02" with `could not build chaincode: external builder failed: could not create build context: could not untar source package: tar contains the absolute or escaping path '<entry>'`

    @C2
    Examples: an absolute path
      | vector | entry  | what          |
      | C2     | /etc/x | it is absolute |

    @C3
    Examples: a path that climbs out of src
      | vector | entry     | what                   |
      | C3     | a/../../x | it escapes the directory |

  @C3
  Scenario: C3: ..foo and a/../b stay inside the directory and are extracted
    Given a code.tar.gz holding:
      | entry  | kind | content |
      | ..foo  | file | 1       |
      | a/../b | file | 2       |
    When the peer extracts the code.tar.gz into the build context
    Then the code.tar.gz extracts
    And the extracted file `..foo` holds `1`
    And the extracted file `b` holds `2`

  @C4
  Scenario: C4: a code.tar.gz made by git archive is refused: its PAX global header is type 103
    Given a code.tar.gz holding:
      | entry             | kind              | content                                |
      | pax_global_header | PAX global header | comment=abcdef                         |
      | connection.json   | file              | {"address":"h:1","dial_timeout":"10s"} |
    When the peer extracts the code.tar.gz into the build context
    Then the code.tar.gz is refused at rule "CODE-03" with `could not build chaincode: external builder failed: could not create build context: could not untar source package: invalid file type '103' contained in archive for file 'pax_global_header'`

  Scenario Outline: <vector>: a <kind> is refused, type <type>
    Given a code.tar.gz holding:
      | entry   | kind   |
      | <entry> | <kind> |
    When the peer extracts the code.tar.gz into the build context
    Then the code.tar.gz is refused at rule "CODE-03" with `could not build chaincode: external builder failed: could not create build context: could not untar source package: invalid file type '<type>' contained in archive for file '<entry>'`

    @C5
    Examples: links and special files
      | vector | entry | kind                         | type |
      | C5     | h     | hard link to connection.json | 49   |
      | C5     | f     | FIFO                         | 54   |

  @C6
  Scenario: C6: an entry with an empty name is the directory itself: the file cannot be created
    Given a code.tar.gz holding:
      | entry | kind | content |
      |       | file | x       |
    When the peer extracts the code.tar.gz into the build context
    Then the code.tar.gz is refused at rule "CODE-01" with `could not build chaincode: external builder failed: could not create build context: could not untar source package: could not create file '': open {src}: is a directory`

  @C7
  Scenario: C7: a second, shorter copy of a file overwrites only its beginning (no truncation)
    Given a code.tar.gz holding:
      | entry | kind | content     |
      | c     | file | LONGCONTENT |
      | c     | file | ab          |
    When the peer extracts the code.tar.gz into the build context
    Then the code.tar.gz extracts
    And the extracted file `c` holds `abNGCONTENT`

  @C8
  Scenario: C8: file modes pass through the umask: setuid 04777 becomes 0755, 0000 stays 0000
    Given the peer's process umask is 022
    And a code.tar.gz holding:
      | entry | kind | content | mode  |
      | s     | file | x       | 04777 |
      | z     | file | y       | 0000  |
    When the peer extracts the code.tar.gz into the build context
    Then the code.tar.gz extracts
    And the extracted file `s` has mode 0755
    And the extracted file `z` has mode 0000
