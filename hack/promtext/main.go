// Command promtext reads a /metrics page the way Prometheus does: github.com/prometheus/common's text parser (the
// exposition format Prometheus scrapes), then client_golang's promlint (the naming conventions: base units, _total on
// counters, no camelCase). Prints one JSON document: the families with their series, and promlint's problems.
// Exits 2 when the page does not parse.
//
// Usage: promtext < metrics.txt
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

type series struct {
	Labels  map[string]string `json:"labels"`
	Value   *string           `json:"value,omitempty"`
	Count   *uint64           `json:"count,omitempty"`
	Sum     *string           `json:"sum,omitempty"`
	Buckets map[string]uint64 `json:"buckets,omitempty"`
}

type family struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Help   string   `json:"help"`
	Series []series `json:"series"`
}

type problem struct {
	Metric string `json:"metric"`
	Text   string `json:"text"`
}

// number keeps +Inf, -Inf and NaN, which JSON numbers cannot hold
func number(v float64) *string {
	var s string
	switch {
	case math.IsInf(v, 1):
		s = "+Inf"
	case math.IsInf(v, -1):
		s = "-Inf"
	default:
		s = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return &s
}

func main() {
	// the classic metric name rules ([a-zA-Z_:][a-zA-Z0-9_:]*): what every Prometheus version accepts
	parser := expfmt.NewTextParser(model.LegacyValidation)
	parsed, err := parser.TextToMetricFamilies(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "promtext:", err)
		os.Exit(2)
	}
	names := make([]string, 0, len(parsed))
	for name := range parsed {
		names = append(names, name)
	}
	sort.Strings(names)
	out := struct {
		Families []family  `json:"families"`
		Problems []problem `json:"problems"`
	}{Families: []family{}, Problems: []problem{}}
	var all []*dto.MetricFamily
	for _, name := range names {
		mf := parsed[name]
		all = append(all, mf)
		f := family{Name: name, Type: mf.GetType().String(), Help: mf.GetHelp(), Series: []series{}}
		for _, m := range mf.GetMetric() {
			s := series{Labels: map[string]string{}}
			for _, l := range m.GetLabel() {
				s.Labels[l.GetName()] = l.GetValue()
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				s.Value = number(m.GetCounter().GetValue())
			case dto.MetricType_GAUGE:
				s.Value = number(m.GetGauge().GetValue())
			case dto.MetricType_UNTYPED:
				s.Value = number(m.GetUntyped().GetValue())
			case dto.MetricType_SUMMARY:
				count := m.GetSummary().GetSampleCount()
				s.Count, s.Sum = &count, number(m.GetSummary().GetSampleSum())
			case dto.MetricType_HISTOGRAM:
				count := m.GetHistogram().GetSampleCount()
				s.Count, s.Sum = &count, number(m.GetHistogram().GetSampleSum())
				s.Buckets = map[string]uint64{}
				for _, b := range m.GetHistogram().GetBucket() {
					s.Buckets[*number(b.GetUpperBound())] = b.GetCumulativeCount()
				}
			}
			f.Series = append(f.Series, s)
		}
		out.Families = append(out.Families, f)
	}
	problems, err := promlint.NewWithMetricFamilies(all).Lint()
	if err != nil {
		fmt.Fprintln(os.Stderr, "promtext: promlint:", err)
		os.Exit(1)
	}
	for _, p := range problems {
		out.Problems = append(out.Problems, problem{Metric: p.Metric, Text: p.Text})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
