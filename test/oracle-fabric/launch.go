// Launch mode: what the peer's own RuntimeLauncher (core/chaincode/runtime_launcher.go) does when
// the chaincode connects but never registers (reference DIAL-08, PROTO-17), run with fakes for
// what it calls out to: a runtime whose Build returns a ChaincodeServerInfo, and a connection
// handler whose Stream stands for the open gRPC stream (it returns only when the test releases it).
//
// Mode:
//
//	launch-timeout  args.startupTimeoutMs. Result: error (what Launch returned),
//	                streamOpenAfterLaunch (Stream still running once Launch returned and 200 ms
//	                later), startedAgain (whether the next Launching of the same ID starts a new
//	                launch, i.e. the failed one was deregistered).
package main

import (
	"strconv"
	"time"

	"github.com/hyperledger/fabric/core/chaincode"
	"github.com/hyperledger/fabric/core/chaincode/extcc"
	"github.com/hyperledger/fabric/core/container/ccintf"
)

type serverRuntime struct{}

func (serverRuntime) Build(string) (*ccintf.ChaincodeServerInfo, error) {
	return &ccintf.ChaincodeServerInfo{Address: "cc:9999"}, nil
}
func (serverRuntime) Start(string, *ccintf.PeerConnection) error { return nil }
func (serverRuntime) Stop(string) error                          { return nil }
func (serverRuntime) Wait(string) (int, error)                   { return 0, nil }

// silentStream is a stream that opened and then carries nothing: no REGISTER ever comes.
type silentStream struct {
	release chan struct{}
	ended   chan struct{}
}

func (s *silentStream) Stream(string, *ccintf.ChaincodeServerInfo, extcc.StreamHandler) error {
	defer close(s.ended)
	<-s.release
	return nil
}

func judgeLaunchTimeout(req Request) Verdict {
	ms, err := strconv.Atoi(req.Args["startupTimeoutMs"])
	if err != nil || ms <= 0 {
		return Verdict{Error: "oracle-fabric: args.startupTimeoutMs must be a positive number"}
	}
	stream := &silentStream{release: make(chan struct{}), ended: make(chan struct{})}
	registry := chaincode.NewHandlerRegistry(false)
	launcher := &chaincode.RuntimeLauncher{
		Runtime:           serverRuntime{},
		Registry:          registry,
		StartupTimeout:    time.Duration(ms) * time.Millisecond,
		Metrics:           chaincode.NewLaunchMetrics(noMetrics),
		ConnectionHandler: stream,
	}
	const ccid = "mycc:0000"
	launchErr := launcher.Launch(ccid, nil)
	open := func() bool {
		select {
		case <-stream.ended:
			return false
		default:
			return true
		}
	}
	openAtReturn := open()
	time.Sleep(200 * time.Millisecond)
	openLater := open()
	_, started := registry.Launching(ccid)
	close(stream.release)
	<-stream.ended
	result := map[string]any{"streamOpenAfterLaunch": openAtReturn && openLater, "startedAgain": !started}
	if launchErr != nil {
		result["error"] = launchErr.Error()
	}
	return Verdict{OK: true, Result: result}
}

func init() {
	register("launch-timeout", judgeLaunchTimeout)
}
