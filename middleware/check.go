package middleware

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
)

// Request is a delivery as a framework that is not net/http (fiber,
// fasthttp, ...) sees it, for Guard.Check.
type Request struct {
	// RemoteAddr is the peer's address, "ip:port" or "ip".
	RemoteAddr string
	// TLS reports whether the connection to this server used TLS.
	TLS bool
	// Method, Host and RequestURI are the request line and Host header as
	// net/http's Request names them; schemes that sign the URL need them.
	Method, Host, RequestURI string
	// Header reads request headers (hmac.HeaderFunc adapts a lookup
	// function; http.Header works as is). If it also has a
	// Values(key string) []string method, every line of a header is seen:
	// duplicated signature headers are refused and X-Forwarded-For lines are
	// merged. Without it, only the first line of each header is seen.
	Header hmac.Headers
	// Body is the raw body, read by the framework with a cap of at least
	// Guard.MaxBody()+1 bytes; longer is refused as too_large.
	Body []byte
	// PathValue returns a named wildcard of the matched route (net/http's
	// Request.PathValue, gin's Context.Param), for Config.Tenant. nil: none.
	PathValue func(name string) string
}

// Check runs every check of the Guard on a delivery from a framework that is
// not net/http, in the same order and with the same code as Handler (the
// RemoteAddr and TLS stand for the connection; forwarding headers are read
// from Header). A refusal is observed and logged here; if the verdict
// proceeds, the event's claim is held until Verdict.Done or
// Verdict.Panicked, which observe and log the outcome.
func (g *Guard) Check(ctx context.Context, req Request) *Verdict {
	v := &Verdict{}
	g.start(v, ctx)
	v.remoteAddr, v.tls = req.RemoteAddr, req.TLS
	v.msg.Method, v.host, v.requestURI = req.Method, req.Host, req.RequestURI
	v.pathValue = req.PathValue
	switch h := req.Header.(type) {
	case nil:
		v.msg.Header, v.lines = http.Header(nil), http.Header(nil)
	default:
		v.msg.Header, v.lines = h, firstLines{h}
		if hv, ok := h.(ipallow.HeaderValues); ok {
			v.lines = hv
		}
	}
	err := g.before(v)
	if err == nil {
		if int64(len(req.Body)) > g.cfg.MaxBody {
			err = fmt.Errorf("%w: %d bytes over %d", errTooLarge, len(req.Body), g.cfg.MaxBody)
		} else {
			v.msg.Body = req.Body
			err = g.after(v)
		}
	}
	g.decide(v, err)
	if !v.Proceed() {
		g.observe(v)
	}
	return v
}

// firstLines adapts a Headers without Values: one line per header at most.
type firstLines struct{ h hmac.Headers }

func (f firstLines) Values(key string) []string {
	if v := f.h.Get(key); v != "" {
		return []string{v}
	}
	return nil
}
