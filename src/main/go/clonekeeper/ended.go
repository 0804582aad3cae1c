package main

import "strconv"

// ended is CloneRun.ended: what a clone's ended QEMU means. guestShutdownReason is the reason of a SHUTDOWN event
// the guest caused ("guest-shutdown", "guest-reset", …), nil when it caused none; qemuExitCode is -1 when unknown.
func ended(qemuExitCode int, guestShutdownReason *string, qemuLogTail func() string) launcherResult {
	if guestShutdownReason != nil && *guestShutdownReason == "guest-reset" {
		// -no-reboot (BootStub): the clone's QEMU has no kernel to boot again
		return failure(outcomeFailed, guestRebooted)
	}
	if qemuExitCode == 0 || guestShutdownReason != nil {
		return launcherResult{Outcome: outcomePoweredOff}
	}
	return failure(outcomeFailed, "QEMU exited unexpectedly with code "+strconv.Itoa(qemuExitCode)+": "+qemuLogTail())
}
