package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/hookguard/hookguard/benchmarks
cpu: Some CPU @ 2.0GHz
BenchmarkVerify/standard-webhooks/1KiB/hookguard-2         	   87974	      2591 ns/op	 395.22 MB/s	       0 B/op	       0 allocs/op
BenchmarkVerify/standard-webhooks/1KiB/svix-2              	   32588	      7913 ns/op	 129.40 MB/s	    3168 B/op	      23 allocs/op
BenchmarkIPLookup/10/hookguard
BenchmarkVerifyPaired/standard-webhooks/1KiB-2                     	    1500	    390633 ns/op	       823.8 floor-ns/op	       934.3 hookguard-ns/op	         1.134 x-floor
BenchmarkIPLookup/10/hookguard-2         	 4957724	        25.91 ns/op	       0 B/op	       0 allocs/op
--- SKIP: BenchmarkRateLimit/1/serial/hookguard
    ratelimit_test.go:22: hookguard package not implemented yet: ratelimit
--- FAIL: BenchmarkVerify/github/1KiB/go-playground
    verify_test.go:80: go-playground/webhooks refused a valid delivery: boom
PASS
`

func TestParse(t *testing.T) {
	p, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if p.CPU != "Some CPU @ 2.0GHz" {
		t.Errorf("cpu %q", p.CPU)
	}
	if len(p.Samples) != 4 {
		t.Fatalf("%d samples: %+v", len(p.Samples), p.Samples)
	}
	s := p.Samples[1]
	if s.Name != "Verify/standard-webhooks/1KiB/svix" || s.Iters != 32588 || s.NsOp != 7913 || s.BOp != 3168 || s.Allocs != 23 {
		t.Errorf("sample %+v", s)
	}
	if m := p.Samples[2].Metrics; m["x-floor"] != 1.134 || m["floor-ns/op"] != 823.8 || len(m) != 3 {
		t.Errorf("metrics %v", m)
	}
	if got := p.Skipped["RateLimit/1/serial/hookguard"]; got != "hookguard package not implemented yet: ratelimit" {
		t.Errorf("skip reason %q", got)
	}
	if got := p.Failed["Verify/github/1KiB/go-playground"]; !strings.Contains(got, "boom") {
		t.Errorf("fail reason %q", got)
	}
}

func TestMedians(t *testing.T) {
	m := Medians([]Sample{
		{Name: "a", NsOp: 3, BOp: 0, Allocs: 0},
		{Name: "a", NsOp: 1, BOp: 0, Allocs: 0},
		{Name: "a", NsOp: 100, BOp: 8, Allocs: 1},
		{Name: "c", NsOp: 900, Metrics: map[string]float64{"med-ns/op": 90}},
		{Name: "c", NsOp: 500, Metrics: map[string]float64{"med-ns/op": 80}},
		{Name: "c", NsOp: 700, Metrics: map[string]float64{"med-ns/op": 85}},
		{Name: "b", NsOp: 4}, {Name: "b", NsOp: 2},
	})
	if a := m["a"]; a.NsOp != 3 || a.Min != 1 || a.Max != 100 || a.N != 3 || a.Allocs != 0 {
		t.Errorf("a: %+v", a)
	}
	if c := m["c"]; c.NsOp != 85 || c.TotalNsOp != 700 || c.Metrics["med-ns/op"] != 85 {
		t.Errorf("c: %+v", c)
	}
	if b := m["b"]; b.NsOp != 3 {
		t.Errorf("b: %+v", b)
	}
}
