package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"unicode/utf8"
)

// The container's termination message (TerminationMessage.java): one launcherResult, written once (the first
// writer wins, so QEMU's end and a SIGTERM cannot both report), always under Kubernetes' 4 KiB.

const (
	outcomePoweredOff = "PoweredOff"
	outcomeFailed     = "Failed"

	// Kubernetes reads at most 4 KiB of the termination message.
	terminationMessageMaxBytes = 4096
	defaultTerminationFile     = "/dev/termination-log"

	guestRebooted = "the guest rebooted; a clone continues its template's boot and cannot boot again" +
		" (its QEMU holds no kernel or initrd): delete the VmClone and create it again"
)

// launcherResult is LauncherResult with the fields a clone's end uses; the others (qemuVersion, bootMillis, …)
// belong to template builds and are never set, so the message leaves them out as the Java launcher did.
type launcherResult struct {
	Outcome string  `json:"outcome"`
	Error   *string `json:"error,omitempty"`
}

func failure(outcome, message string) launcherResult {
	return launcherResult{Outcome: outcome, Error: &message}
}

// fit is the result's JSON within Kubernetes' limit (bytes); a long error keeps its head and its tail (QEMU's last
// words) and loses the middle, as much of them as fits: escapes make the JSON's length unknown beforehand, and it
// grows with what is kept, so a binary search finds it.
func fit(r launcherResult) string {
	text := encodeJSON(r)
	if r.Error == nil || len(text) <= terminationMessageMaxBytes {
		return text
	}
	encoded := func(keep int) string { return encodeJSON(failure(r.Outcome, shorten(*r.Error, keep))) }
	tooLong := sort.Search(len(*r.Error), func(keep int) bool { return len(encoded(keep)) > terminationMessageMaxBytes })
	return encoded(max(0, tooLong-1))
}

// shorten keeps about keep bytes: a third from the head, the rest from the tail, " [...] " between, never half a
// UTF-8 sequence.
func shorten(text string, keep int) string {
	if len(text) <= keep {
		return text
	}
	head := keep / 3
	for head > 0 && !utf8.RuneStart(text[head]) {
		head--
	}
	tail := len(text) - (keep - keep/3)
	for tail < len(text) && !utf8.RuneStart(text[tail]) {
		tail++
	}
	return text[:head] + " [...] " + text[tail:]
}

type terminationMessage struct {
	file    string
	claimed atomic.Bool
	errw    io.Writer
}

func newTerminationMessage(file string, errw io.Writer) *terminationMessage {
	if file == "" {
		file = defaultTerminationFile
	}
	return &terminationMessage{file: file, errw: errw}
}

// write reports false when a result was already written (or claimed).
func (t *terminationMessage) write(r launcherResult) bool {
	if !t.claimed.CompareAndSwap(false, true) {
		return false
	}
	err := os.MkdirAll(filepath.Dir(t.file), 0o755)
	if err == nil {
		err = os.WriteFile(t.file, []byte(fit(r)), 0o644)
	}
	if err != nil {
		fmt.Fprintf(t.errw, "cannot write the termination message: %v\n", err)
	}
	return true
}

func (t *terminationMessage) written() bool {
	return t.claimed.Load()
}
