package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The keeper's life: it starts the launcher JVM as its child, serves the API from the launcher's serve message,
// takes QEMU over after the handover and the JVM's exit, and ends with QEMU (CloneRun.awaitQemuExit) or with a
// SIGTERM (CloneRun.quit).

const (
	quitGrace         = 20 * time.Second // SIGTERM: QEMU's time to quit before SIGKILL
	killGrace         = 5 * time.Second
	qmpConnectTimeout = 5 * time.Second
	// the restorer's QMP command timeout (spec.migration.restoreTimeoutSeconds, default 60 s); the handover does not
	// carry the clone's own, so the default
	qmpCommandTimeout = 60 * time.Second
	// after the JVM's exit its last messages may still sit in the pipe
	messagesDrain = time.Second
	qemuLogBytes  = 1500
	keeperName    = "vmt-clone-keeper"
)

type keeper struct {
	out, errw io.Writer
	clone     *clone
	child     *exec.Cmd

	serveOnce     sync.Once
	server        atomic.Pointer[apiServer]
	termination   atomic.Pointer[terminationMessage]
	startupFailed atomic.Bool
	// the console stops retrying its connect once no QEMU will create the socket
	consoleStop atomic.Bool
}

// runKeeper is the whole program: it returns the exit code.
func runKeeper(args []string, out, errw io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(errw, "usage: "+keeperName+" <command> [args...]   (the command is the launcher JVM, e.g. vmt launcher clone)")
		return 2
	}
	k := &keeper{out: out, errw: errw, clone: newClone(errw)}
	if err := becomeSubreaper(); err != nil {
		fmt.Fprintf(errw, "%s: cannot become a child subreaper (%v): after the launcher exits, QEMU is watched in /proc"+
			" and its exit code is unknown\n", keeperName, err)
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	pipe, pipeEnd, err := os.Pipe()
	if err != nil {
		fmt.Fprintf(errw, "%s: cannot create the launcher's pipe: %v\n", keeperName, err)
		return 1
	}
	k.child = exec.Command(args[0], args[1:]...)
	k.child.Stdin, k.child.Stdout, k.child.Stderr = os.Stdin, os.Stdout, os.Stderr
	k.child.ExtraFiles = []*os.File{pipeEnd} // fd 3
	k.child.Env = append(os.Environ(), "VMT_KEEPER_CHANNEL=/proc/self/fd/3")
	if err := k.child.Start(); err != nil {
		fmt.Fprintf(errw, "%s: cannot start %s: %s; check the container's command\n", keeperName, args[0], err)
		return 127
	}
	pipeEnd.Close() // the child's copy is the only writer: the pipe ends with it
	messagesDone := make(chan struct{})
	go func() {
		readMessages(pipe, k.serve, k.handover, func(problem string) {
			fmt.Fprintf(errw, "%s: ignored %s\n", keeperName, problem)
		})
		pipe.Close()
		close(messagesDone)
	}()
	childDone := make(chan int, 1)
	go func() {
		k.child.Wait()
		childDone <- processExitCode(k.child.ProcessState)
	}()

	// a signal goes on to the JVM, whose hook quits QEMU before the handover and leaves it alone after; remembered,
	// so that a handover the JVM made anyway ends in the keeper's own quit once it holds QEMU
	var signalled os.Signal
	var childCode int
	for waiting := true; waiting; {
		select {
		case s := <-signals:
			signalled = s
			k.child.Process.Signal(s)
		case childCode = <-childDone:
			waiting = false
		}
	}
	select {
	case <-messagesDone:
	case <-time.After(messagesDrain):
	}
	handover := k.clone.handover.Load()
	if k.startupFailed.Load() || handover == nil {
		k.consoleStop.Store(true)
		if server := k.server.Load(); server != nil {
			server.close()
		}
		if k.startupFailed.Load() {
			if handover != nil {
				closeQemu(handover.QemuPid, nil)
			}
			return 1
		}
		// the launcher wrote its termination message itself
		return childCode
	}
	if childCode != 0 {
		fmt.Fprintf(errw, "%s: the launcher exited %d after its handover; the keeper runs the clone on\n", keeperName, childCode)
	}
	return k.takeOver(handover, signals, signalled)
}

// serve opens the console and the API: "restoring" until the take-over.
func (k *keeper) serve(message serveMessage) {
	first := false
	k.serveOnce.Do(func() { first = true })
	if !first {
		fmt.Fprintf(k.errw, "%s: ignored a second serve message\n", keeperName)
		return
	}
	k.termination.CompareAndSwap(nil, newTerminationMessage(message.TerminationFile, k.errw))
	k.clone.overheadMillis.Store(message.OverheadMillis)
	// the console first: output before the first client connects is lost
	if message.SerialSocket != nil {
		startConsole(*message.SerialSocket, k.out, func() bool { return !k.consoleStop.Load() })
	}
	server := &apiServer{token: readToken(message.TokenFile)}
	k.clone.register(server)
	if err := server.listen(message.HTTPHost, message.HTTPPort); err != nil {
		// as the Java launcher's restore failed when its HTTP server could not start
		k.startupFailed.Store(true)
		// net's error names the address: "listen tcp 0.0.0.0:8080: bind: address already in use"
		k.fail("clone restore failed: cannot serve the launcher API: " + err.Error() + "; is another process on that port?")
		k.child.Process.Signal(syscall.SIGTERM) // its hook quits QEMU
		return
	}
	k.server.Store(server)
}

func (k *keeper) handover(message handoverMessage) {
	if !k.clone.handover.CompareAndSwap(nil, &message) {
		fmt.Fprintf(k.errw, "%s: ignored a second handover message\n", keeperName)
		return
	}
	k.clone.qemuAlive.Store(true)
}

// terminationMessage is the serve message's file, or Kubernetes' default path when none came.
func (k *keeper) terminationMessage() *terminationMessage {
	k.termination.CompareAndSwap(nil, newTerminationMessage(defaultTerminationFile, k.errw))
	return k.termination.Load()
}

// fail reports a Failed end as Launcher.failed does: stderr first, then the termination message.
func (k *keeper) fail(message string) {
	fmt.Fprintln(k.errw, outcomeFailed+": "+message)
	k.terminationMessage().write(failure(outcomeFailed, message))
}

// takeOver connects to QMP once the JVM's connection is gone and waits for QEMU's end or a SIGTERM.
func (k *keeper) takeOver(handover *handoverMessage, signals <-chan os.Signal, signalled os.Signal) int {
	qemuGone := make(chan struct{})
	qemuCode := -1
	reapChildren(handover.QemuPid, func(code int) {
		qemuCode = code
		k.clone.qemuAlive.Store(false)
		k.consoleStop.Store(true)
		close(qemuGone)
	})
	qmp, err := dialQMP(handover.QmpSocket, qmpConnectTimeout, qmpCommandTimeout,
		func() bool { return !isClosed(qemuGone) }, k.clone.onQmpEvent)
	if err == nil {
		k.clone.takenOver(qmp, handover.RestoreMillis)
	} else if !isClosed(qemuGone) && signalled == nil {
		k.fail("clone take-over failed: " + err.Error() + "; QEMU said: " + qemuLogTail(handover.QemuLog, qemuLogBytes))
		closeQemu(handover.QemuPid, qemuGone)
		return 1
	}
	if signalled != nil {
		if code, done := k.quit(signalled, handover, qmp, qemuGone); done {
			return code
		}
	}
	for {
		select {
		case s := <-signals:
			if code, done := k.quit(s, handover, qmp, qemuGone); done {
				return code
			}
		case <-qemuGone:
			return k.qemuEnded(handover, qmp, qemuCode)
		}
	}
}

// qemuEnded is CloneRun.awaitQemuExit's report: a poweroff exits 0, anything else is a failure with QEMU's words.
func (k *keeper) qemuEnded(handover *handoverMessage, qmp *qmpClient, code int) int {
	if qmp != nil {
		// a SHUTDOWN event QEMU sent before it exited may still be on its way through the socket
		select {
		case <-qmp.closed():
		case <-time.After(time.Second):
		}
	}
	result := ended(code, k.clone.guestShutdownReason.Load(), func() string { return qemuLogTail(handover.QemuLog, qemuLogBytes) })
	if result.Outcome == outcomePoweredOff {
		k.terminationMessage().write(result)
		fmt.Fprintln(k.errw, "guest powered off")
		return 0
	}
	fmt.Fprintln(k.errw, result.Outcome+": "+*result.Error)
	k.terminationMessage().write(result)
	return 1
}

// quit is CloneRun.quit: QMP quit, QEMU's grace (one 20 s for the answer and the exit together), SIGKILL, exit 0. done false: nothing to do (the end is reported).
// QEMU's exit that follows is the quit's, never a termination message.
func (k *keeper) quit(s os.Signal, handover *handoverMessage, qmp *qmpClient, qemuGone chan struct{}) (int, bool) {
	if k.terminationMessage().written() {
		return 0, false
	}
	if isClosed(qemuGone) {
		// as the JVM whose hook found QEMU gone: it ended by the signal
		return 128 + int(s.(syscall.Signal)), true
	}
	deadline := time.Now().Add(quitGrace)
	if qmp != nil {
		// QEMU may close the socket before it answers: it is quitting
		qmp.executeWithin("quit", quitGrace)
	} else {
		signalQemu(handover.QemuPid, syscall.SIGTERM)
	}
	if !waitClosed(qemuGone, time.Until(deadline)) {
		signalQemu(handover.QemuPid, syscall.SIGKILL)
		waitClosed(qemuGone, killGrace)
	}
	fmt.Fprintln(k.errw, "SIGTERM: QEMU quit")
	return 0, true
}

// closeQemu is QemuProcess.close: SIGTERM, SIGKILL if QEMU has not gone within 5 s. gone nil: the keeper does not
// reap it (the JVM's exit has not made it the keeper's child yet), so /proc says when it is gone.
func closeQemu(pid int, gone chan struct{}) {
	if gone == nil {
		gone = make(chan struct{})
		go watchProc(pid, func(int) { close(gone) })
	}
	signalQemu(pid, syscall.SIGTERM)
	if !waitClosed(gone, killGrace) {
		signalQemu(pid, syscall.SIGKILL)
		waitClosed(gone, killGrace)
	}
}

// signalQemu signals one process: never 0 or -1 or init, which kill(2) would take for a group or everyone.
func signalQemu(pid int, signal syscall.Signal) {
	if pid > 1 {
		syscall.Kill(pid, signal)
	}
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func waitClosed(c chan struct{}, timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-c:
		return true
	case <-timer.C:
		return false
	}
}

// processExitCode is the child's exit code, 128+signal when a signal ended it (as a shell reports it).
func processExitCode(state *os.ProcessState) int {
	if state == nil {
		return 1
	}
	if status, ok := state.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		return 128 + int(status.Signal())
	}
	return state.ExitCode()
}
