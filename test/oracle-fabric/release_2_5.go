//go:build fabric2_5

// The few packages that moved between the releases: in 2.5 the logger and the metrics provider
// live in github.com/hyperledger/fabric/common.
package main

import (
	"io"

	"github.com/hyperledger/fabric/core/container/externalbuilder"

	"github.com/hyperledger/fabric/common/flogging"
	"github.com/hyperledger/fabric/common/metrics/disabled"
)

var noMetrics = &disabled.Provider{}

func silencePeerLoggers() { flogging.Init(flogging.Config{LogSpec: "fatal", Writer: io.Discard}) }

// peerLogger is a logger of the peer's own kind, for functions that take one (silenced above).
func peerLogger() *flogging.FabricLogger { return flogging.MustGetLogger("oracle-fabric") }

// userDomain: 2.5's ChaincodeServerUserData has no domain field; the peer ignores the key.
func userDomain(*externalbuilder.ChaincodeServerUserData) (string, bool) { return "", false }
