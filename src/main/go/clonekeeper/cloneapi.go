package main

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// The launcher API's answers (CloneRun.serve and its handlers): /healthz, /status, /metrics, POST /pause, /resume
// and /claim-data, the same before the take-over ("restoring") and after it as the Java launcher gave them.

func (c *clone) register(server *apiServer) {
	server.get("/healthz", c.healthz)
	server.get("/status", func() (response, error) {
		status, err := c.statusJSON()
		return jsonResponse(http.StatusOK, status), err
	})
	server.get("/metrics", func() (response, error) {
		text, err := c.metrics()
		return response{http.StatusOK, metricsContentType, text}, err
	})
	server.post("/pause", func() (response, error) { return c.command("stop", `{"state":"paused"}`) })
	server.post("/resume", func() (response, error) { return c.command("cont", `{"state":"running"}`) })
	server.postBody("/claim-data", c.deliverClaimData)
}

func (c *clone) healthz() (response, error) {
	if c.ready() && c.qemuAlive.Load() {
		return textResponse(http.StatusOK, "ok\n"), nil
	}
	return textResponse(http.StatusServiceUnavailable, "restoring\n"), nil
}

// command runs a QMP command and answers with the state it leaves (QEMU answers cont and stop only once the guest
// runs or stands): no query-status after it, a round trip a claim would wait for; /status reads the state back.
func (c *clone) command(qmpCommand, answer string) (response, error) {
	if !c.ready() {
		return textResponse(http.StatusServiceUnavailable, "restoring\n"), nil
	}
	if _, err := c.qmp.Load().execute(qmpCommand); err != nil {
		return response{}, err
	}
	return jsonResponse(http.StatusOK, answer), nil
}

// state is "restoring" until the take-over, then what QEMU's query-status says.
func (c *clone) state() (string, error) {
	if !c.ready() {
		return "restoring", nil
	}
	result, err := c.qmp.Load().execute("query-status")
	if err != nil {
		return "", err
	}
	var status struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(result, &status); err != nil {
		return "", fmt.Errorf("QMP query-status answered %s: %w", result, err)
	}
	return status.Status, nil
}

func (c *clone) memory() (memoryFigures, error) {
	handover := c.handover.Load()
	figures, err := readMemory(handover.QemuPid, handover.MemoryDir)
	if err != nil {
		return figures, fmt.Errorf("cannot read QEMU's memory figures: %w", err)
	}
	return figures, nil
}

// statusAnswer is /status: the launcher's fields in its order; claimData once a delivery was tried, memory once the
// keeper holds QEMU.
type statusAnswer struct {
	State                  string         `json:"state"`
	RestoreMillis          int64          `json:"restoreMillis"`
	LauncherOverheadMillis int64          `json:"launcherOverheadMillis"`
	ClaimData              *claimDelivery `json:"claimData,omitempty"`
	Memory                 *statusMemory  `json:"memory,omitempty"`
}

type statusMemory struct {
	memoryFigures
	LauncherRssMiB int64 `json:"launcherRssMiB"`
}

func (c *clone) statusJSON() (string, error) {
	state, err := c.state()
	if err != nil {
		return "", err
	}
	answer := statusAnswer{State: state, RestoreMillis: c.restoreMillis.Load(), LauncherOverheadMillis: c.overheadMillis.Load(),
		ClaimData: c.delivery.Load()}
	if c.ready() {
		memory, err := c.memory()
		if err != nil {
			return "", err
		}
		own, err := ownRssMiB()
		if err != nil {
			return "", err
		}
		answer.Memory = &statusMemory{memory, own}
	}
	return encodeJSON(answer), nil
}

func (c *clone) metrics() (string, error) {
	state, err := c.state()
	if err != nil {
		return "", err
	}
	running := 0.0
	if state == "running" {
		running = 1
	}
	page := &metricsPage{}
	page.gauge("vmtemplating_launcher_guest_running", "1 when the guest runs, 0 when it is paused or restoring", running)
	// each figure once it is known: a missing series, not a made-up value, says "not yet"
	if overhead := c.overheadMillis.Load(); overhead >= 0 {
		page.gauge("vmtemplating_launcher_overhead_seconds", "Launcher process start until QEMU was started", float64(overhead)/1000.0)
	}
	if restore := c.restoreMillis.Load(); restore >= 0 {
		page.gauge("vmtemplating_launcher_restore_seconds", "Launcher process start until the guest ran (or stood paused)",
			float64(restore)/1000.0)
	}
	if c.ready() {
		memory, err := c.memory()
		if err != nil {
			return "", err
		}
		page.gauge("vmtemplating_launcher_qemu_rss_bytes", "QEMU's resident set size (whole MiB)", mebibytesAsBytes(memory.RssMiB)).
			gauge("vmtemplating_launcher_qemu_pss_bytes", "QEMU's proportional set size (whole MiB)", mebibytesAsBytes(memory.PssMiB)).
			gauge("vmtemplating_launcher_qemu_private_bytes", "QEMU's pages no other process maps (whole MiB)",
				mebibytesAsBytes(memory.PrivateMiB)).
			gauge("vmtemplating_launcher_qemu_shared_with_template_bytes",
				"QEMU's resident pages still shared with the template's memory file (whole MiB)",
				mebibytesAsBytes(memory.SharedWithTemplateMiB)).
			gauge("vmtemplating_launcher_guest_private_bytes",
				"The guest's copy-on-write copies of template pages: what it wrote since the freeze (whole MiB)",
				mebibytesAsBytes(memory.GuestPrivateMiB)).
			gauge("vmtemplating_launcher_qemu_overhead_bytes",
				"QEMU's own anonymous memory outside the guest's RAM: heap, TCG code cache, device buffers (whole MiB)",
				mebibytesAsBytes(memory.QemuOverheadMiB))
	}
	// the keeper's own figure is known from its start, before any restore
	own, err := ownRssMiB()
	if err != nil {
		return "", err
	}
	page.gauge("vmtemplating_launcher_rss_bytes", "The launcher process's own resident set size (whole MiB)", mebibytesAsBytes(own))
	return page.text.String(), nil
}
