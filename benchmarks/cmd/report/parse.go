package main

import (
	"bufio"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Sample is one benchmark result line.
type Sample struct {
	Name   string // without the Benchmark prefix and the -GOMAXPROCS suffix
	Iters  int64
	NsOp   float64
	BOp    float64
	Allocs float64
	// Metrics holds the custom metrics (b.ReportMetric), by unit.
	Metrics map[string]float64
}

// Parsed is everything read from go test -bench output.
type Parsed struct {
	Samples []Sample
	Skipped map[string]string // benchmark name → reason
	Failed  map[string]string // benchmark name → first message line
	CPU     string            // the "cpu:" header line
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// Parse reads go test -bench -benchmem output.
func Parse(r io.Reader) (Parsed, error) {
	p := Parsed{Skipped: map[string]string{}, Failed: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var pending map[string]string // Skipped or Failed, awaiting its reason line
	var pendingName string
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "cpu: "):
			p.CPU = strings.TrimSpace(strings.TrimPrefix(line, "cpu: "))
		case strings.HasPrefix(trim, "--- SKIP: "), strings.HasPrefix(trim, "--- FAIL: "):
			f := strings.Fields(trim)
			if len(f) < 3 {
				continue
			}
			pendingName = benchName(f[2])
			pending = p.Skipped
			if f[1] == "FAIL:" {
				pending = p.Failed
			}
			if _, ok := pending[pendingName]; !ok {
				pending[pendingName] = ""
			}
		case pending != nil && strings.HasPrefix(line, "    ") && trim != "":
			if pending[pendingName] == "" {
				// "file.go:12: reason": keep the reason
				msg := trim
				if i := strings.Index(msg, ": "); i > 0 && strings.Contains(msg[:i], ".go:") {
					msg = msg[i+2:]
				}
				pending[pendingName] = msg
			}
			pending = nil
		case strings.HasPrefix(line, "Benchmark"):
			if s, ok := parseLine(line); ok {
				p.Samples = append(p.Samples, s)
			}
		default:
			pending = nil
		}
	}
	return p, sc.Err()
}

func benchName(s string) string {
	s = strings.TrimPrefix(s, "Benchmark")
	return procSuffix.ReplaceAllString(s, "")
}

func parseLine(line string) (Sample, bool) {
	f := strings.Fields(line)
	if len(f) < 4 {
		return Sample{}, false
	}
	iters, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return Sample{}, false
	}
	s := Sample{Name: benchName(f[0]), Iters: iters, BOp: -1, Allocs: -1}
	seen := false
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return Sample{}, false
		}
		switch f[i+1] {
		case "ns/op":
			s.NsOp, seen = v, true
		case "B/op":
			s.BOp = v
		case "allocs/op":
			s.Allocs = v
		case "MB/s":
		default:
			if s.Metrics == nil {
				s.Metrics = map[string]float64{}
			}
			s.Metrics[f[i+1]] = v
		}
	}
	return s, seen
}

// Stat is the median of a benchmark's samples.
type Stat struct {
	Name string
	N    int // samples
	// NsOp is the median over samples of med-ns/op (the run's median chunk
	// time, robust to preemption) where the benchmark reports it, else of ns/op.
	NsOp, Min, Max float64
	TotalNsOp      float64 // median of the plain ns/op (total time / b.N)
	BOp, Allocs    float64
	Metrics        map[string]float64 // medians of the custom metrics
}

// Medians groups samples by name and returns the median of each figure.
func Medians(samples []Sample) map[string]Stat {
	by := map[string][]Sample{}
	for _, s := range samples {
		by[s.Name] = append(by[s.Name], s)
	}
	out := make(map[string]Stat, len(by))
	for name, ss := range by {
		var ns, total, b, a []float64
		metrics := map[string][]float64{}
		for _, s := range ss {
			total = append(total, s.NsOp)
			if v, ok := s.Metrics["med-ns/op"]; ok {
				ns = append(ns, v)
			} else {
				ns = append(ns, s.NsOp)
			}
			b = append(b, s.BOp)
			a = append(a, s.Allocs)
			for k, v := range s.Metrics {
				metrics[k] = append(metrics[k], v)
			}
		}
		st := Stat{Name: name, N: len(ss), NsOp: median(ns), TotalNsOp: median(total), BOp: median(b), Allocs: median(a),
			Metrics: map[string]float64{}}
		st.Min, st.Max = slices.Min(ns), slices.Max(ns)
		for k, v := range metrics {
			st.Metrics[k] = median(v)
		}
		out[name] = st
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
