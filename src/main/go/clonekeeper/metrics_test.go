package main

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// MetricsPageTest, ported: the page parses as Prometheus' text format 0.0.4.

type sample struct {
	help, typ string
	labels    string
	value     float64
}

var (
	sampleLine  = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$`)
	commentLine = regexp.MustCompile(`^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$`)
)

// parseMetrics reads a page as Prometheus does (samples without timestamps): each sample after its family's HELP
// and TYPE, its value as Go's ParseFloat reads it. The names in page order.
func parseMetrics(t *testing.T, page string) ([]string, map[string]sample) {
	t.Helper()
	if !strings.HasSuffix(page, "\n") {
		t.Fatalf("no final line break: %q", page)
	}
	var names []string
	samples := map[string]sample{}
	help, typ := map[string]string{}, map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(page, "\n"), "\n") {
		if m := commentLine.FindStringSubmatch(line); m != nil && m[1] == "HELP" {
			help[m[2]] = m[3]
			continue
		} else if m != nil {
			typ[m[2]] = m[3]
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a sample: %q", line)
		}
		value, err := strconv.ParseFloat(m[3], 64)
		if err != nil || help[m[1]] == "" || typ[m[1]] == "" {
			t.Fatalf("%q: value %v, HELP %q, TYPE %q", line, err, help[m[1]], typ[m[1]])
		}
		names = append(names, m[1])
		samples[m[1]] = sample{help[m[1]], typ[m[1]], m[2], value}
	}
	return names, samples
}

func TestGaugesInTheTextFormat(t *testing.T) {
	page := &metricsPage{}
	page.gauge("vmtemplating_launcher_guest_running", "1 when the guest runs", 1).
		gauge("vmtemplating_launcher_restore_seconds", "start until \\ running\nnext", 0.187).
		gauge("vmtemplating_launcher_qemu_rss_bytes", "RSS", 31*1024.0*1024.0)
	names, samples := parseMetrics(t, page.text.String())
	assertEqual(t, "vmtemplating_launcher_guest_running vmtemplating_launcher_restore_seconds vmtemplating_launcher_qemu_rss_bytes",
		strings.Join(names, " "))
	assertEqual(t, sample{"1 when the guest runs", "gauge", "", 1}, samples["vmtemplating_launcher_guest_running"])
	assertEqual(t, sample{`start until \\ running\nnext`, "gauge", "", 0.187}, samples["vmtemplating_launcher_restore_seconds"])
	assertEqual(t, sample{"RSS", "gauge", "", 32505856}, samples["vmtemplating_launcher_qemu_rss_bytes"])
	if !strings.Contains(page.text.String(), "\nvmtemplating_launcher_qemu_rss_bytes 32505856\n") {
		t.Fatalf("a whole number of bytes is written as an integer:\n%s", page.text.String())
	}
}

func TestEveryValueReadsBackAsItself(t *testing.T) {
	for _, value := range []float64{0.105, 0.001, 1e-4, 12345.678, 1.5e15, 2e20, 1e7 + 0.5, 0, -3, math.Inf(1), math.Inf(-1), math.NaN()} {
		_, samples := parseMetrics(t, (&metricsPage{}).gauge("x", "x", value).text.String())
		if got := samples["x"].value; got != value && !(math.IsNaN(got) && math.IsNaN(value)) {
			t.Fatalf("%v read back as %v", value, got)
		}
	}
}
