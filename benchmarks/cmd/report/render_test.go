package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hookguard/hookguard/benchmarks/loadtest"
)

func TestVerdictsAndMarkdown(t *testing.T) {
	st := func(name string, ns, allocs float64, metrics map[string]float64) Stat {
		return Stat{Name: name, NsOp: ns, Allocs: allocs, Metrics: metrics}
	}
	in := &Input{
		Stats: map[string]Stat{
			"Verify/standard-webhooks/1KiB/hookguard":   st("", 1100, 0, nil),
			"Verify/standard-webhooks/1KiB/floor":       st("", 1000, 0, nil),
			"Verify/standard-webhooks/1KiB/svix":        st("", 3000, 23, nil),
			"Verify/standard-webhooks/16KiB/hookguard":  st("", 11000, 0, nil),
			"Verify/standard-webhooks/16KiB/floor":      st("", 10000, 0, nil),
			"VerifyPaired/standard-webhooks/16KiB":      st("", 1, 0, map[string]float64{"x-floor": 1.02, "hookguard-ns/op": 10200, "floor-ns/op": 10000}),
			"Verify/standard-webhooks/256KiB/hookguard": st("", 200, 0, nil),
			"Verify/standard-webhooks/256KiB/floor":     st("", 100, 0, nil),
		},
		Skipped: map[string]string{"IPLookup/10/hookguard": "hookguard package not implemented yet: ipallow"},
		Failed:  map[string]string{},
		Load: &loadtest.Report{
			Bare:  loadtest.Summary{Handler: loadtest.Bare, RPS: 1000, CPUPerReq: 50 * time.Microsecond},
			Guard: loadtest.Summary{Handler: loadtest.Guard, RPS: 800, CPUPerReq: 60 * time.Microsecond},
			Runs: []loadtest.Run{
				{Handler: loadtest.Bare, Round: 0, RPS: 1000}, {Handler: loadtest.Guard, Round: 0, RPS: 800},
			},
		},
		Machine: Machine{CPU: "Test CPU", Cores: 2, GOMAXPROCS: 2, GoVersion: "go1.26", LoadBefore: "0.5, 0.5, 0.5"},
		Rounds:  5, BenchTime: "300ms",
	}
	guardRun := func(r, allocs float64) Sample {
		return Sample{Name: "GuardVsFloor", Allocs: allocs, Metrics: map[string]float64{"guard/floor": r, "guard-ns/op": 900 * r, "floor-ns/op": 900}}
	}
	in.GuardRuns = []Sample{guardRun(2.8, 2), guardRun(3.2, 2), guardRun(2.9, 2)}
	in.GuardRuns1 = []Sample{guardRun(2.6, 1), guardRun(2.5, 1)}
	v := in.Verdicts()
	if len(v) != 5 {
		t.Fatalf("%d verdicts", len(v))
	}
	if g := v[3]; !g.Met || !strings.Contains(g.Measured, "**2.90 × floor** (median of 3 runs, 2.80–3.20, 2 of them ≤ 3.0") {
		t.Errorf("guard: %+v", g)
	}
	in.GuardRuns = []Sample{guardRun(3.12, 2), guardRun(2.9, 12), guardRun(3.2, 12)}
	if g := in.Verdicts()[3]; g.Met || g.Miss != "median 4.0 % over the 3.0 × bound; 12 allocs/op" {
		t.Errorf("guard, missed: %+v", g)
	}
	in.GuardRuns = nil
	if g := in.Verdicts()[3]; !g.Missing {
		t.Errorf("guard, not run: %+v", g)
	}
	in.GuardRuns = []Sample{guardRun(2.8, 2), guardRun(3.2, 2), guardRun(2.9, 2)}
	if !v[0].Met { // 1.10 ≤ 1.3, 0 allocs
		t.Errorf("1KiB: %+v", v[0])
	}
	if !v[1].Met || !strings.Contains(v[1].Measured, "1.020") { // paired ratio used, not 1.10
		t.Errorf("16KiB: %+v", v[1])
	}
	if v[2].Met || !strings.Contains(v[2].Miss, "90.5 % over") { // 2.00 vs 1.05
		t.Errorf("256KiB: %+v", v[2])
	}
	if v[4].Met || !strings.Contains(v[4].Miss, "10.0 percentage points short") || !strings.Contains(v[4].Miss, "at most 5.6µs added") {
		t.Errorf("load: %+v", v[4])
	}
	var b bytes.Buffer
	if err := in.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{"Test CPU", "**met**", "**missed**", "| 2 | 2 880 | 900 | 3.200 | 2 |", "With GOMAXPROCS=1, so that", "**2.55 ×** (median of 2 runs, 2.50–2.60)", "skipped: hookguard package not implemented yet: ipallow", "| standard-webhooks | svix-webhooks/go VerifyIgnoringTimestamp | 3 000 | 0 | 23 | 3.00 × | 1.00 × |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtInt(100000), "100 000"}, {fmtInt(-1234), "-1 234"}, {fmtInt(12), "12"},
		{fmtNs(2591.4), "2 591"}, {fmtNs(25.91), "25.9"}, {fmtNs(2.591), "2.59"},
		{fmtRatio(1.2345), "1.23 ×"}, {fmtRatio(0.00012), "0.00012 ×"}, {fmtRatio(1724.2), "1724 ×"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
