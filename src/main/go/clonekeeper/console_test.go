package main

import (
	"bytes"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The serial console: lines to stdout without carriage returns, a line cut at 64 KiB, the last unterminated line
// kept, and a connect retried until QEMU's socket appears.

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestConsoleLinesReachStdoutOnceQemuCreatesTheSocket(t *testing.T) {
	socket := filepath.Join(t.TempDir(), "serial.sock")
	var out lockedBuffer
	var stop atomic.Bool
	t.Cleanup(func() { stop.Store(true) })
	startConsole(socket, &out, func() bool { return !stop.Load() })
	time.Sleep(30 * time.Millisecond) // the keeper retries while the socket is missing
	listener, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	conn, err := listener.Accept()
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("Linux version 6.1\r\nlogin: \xff" + strings.Repeat("x", 70*1024) + "\nlast words"))
	conn.Close()
	want := "Linux version 6.1\nlogin: \uFFFD" + strings.Repeat("x", 64*1024-len("login: \xff")) + "\nlast words\n"
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != want && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if out.String() != want {
		t.Fatalf("stdout %d bytes: %.80q…", len(out.String()), out.String())
	}
}
