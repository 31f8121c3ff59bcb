package benchmarks

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// discardWriter is a ResponseWriter that keeps only the status, reused
// across requests.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

// guardPool is a pool of signed deliveries with unique event IDs and a
// Guard fresh enough to accept each of them once.
const guardPool = 16_384

// BenchmarkGuard times one delivery through ServeHTTP in-process, with a
// prepared request: the bare handler against the same handler behind the
// full Guard of the load test (allow list of 1 000 prefixes, rate limit,
// 1 KiB Standard Webhooks body, window, replay claim and completion). The
// difference is the Guard's own cost, without the HTTP stack around it.
func BenchmarkGuard(b *testing.B) {
	allow := AllowText(1_000)
	body := Body(1 << 10)
	u := &url.URL{Path: "/webhook"}
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok\n")
	})
	for _, name := range []string{"bare", "guard"} {
		b.Run(name, func(b *testing.B) {
			ds := make([]*Delivery, guardPool)
			newPool := func(gen int) {
				now := time.Now()
				for i := range ds {
					ds[i] = NewDelivery(StandardWebhooks, fmt.Sprintf("msg_g%d_%06d", gen, i), now, body)
				}
			}
			newHandler := func() http.Handler {
				if name == "bare" {
					return inner
				}
				g, err := NewGuard(allow, guardPool)
				if errors.Is(err, ErrUnavailable) {
					b.Skip(err)
				}
				if err != nil {
					b.Fatal(err)
				}
				return g.Handler(inner)
			}
			newPool(0)
			h := newHandler()
			w := &discardWriter{h: http.Header{}}
			rb := &resettableBody{}
			gen := 0
			i := 0
			timeOps(b, 64, func() error {
				if i == guardPool { // every ID used once: new IDs, new Guard, untimed
					b.StopTimer()
					gen++
					newPool(gen)
					h = newHandler()
					i = 0
					b.StartTimer()
				}
				d := ds[i]
				i++
				rb.Reset(d.Body)
				req := &http.Request{Method: http.MethodPost, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
					Header: d.Header, Body: rb, ContentLength: int64(len(d.Body)), Host: "127.0.0.1", RemoteAddr: "127.0.0.1:40000",
					RequestURI: "/webhook"}
				clear(w.h)
				w.code = http.StatusOK
				h.ServeHTTP(w, req)
				if w.code != http.StatusOK {
					return fmt.Errorf("%s answered %d", name, w.code)
				}
				return nil
			})
		})
	}
}
