package main

import (
	"bufio"
	"io"
	"net"
	"strings"
	"time"
)

// Streams the guest's serial console to stdout, line by line, for as long as the VM lives (ConsoleStream.java). It
// keeps no transcript (a clone may print for days): one line of at most 64 KiB, longer lines lose their excess.

const (
	consoleRetryPause = 5 * time.Millisecond
	consoleMaxLine    = 64 * 1024
)

// startConsole connects in the background, retrying while keepTrying says yes (QEMU creates the socket at its
// start; output before the first client connects is lost, so connect early).
func startConsole(socket string, out io.Writer, keepTrying func() bool) {
	go func() {
		for keepTrying() {
			conn, err := net.Dial("unix", socket)
			if err == nil {
				pumpConsole(conn, out)
				return
			}
			time.Sleep(consoleRetryPause)
		}
	}()
}

func pumpConsole(conn net.Conn, out io.Writer) {
	defer conn.Close()
	reader := bufio.NewReaderSize(conn, 4096)
	line := make([]byte, 0, 256)
	for {
		b, err := reader.ReadByte()
		if err != nil {
			break // QEMU went away; whoever waits on QEMU reports it
		}
		if b == '\n' {
			writeConsoleLine(out, line)
			line = line[:0]
			if cap(line) > 4096 {
				line = make([]byte, 0, 256) // a long line's buffer is not kept for the days after it
			}
		} else if len(line) < consoleMaxLine {
			line = append(line, b)
		}
	}
	if len(line) > 0 {
		writeConsoleLine(out, line)
	}
}

// writeConsoleLine prints one line in one write: carriage returns dropped, what is not UTF-8 shown as U+FFFD.
func writeConsoleLine(out io.Writer, line []byte) {
	io.WriteString(out, strings.ToValidUTF8(strings.ReplaceAll(string(line), "\r", ""), "\uFFFD")+"\n")
}
