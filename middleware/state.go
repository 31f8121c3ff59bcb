package middleware

import (
	"context"
	"fmt"
	"net/http"
	"net/textproto"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
)

// reqState is everything the layers of one request share. It is allocated
// once per request and doubles as the request's context (it embeds the
// parent and answers Value(stateKey) with itself), so layers, EventFrom and
// DenialFrom find it without a second allocation.
type reqState struct {
	context.Context // the request's own context

	// The delivery as the checks see it.
	remoteAddr string
	tls        bool
	header     hmac.Headers         // for RateKey
	lines      ipallow.HeaderValues // for the resolver and X-Forwarded-Proto
	ipErr      error

	v   Verdict
	hdr strictHeaders
	det detachedContext // for Complete/Release after the client went away
	rw  recorder
	rb  bodyReader
	buf *[]byte // pooled body buffer, returned after the handler
	raw []byte  // the body as read

	now time.Time // Config.Now, read once

	tlsChecked, ipResolved, rateChecked, bodyRead bool
	verified, windowChecked, claimChecked         bool
}

// clock returns Config.Now, read once per request.
func (st *reqState) clock(g *Guard) time.Time {
	if st.now.IsZero() {
		st.now = g.cfg.Now()
	}
	return st.now
}

// infoContext is the context the handler (and a deny handler) of
// Guard.Handler run with: the request's context plus the verified Event (or
// the Denial). It is allocated per request and never recycled, so a
// handler may keep it.
type infoContext struct {
	context.Context
	ev       Event
	verified bool
	den      Denial
	denied   bool
}

// Value implements context.Context.
func (c *infoContext) Value(key any) any {
	if key == stateKey {
		return c
	}
	return c.Context.Value(key)
}

// String implements fmt.Stringer like the context package's own types.
func (c *infoContext) String() string { return fmt.Sprint(c.Context) + ".WithValue(hookguard)" }

// handlerContext is everything Guard.Handler hands to the handler, in one
// allocation that is never recycled: its context, the status-recording
// writer and the body reader. The handler may keep any of them without ever
// seeing another request's data.
type handlerContext struct {
	infoContext
	rw recorder
	rb bodyReader
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

// maxHeaderValue is the longest value of a header the scheme reads; longer is
// malformed (no provider sends signature headers anywhere near it).
const maxHeaderValue = 8 << 10

// valuer is the optional interface of framework header adapters that can list
// every line of a header.
type valuer interface{ Values(key string) []string }

// strictHeaders is the hmac.Headers the verifier reads. It refuses
// ambiguity: a header it is asked for that appears more than once, or whose
// value is oversized, marks the request malformed whatever the verifier
// concludes, so the handler can never see a different line than the one that
// was verified.
type strictHeaders struct {
	h     http.Header  // net/http
	other hmac.Headers // framework adapters
	err   error
}

// Get implements hmac.Headers.
func (s *strictHeaders) Get(key string) string {
	var vs []string
	switch {
	case s.h != nil:
		vs = s.h[key]
		if vs == nil {
			vs = s.h[textproto.CanonicalMIMEHeaderKey(key)]
		}
	case s.other == nil:
		return ""
	default:
		if v, ok := s.other.(valuer); ok {
			vs = v.Values(key)
		} else {
			return s.check(key, s.other.Get(key))
		}
	}
	if len(vs) == 0 {
		return ""
	}
	if len(vs) > 1 && s.err == nil {
		s.err = fmt.Errorf("%w: header %s appears %d times", errMalformed, key, len(vs))
	}
	return s.check(key, vs[0])
}

func (s *strictHeaders) check(key, v string) string {
	if len(v) > maxHeaderValue && s.err == nil {
		s.err = fmt.Errorf("%w: header %s is %d bytes", errMalformed, key, len(v))
	}
	return v
}

// setRequest points the checks at a net/http request.
func (st *reqState) setRequest(r *http.Request) {
	st.remoteAddr, st.tls = r.RemoteAddr, r.TLS != nil
	st.hdr.h, st.header, st.lines = r.Header, r.Header, r.Header
}
