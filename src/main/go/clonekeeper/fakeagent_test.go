package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"net"
	"path"
	"strconv"
	"sync"
)

// fakeAgent is a qemu-guest-agent on the host end of its channel, with a guest file system in memory: it refuses
// to open a file whose directory does not exist, as the real agent does, and makes directories with guest-exec mkdir.
type fakeAgent struct {
	listener net.Listener
	mu       sync.Mutex
	files    map[string][]byte
	dirs     map[string]bool
	handles  map[int64]string
	opens    int      // guest-file-open calls
	execs    []string // guest-exec command lines
	done     sync.WaitGroup
}

func startFakeAgent(socket string, dirs ...string) (*fakeAgent, error) {
	listener, err := net.Listen("unix", socket)
	if err != nil {
		return nil, err
	}
	a := &fakeAgent{listener: listener, files: map[string][]byte{}, dirs: map[string]bool{"/": true}, handles: map[int64]string{}}
	for _, dir := range dirs {
		a.dirs[dir] = true
	}
	a.done.Add(1)
	go func() {
		defer a.done.Done()
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			a.serve(conn)
		}
	}()
	return a, nil
}

func (a *fakeAgent) serve(conn net.Conn) {
	defer conn.Close()
	// an answer to an earlier client's question still in the channel: the client must skip it
	conn.Write([]byte(`{"return": 12345}` + "\n"))
	scanner := bufio.NewScanner(conn)
	scanner.Buffer(make([]byte, 0, 4096), 1024*1024)
	for scanner.Scan() {
		var request struct {
			Execute   string `json:"execute"`
			Arguments struct {
				ID     int64    `json:"id"`
				Path   string   `json:"path"`
				Mode   string   `json:"mode"`
				Handle int64    `json:"handle"`
				Buf    string   `json:"buf-b64"`
				Arg    []string `json:"arg"`
			} `json:"arguments"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &request); err != nil {
			conn.Write([]byte(`{"error": {"class": "GenericError", "desc": "bad request"}}` + "\n"))
			continue
		}
		args := request.Arguments
		a.mu.Lock()
		answer := `{"return": {}}`
		switch request.Execute {
		case "guest-sync":
			answer = `{"return": ` + strconv.FormatInt(args.ID, 10) + `}`
		case "guest-file-open":
			a.opens++
			if !a.dirs[path.Dir(args.Path)] {
				answer = `{"error": {"class": "GenericError", "desc": "failed to open file '` + args.Path + `' (mode: '` + args.Mode + `'): No such file or directory"}}`
			} else {
				handle := int64(1000 + len(a.handles))
				a.handles[handle] = args.Path
				a.files[args.Path] = []byte{}
				answer = `{"return": ` + strconv.FormatInt(handle, 10) + `}`
			}
		case "guest-file-write":
			data, _ := base64.StdEncoding.DecodeString(args.Buf)
			file := a.handles[args.Handle]
			a.files[file] = append(a.files[file], data...)
			answer = `{"return": {"count": ` + strconv.Itoa(len(data)) + `, "eof": false}}`
		case "guest-file-close":
			delete(a.handles, args.Handle)
		case "guest-exec":
			line := args.Path
			for _, arg := range args.Arg {
				line += " " + arg
			}
			a.execs = append(a.execs, line)
			if args.Path == "mkdir" && len(args.Arg) > 0 {
				for dir := args.Arg[len(args.Arg)-1]; dir != "/"; dir = path.Dir(dir) {
					a.dirs[dir] = true
				}
			}
			answer = `{"return": {"pid": 4242}}`
		case "guest-exec-status":
			answer = `{"return": {"exited": true, "exitcode": 0}}`
		default:
			answer = `{"error": {"class": "CommandNotFound", "desc": "The command ` + request.Execute + ` has not been found"}}`
		}
		a.mu.Unlock()
		conn.Write([]byte(answer + "\n"))
	}
}

func (a *fakeAgent) file(name string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	content, ok := a.files[name]
	return string(content), ok
}

func (a *fakeAgent) openCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.opens
}

func (a *fakeAgent) execLines() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.execs...)
}

func (a *fakeAgent) close() {
	a.listener.Close()
	a.done.Wait()
}
