package middleware

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/iotest"
)

// FuzzCheck throws arbitrary header values, peers and bodies at the whole
// Guard: it never panics, answers a known reason, and lets through only a
// delivery whose signature a real secret made.
func FuzzCheck(f *testing.F) {
	body := []byte(`{"type":"ping"}`)
	good := signedRequest(f, "msg_seed", testNow, body)
	h := good.Header
	f.Add(h.Get("Webhook-Id"), h.Get("Webhook-Timestamp"), h.Get("Webhook-Signature"), "192.0.2.1:1", "", body)
	f.Add("msg", "1700000000", "v1,AAAA", "[::ffff:10.0.0.1]:80", "1.2.3.4", []byte("x"))
	f.Add("", "+1", "v1,", "garbage", "::1, 2001:db8::1", []byte(nil))
	f.Add("a b", "99999999999999999999", "v1,"+string(bytes.Repeat([]byte("A"), 43))+"=", ":0", "unknown", []byte("{}"))
	g := newTestGuard(f)
	valid := map[Reason]bool{}
	for r := range bodies {
		valid[r] = true
	}
	f.Fuzz(func(t *testing.T, id, ts, sig, remote, xff string, b []byte) {
		hh := http.Header{}
		hh.Set("Webhook-Id", id)
		hh.Set("Webhook-Timestamp", ts)
		hh.Set("Webhook-Signature", sig)
		if xff != "" {
			hh.Set("X-Forwarded-For", xff)
		}
		v := g.Check(context.Background(), Request{RemoteAddr: remote, Header: hh, Body: b})
		if !valid[v.Reason] {
			t.Fatalf("unknown reason %q", v.Reason)
		}
		if v.Proceed() {
			// Only the seed's genuine signature may pass.
			if sig != good.Header.Get("Webhook-Signature") || !bytes.Equal(b, body) {
				t.Fatalf("accepted a forged delivery: id=%q ts=%q sig=%q", id, ts, sig)
			}
			_ = v.Done(500)
		}
	})
}

// FuzzReadCapped: the capped read returns the whole body when it fits and
// too_large when it does not, whatever the reader's chunking.
func FuzzReadCapped(f *testing.F) {
	f.Add([]byte("hello"), int64(5), int64(-1), false)
	f.Add([]byte("hello!"), int64(5), int64(6), true)
	f.Add([]byte{}, int64(0), int64(0), false)
	f.Fuzz(func(t *testing.T, data []byte, max, cl int64, oneByte bool) {
		if max < 0 || max > 1<<20 {
			return
		}
		var r io.Reader = bytes.NewReader(data)
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		if cl >= 0 && cl != int64(len(data)) {
			cl = -1 // a lying Content-Length is the server's problem, not ours
		}
		got, err := readCapped(r, cl, max)
		if int64(len(data)) > max {
			if !errors.Is(err, errTooLarge) {
				t.Fatalf("len %d max %d: err %v", len(data), max, err)
			}
			return
		}
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("len %d max %d: got %d bytes, err %v", len(data), max, len(got), err)
		}
	})
}
