package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"time"
)

// fakeQMP is a QEMU monitor on a unix socket, enough for the keeper: greeting, qmp_capabilities, query-status,
// stop, cont, quit and events. One client at a time, as QEMU's monitor takes them.
type fakeQMP struct {
	listener net.Listener
	mu       sync.Mutex
	status   string
	conn     net.Conn
	commands []string
	failNext string        // the next command's error desc (GenericError), once
	delay    time.Duration // query-status answers after this
	quit     chan struct{} // closed once a client sent quit
	done     sync.WaitGroup
}

func startFakeQMP(socket, status string) (*fakeQMP, error) {
	listener, err := net.Listen("unix", socket)
	if err != nil {
		return nil, err
	}
	f := &fakeQMP{listener: listener, status: status, quit: make(chan struct{})}
	f.done.Add(1)
	go func() {
		defer f.done.Done()
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			f.serve(conn)
		}
	}()
	return f, nil
}

func (f *fakeQMP) serve(conn net.Conn) {
	f.mu.Lock()
	f.conn = conn
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.conn = nil
		f.mu.Unlock()
		conn.Close()
	}()
	f.write(`{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 8}, "package": ""}, "capabilities": ["oob"]}}`)
	scanner := bufio.NewScanner(conn)
	for scanner.Scan() {
		var request struct {
			Execute string          `json:"execute"`
			ID      json.RawMessage `json:"id"`
		}
		if json.Unmarshal(scanner.Bytes(), &request) != nil {
			continue
		}
		f.mu.Lock()
		f.commands = append(f.commands, request.Execute)
		fail := f.failNext
		f.failNext = ""
		delay := f.delay
		f.mu.Unlock()
		id := string(request.ID)
		if fail != "" {
			f.write(`{"error": {"class": "GenericError", "desc": ` + encodeJSON(fail) + `}, "id": ` + id + `}`)
			continue
		}
		switch request.Execute {
		case "qmp_capabilities":
			f.write(`{"return": {}, "id": ` + id + `}`)
		case "query-status":
			time.Sleep(delay)
			f.mu.Lock()
			status := f.status
			f.mu.Unlock()
			f.write(fmt.Sprintf(`{"return": {"status": %q, "singlestep": false, "running": %t}, "id": %s}`, status, status == "running", id))
		case "stop", "cont":
			f.mu.Lock()
			event := "STOP"
			f.status = "paused"
			if request.Execute == "cont" {
				event, f.status = "RESUME", "running"
			}
			f.mu.Unlock()
			f.event(event, "")
			f.write(`{"return": {}, "id": ` + id + `}`)
		case "quit":
			f.write(`{"return": {}, "id": ` + id + `}`)
			f.event("SHUTDOWN", `{"guest": false, "reason": "host-qmp-quit"}`)
			close(f.quit)
			return
		default:
			f.write(`{"error": {"class": "CommandNotFound", "desc": "The command ` + request.Execute + ` has not been found"}, "id": ` + id + `}`)
		}
	}
}

func (f *fakeQMP) write(line string) {
	f.mu.Lock()
	conn := f.conn
	f.mu.Unlock()
	if conn != nil {
		conn.Write([]byte(line + "\r\n")) // QEMU ends its lines so
	}
}

// event sends an event to the connected client (data "" for none).
func (f *fakeQMP) event(name, data string) {
	line := `{"timestamp": {"seconds": 1700000000, "microseconds": 1}, "event": "` + name + `"`
	if data != "" {
		line += `, "data": ` + data
	}
	f.write(line + "}")
}

func (f *fakeQMP) state() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

func (f *fakeQMP) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.commands...)
}

func (f *fakeQMP) close() {
	f.listener.Close()
	f.mu.Lock()
	if f.conn != nil {
		f.conn.Close()
	}
	f.mu.Unlock()
	f.done.Wait()
}
