module github.com/hyperledger/fabric/core/ledger/ccaasprotocoloracle

go 1.22
