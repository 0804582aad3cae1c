package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// POST /claim-data (CloneRun.deliverClaimData): writes the clone's identity and claim data into the guest through
// its agent and answers once the agent acknowledged the last file; the same uid again answers what was delivered
// without writing twice.

const (
	claimDelivered      = "delivered"
	claimFailed         = "failed"
	defaultClaimTimeout = 30
)

// claimDelivery is what the guest acknowledged (or why not) for one clone uid: in /status and as the POST's answer.
// Every field is always there, null when unknown.
type claimDelivery struct {
	UID                   string  `json:"uid"`
	State                 string  `json:"state"`
	Files                 int     `json:"files"`
	Millis                int64   `json:"millis"`
	SecretResourceVersion *string `json:"secretResourceVersion"`
	Error                 *string `json:"error"`
}

func (c *clone) deliverClaimData(body []byte) (response, error) {
	handover := c.handover.Load()
	if handover == nil {
		// before the handover the keeper cannot know the template's spec.claimData yet: "not yet", which the
		// operator retries, rather than 409, which would say "never"
		return textResponse(http.StatusServiceUnavailable, "the guest is not running: its agent cannot answer\n"), nil
	}
	target := handover.ClaimData
	if target == nil {
		return textResponse(http.StatusConflict, "the template declares no spec.claimData: its guest takes no claim data\n"), nil
	}
	state, err := c.state()
	if err != nil {
		return response{}, err
	}
	if state != "running" {
		return textResponse(http.StatusServiceUnavailable, "the guest is not running: its agent cannot answer\n"), nil
	}
	files, err := parseClaimFiles(body, target.Directory)
	if err != nil {
		return textResponse(http.StatusBadRequest, err.Error()+"\n"), nil
	}
	c.deliveryMu.Lock()
	defer c.deliveryMu.Unlock()
	last := c.delivery.Load()
	if last == nil || last.UID != files.uid || last.State != claimDelivered {
		timeout := int64(defaultClaimTimeout)
		if target.TimeoutSeconds != nil {
			timeout = *target.TimeoutSeconds
		}
		last = c.deliver(handover.GuestAgentSocket, files, time.Duration(timeout)*time.Second)
		c.delivery.Store(last)
	}
	status := http.StatusOK
	if last.State != claimDelivered {
		status = http.StatusBadGateway
	}
	return jsonResponse(status, encodeJSON(last)), nil
}

func (c *clone) deliver(socket string, files claimFiles, timeout time.Duration) *claimDelivery {
	start := time.Now()
	mkdirMillis, err := writeClaimFiles(socket, files, timeout)
	millis := time.Since(start).Milliseconds()
	if err != nil {
		fmt.Fprintf(c.errw, "claim data not delivered after %d ms: %s\n", millis, err.Error())
		message := err.Error()
		return &claimDelivery{files.uid, claimFailed, 0, millis, files.secretResourceVersion, &message}
	}
	mkdir := ""
	if mkdirMillis > 0 {
		mkdir = fmt.Sprintf(" (of which mkdir %d ms)", mkdirMillis)
	}
	fmt.Fprintf(c.errw, "claim data delivered: %d files in %d ms%s\n", len(files.files), millis, mkdir)
	return &claimDelivery{files.uid, claimDelivered, len(files.files), millis, files.secretResourceVersion, nil}
}

// writeClaimFiles writes every file in order; a directory the image did not create is made once (a process in the
// guest, so only when needed). It returns how long that mkdir took (0: none).
func writeClaimFiles(socket string, files claimFiles, timeout time.Duration) (int64, error) {
	agent, err := connectGuestAgent(socket, timeout)
	if err != nil {
		return 0, err
	}
	defer agent.close()
	var mkdirMillis int64
	for _, file := range files.files {
		err := agent.writeFile(file.path, file.content)
		if err == nil {
			continue
		}
		var refused agentError
		if mkdirMillis > 0 || !errors.As(err, &refused) || !strings.Contains(err.Error(), "No such file or directory") {
			return mkdirMillis, err
		}
		mkdirStart := time.Now()
		if err := agent.mkdirs(files.dataDirectory); err != nil {
			return mkdirMillis, err
		}
		mkdirMillis = max(1, time.Since(mkdirStart).Milliseconds())
		if err := agent.writeFile(file.path, file.content); err != nil {
			return mkdirMillis, err
		}
	}
	return mkdirMillis, nil
}
