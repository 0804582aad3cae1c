package main

import (
	"encoding/json"
	"io"
	"sync"
	"sync/atomic"
)

// clone is what the keeper knows of its clone, shared by the HTTP handlers, the take-over and QEMU's end: CloneRun's
// fields. Published with atomics: a request may come at any moment of the clone's life.
type clone struct {
	errw io.Writer

	overheadMillis atomic.Int64 // launcher start until QEMU started; -1 until the serve message
	restoreMillis  atomic.Int64 // launcher start until the guest ran (or stood paused); -1 until ready
	qemuAlive      atomic.Bool
	handover       atomic.Pointer[handoverMessage]
	qmp            atomic.Pointer[qmpClient] // set at the take-over: the restored guest is the keeper's to command
	// the reason of the SHUTDOWN event the guest caused (QEMU's words), nil while it caused none
	guestShutdownReason atomic.Pointer[string]

	deliveryMu sync.Mutex // one claim delivery at a time
	delivery   atomic.Pointer[claimDelivery]
}

func newClone(errw io.Writer) *clone {
	c := &clone{errw: errw}
	c.overheadMillis.Store(-1)
	c.restoreMillis.Store(-1)
	return c
}

// onQmpEvent records the guest's own shutdown: QEMU then exits, and its exit code alone cannot tell a poweroff.
func (c *clone) onQmpEvent(name string, data json.RawMessage) {
	if name != "SHUTDOWN" {
		return
	}
	var shutdown struct {
		Guest  bool   `json:"guest"`
		Reason string `json:"reason"`
	}
	if json.Unmarshal(data, &shutdown) == nil && shutdown.Guest {
		c.guestShutdownReason.Store(&shutdown.Reason)
	}
}

// takenOver publishes the keeper's QMP connection: from now on the API answers for the restored guest.
func (c *clone) takenOver(qmp *qmpClient, restoreMillis int64) {
	c.restoreMillis.Store(restoreMillis) // before the connection: whoever sees it ready sees the restore time
	c.qmp.Store(qmp)
}

// ready says whether the keeper holds QMP, i.e. the restore is done and the take-over happened.
func (c *clone) ready() bool {
	return c.qmp.Load() != nil
}
