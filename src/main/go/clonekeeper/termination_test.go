package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TerminationMessageTest and CloneRunEndTest, ported: the 4 KiB rule, the first writer, what a QEMU end means.

// jsonFields is a JSON object as the operator reads it: its fields (numbers as float64), absent ones absent.
func jsonFields(t *testing.T, text string) map[string]any {
	t.Helper()
	var fields map[string]any
	if err := json.Unmarshal([]byte(text), &fields); err != nil {
		t.Fatalf("%v: %q", err, text)
	}
	return fields
}

func TestLongErrorsKeepHeadAndTailUnder4KiB(t *testing.T) {
	for _, middle := range []string{strings.Repeat("x", 10_000), strings.Repeat("ü€", 5000), strings.Repeat("\x01\"", 3000),
		strings.Repeat("a", 4040) + "€€€"} {
		text := fit(failure(outcomeFailed, "template build failed: "+middle+" QEMU-LAST-WORDS"))
		if len(text) > terminationMessageMaxBytes {
			t.Fatalf("%d bytes", len(text))
		}
		fields := jsonFields(t, text)
		message, _ := fields["error"].(string)
		if !strings.HasPrefix(message, "template build failed: ") || !strings.HasSuffix(message, " QEMU-LAST-WORDS") ||
			!strings.Contains(message, " [...] ") || fields["outcome"] != "Failed" || strings.ContainsRune(message, utf8.RuneError) {
			t.Fatalf("shortened to %q", message)
		}
	}
}

func TestShortResultsAreWhole(t *testing.T) {
	message := "a\"b\\c\nd\te\x01f/<ü>&"
	text := fit(failure(outcomeFailed, message))
	assertEqual(t, true, reflect.DeepEqual(map[string]any{"outcome": "Failed", "error": message}, jsonFields(t, text)))
	if !strings.Contains(text, "/<ü>&") {
		t.Fatalf("< > & and non-ASCII stay readable: %s", text)
	}
	// no error: the field is left out, not null
	assertEqual(t, true, reflect.DeepEqual(map[string]any{"outcome": "PoweredOff"},
		jsonFields(t, fit(launcherResult{Outcome: outcomePoweredOff}))))
}

func TestShortenNeverCutsACharacter(t *testing.T) {
	assertEqual(t, "ab [...] ghij", shorten("abcdefghij", 6))
	assertEqual(t, "short", shorten("short", 6))
	text := "ü€𝄞ü€𝄞ü€𝄞"
	for keep := 0; keep < len(text); keep++ {
		shortened := shorten(text, keep)
		head, tail, _ := strings.Cut(shortened, " [...] ")
		if !utf8.ValidString(shortened) || len(head)+len(tail) > keep || !strings.HasPrefix(text, head) || !strings.HasSuffix(text, tail) {
			t.Fatalf("keep %d: %q", keep, shortened)
		}
	}
}

func TestTheFirstWriterWins(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sub", "term")
	message := newTerminationMessage(file, &bytes.Buffer{})
	if !message.write(failure(outcomeFailed, "first")) || message.write(failure(outcomeFailed, "second")) {
		t.Fatal("the second write must lose, the first win")
	}
	content, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(content), "first") || !message.written() {
		t.Fatalf("%q %v", content, err)
	}
}

func TestAnUnwritableFileIsReportedNotFatal(t *testing.T) {
	var errw bytes.Buffer
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o644)
	if !newTerminationMessage(filepath.Join(blocker, "term"), &errw).write(failure(outcomeFailed, "x")) {
		t.Fatal("a failed write still claims the message")
	}
	if !strings.HasPrefix(errw.String(), "cannot write the termination message: ") || !strings.Contains(errw.String(), blocker) {
		t.Fatalf("stderr %q", errw.String())
	}
}

func endedWith(code int, reason *string) launcherResult {
	return ended(code, reason, func() string { return "qemu: terminating on signal 9" })
}

func TestAGuestRebootIsAFailureThatSaysToCreateTheCloneAgain(t *testing.T) {
	reset := "guest-reset"
	result := endedWith(0, &reset)
	assertEqual(t, "Failed", result.Outcome)
	assertEqual(t, "the guest rebooted; a clone continues its template's boot and cannot boot again (its QEMU holds no kernel"+
		" or initrd): delete the VmClone and create it again", *result.Error)
}

func TestAGuestPoweroffEndsTheClone(t *testing.T) {
	shutdown := "guest-shutdown"
	assertEqual(t, "PoweredOff", endedWith(0, &shutdown).Outcome)
	assertEqual(t, "PoweredOff", endedWith(0, nil).Outcome)
	assertEqual(t, "PoweredOff", endedWith(-1, &shutdown).Outcome)
}

func TestQemuDyingOnItsOwnIsAFailureWithItsLastWords(t *testing.T) {
	result := endedWith(137, nil)
	assertEqual(t, "Failed", result.Outcome)
	assertEqual(t, "QEMU exited unexpectedly with code 137: qemu: terminating on signal 9", *result.Error)
}

func TestQemuLogTailIsTheTrimmedLastBytes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		file := filepath.Join(dir, name)
		os.WriteFile(file, []byte(content), 0o644)
		return file
	}
	assertEqual(t, "qemu said this", qemuLogTail(write("short", "\n  qemu said this\n\n"), 1500))
	// 1500 bytes from the end start inside a €: the tail starts at the next one
	long := strings.Repeat("a", 40_000) + strings.Repeat("€", 1499) + "Z" + strings.Repeat(" \n", 20_000)
	assertEqual(t, "..."+strings.Repeat("€", 499)+"Z", qemuLogTail(write("long", long), 1500))
	assertEqual(t, "(no QEMU log)", qemuLogTail(filepath.Join(dir, "missing"), 1500))
	// bytes that are not UTF-8 are QEMU's words too; the termination message shows them as U+FFFD
	binary := qemuLogTail(write("binary", strings.Repeat("x", 70_000)+"\xff\xfe"), 1500)
	assertEqual(t, "..."+strings.Repeat("x", 1498)+"\xff\xfe", binary)
	assertEqual(t, "x\uFFFD\uFFFD", jsonFields(t, fit(failure(outcomeFailed, binary)))["error"].(string)[1500:])
}

func assertEqual[T comparable](t *testing.T, want, got T) {
	t.Helper()
	if want != got {
		t.Fatalf("want %#v\n got %#v", want, got)
	}
}
