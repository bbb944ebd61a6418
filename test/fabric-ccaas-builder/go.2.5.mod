module ccaas-conformance/fabric-ccaas-builder

go 1.26.7

tool (
	github.com/hyperledger/fabric/ccaas_builder/cmd/build
	github.com/hyperledger/fabric/ccaas_builder/cmd/detect
	github.com/hyperledger/fabric/ccaas_builder/cmd/release
)

require (
	github.com/hyperledger/fabric/ccaas_builder v0.0.0-20260617221605-f871cf92a026 // indirect
	github.com/otiai10/copy v1.6.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
)
