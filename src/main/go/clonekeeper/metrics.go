package main

import (
	"strconv"
	"strings"
)

// metricsPage is MetricsPage.java: the launcher's /metrics in Prometheus' text exposition format 0.0.4, gauges
// without labels, base units, names under vmtemplating_launcher_.
type metricsPage struct {
	text strings.Builder
}

// metricsContentType is what Prometheus asks for and expects back for this format.
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// gauge adds one family; help is one line, so a backslash or a line break in it is escaped as the format says.
func (p *metricsPage) gauge(name, help string, value float64) *metricsPage {
	help = strings.ReplaceAll(strings.ReplaceAll(help, `\`, `\\`), "\n", `\n`)
	// 'f', -1: the shortest decimal that reads back the same, integers without a point; NaN, +Inf, -Inf as the format
	// spells them
	p.text.WriteString("# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " +
		strconv.FormatFloat(value, 'f', -1, 64) + "\n")
	return p
}

func mebibytesAsBytes(mebibytes int64) float64 {
	return float64(mebibytes) * 1024.0 * 1024.0
}
