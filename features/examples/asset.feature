@example
Feature: Asset transfer on the mock peer
  The same scenarios run against the Node (fabric-contract-api), Java (fabric-chaincode-shim
  contract API) and Go (fabric-chaincode-go/v2 shim) servers: a client invokes and queries the chaincode through the mock peer, which
  serves its state requests from an in-memory ledger and commits endorsed transactions.

  Background:
    Given the chaincode is running

  Scenario: Create, read, update and delete an asset
    When I invoke "CreateAsset" with arguments "asset1", "blue"
    Then the response status is 200
    And the response payload is the JSON {"id":"asset1","value":"blue","owner":"Org1MSP"}
    And the event "AssetCreated" was emitted with the JSON {"id":"asset1"}
    And the world state key "asset1" is the JSON {"id":"asset1","value":"blue","owner":"Org1MSP"}
    When I query "ReadAsset" with arguments "asset1"
    Then the response payload is the JSON {"id":"asset1","value":"blue","owner":"Org1MSP"}
    When I invoke "UpdateAsset" with arguments "asset1", "red"
    Then the world state key "asset1" is the JSON {"id":"asset1","value":"red","owner":"Org1MSP"}
    When I invoke "DeleteAsset" with arguments "asset1"
    Then the response status is 200
    And the world state key "asset1" does not exist
    When I query "AssetExists" with arguments "asset1"
    Then the response payload is "false"

  Scenario: A failing function is not committed
    When I invoke "CreateAsset" with arguments "asset1", "blue"
    And I invoke "CreateAsset" with arguments "asset1", "green"
    Then the response status is 500
    And the response message contains "asset asset1 already exists"
    And the world state key "asset1" is the JSON {"id":"asset1","value":"blue","owner":"Org1MSP"}

  Scenario: A query does not change the ledger
    When I query "CreateAsset" with arguments "asset9", "blue"
    Then the response status is 200
    And the world state key "asset9" does not exist

  Scenario: Range query over seeded state
    Given the world state contains:
      | key | value |
      | a1  | one   |
      | a2  | two   |
      | a3  | three |
      | b1  | other |
    When I query "GetAssetsByRange" with arguments "a", "b"
    Then the response payload is the JSON [{"key":"a1","value":"one"},{"key":"a2","value":"two"},{"key":"a3","value":"three"}]

  Scenario: Range query with pagination and bookmarks
    Given the world state contains:
      | key | value |
      | k1  | 1     |
      | k2  | 2     |
      | k3  | 3     |
      | k4  | 4     |
      | k5  | 5     |
    When I query "GetAssetsByRangeWithPagination" with arguments "k1", "k9", "2", ""
    Then the response payload is the JSON {"records":[{"key":"k1","value":"1"},{"key":"k2","value":"2"}],"fetchedRecordsCount":2,"bookmark":"k3"}
    When I query "GetAssetsByRangeWithPagination" with arguments "k1", "k9", "2", "k5"
    Then the response payload is the JSON {"records":[{"key":"k5","value":"5"}],"fetchedRecordsCount":1,"bookmark":""}

  Scenario: A range query returns every key of the range
    Given the world state contains:
      | key  | value |
      | r001 | x     |
      | r002 | x     |
      | r003 | x     |
    When I query "GetAssetsByRange" with arguments "r", "s"
    Then the response payload is a JSON array of 3 items

  Scenario: Rich queries need CouchDB
    When I query "QueryAssets" with arguments "{\"selector\":{\"value\":\"blue\"}}"
    # The Node shim passes the peer's text on ("GET_QUERY_RESULT failed: ... ExecuteQuery not supported
    # for leveldb"); the Java shim replaces it with "[txid]Unsuccessful response received." (SHIM-JAVA-05).
    Then the response status is 500

  Scenario: Rich query with a Mango selector on CouchDB
    Given the state database is "couchdb"
    And the world state contains:
      | key | value                                    |
      | c1  | {"id":"c1","value":"blue","owner":"o1"}  |
      | c2  | {"id":"c2","value":"red","owner":"o1"}   |
      | c3  | {"id":"c3","value":"blue","owner":"o2"}  |
    When I query "QueryAssets" with arguments "{\"selector\":{\"value\":\"blue\"},\"fields\":[\"id\",\"owner\"],\"sort\":[{\"id\":\"desc\"}]}"
    Then the response payload is the JSON [{"key":"c3","value":"{\"id\":\"c3\",\"owner\":\"o2\"}"},{"key":"c1","value":"{\"id\":\"c1\",\"owner\":\"o1\"}"}]

  Scenario: History of a key
    When I invoke "CreateAsset" with arguments "h1", "blue"
    And I invoke "UpdateAsset" with arguments "h1", "red"
    And I query "GetAssetHistory" with arguments "h1"
    Then the response payload is a JSON array of 2 items

  Scenario: Private data with transient input and its hash
    Given the private data collection "assetCollection" with members "Org1MSP"
    When I invoke "PutPrivateAsset" with arguments "assetCollection", "p1" with transient {"value":"secret"}
    Then the response status is 200
    When I query "ReadPrivateAsset" with arguments "assetCollection", "p1"
    Then the response payload is "secret"
    When I query "ReadPrivateAssetHash" with arguments "assetCollection", "p1"
    Then the response payload is "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"

  Scenario: A non-member cannot read the collection
    Given the private data collection "assetCollection" with members "Org1MSP"
    When I invoke "PutPrivateAsset" with arguments "assetCollection", "p1" with transient {"value":"secret"}
    And I query "ReadPrivateAsset" with arguments "assetCollection", "p1" as "Org2MSP" user "bob"
    # The peer answers GET_STATE with ERROR "tx creator does not have read access permission ..."
    Then the response status is 500

  Scenario: The client identity reaches the contract
    When I query "WhoAmI" as "Org2MSP" user "bob"
    Then the response payload has the JSON field "mspid" equal to "Org2MSP"

  Scenario: Calling a second chaincode
    Given a second chaincode "other" runs the same server
    And the world state of chaincode "other" contains:
      | key | value                                        |
      | o1  | {"id":"o1","value":"green","owner":"Org1MSP"} |
    When I invoke "CallOther" with arguments "other", "ReadAsset", "o1"
    Then the response status is 200
    And the response payload is the JSON {"id":"o1","value":"green","owner":"Org1MSP"}
