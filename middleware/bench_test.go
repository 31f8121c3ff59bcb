package middleware

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"fmt"
	"hash"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/time/rate"

	hghmac "github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/replay"
)

// benchAllowList is 1 000 prefixes, the client's among them.
func benchAllowList(tb testing.TB) *ipallow.List {
	var sb strings.Builder
	for i := range 999 {
		fmt.Fprintf(&sb, "10.%d.%d.0/24\n", i/256, i%256)
	}
	sb.WriteString("192.0.2.0/24\n")
	l, err := ipallow.Parse(sb.String())
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

type benchSetup struct {
	handler http.Handler
	req     *http.Request
	body    *bytes.Reader
	raw     []byte
	hdrs    []http.Header // pre-signed batch, one fresh event ID each
	bufs    [][]byte      // the bytes behind hdrs[i]'s values (see sign)
	mac     hash.Hash     // HMAC-SHA256 keyed with testKey, for sign
	sum     [sha256.Size]byte
	w       *discardWriter
}

// benchBatch is how many deliveries are signed ahead at a time: enough to
// keep the timer stopped rarely, few enough that the pre-signed headers do
// not blow up the heap the garbage collector scans.
const benchBatch = 1024

var dot = []byte{'.'}

// Canonical names of the Standard Webhooks headers.
const (
	hdrID  = "Webhook-Id"
	hdrTS  = "Webhook-Timestamp"
	hdrSig = "Webhook-Signature"
)

// sign pre-signs the batch of deliveries starting at event number from, at
// the current time (the Guard runs on the real clock, as in production).
//
// It signs like hmac.Signer for Standard Webhooks (newBenchSetupWith checks
// that the two agree), but writes each delivery's ID, timestamp and
// signature over the same bytes of its slot every batch instead of
// allocating header strings: hmac.Signer.Sign leaves 128 B of garbage per
// delivery, a quarter of what the Guard allocates, and the garbage
// collector's cost of it fell on the timed deliveries although the signing
// is untimed. Rewriting the bytes between batches is safe because nothing
// keeps a request's header strings once ServeHTTP returned (the handler
// here keeps nothing; the replay key is a copy).
func (s *benchSetup) sign(tb testing.TB, from int) {
	ts := time.Now().Unix()
	for i, h := range s.hdrs {
		b := s.bufs[i][:0]
		b = strconv.AppendInt(append(b, "msg_"...), int64(from+i), 10)
		idEnd := len(b)
		b = strconv.AppendInt(b, ts, 10)
		tsEnd := len(b)
		s.mac.Reset()
		s.mac.Write(b[:idEnd])
		s.mac.Write(dot)
		s.mac.Write(b[idEnd:tsEnd])
		s.mac.Write(dot)
		s.mac.Write(s.raw)
		b = base64.StdEncoding.AppendEncode(append(b, "v1,"...), s.mac.Sum(s.sum[:0]))
		if unsafe.SliceData(b) != unsafe.SliceData(s.bufs[i]) {
			tb.Fatal("bench: slot buffer too small")
		}
		h[hdrID][0] = unsafe.String(&b[0], idEnd)
		h[hdrTS][0] = unsafe.String(&b[idEnd], tsEnd-idEnd)
		h[hdrSig][0] = unsafe.String(&b[tsEnd], len(b)-tsEnd)
	}
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(c int)           { d.code = c }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// newBenchSetup builds the whole Guard (allow list of 1 000 prefixes, rate
// limit, 1 KiB body, Standard Webhooks, window, memory replay) and the first
// batch of min(n, benchBatch) pre-signed deliveries.
func newBenchSetup(tb testing.TB, n int) *benchSetup {
	return newBenchSetupWith(tb, n, nil)
}

// newBenchSetupWith is newBenchSetup with the Guard's Config changed by
// mutate (if not nil) after the benchmark defaults are set.
func newBenchSetupWith(tb testing.TB, n int, mutate func(*Config)) *benchSetup {
	body := bytes.Repeat([]byte("a"), 1024)
	g := newTestGuard(tb, func(c *Config) {
		c.Now = nil // the real clock, read once per delivery as in production
		c.Allow = benchAllowList(tb)
		c.Limiter = mustLimiter(tb, rate.Inf, 1, 1000)
		c.Replay = replay.NewMemory(benchReplayCapacity)
		if mutate != nil {
			mutate(c)
		}
	})
	s := &benchSetup{
		handler: g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})),
		body: bytes.NewReader(body),
		raw:  body,
		hdrs: make([]http.Header, min(n, benchBatch)),
		bufs: make([][]byte, min(n, benchBatch)),
		mac:  hmac.New(sha256.New, testKey),
		w:    &discardWriter{h: http.Header{}},
	}
	for i := range s.hdrs {
		s.hdrs[i] = http.Header{hdrID: {""}, hdrTS: {""}, hdrSig: {""}}
		s.bufs[i] = make([]byte, 0, 128)
	}
	s.sign(tb, 0)
	// The deliveries must be exactly what hmac.Signer sends.
	h := s.hdrs[0]
	ts, err := strconv.ParseInt(h.Get(hdrTS), 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	want := http.Header{}
	if err := hghmac.NewSigner(hghmac.StandardWebhooks, testKeyring(tb)).Sign(want, h.Get(hdrID), time.Unix(ts, 0), body); err != nil {
		tb.Fatal(err)
	}
	for _, k := range []string{hdrID, hdrTS, hdrSig} {
		if h.Get(k) != want.Get(k) {
			tb.Fatalf("bench: %s is %q, hmac.Signer sends %q", k, h.Get(k), want.Get(k))
		}
	}
	s.req = httptest.NewRequest(http.MethodPost, "/hook", nil)
	s.req.RemoteAddr = "192.0.2.10:40000"
	s.req.ContentLength = int64(len(body))
	return s
}

// serveOne delivers pre-signed event i through the Guard.
func (s *benchSetup) serveOne(tb testing.TB, i int) {
	s.body.Seek(0, 0)
	s.req.Body = readCloser{s.body}
	s.req.Header = s.hdrs[i%len(s.hdrs)]
	s.w.code = 0
	s.handler.ServeHTTP(s.w, s.req)
	if s.w.code != http.StatusNoContent {
		tb.Fatalf("status %d", s.w.code)
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// BenchmarkGuard is the whole Guard through ServeHTTP with a prepared
// request: allow list of 1 000 prefixes, rate limit, 1 KiB body, Standard
// Webhooks signature, window on the real clock, memory replay claim +
// complete.
func BenchmarkGuard(b *testing.B) {
	s := newBenchSetup(b, b.N)
	b.ReportAllocs()
	b.SetBytes(1024)
	b.ResetTimer()
	var cpu time.Duration
	start := processCPU()
	for i := range b.N {
		if i > 0 && i%benchBatch == 0 {
			b.StopTimer()
			cpu += processCPU() - start
			s.sign(b, i)
			start = processCPU()
			b.StartTimer()
		}
		s.serveOne(b, i)
	}
	cpu += processCPU() - start
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// floor is the verification floor the Guard is measured against, as the
// hmac package defines it (issue 2): a pooled, pre-keyed HMAC-SHA256 over
// the same signed bytes ("{id}.{timestamp}.{body}", 1 KiB body, assembled
// once) and hmac.Equal against the raw expected MAC (decoded once). It
// allocates nothing, parses no header and decodes nothing per call.
type floor struct {
	signed []byte
	want   []byte
	pool   sync.Pool
	sum    [sha256.Size]byte
}

func newFloor(tb testing.TB, s *benchSetup) *floor {
	h := s.hdrs[0]
	want, err := base64.StdEncoding.DecodeString(h.Get(hdrSig)[len("v1,"):])
	if err != nil {
		tb.Fatal(err)
	}
	f := &floor{
		// A copy: the header slot's bytes are rewritten.
		signed: append([]byte(h.Get(hdrID)+"."+h.Get(hdrTS)+"."), s.raw...),
		want:   want,
	}
	f.pool.New = func() any { return hmac.New(sha256.New, testKey) }
	f.verify(tb) // the floor accepts the delivery it is timed on
	return f
}

// verify runs the floor once.
func (f *floor) verify(tb testing.TB) {
	mac := f.pool.Get().(hash.Hash)
	mac.Reset()
	mac.Write(f.signed)
	ok := hmac.Equal(mac.Sum(f.sum[:0]), f.want)
	f.pool.Put(mac)
	if !ok {
		tb.Fatal("floor: mismatch")
	}
}

// BenchmarkVerifyFloor is the floor alone (see floor).
func BenchmarkVerifyFloor(b *testing.B) {
	f := newFloor(b, newBenchSetup(b, 1))
	b.ReportAllocs()
	b.SetBytes(1024)
	b.ResetTimer()
	for range b.N {
		f.verify(b)
	}
}

// BenchmarkGuardVsFloor interleaves blocks of 64 floor verifications and
// 64 Guard deliveries (the BenchmarkGuard setup) and reports both per-op
// times and their ratio. On a shared machine, whose load drifts between
// two separate benchmarks, the interleaved ratio is the steadier figure.
//
// Each block's 64 deliveries are signed, untimed, just before the block
// runs, into the same 64 header maps: like the headers a server has just
// parsed, they are in the cache when the Guard reads them, and the harness
// keeps no batch of pre-signed maps alive for the garbage collector to
// scan (BenchmarkGuard's batch of 1 024 costs the Guard some 100 ns in
// cache misses and collector work that no server has).
func BenchmarkGuardVsFloor(b *testing.B) {
	const block = 64
	s := newBenchSetup(b, block)
	f := newFloor(b, s)
	var tGuard, tFloor time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		s.sign(b, i) // untimed: the ratio is of the two timed loops below
		n := min(block, b.N-i)
		t0 := time.Now()
		for range n {
			f.verify(b)
		}
		t1 := time.Now()
		for j := range n {
			s.serveOne(b, i+j)
		}
		t2 := time.Now()
		tFloor += t1.Sub(t0)
		tGuard += t2.Sub(t1)
		i += n
	}
	b.ReportMetric(float64(tGuard.Nanoseconds())/float64(b.N), "guard-ns/op")
	b.ReportMetric(float64(tFloor.Nanoseconds())/float64(b.N), "floor-ns/op")
	b.ReportMetric(float64(tGuard)/float64(tFloor), "guard/floor")
}

// TestGuardAllocs bounds the allocations of one accepted delivery from a
// changing client address, with an allow list, a rate limiter and a full
// memory replay store: the per-delivery state, the body, the replay key and
// the rate-limit key. More means something started to allocate per request.
func TestGuardAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts; make test runs a pass without it")
	}
	const capacity, runs = 128, 200
	s := newBenchSetupWith(t, 2*capacity+runs+1, func(c *Config) { c.Replay = replay.NewMemory(capacity) })
	addrs := make([]string, 64)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("192.0.2.%d:%d", i+1, 40000+i)
	}
	i := 0
	for ; i < 2*capacity; i++ {
		s.serveOne(t, i)
	}
	allocs := testing.AllocsPerRun(runs, func() {
		s.req.RemoteAddr = addrs[i%len(addrs)]
		s.serveOne(t, i)
		i++
	})
	t.Logf("allocs per accepted delivery: %.1f", allocs)
	if allocs > 4 {
		t.Errorf("%.1f allocs per delivery, want at most 4", allocs)
	}
}

// benchReplayCapacity sizes the benchmarks' memory replay store. 16 384 IDs
// reach the steady state (each new claim evicts the oldest done record)
// within the first batches, so the figure does not depend on how far b.N
// filled the store; run with -replaycap=100000 for the default capacity,
// where cache misses in the larger store cost more.
var benchReplayCapacity = 1 << 14

func init() {
	flag.IntVar(&benchReplayCapacity, "replaycap", benchReplayCapacity, "capacity of the benchmarks' memory replay store")
}
