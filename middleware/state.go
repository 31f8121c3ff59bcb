package middleware

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// reqState is everything the checks of one request share. In a chain of
// single layers it is allocated per request and doubles as the request's
// context (it embeds the parent and answers Value(stateKey) with itself),
// so each layer and EventFrom find it. Guard.Handler and Check use the
// same state, but Guard.Handler recycles it and never lets user code see
// it. The ...Checked flags make every step run at most once per request,
// however layers are stacked.
type reqState struct {
	context.Context // the request's own context

	// The delivery as the checks see it.
	remoteAddr string
	tls        bool
	header     hmac.Headers         // for RateKey
	lines      ipallow.HeaderValues // for the resolver and X-Forwarded-Proto
	ipErr      error

	v   Verdict
	det detachedContext // for Complete/Release after the client went away
	rw  recorder
	rb  bodyReader
	buf *[]byte // pooled body buffer, returned after the handler
	raw []byte  // the body as read

	now time.Time // Config.Now, read once

	// keyBuf, in a pooled state only (see pooledState), holds the replay
	// key when the store never keeps key strings (Guard.replayKey). It is
	// nil in the states Check and layer chains allocate per request: for
	// them one small key allocation is cheaper than 128 bytes more state.
	keyBuf *[replay.MaxKeyLen]byte

	// rateKey caches the default rate-limit key of the last client address
	// this state saw; putState keeps it, so a pooled state mostly skips
	// formatting (and allocating) the key again: webhooks come from few
	// addresses.
	rateKey struct {
		ip  netip.Addr
		key string
	}

	// peer caches the parsed form of the last RemoteAddr this state saw;
	// putState keeps it: the requests of one connection share their
	// RemoteAddr, so a pooled state mostly skips parsing it again.
	peer struct {
		remoteAddr string
		addr       netip.Addr
	}

	tlsChecked, ipResolved, rateChecked, bodyRead bool
	verified, windowChecked, claimChecked         bool
}

// pooledState is the state Guard.Handler recycles, with the room for the
// replay key that its keyBuf points to.
type pooledState struct {
	reqState
	key [replay.MaxKeyLen]byte
}

// rateKeyOf returns ratelimit.IPKey(ip, 0, 64), the default rate-limit key.
func (st *reqState) rateKeyOf(ip netip.Addr) string {
	if st.rateKey.key == "" || st.rateKey.ip != ip {
		st.rateKey.ip, st.rateKey.key = ip, ratelimit.IPKey(ip, 0, 64)
	}
	return st.rateKey.key
}

// peerOf returns ipallow.ParsePeer(remoteAddr), from the cache when the
// state saw the same address last.
func (st *reqState) peerOf(remoteAddr string) (netip.Addr, error) {
	if remoteAddr != "" && remoteAddr == st.peer.remoteAddr {
		return st.peer.addr, nil
	}
	a, err := ipallow.ParsePeer(remoteAddr)
	if err == nil {
		st.peer.remoteAddr, st.peer.addr = remoteAddr, a
	}
	return a, err
}

// clock returns Config.Now, read once per request.
func (st *reqState) clock(g *Guard) time.Time {
	if st.now.IsZero() {
		st.now = g.cfg.Now()
	}
	return st.now
}

// eventContext is the context the handler of Guard.Handler runs with: the
// request's context plus the verified Event.
type eventContext struct {
	context.Context
	ev Event
}

// Value implements context.Context.
func (c *eventContext) Value(key any) any {
	if key == stateKey {
		return c
	}
	return c.Context.Value(key)
}

// String implements fmt.Stringer like the context package's own types.
func (c *eventContext) String() string { return fmt.Sprint(c.Context) + ".WithValue(hookguard event)" }

// denyContext is the context a deny handler runs with: the request's
// context plus the Denial and, when the signature verified, the Event.
type denyContext struct {
	context.Context
	den      Denial
	ev       Event
	verified bool
	req      http.Request // the request the deny handler gets, with this context
}

// Value implements context.Context.
func (c *denyContext) Value(key any) any {
	if key == stateKey {
		return c
	}
	return c.Context.Value(key)
}

// String implements fmt.Stringer like the context package's own types.
func (c *denyContext) String() string { return fmt.Sprint(c.Context) + ".WithValue(hookguard denial)" }

// handlerContext is everything Guard.Handler hands to the handler, in one
// allocation that is never recycled: its request, the request's context,
// the status-recording writer and the body reader. The handler may keep any
// of them without ever seeing another request's data.
type handlerContext struct {
	eventContext
	rw  recorder
	rb  bodyReader
	req http.Request // the server's request with this context (serve)
}

// Value implements context.Context.
func (st *reqState) Value(key any) any {
	if key == stateKey {
		return st
	}
	return st.Context.Value(key)
}

// String implements fmt.Stringer like the context package's own types.
func (st *reqState) String() string { return fmt.Sprint(st.Context) + ".WithValue(hookguard)" }

// stateFrom returns the state stored in r's context, if any.
func stateFrom(r *http.Request) *reqState {
	st, _ := r.Context().Value(stateKey).(*reqState)
	return st
}

// detachedContext keeps the values of its parent but is never cancelled:
// Complete and Release must reach the store even when the client disconnected.
type detachedContext struct{ parent context.Context }

func (d *detachedContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (d *detachedContext) Done() <-chan struct{}       { return nil }
func (d *detachedContext) Err() error                  { return nil }
func (d *detachedContext) Value(key any) any           { return d.parent.Value(key) }

// setRequest points the checks at a net/http request.
func (st *reqState) setRequest(r *http.Request) {
	st.remoteAddr, st.tls = r.RemoteAddr, r.TLS != nil
	st.header, st.lines = r.Header, r.Header
}
