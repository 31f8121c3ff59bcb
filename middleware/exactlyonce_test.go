package middleware

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/hmac"
)

// TestExactlyOnce: 10 000 deliveries, 30 % of them duplicates, from 64
// goroutines: the handler runs exactly once per event ID.
func TestExactlyOnce(t *testing.T) {
	const (
		deliveries = 10_000
		unique     = deliveries * 7 / 10
		workers    = 64
	)
	g := newTestGuard(t)
	h := newCounter()
	handler := g.Handler(h)
	signer := hmac.NewSigner(hmac.StandardWebhooks, testKeyring(t))

	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, 0, deliveries)
	for i := range unique {
		ids = append(ids, fmt.Sprintf("msg_%05d", i))
	}
	for range deliveries - unique {
		ids = append(ids, ids[rng.IntN(unique)])
	}
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })

	type delivery struct {
		body []byte
		hdr  http.Header
	}
	prepared := make([]delivery, len(ids))
	for i, id := range ids {
		body := []byte(`{"id":"` + id + `"}`)
		hdr := http.Header{}
		require.NoError(t, signer.Sign(hdr, id, testNow, body))
		prepared[i] = delivery{body, hdr}
	}

	work := make(chan delivery)
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for d := range work {
				r := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(d.body))
				r.RemoteAddr = "192.0.2.10:40000"
				r.Header = d.hdr
				w := httptest.NewRecorder()
				handler.ServeHTTP(w, r)
				mu.Lock()
				codes[w.Code]++
				mu.Unlock()
			}
		})
	}
	for _, d := range prepared {
		work <- d
	}
	close(work)
	wg.Wait()

	assert.EqualValues(t, unique, h.total.Load(), "handler runs")
	require.Len(t, h.calls, unique)
	for id, n := range h.calls {
		if n != 1 {
			t.Errorf("event %s handled %d times", id, n)
		}
	}
	assert.Equal(t, deliveries, codes[200]+codes[409], "only 200 and 409: %v", codes)
	t.Logf("status counts: %v", codes)
}
