package middleware

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/replay"
)

// Tests of what the handler sees and does: panics, writers, bodies.

// TestPanicReleases: a panicking handler releases the claim, the panic goes
// on to the caller, and the retry is processed.
func TestPanicReleases(t *testing.T) {
	g := newTestGuard(t)
	calls := 0
	handler := g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			panic("boom")
		}
	}))
	func() {
		defer func() { assert.Equal(t, "boom", recover()) }()
		serve(handler, signedRequest(t, "msg_panic", testNow, []byte(`{}`)))
		t.Fatal("panic did not propagate")
	}()
	w := serve(handler, signedRequest(t, "msg_panic", testNow, []byte(`{}`)))
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, 2, calls)
	w = serve(handler, signedRequest(t, "msg_panic", testNow, []byte(`{}`)))
	assert.Equal(t, "duplicate", reasonOf(w))
	assert.Equal(t, 2, calls)
}

func TestHandlerWithoutWriteHeaderCompletes(t *testing.T) {
	g := newTestGuard(t)
	handler := g.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	assert.Equal(t, 200, serve(handler, signedRequest(t, "msg_silent", testNow, nil)).Code)
	w := serve(handler, signedRequest(t, "msg_silent", testNow, nil))
	assert.Equal(t, "duplicate", reasonOf(w))
}

func TestResponseControllerThroughWrapper(t *testing.T) {
	g := newTestGuard(t)
	var flushErr error
	handler := g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("partial"))
		rc := http.NewResponseController(w)
		flushErr = rc.Flush()
		_ = rc.SetWriteDeadline(time.Time{}) // reaches the recorder through Unwrap: not supported, no panic
		_, _, herr := rc.Hijack()
		assert.Error(t, herr)
	}))
	w := serve(handler, signedRequest(t, "msg_flush", testNow, nil))
	require.NoError(t, flushErr)
	assert.True(t, w.Flushed)
	assert.Equal(t, "partial", w.Body.String())
}

// TestBodyAfterReturn: code the handler started (a proxy's transport) may
// read the body after the handler returned, and reads that delivery's bytes,
// never a later request's: nothing of a delivery is reused.
func TestBodyAfterReturn(t *testing.T) {
	g := newTestGuard(t)
	var kept []io.Reader
	handler := g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kept = append(kept, r.Body)
	}))
	require.Equal(t, 200, serve(handler, signedRequest(t, "first", testNow, []byte(`{"n":1}`))).Code)
	require.Equal(t, 200, serve(handler, signedRequest(t, "second", testNow, []byte(`{"n":2}`))).Code)
	for i, want := range []string{`{"n":1}`, `{"n":2}`} {
		b, err := io.ReadAll(kept[i])
		require.NoError(t, err)
		assert.Equal(t, want, string(b))
	}
}

// releaseSignal tells, on released, each time its store releases a key.
type releaseSignal struct {
	replay.Store
	released chan struct{}
}

func (s *releaseSignal) Release(ctx context.Context, key string) error {
	err := s.Store.Release(ctx, key)
	s.released <- struct{}{}
	return err
}

// TestHijackThroughWrapper: on a real server, http.ResponseController
// reaches Hijack through the Guard's writer; a hijacked delivery has no
// status the Guard can see, so its claim is released.
func TestHijackThroughWrapper(t *testing.T) {
	store := &releaseSignal{Store: replay.NewMemory(0), released: make(chan struct{}, 2)}
	g := newTestGuard(t, func(c *Config) { c.Replay = store })
	hijacked := make(chan error, 1)
	srv := httptest.NewServer(g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		hijacked <- err
		if err == nil {
			_, _ = brw.WriteString("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
			_ = brw.Flush()
			conn.Close()
		}
	})))
	defer srv.Close()
	body := []byte(`{}`)
	send := func() int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		require.NoError(t, hmac.NewSigner(hmac.StandardWebhooks, testKeyring(t)).Sign(req.Header, "hj", testNow, body))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, 204, send())
	require.NoError(t, <-hijacked)
	// The client has its answer before the handler returns and the Guard
	// releases the claim: wait for the release, or the retry may find the
	// event still in flight.
	<-store.released
	require.Equal(t, 204, send(), "released: the retry runs again")
	require.NoError(t, <-hijacked)
	<-store.released
}
