package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/replay"
)

// Key is the signing key of the generated deliveries.
var Key = []byte("loadgen-key-0123456789abcdef0123")

// Guard wraps next in a Guard verifying Key with replay store r (nil: the
// Guard's in-memory store).
func Guard(next http.Handler, r replay.Store) (http.Handler, error) {
	k, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: Key})
	if err != nil {
		return nil, err
	}
	g, err := middleware.New(middleware.Config{Scheme: hmac.StandardWebhooks, Keyring: k, Replay: r})
	if err != nil {
		return nil, err
	}
	return g.Handler(next), nil
}

// Delivery is one pre-signed request.
type Delivery struct {
	header http.Header
	body   []byte
}

// Sign prepares n deliveries with distinct event IDs starting at prefix.
func Sign(prefix string, n int) ([]Delivery, error) {
	k, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: Key})
	if err != nil {
		return nil, err
	}
	s := hmac.NewSigner(hmac.StandardWebhooks, k)
	out := make([]Delivery, n)
	now := time.Now()
	for i := range out {
		id := fmt.Sprintf("%s_%d", prefix, i)
		body := []byte(`{"type":"invoice.paid","data":{"id":"` + id + `","amount":4200,"currency":"eur"}}`)
		h := http.Header{}
		if err := s.Sign(h, id, now, body); err != nil {
			return nil, err
		}
		h.Set("Content-Type", "application/json")
		out[i] = Delivery{header: h, body: body}
	}
	return out, nil
}

// Result is one run's figures.
type Result struct {
	Acks     int           // 2xx answers
	Failed   int           // other answers and transport errors
	Elapsed  time.Duration // wall time of the whole run
	P50, P99 time.Duration // time to acknowledge
}

// PerSecond is acknowledgements per second.
func (r Result) PerSecond() float64 { return float64(r.Acks) / r.Elapsed.Seconds() }

// Run serves h on a loopback listener and posts ds from senders concurrent
// keep-alive clients, each waiting for its answer before the next.
func Run(ctx context.Context, h http.Handler, senders int, ds []Delivery) Result {
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: senders, MaxConnsPerHost: senders}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	lat := make([]time.Duration, len(ds))
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range senders {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ds) || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/hooks", bytes.NewReader(ds[i].body))
				req.Header = ds[i].header.Clone()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					lat[i] = -1
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				if resp.StatusCode/100 != 2 {
					failed.Add(1)
					lat[i] = -1
				}
			}
		})
	}
	wg.Wait()
	r := Result{Elapsed: time.Since(start), Failed: int(failed.Load())}
	ok := lat[:0:0]
	for _, d := range lat {
		if d > 0 {
			ok = append(ok, d)
		}
	}
	r.Acks = len(ok)
	if len(ok) > 0 {
		slices.Sort(ok)
		r.P50 = ok[len(ok)*50/100]
		r.P99 = ok[min(len(ok)-1, len(ok)*99/100)]
	}
	return r
}
