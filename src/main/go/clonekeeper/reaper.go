package main

import (
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Once the launcher JVM has exited, its QEMU (and any other orphan) is the keeper's child: the keeper is a child
// subreaper, and often PID 1. reapChildren collects every exited child on SIGCHLD, hands QEMU's status on, and
// discards the others' (zombies would pile up otherwise). It starts only after os/exec has waited for the JVM, so
// it never takes a status that exec.Cmd.Wait expects.

const procPollPause = 50 * time.Millisecond

// becomeSubreaper makes orphans of the keeper's descendants its children (prctl PR_SET_CHILD_SUBREAPER).
func becomeSubreaper() error {
	const prSetChildSubreaper = 36
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		return errno
	}
	return nil
}

// reapChildren reports QEMU's exit code once (128+signal for a signal, as Java's Process does; -1 when QEMU was no
// child of the keeper and could only be watched in /proc).
func reapChildren(qemuPid int, qemuExited func(code int)) {
	children := make(chan os.Signal, 1)
	signal.Notify(children, syscall.SIGCHLD)
	go func() {
		reported := false
		report := func(code int) {
			if !reported {
				reported = true
				qemuExited(code)
			}
		}
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(qemuPid, &status, syscall.WNOHANG, nil)
		switch {
		case err == syscall.ECHILD:
			// not the keeper's child (no subreaper, or QEMU was started elsewhere): watch /proc instead
			reported = true
			go watchProc(qemuPid, qemuExited)
		case err == nil && pid == qemuPid:
			report(exitCode(status))
		}
		for {
			for {
				pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
				if err == syscall.EINTR {
					continue
				}
				if err != nil || pid <= 0 {
					break
				}
				if pid == qemuPid {
					report(exitCode(status))
				}
			}
			<-children
		}
	}()
}

func exitCode(status syscall.WaitStatus) int {
	if status.Signaled() {
		return 128 + int(status.Signal())
	}
	return status.ExitStatus()
}

// watchProc polls until /proc/<pid> is gone or a zombie; the exit code is unknown then.
func watchProc(pid int, qemuExited func(code int)) {
	stat := "/proc/" + strconv.Itoa(pid) + "/stat"
	for {
		data, err := os.ReadFile(stat)
		if err != nil || isZombie(string(data)) {
			qemuExited(-1)
			return
		}
		time.Sleep(procPollPause)
	}
}

// isZombie reads the state after the command's closing parenthesis in /proc/<pid>/stat.
func isZombie(stat string) bool {
	end := strings.LastIndexByte(stat, ')')
	return end >= 0 && len(stat) > end+2 && (stat[end+2] == 'Z' || stat[end+2] == 'X')
}
