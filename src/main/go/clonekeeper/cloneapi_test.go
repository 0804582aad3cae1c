package main

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The launcher API after the take-over, end to end: the real handlers and HTTP server on a free port, a fake QEMU
// monitor and a fake guest agent on unix sockets. QEMU's memory is this test process's own.

type apiFixture struct {
	base  string
	qmp   *fakeQMP
	agent *fakeAgent
	errw  *lockedBuffer
	clone *clone
}

func serveClone(t *testing.T, claimData *claimTarget) *apiFixture {
	t.Helper()
	dir := t.TempDir()
	monitor, err := startFakeQMP(filepath.Join(dir, "qmp.sock"), "running")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(monitor.close)
	agent, err := startFakeAgent(filepath.Join(dir, "qga.sock"), "/run")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(agent.close)
	errw := &lockedBuffer{}
	c := newClone(errw)
	c.overheadMillis.Store(105)
	c.handover.Store(&handoverMessage{QemuPid: os.Getpid(), QmpSocket: filepath.Join(dir, "qmp.sock"),
		GuestAgentSocket: filepath.Join(dir, "qga.sock"), MemoryDir: dir, RestoreMillis: 180, ClaimData: claimData})
	c.qemuAlive.Store(true)
	qmp, err := dialQMP(filepath.Join(dir, "qmp.sock"), time.Second, 5*time.Second, func() bool { return true }, c.onQmpEvent)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(qmp.close)
	c.takenOver(qmp, 180)
	server := &apiServer{token: launcherToken("s3cret")}
	c.register(server)
	if err := server.listen("127.0.0.1", 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.close)
	return &apiFixture{"http://" + server.addr.String(), monitor, agent, errw, c}
}

func (f *apiFixture) post(t *testing.T, path, body string) answer {
	t.Helper()
	return call(t, "POST", f.base+path, "Bearer s3cret", strings.NewReader(body))
}

const claimBody = `{"uid":"u-1","name":"web-1","namespace":"team-a","secretResourceVersion":"42","data":{"token":"czNjcmV0","a.txt":"YQ"}}`

func TestPauseResumeAndStatusThroughQMP(t *testing.T) {
	f := serveClone(t, nil)
	assertEqual(t, answer{200, "text/plain; charset=utf-8", "ok\n"}, call(t, "GET", f.base+"/healthz", "", nil))
	assertEqual(t, answer{200, "application/json", `{"state":"paused"}`}, f.post(t, "/pause", ""))
	assertEqual(t, "paused", f.qmp.state())
	status := call(t, "GET", f.base+"/status", "", nil)
	assertEqual(t, 200, status.status)
	assertEqual(t, "application/json", status.contentType)
	fields := jsonFields(t, status.body)
	memory, _ := fields["memory"].(map[string]any)
	delete(fields, "memory")
	assertEqual(t, true, reflect.DeepEqual(map[string]any{"state": "paused", "restoreMillis": 180.0, "launcherOverheadMillis": 105.0}, fields))
	assertEqual(t, "guestPrivateMiB launcherRssMiB privateMiB pssMiB qemuOverheadMiB rssMiB sharedWithTemplateMiB", sortedKeys(memory))
	if memory["rssMiB"].(float64) <= 0 || memory["launcherRssMiB"].(float64) <= 0 || memory["sharedWithTemplateMiB"] != 0.0 ||
		memory["guestPrivateMiB"] != 0.0 {
		t.Fatalf("memory %v", memory)
	}
	assertEqual(t, answer{200, "application/json", `{"state":"running"}`}, f.post(t, "/resume", ""))
	assertEqual(t, "running", f.qmp.state())
	f.qmp.mu.Lock()
	f.qmp.failNext = "Resetting the Virtual Machine is required"
	f.qmp.mu.Unlock()
	assertEqual(t, answer{500, "text/plain; charset=utf-8", "QMP stop failed: GenericError: Resetting the Virtual Machine is required\n"},
		f.post(t, "/pause", ""))
	assertEqual(t, answer{409, "text/plain; charset=utf-8", "the template declares no spec.claimData: its guest takes no claim data\n"},
		f.post(t, "/claim-data", claimBody))
}

// sortedKeys is an object's field names, sorted, in one line.
func sortedKeys(object map[string]any) string {
	var keys []string
	for key := range object {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

func TestMetricsAfterTheTakeOver(t *testing.T) {
	f := serveClone(t, nil)
	metrics := call(t, "GET", f.base+"/metrics", "", nil)
	assertEqual(t, "text/plain; version=0.0.4; charset=utf-8", metrics.contentType)
	series, samples := parseMetrics(t, metrics.body)
	assertEqual(t, "vmtemplating_launcher_guest_running vmtemplating_launcher_overhead_seconds vmtemplating_launcher_restore_seconds"+
		" vmtemplating_launcher_qemu_rss_bytes vmtemplating_launcher_qemu_pss_bytes vmtemplating_launcher_qemu_private_bytes"+
		" vmtemplating_launcher_qemu_shared_with_template_bytes vmtemplating_launcher_guest_private_bytes"+
		" vmtemplating_launcher_qemu_overhead_bytes vmtemplating_launcher_rss_bytes", strings.Join(series, " "))
	for name, want := range map[string]float64{"vmtemplating_launcher_guest_running": 1, "vmtemplating_launcher_overhead_seconds": 0.105,
		"vmtemplating_launcher_restore_seconds": 0.18, "vmtemplating_launcher_qemu_shared_with_template_bytes": 0} {
		assertEqual(t, sample{samples[name].help, "gauge", "", want}, samples[name])
	}
	assertEqual(t, "QEMU's resident set size (whole MiB)", samples["vmtemplating_launcher_qemu_rss_bytes"].help)
	if rss := samples["vmtemplating_launcher_rss_bytes"].value; rss <= 0 || math.Mod(rss, 1024*1024) != 0 {
		t.Fatalf("the keeper's RSS %v bytes: whole MiB", rss)
	}
}

func TestClaimDataIsWrittenIntoTheGuestOncePerUid(t *testing.T) {
	f := serveClone(t, &claimTarget{Directory: &[]string{"/run/vmt"}[0]})
	assertEqual(t, answer{200, "application/json", `{"state":"paused"}`}, f.post(t, "/pause", ""))
	assertEqual(t, answer{503, "text/plain; charset=utf-8", "the guest is not running: its agent cannot answer\n"},
		f.post(t, "/claim-data", claimBody))
	f.post(t, "/resume", "")
	assertEqual(t, answer{400, "text/plain; charset=utf-8", "claim data body: uid is required\n"}, f.post(t, "/claim-data", `{}`))
	assertEqual(t, answer{400, "text/plain; charset=utf-8", "data key '..' is not a Secret key\n"},
		f.post(t, "/claim-data", `{"uid":"u","data":{"..":""}}`))

	delivered := f.post(t, "/claim-data", claimBody)
	assertEqual(t, 200, delivered.status)
	assertEqual(t, "application/json", delivered.contentType)
	record := jsonFields(t, delivered.body)
	if millis, ok := record["millis"].(float64); !ok || millis < 0 {
		t.Fatalf("answer %s", delivered.body)
	}
	record["millis"] = 0.0
	// every field is there, null when unknown
	assertEqual(t, true, reflect.DeepEqual(map[string]any{"uid": "u-1", "state": "delivered", "files": 6.0, "millis": 0.0,
		"secretResourceVersion": "42", "error": nil}, record))
	for name, want := range map[string]string{"/run/vmt/data/token": "s3cret", "/run/vmt/data/a.txt": "a", "/run/vmt/name": "web-1\n",
		"/run/vmt/namespace": "team-a\n", "/run/vmt/uid": "u-1\n", "/run/vmt/ready": "u-1\n"} {
		got, _ := f.agent.file(name)
		assertEqual(t, want, got)
	}
	// the image had no /run/vmt/data: made once, then the write repeated
	assertEqual(t, "mkdir -p -m 0700 /run/vmt/data", strings.Join(f.agent.execLines(), ";"))
	if !regexp.MustCompile(`^claim data delivered: 6 files in \d+ ms \(of which mkdir \d+ ms\)\n$`).MatchString(f.errw.String()) {
		t.Fatalf("stderr %q", f.errw.String())
	}
	opens := f.agent.openCount()
	assertEqual(t, delivered, f.post(t, "/claim-data", claimBody)) // the same uid: what was delivered, nothing written again
	assertEqual(t, opens, f.agent.openCount())
	status := jsonFields(t, call(t, "GET", f.base+"/status", "", nil).body)
	assertEqual(t, true, reflect.DeepEqual(jsonFields(t, delivered.body), status["claimData"]))

	f.agent.close() // the agent is gone: a new uid fails with the reason
	failed := f.post(t, "/claim-data", strings.Replace(claimBody, "u-1", "u-2", 1))
	assertEqual(t, 502, failed.status)
	record = jsonFields(t, failed.body)
	reason, _ := record["error"].(string)
	if record["uid"] != "u-2" || record["state"] != "failed" || record["files"] != 0.0 || record["secretResourceVersion"] != "42" ||
		!strings.HasPrefix(reason, "cannot connect to the guest agent: ") || !strings.Contains(reason, f.clone.handover.Load().GuestAgentSocket) {
		t.Fatalf("%+v", failed)
	}
	if !strings.Contains(f.errw.String(), "claim data not delivered after ") {
		t.Fatalf("stderr %q", f.errw.String())
	}
}

func TestASlowStatusDoesNotHoldUpTheProbe(t *testing.T) {
	f := serveClone(t, nil)
	f.qmp.mu.Lock()
	f.qmp.delay = time.Second
	f.qmp.mu.Unlock()
	slow := make(chan answer, 1)
	go func() { slow <- call(t, "GET", f.base+"/status", "", nil) }()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	assertEqual(t, 200, call(t, "GET", f.base+"/healthz", "", nil).status)
	if waited := time.Since(start); waited > 500*time.Millisecond {
		t.Fatalf("/healthz waited %v behind /status", waited)
	}
	assertEqual(t, 200, (<-slow).status)
}

func TestQemusEndShowsInTheAnswers(t *testing.T) {
	f := serveClone(t, nil)
	f.qmp.event("SHUTDOWN", `{"guest": true, "reason": "guest-reset"}`)
	f.qmp.close() // QEMU exited: its socket closed
	f.clone.qemuAlive.Store(false)
	<-f.clone.qmp.Load().closed()
	assertEqual(t, answer{503, "text/plain; charset=utf-8", "restoring\n"}, call(t, "GET", f.base+"/healthz", "", nil))
	assertEqual(t, answer{500, "text/plain; charset=utf-8", "QMP connection closed by QEMU\n"}, call(t, "GET", f.base+"/status", "", nil))
}
