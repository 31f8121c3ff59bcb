package benchmarks

import (
	"errors"
	"testing"
	"time"
)

// prepare binds v to d, skipping the test or benchmark when the hookguard
// package is still a skeleton.
func prepare(tb testing.TB, v Verifier, d *Delivery) func() error {
	tb.Helper()
	f, err := v.Prepare(d)
	if errors.Is(err, ErrUnavailable) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatalf("%s: prepare: %v", v.Name, err)
	}
	return f
}

// TestVerifiersAgree proves every implementation accepts the same signed
// deliveries and refuses a tampered body and a signature made with another
// secret: a benchmark of a verifier that verifies nothing measures nothing.
func TestVerifiersAgree(t *testing.T) {
	for _, s := range Schemes {
		for _, size := range []int{1 << 10, 16 << 10} {
			d := Fixture(s, size)
			for _, v := range Verifiers(s) {
				t.Run(string(s)+"/"+SizeName(size)+"/"+v.Key, func(t *testing.T) {
					if err := prepare(t, v, d)(); err != nil {
						t.Fatalf("valid delivery refused: %v", err)
					}
					// twice: pooled and reused state must not leak between calls
					if err := prepare(t, v, d)(); err != nil {
						t.Fatalf("valid delivery refused on reuse: %v", err)
					}
					if err := prepare(t, v, d.Tampered())(); err == nil {
						t.Fatal("tampered body accepted")
					}
					other := *d
					other.Key = append([]byte(nil), d.Key...)
					other.Key[0] ^= 0x55
					other.Secret = "whsec_" + "ZGlmZmVyZW50LXNlY3JldC1rZXktMTIzNDU2" // base64 of a different key
					if s != StandardWebhooks {
						other.Secret = string(other.Key)
					}
					if err := prepare(t, v, &other)(); err == nil {
						t.Fatal("delivery signed with another secret accepted")
					}
				})
			}
		}
	}
}

func TestBodyIsDeterministicJSONOfExactSize(t *testing.T) {
	for _, n := range Sizes {
		a, b := Body(n), Body(n)
		if len(a) != n || string(a) != string(b) {
			t.Fatalf("Body(%d): len %d, deterministic %v", n, len(a), string(a) == string(b))
		}
	}
}

// BenchmarkVerify times one verification of the same signed delivery by
// hookguard, every peer and the floor, per scheme and body size.
func BenchmarkVerify(b *testing.B) {
	for _, s := range Schemes {
		for _, size := range Sizes {
			for _, v := range Verifiers(s) {
				b.Run(string(s)+"/"+SizeName(size)+"/"+v.Key, func(b *testing.B) {
					d := Fixture(s, size)
					verify := prepare(b, v, d)
					if err := verify(); err != nil {
						b.Fatalf("%s refused a valid delivery: %v", v.Name, err)
					}
					b.SetBytes(int64(size))
					timeOps(b, (64<<10)/size, verify)
				})
			}
		}
	}
}

// BenchmarkVerifyPaired measures hookguard against the floor interleaved in
// small chunks (about 64 KiB of body each), alternating which goes first, so
// both see the same machine load: on a shared, noisy machine the ratio of
// two separate benchmarks drifts with the load, the paired ratio does not.
// It reports the medians over the pairs of hookguard-ns/op, floor-ns/op and
// x-floor (their ratio).
func BenchmarkVerifyPaired(b *testing.B) {
	for _, s := range Schemes {
		for _, size := range Sizes {
			b.Run(string(s)+"/"+SizeName(size), func(b *testing.B) {
				d := Fixture(s, size)
				hg := prepare(b, HookguardVerifier(s), d)
				fl := prepare(b, FloorVerifier(s), d)
				chunk := max(1, (64<<10)/size)
				run := func(f func() error) time.Duration {
					t0 := time.Now()
					for range chunk {
						if err := f(); err != nil {
							b.Fatal(err)
						}
					}
					return time.Since(t0)
				}
				// Per pair, not summed: a chunk that the scheduler preempts
				// is an outlier the medians ignore.
				var th, tf, ratios []float64
				n := 0
				for b.Loop() {
					var h, f time.Duration
					if n%2 == 0 {
						h = run(hg)
						f = run(fl)
					} else {
						f = run(fl)
						h = run(hg)
					}
					th = append(th, float64(h.Nanoseconds())/float64(chunk))
					tf = append(tf, float64(f.Nanoseconds())/float64(chunk))
					ratios = append(ratios, float64(h)/float64(f))
					n++
				}
				b.ReportMetric(medianOf(th), "hookguard-ns/op")
				b.ReportMetric(medianOf(tf), "floor-ns/op")
				b.ReportMetric(medianOf(ratios), "x-floor")
			})
		}
	}
}
