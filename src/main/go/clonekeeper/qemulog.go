package main

import (
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// qemuLogTail is the end of QEMU's log for a termination message: the trimmed log's last maxBytes after "..." (cut
// where a character starts), the whole trimmed log when shorter, "(no QEMU log)" when it cannot be read. Reads a
// window from the end instead of the whole file: a clone's QEMU may have logged for days.
func qemuLogTail(path string, maxBytes int) string {
	const noLog = "(no QEMU log)"
	file, err := os.Open(path)
	if err != nil {
		return noLog
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return noLog
	}
	size := info.Size()
	for window := int64(16 * 1024); ; window *= 4 {
		window = min(window, size)
		buf := make([]byte, window)
		if _, err := file.ReadAt(buf, size-window); err != nil && err != io.EOF {
			return noLog
		}
		// trailing whitespace may fill a whole window; trimming the window's start changes no tail longer than maxBytes
		text := strings.TrimSpace(string(buf))
		if len(text) > maxBytes {
			start := len(text) - maxBytes
			for start < len(text) && !utf8.RuneStart(text[start]) {
				start++
			}
			return "..." + text[start:]
		}
		if window == size {
			return text
		}
	}
}
