package main

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
)

// The launcher's messages on the keeper's pipe (KeeperChannel.java): newline-terminated JSON, "serve" once QEMU
// started, "handover" once the restore is done.

type serveMessage struct {
	HTTPHost        string  `json:"httpHost"`
	HTTPPort        int     `json:"httpPort"`
	TokenFile       *string `json:"tokenFile"`
	TerminationFile string  `json:"terminationFile"`
	SerialSocket    *string `json:"serialSocket"`
	OverheadMillis  int64   `json:"overheadMillis"`
}

type handoverMessage struct {
	QemuPid          int          `json:"qemuPid"`
	QmpSocket        string       `json:"qmpSocket"`
	GuestAgentSocket string       `json:"guestAgentSocket"`
	MemoryDir        string       `json:"memoryDir"`
	QemuLog          string       `json:"qemuLog"`
	Running          bool         `json:"running"`
	RestoreMillis    int64        `json:"restoreMillis"`
	ClaimData        *claimTarget `json:"claimData"`
}

// claimTarget is the template's spec.claimData (nil in the handover: its guest takes none).
type claimTarget struct {
	Directory      *string `json:"directory"`
	TimeoutSeconds *int64  `json:"timeoutSeconds"`
}

// readMessages hands each message to its callback until the pipe ends (every write end closed: the launcher exited
// or closed it); a line it cannot use is reported through ignored and skipped.
func readMessages(pipe io.Reader, serve func(serveMessage), handover func(handoverMessage), ignored func(problem string)) {
	scanner := bufio.NewScanner(pipe)
	scanner.Buffer(make([]byte, 0, 1024), 1024*1024)
	for scanner.Scan() {
		line := scanner.Bytes()
		if len(line) == 0 {
			continue
		}
		var name struct {
			Message string `json:"message"`
		}
		if err := json.Unmarshal(line, &name); err != nil {
			ignored("a line that is not JSON (" + err.Error() + "): " + shorten(string(line), 200))
			continue
		}
		switch name.Message {
		case "serve":
			var message serveMessage
			if err := json.Unmarshal(line, &message); err != nil {
				ignored("a serve message it cannot read (" + err.Error() + ")")
				continue
			}
			serve(message)
		case "handover":
			var message handoverMessage
			if err := json.Unmarshal(line, &message); err != nil {
				ignored("a handover message it cannot read (" + err.Error() + ")")
				continue
			}
			if message.QemuPid <= 0 || message.QmpSocket == "" {
				ignored("a handover message without qemuPid or qmpSocket")
				continue
			}
			handover(message)
		default:
			ignored("the unknown message " + strconv.Quote(name.Message) + " (this keeper knows serve and handover:" +
				" are the keeper and the launcher from one build?)")
		}
	}
	if err := scanner.Err(); err != nil {
		ignored("the rest of the pipe: " + err.Error())
	}
}
