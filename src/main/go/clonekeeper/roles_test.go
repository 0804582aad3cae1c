package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// The test binary plays every process of a clone pod, re-executed as `<test binary> __role <role>`: the keeper
// (the real program), the launcher JVM it starts (a fake that speaks the keeper protocol) and QEMU (a fake monitor
// and serial console).

const roleArg = "__role"

func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == roleArg {
		switch os.Args[2] {
		case "keeper":
			os.Exit(runKeeper(os.Args[3:], os.Stdout, os.Stderr))
		case "launcher":
			os.Exit(fakeLauncher())
		case "qemu":
			os.Exit(fakeQemu())
		case "orphan":
			time.Sleep(300 * time.Millisecond)
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "unknown role", os.Args[2])
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// launcherPlan is what the fake launcher does, from the environment (VMT_TEST_PLAN).
type launcherPlan struct {
	Dir             string       `json:"dir"`
	HTTPPort        int          `json:"httpPort"`
	Stdout          string       `json:"stdout"`
	Stderr          string       `json:"stderr"`
	StartQemu       bool         `json:"startQemu"`
	Lines           []string     `json:"lines"` // written to the pipe before serve
	Serve           bool         `json:"serve"`
	Handover        bool         `json:"handover"`
	ClaimData       *claimTarget `json:"claimData"`
	WaitForSIGTERM  string       `json:"waitForSigterm"` // "", "beforeHandover", "afterHandover"
	ExitCode        int          `json:"exitCode"`
	SigtermExitCode int          `json:"sigtermExitCode"`
	Orphan          bool         `json:"orphan"` // a process of the launcher's that outlives it briefly
}

func fakeLauncher() int {
	var plan launcherPlan
	if err := json.Unmarshal([]byte(os.Getenv("VMT_TEST_PLAN")), &plan); err != nil {
		fmt.Fprintln(os.Stderr, "fake launcher: no plan:", err)
		return 99
	}
	if os.Getenv("VMT_KEEPER_CHANNEL") != "/proc/self/fd/3" {
		fmt.Fprintln(os.Stderr, "fake launcher: VMT_KEEPER_CHANNEL is not /proc/self/fd/3")
		return 98
	}
	sigterm := make(chan os.Signal, 1)
	signal.Notify(sigterm, syscall.SIGTERM)
	fmt.Fprint(os.Stdout, plan.Stdout)
	fmt.Fprint(os.Stderr, plan.Stderr)
	// as the Java launcher does: the channel by its path, and QEMU gets none of the launcher's descriptors
	channel, err := os.OpenFile(os.Getenv("VMT_KEEPER_CHANNEL"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake launcher:", err)
		return 97
	}
	syscall.CloseOnExec(3)
	send := func(line string) { channel.Write([]byte(line + "\n")) }
	qemuPid := 0
	if plan.StartQemu {
		log, _ := os.Create(filepath.Join(plan.Dir, "qemu.log"))
		qemu := exec.Command(os.Args[0], roleArg, "qemu")
		qemu.Env = append(os.Environ(), "VMT_TEST_QEMU_DIR="+plan.Dir)
		qemu.Stdout, qemu.Stderr = log, log
		if err := qemu.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "fake launcher:", err)
			return 96
		}
		qemuPid = qemu.Process.Pid
		os.WriteFile(filepath.Join(plan.Dir, "qemu.pid"), []byte(strconv.Itoa(qemuPid)), 0o644)
	}
	if plan.Orphan {
		orphan := exec.Command(os.Args[0], roleArg, "orphan")
		if err := orphan.Start(); err == nil {
			os.WriteFile(filepath.Join(plan.Dir, "orphan.pid"), []byte(strconv.Itoa(orphan.Process.Pid)), 0o644)
		}
	}
	for _, line := range plan.Lines {
		send(line)
	}
	if plan.Serve {
		var serial *string
		if plan.StartQemu {
			serial = &[]string{filepath.Join(plan.Dir, "serial.sock")}[0]
		}
		send(encodeJSON(map[string]any{"message": "serve", "httpHost": "127.0.0.1", "httpPort": plan.HTTPPort,
			"tokenFile": filepath.Join(plan.Dir, "token"), "terminationFile": filepath.Join(plan.Dir, "termination-log"),
			"serialSocket": serial, "overheadMillis": 105}))
	}
	if plan.WaitForSIGTERM == "beforeHandover" {
		<-sigterm
		// the JVM's hook before the handover: QEMU quit, exit 0
		signalQemu(qemuPid, syscall.SIGKILL)
		return plan.SigtermExitCode
	}
	if plan.StartQemu {
		// the restorer's QMP session, closed before the handover: QEMU takes one client at a time
		conn, err := dialQMP(filepath.Join(plan.Dir, "qmp.sock"), 5*time.Second, 5*time.Second, func() bool { return true }, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake launcher:", err)
			return 95
		}
		conn.close()
	}
	if plan.Handover {
		send(encodeJSON(map[string]any{"message": "handover", "qemuPid": qemuPid, "qmpSocket": filepath.Join(plan.Dir, "qmp.sock"),
			"guestAgentSocket": filepath.Join(plan.Dir, "qga.sock"), "memoryDir": plan.Dir,
			"qemuLog": filepath.Join(plan.Dir, "qemu.log"), "running": true, "restoreMillis": 180, "claimData": plan.ClaimData}))
		channel.Close()
		os.WriteFile(filepath.Join(plan.Dir, "handed-over"), nil, 0o644)
	}
	if plan.WaitForSIGTERM == "afterHandover" {
		<-sigterm // the hook leaves QEMU alone: it is the keeper's
		return plan.SigtermExitCode
	}
	return plan.ExitCode
}

// fakeQemu serves QMP and the serial console in VMT_TEST_QEMU_DIR until quit; SIGUSR1 is the guest's poweroff,
// SIGUSR2 its reboot (QEMU's -no-reboot exits 0 on both, after the SHUTDOWN event).
func fakeQemu() int {
	dir := os.Getenv("VMT_TEST_QEMU_DIR")
	guest := make(chan os.Signal, 1)
	signal.Notify(guest, syscall.SIGUSR1, syscall.SIGUSR2)
	fmt.Println("fake qemu: started")
	serial, err := net.Listen("unix", filepath.Join(dir, "serial.sock"))
	if err != nil {
		fmt.Println("fake qemu:", err)
		return 1
	}
	go func() {
		conn, err := serial.Accept()
		if err == nil {
			conn.Write([]byte("console line one\r\nsecond line\n"))
		}
	}()
	monitor, err := startFakeQMP(filepath.Join(dir, "qmp.sock"), "running")
	if err != nil {
		fmt.Println("fake qemu:", err)
		return 1
	}
	select {
	case <-monitor.quit:
		return 0
	case s := <-guest:
		reason := "guest-shutdown"
		if s == syscall.SIGUSR2 {
			reason = "guest-reset"
		}
		monitor.event("SHUTDOWN", `{"guest": true, "reason": "`+reason+`"}`)
		return 0
	case <-time.After(time.Minute): // never outlive a test run
		return 3
	}
}
