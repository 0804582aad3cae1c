package main

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The keeper as a clone pod runs it: the real program in its own process, a fake launcher as its child speaking
// the protocol on fd 3, a fake QEMU the launcher starts and the keeper inherits.

type keeperRun struct {
	cmd    *exec.Cmd
	dir    string
	base   string
	stdout *lockedBuffer
	stderr *lockedBuffer
	exited chan struct{}
	code   int
}

func startKeeper(t *testing.T, plan launcherPlan) *keeperRun {
	t.Helper()
	return startKeeperOnPort(t, plan, freePort(t))
}

func startKeeperOnPort(t *testing.T, plan launcherPlan, port int) *keeperRun {
	t.Helper()
	plan.Dir = t.TempDir()
	plan.HTTPPort = port
	os.WriteFile(filepath.Join(plan.Dir, "token"), []byte("s3cret\n"), 0o600)
	planJSON, _ := json.Marshal(plan)
	run := &keeperRun{dir: plan.Dir, base: "http://127.0.0.1:" + strconv.Itoa(plan.HTTPPort),
		stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	run.cmd = exec.Command(os.Args[0], roleArg, "keeper", os.Args[0], roleArg, "launcher")
	run.cmd.Env = append(os.Environ(), "VMT_TEST_PLAN="+string(planJSON))
	run.cmd.Stdout, run.cmd.Stderr = run.stdout, run.stderr
	if err := run.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		run.cmd.Wait()
		run.code = run.cmd.ProcessState.ExitCode()
		close(run.exited)
	}()
	t.Cleanup(func() {
		run.cmd.Process.Kill()
		<-run.exited
		signalQemu(run.qemuPid(), syscall.SIGKILL)
	})
	return run
}

func freePort(t *testing.T) int {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port
}

func (r *keeperRun) qemuPid() int {
	data, _ := os.ReadFile(filepath.Join(r.dir, "qemu.pid"))
	pid, _ := strconv.Atoi(string(data))
	return pid
}

// await polls until the keeper answers path with the status.
func (r *keeperRun) await(t *testing.T, path string, status int) answer {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := http.Get(r.base + path)
		if err == nil {
			body := make([]byte, 4096)
			n, _ := got.Body.Read(body)
			got.Body.Close()
			if got.StatusCode == status {
				return answer{got.StatusCode, got.Header.Get("Content-Type"), string(body[:n])}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %d on %s within 10 s (last: %v); stderr:\n%s", status, path, err, r.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *keeperRun) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-r.exited:
		return r.code
	case <-time.After(30 * time.Second):
		t.Fatalf("the keeper did not exit; stderr:\n%s", r.stderr.String())
		return 0
	}
}

func (r *keeperRun) termination() string {
	data, err := os.ReadFile(filepath.Join(r.dir, "termination-log"))
	if err != nil {
		return "(none)"
	}
	return string(data)
}

func (r *keeperRun) awaitFile(t *testing.T, name string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(r.dir, name)); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s; stderr:\n%s", name, r.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *keeperRun) signalQemu(t *testing.T, signal syscall.Signal) {
	t.Helper()
	pid := r.qemuPid()
	if pid <= 1 {
		t.Fatalf("no QEMU pid; stderr:\n%s", r.stderr.String())
	}
	syscall.Kill(pid, signal)
}

func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

func TestTheKeeperServesAfterTheHandoverAndQuitsQemuOnSIGTERM(t *testing.T) {
	run := startKeeper(t, launcherPlan{StartQemu: true, Serve: true, Handover: true, Stdout: "launcher out\n", Stderr: "launcher err\n",
		Lines: []string{"not json", `{"message":"freeze"}`}})
	assertEqual(t, answer{200, "text/plain; charset=utf-8", "ok\n"}, run.await(t, "/healthz", 200))
	status := jsonFields(t, run.await(t, "/status", 200).body)
	if status["state"] != "running" || status["restoreMillis"] != 180.0 || status["launcherOverheadMillis"] != 105.0 ||
		status["memory"].(map[string]any)["rssMiB"].(float64) <= 0 {
		t.Fatalf("status %v", status)
	}
	assertEqual(t, answer{200, "application/json", `{"state":"paused"}`},
		call(t, "POST", run.base+"/pause", "Bearer s3cret", nil))
	assertEqual(t, "paused", jsonFields(t, run.await(t, "/status", 200).body)["state"])
	qemu := run.qemuPid()
	run.cmd.Process.Signal(syscall.SIGTERM)
	assertEqual(t, 0, run.exitCode(t))
	stderr := run.stderr.String()
	for _, want := range []string{"launcher err\n", "vmt-clone-keeper: ignored a line that is not JSON", `ignored the unknown message "freeze"`,
		"SIGTERM: QEMU quit\n"} {
		if !strings.Contains(stderr, want) {
			t.Fatalf("no %q in stderr:\n%s", want, stderr)
		}
	}
	assertEqual(t, "launcher out\nconsole line one\nsecond line\n", run.stdout.String())
	assertEqual(t, "(none)", run.termination()) // the pod's deletion is no end to report
	if !processGone(qemu) {
		t.Fatal("QEMU outlived the keeper")
	}
}

func TestALauncherThatEndsWithoutAHandoverEndsTheKeeperWithItsCode(t *testing.T) {
	run := startKeeper(t, launcherPlan{Serve: true, Stdout: "restore failed\n", Stderr: "Failed: clone restore failed: boom\n", ExitCode: 3})
	assertEqual(t, 3, run.exitCode(t))
	assertEqual(t, "restore failed\n", run.stdout.String())
	assertEqual(t, "Failed: clone restore failed: boom\n", run.stderr.String())
	assertEqual(t, "(none)", run.termination()) // the launcher writes its own
	if _, err := http.Get(run.base + "/healthz"); err == nil {
		t.Fatal("the API outlived the keeper")
	}
}

func TestTheAPISaysRestoringUntilTheHandoverAndSIGTERMReachesTheLauncher(t *testing.T) {
	run := startKeeper(t, launcherPlan{StartQemu: true, Serve: true, WaitForSIGTERM: "beforeHandover", SigtermExitCode: 0})
	assertEqual(t, answer{503, "text/plain; charset=utf-8", "restoring\n"}, run.await(t, "/healthz", 503))
	assertEqual(t, true, reflect.DeepEqual(map[string]any{"state": "restoring", "restoreMillis": -1.0, "launcherOverheadMillis": 105.0},
		jsonFields(t, run.await(t, "/status", 200).body)))
	assertEqual(t, answer{503, "text/plain; charset=utf-8", "restoring\n"}, call(t, "POST", run.base+"/resume", "Bearer s3cret", nil))
	assertEqual(t, 401, call(t, "POST", run.base+"/resume", "Bearer wrong", nil).status)
	assertEqual(t, 503, call(t, "POST", run.base+"/claim-data", "Bearer s3cret", strings.NewReader(claimBody)).status)
	names, samples := parseMetrics(t, run.await(t, "/metrics", 200).body)
	assertEqual(t, "vmtemplating_launcher_guest_running vmtemplating_launcher_overhead_seconds vmtemplating_launcher_rss_bytes",
		strings.Join(names, " "))
	assertEqual(t, 0.0, samples["vmtemplating_launcher_guest_running"].value)
	assertEqual(t, 0.105, samples["vmtemplating_launcher_overhead_seconds"].value)
	run.cmd.Process.Signal(syscall.SIGTERM)
	assertEqual(t, 0, run.exitCode(t))
	assertEqual(t, "(none)", run.termination())
}

func TestASIGTERMWhileTheLauncherExitsAfterItsHandoverQuitsQemu(t *testing.T) {
	run := startKeeper(t, launcherPlan{StartQemu: true, Serve: true, Handover: true, WaitForSIGTERM: "afterHandover", SigtermExitCode: 143})
	run.awaitFile(t, "handed-over")
	time.Sleep(20 * time.Millisecond) // the keeper reads the handover
	run.cmd.Process.Signal(syscall.SIGTERM)
	assertEqual(t, 0, run.exitCode(t))
	stderr := run.stderr.String()
	if !strings.Contains(stderr, "the launcher exited 143 after its handover") || !strings.HasSuffix(stderr, "SIGTERM: QEMU quit\n") {
		t.Fatalf("stderr:\n%s", stderr)
	}
	assertEqual(t, "(none)", run.termination())
}

// QEMU's end, as the fake QEMU plays it on a signal: the exit code, the termination message and stderr's last line.
func TestQemusEndIsReportedAsTheGuestOrQemuCausedIt(t *testing.T) {
	cases := []struct {
		name        string
		qemuSignal  syscall.Signal
		exitCode    int
		termination map[string]any
		stderrEnd   string
	}{
		{"guest poweroff", syscall.SIGUSR1, 0, map[string]any{"outcome": "PoweredOff"}, "guest powered off\n"},
		{"guest reboot", syscall.SIGUSR2, 1, map[string]any{"outcome": "Failed", "error": guestRebooted}, "Failed: " + guestRebooted + "\n"},
		{"QEMU killed", syscall.SIGKILL, 1,
			map[string]any{"outcome": "Failed", "error": "QEMU exited unexpectedly with code 137: fake qemu: started"},
			"Failed: QEMU exited unexpectedly with code 137: fake qemu: started\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run := startKeeper(t, launcherPlan{StartQemu: true, Serve: true, Handover: true})
			run.await(t, "/healthz", 200)
			run.signalQemu(t, c.qemuSignal)
			assertEqual(t, c.exitCode, run.exitCode(t))
			assertEqual(t, true, reflect.DeepEqual(c.termination, jsonFields(t, run.termination())))
			if !strings.HasSuffix(run.stderr.String(), c.stderrEnd) {
				t.Fatalf("stderr:\n%s", run.stderr.String())
			}
		})
	}
}

func TestAPortInUseFailsTheRestore(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	plan := launcherPlan{Serve: true, WaitForSIGTERM: "beforeHandover", SigtermExitCode: 0}
	run := startKeeperOnPort(t, plan, listener.Addr().(*net.TCPAddr).Port)
	assertEqual(t, 1, run.exitCode(t))
	result := jsonFields(t, run.termination())
	message, _ := result["error"].(string)
	if result["outcome"] != "Failed" || !strings.HasPrefix(message, "clone restore failed: cannot serve the launcher API: ") ||
		!strings.Contains(message, listener.Addr().String()) || !strings.Contains(message, "address already in use") {
		t.Fatalf("termination %v", result)
	}
}

func TestOrphansLeftByTheLauncherAreReaped(t *testing.T) {
	run := startKeeper(t, launcherPlan{StartQemu: true, Serve: true, Handover: true, Orphan: true})
	run.await(t, "/healthz", 200)
	data, _ := os.ReadFile(filepath.Join(run.dir, "orphan.pid"))
	orphan, _ := strconv.Atoi(string(data))
	if orphan <= 1 {
		t.Fatal("no orphan started")
	}
	// it exits 300 ms after its start, a child of the keeper by then: a zombie unless the keeper reaps it
	deadline := time.Now().Add(10 * time.Second)
	for !processGone(orphan) {
		if time.Now().After(deadline) {
			stat, _ := os.ReadFile("/proc/" + strconv.Itoa(orphan) + "/stat")
			t.Fatalf("the orphan was not reaped: %s", stat)
		}
		time.Sleep(10 * time.Millisecond)
	}
	assertEqual(t, answer{200, "text/plain; charset=utf-8", "ok\n"}, run.await(t, "/healthz", 200)) // QEMU's status was not taken
	run.cmd.Process.Signal(syscall.SIGTERM)
	assertEqual(t, 0, run.exitCode(t))
}
