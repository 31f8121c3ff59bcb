// Command report runs the side-by-side benchmark suite of this module and
// the loopback load test, and writes BENCHMARKS.md and an SVG chart.
//
// It builds the package's test binary once, then runs it -count times; each
// run executes every benchmark once for -benchtime, so implementations are
// measured side by side and interleaved in time on a noisy machine. Figures
// are the medians of the runs.
//
//	go run ./cmd/report -benchtime 300ms -count 5 -out ../BENCHMARKS.md -svg ../docs/benchmarks.svg
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hookguard/hookguard/benchmarks/loadtest"
)

func main() {
	var (
		benchtime = flag.String("benchtime", "300ms", "-benchtime of each benchmark in each round")
		count     = flag.Int("count", 5, "rounds; figures are medians over rounds")
		bench     = flag.String("bench", ".", "benchmark regexp")
		out       = flag.String("out", "../BENCHMARKS.md", "markdown report to write")
		svg       = flag.String("svg", "../docs/benchmarks.svg", "SVG chart to write")
		root      = flag.String("root", "", "file with the root package benchmark output to append (optional)")
		guard     = flag.String("guard", "", "file with runs of middleware's BenchmarkGuardVsFloor, judged against issue 6's target (optional)")
		guard1    = flag.String("guard1", "", "file with runs of the same benchmark at GOMAXPROCS=1, reported alongside (optional)")
		ltReq     = flag.Int("loadtest-requests", 5_000, "load test: requests per run")
		ltDur     = flag.Duration("loadtest-duration", 10*time.Second, "load test: time bound per run")
		ltWorkers = flag.Int("loadtest-workers", 8, "load test: client workers")
		ltRounds  = flag.Int("loadtest-rounds", 10, "load test: rounds per handler")
		noLoad    = flag.Bool("no-loadtest", false, "skip the load test")
	)
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("report: ")
	start := time.Now()

	in := &Input{BenchTime: *benchtime, Rounds: *count, Deps: deps()}
	in.Machine = machine()

	tmp, err := os.MkdirTemp("", "hookguard-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "benchmarks.test")
	log.Printf("building the benchmark binary")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		log.Fatalf("go test -c: %v", err)
	}

	var samples []Sample
	in.Skipped, in.Failed = map[string]string{}, map[string]string{}
	for r := 1; r <= *count; r++ {
		t0 := time.Now()
		log.Printf("round %d/%d", r, *count)
		cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", *bench, "-test.benchmem",
			"-test.benchtime", *benchtime, "-test.count", "1")
		var buf bytes.Buffer
		cmd.Stdout = io.MultiWriter(&buf, progress{})
		cmd.Stderr = os.Stderr
		runErr := cmd.Run()
		p, err := Parse(&buf)
		if err != nil {
			log.Fatal(err)
		}
		samples = append(samples, p.Samples...)
		for k, v := range p.Skipped {
			in.Skipped[k] = v
		}
		for k, v := range p.Failed {
			in.Failed[k] = v
		}
		if p.CPU != "" {
			in.Machine.GoCPU = p.CPU
		}
		if runErr != nil && len(p.Failed) == 0 {
			log.Fatalf("round %d: %v", r, runErr)
		}
		log.Printf("round %d: %d results in %v", r, len(p.Samples), time.Since(t0).Round(time.Second))
	}
	in.Stats = Medians(samples)

	if !*noLoad {
		log.Printf("loopback load test")
		rep, err := loadtest.Execute(context.Background(), loadtest.Config{
			Requests: *ltReq, Duration: *ltDur, Workers: *ltWorkers, Rounds: *ltRounds,
		}, log.Printf)
		in.Load, in.LoadErr = &rep, err
		if rep.Bare.Runs == 0 {
			in.Load = nil
		}
	}

	if *root != "" {
		if b, err := os.ReadFile(*root); err == nil {
			in.RootBench = benchLines(string(b))
		} else {
			log.Printf("root benchmarks: %v", err)
		}
	}
	in.GuardRuns = guardRuns(*guard)
	in.GuardRuns1 = guardRuns(*guard1)
	in.Machine.LoadAfter = loadavg()
	in.Elapsed = time.Since(start)

	if *svg != "" {
		if err := os.MkdirAll(filepath.Dir(*svg), 0o755); err != nil {
			log.Fatal(err)
		}
		var sb bytes.Buffer
		cpu := in.Machine.CPU
		if cpu == "" {
			cpu = in.Machine.GoCPU
		}
		title := fmt.Sprintf("hookguard vs peers — %s, %d cores, %s, %s", cpu, in.Machine.Cores, in.Machine.GoVersion, in.Machine.Date.Format("2006-01-02"))
		if err := WriteSVG(&sb, title, in.Panels()); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(*svg, sb.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
		if rel, err := filepath.Rel(filepath.Dir(*out), *svg); err == nil {
			in.SVGLink = filepath.ToSlash(rel)
		}
	}
	var mb bytes.Buffer
	if err := in.WriteMarkdown(&mb); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, mb.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s and %s in %v", *out, *svg, time.Since(start).Round(time.Second))
	for _, v := range in.Verdicts() {
		status := "met"
		if v.Missing {
			status = "not measured"
		} else if !v.Met {
			status = "MISSED: " + v.Miss
		}
		log.Printf("target %s (%s): %s — %s", v.What, v.Target, v.Measured, status)
	}
	if len(in.Failed) > 0 {
		log.Fatalf("%d benchmarks failed; see %s", len(in.Failed), *out)
	}
}

// progress echoes result and skip lines to stderr while a round runs.
type progress struct{}

func (progress) Write(p []byte) (int, error) {
	sc := bufio.NewScanner(bytes.NewReader(p))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "Benchmark") && strings.Contains(l, "ns/op") || strings.Contains(l, "--- FAIL") {
			fmt.Fprintln(os.Stderr, "  "+l)
		}
	}
	return len(p), nil
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(),
		OSArch: runtime.GOOS + "/" + runtime.GOARCH, Date: time.Now().UTC(), LoadBefore: loadavg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}

// deps returns the versions of the modules compiled into this program,
// which imports every peer through package benchmarks.
func deps() map[string]string {
	out := map[string]string{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			v := d.Version
			if d.Replace != nil {
				v = d.Replace.Version
			}
			out[d.Path] = v
		}
	}
	return out
}

// guardRuns returns the BenchmarkGuardVsFloor samples in file (none when
// file is "").
func guardRuns(file string) []Sample {
	if file == "" {
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	p, err := Parse(f)
	if err != nil {
		log.Fatal(err)
	}
	var out []Sample
	for _, s := range p.Samples {
		if s.Name == "GuardVsFloor" {
			out = append(out, s)
		}
	}
	return out
}

// benchLines keeps the header, result and package lines of go test output.
func benchLines(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "Benchmark") && strings.Contains(l, "ns/op") ||
			strings.HasPrefix(l, "pkg: ") || strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "FAIL") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
