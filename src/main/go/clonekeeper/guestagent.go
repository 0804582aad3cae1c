package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// guestAgent is GuestAgentClient.java: a qemu-guest-agent session on the host end of the org.qemu.guest_agent.0
// channel. guest-sync first (the channel may hold an answer to an earlier client's question), then one command at a
// time, each answered before the next. The whole session shares one deadline. One delivery at a time.
type guestAgent struct {
	conn   net.Conn
	reader *bufio.Reader
}

// agentError is the agent refusing, failing or not answering (GuestAgentException): only such a failure of
// guest-file-open may be a missing directory worth one mkdir.
type agentError string

func (e agentError) Error() string { return string(e) }

const (
	// bytes of file content per guest-file-write (base64 in the request): well under the agent's request limit
	agentWriteChunk = 48 * 1024
	agentExecPoll   = 10 * time.Millisecond
	agentTimedOut   = agentError("the guest agent did not answer in time (is qemu-guest-agent running in the guest?)")
)

// connectGuestAgent connects and synchronises; the whole session must end within timeout.
func connectGuestAgent(socket string, timeout time.Duration) (*guestAgent, error) {
	deadline := time.Now().Add(timeout)
	conn, err := net.Dial("unix", socket)
	if err != nil {
		// net's error names the socket; the operator's condition adds what the guest must run
		return nil, fmt.Errorf("cannot connect to the guest agent: %w", err)
	}
	conn.SetDeadline(deadline)
	agent := &guestAgent{conn: conn, reader: bufio.NewReaderSize(conn, 4096)}
	id := rand.Int63n(int64(^uint64(0)>>1)>>12-1) + 1
	if err := agent.send("guest-sync", map[string]int64{"id": id}); err != nil {
		conn.Close()
		return nil, err
	}
	// answers to someone else's questions may come first: skip until our id comes back
	for {
		answer, err := agent.next()
		if err != nil {
			conn.Close()
			return nil, err
		}
		if returned, ok := jsonInt(answer.Return); ok && returned == id {
			return agent, nil
		}
	}
}

func (a *guestAgent) close() {
	a.conn.Close()
}

// mkdirs creates directories as `mkdir -p -m 0700` does in the guest (guest-exec).
func (a *guestAgent) mkdirs(directory string) error {
	started, err := a.call("guest-exec", map[string]any{"path": "mkdir", "capture-output": false,
		"arg": []string{"-p", "-m", "0700", directory}})
	if err != nil {
		return err
	}
	var exec struct {
		Pid json.Number `json:"pid"`
	}
	json.Unmarshal(started, &exec)
	pid, _ := exec.Pid.Int64()
	for {
		answer, err := a.call("guest-exec-status", map[string]int64{"pid": pid})
		if err != nil {
			return err
		}
		var status struct {
			Exited   bool         `json:"exited"`
			ExitCode *json.Number `json:"exitcode"`
		}
		json.Unmarshal(answer, &status)
		if status.Exited {
			code := int64(-1)
			if status.ExitCode != nil {
				code, _ = status.ExitCode.Int64()
			}
			if code != 0 {
				return agentError("mkdir -p " + directory + " exited " + strconv.FormatInt(code, 10) + " in the guest")
			}
			return nil
		}
		time.Sleep(agentExecPoll)
	}
}

// writeFile writes a whole file (created or truncated), closed before it returns: the agent's answer is the
// acknowledgement. As in Java's finally, a failing close replaces the write's failure.
func (a *guestAgent) writeFile(path string, content []byte) error {
	opened, err := a.call("guest-file-open", map[string]string{"path": path, "mode": "w"})
	if err != nil {
		return err
	}
	handle, _ := jsonInt(opened)
	var writeErr error
	for offset := 0; offset < len(content) && writeErr == nil; offset += agentWriteChunk {
		chunk := content[offset:min(len(content), offset+agentWriteChunk)]
		// encoding/json sends a []byte as base64
		_, writeErr = a.call("guest-file-write", map[string]any{"handle": handle, "buf-b64": chunk})
	}
	if _, err := a.call("guest-file-close", map[string]int64{"handle": handle}); err != nil {
		return err
	}
	return writeErr
}

type agentAnswer struct {
	Return json.RawMessage `json:"return"`
	Error  json.RawMessage `json:"error"`
	line   []byte
}

// call runs one command: its "return" value, or the agent's error naming the command.
func (a *guestAgent) call(command string, arguments any) (json.RawMessage, error) {
	if err := a.send(command, arguments); err != nil {
		return nil, err
	}
	answer, err := a.next()
	if err != nil {
		return nil, err
	}
	if answer.Error != nil {
		var agentErr struct {
			Desc *string `json:"desc"`
		}
		desc := ""
		if json.Unmarshal(answer.Error, &agentErr) == nil && agentErr.Desc != nil {
			desc = *agentErr.Desc
		} else {
			var compact bytes.Buffer
			json.Compact(&compact, answer.line)
			desc = compact.String()
		}
		return nil, agentError(command + " failed in the guest: " + desc)
	}
	return answer.Return, nil
}

func (a *guestAgent) send(command string, arguments any) error {
	request := encodeJSON(struct {
		Execute   string `json:"execute"`
		Arguments any    `json:"arguments"`
	}{command, arguments})
	if _, err := io.WriteString(a.conn, request+"\n"); err != nil {
		return a.failure(err)
	}
	return nil
}

// next is the agent's next JSON document, one a line; the 0xFF of guest-sync-delimited and other lines are skipped.
func (a *guestAgent) next() (agentAnswer, error) {
	for {
		line, err := a.reader.ReadBytes('\n')
		if err != nil {
			if errors.Is(err, io.EOF) {
				return agentAnswer{}, agentError("the guest agent's channel closed")
			}
			return agentAnswer{}, a.failure(err)
		}
		line = bytes.TrimFunc(bytes.ReplaceAll(line, []byte{0xFF}, nil), func(r rune) bool { return r <= ' ' })
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		answer := agentAnswer{line: line}
		if err := json.Unmarshal(line, &answer); err != nil {
			return agentAnswer{}, fmt.Errorf("the guest agent sent what is not JSON: %w", err)
		}
		return answer, nil
	}
}

func (a *guestAgent) failure(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return agentTimedOut
	}
	return fmt.Errorf("guest agent: %w", err)
}

// jsonInt is a JSON integer's value (Jackson's asLong), ok false for anything else.
func jsonInt(raw json.RawMessage) (int64, bool) {
	text := strings.TrimSpace(string(raw))
	n, err := strconv.ParseInt(text, 10, 64)
	return n, err == nil
}
