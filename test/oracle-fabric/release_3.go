//go:build !fabric2_5

// The few packages that moved between the releases: in 3.x the logger and the metrics provider
// live in github.com/hyperledger/fabric-lib-go.
package main

import (
	"io"

	"github.com/hyperledger/fabric/core/container/externalbuilder"

	"github.com/hyperledger/fabric-lib-go/common/flogging"
	"github.com/hyperledger/fabric-lib-go/common/metrics/disabled"
)

var noMetrics = &disabled.Provider{}

func silencePeerLoggers() { flogging.Init(flogging.Config{LogSpec: "fatal", Writer: io.Discard}) }

// peerLogger is a logger of the peer's own kind, for functions that take one (silenced above).
func peerLogger() *flogging.FabricLogger { return flogging.MustGetLogger("oracle-fabric") }

// userDomain is connection.json's "domain" as the peer decodes it (3.x: the TLS server name).
func userDomain(d *externalbuilder.ChaincodeServerUserData) (string, bool) { return d.Domain, true }
