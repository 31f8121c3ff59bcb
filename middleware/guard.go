package middleware

import (
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/signature"
)

// Guard runs every check of a webhook receiver in the safe order (see the
// package documentation). It is safe for concurrent use; SetDenyHandler may
// be called while it serves.
type Guard struct {
	cfg      Config
	auth     signature.Authenticator // nil with Config.Tenant
	info     signature.Info          // auth.Info()
	name     string                  // Config.name(): the Event.Scheme before a tenant is picked
	resolver ipallow.Resolver
	deny     atomic.Pointer[http.Handler]
	timed    bool // an Observer or a Logger reads each delivery's outcome and durations
}

// New validates c once, applies the defaults of its zero fields and returns
// a Guard. It fails on a missing Scheme or Keyring; a negative MaxBody,
// Lease, Keep, StoreTimeout or RetryAfter; an invalid ClientIPHeader or
// TrustedProxies; a Keep shorter than the window or a Lease longer than
// Keep. All problems are reported at once.
func New(c Config) (*Guard, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	g := &Guard{
		cfg:      c,
		auth:     c.Authenticator,
		resolver: ipallow.Resolver{Trusted: c.TrustedProxies, Header: c.ClientIPHeader},
		name:     c.name(),
	}
	if c.Keyring != nil {
		g.auth = hmac.NewVerifier(c.Scheme, c.Keyring)
		if c.Keyring.HasShortSecrets() && c.Logger != nil {
			c.Logger.Warn("hookguard: the keyring holds a secret shorter than 16 bytes, accepted by Secret.AllowShort; rotate to a longer one",
				slog.String("scheme", c.Scheme.Name()))
		}
	}
	if g.auth != nil {
		g.info = g.auth.Info()
	}
	g.timed = c.Observer != nil || c.Logger != nil
	return g, nil
}

// SetDenyHandler replaces the handler that answers refusals, atomically,
// while serving. The handler finds the refusal with DenialFrom (and the
// Event with EventFrom when the signature verified); Retry-After and
// RateLimit headers are already set on its ResponseWriter. nil restores the
// default: the status and a terse JSON body {"error":"<reason>"}.
// Duplicates of processed events are not refusals: they always get the
// default 200 so the sender stops retrying.
func (g *Guard) SetDenyHandler(h http.Handler) {
	if h == nil {
		g.deny.Store(nil)
		return
	}
	g.deny.Store(&h)
}

// MaxBody returns the body cap in bytes; framework adapters read at most
// MaxBody+1 bytes before calling Check.
func (g *Guard) MaxBody() int64 { return g.cfg.MaxBody }

// Handler returns next behind every check of the Guard (see the package
// documentation for the order). next runs with the verified Event in its
// context (EventFrom) and the body restored (r.Body reads the buffered
// bytes, r.ContentLength is their length); a 2xx response completes the
// event, anything else or a panic releases it so the sender's retry is
// processed. Nothing the Guard hands to next, the deny handler, stores,
// limiters, the Logger or the Observer is ever reused for another request.
func (g *Guard) Handler(next http.Handler) http.Handler {
	if next == nil {
		panic("middleware: Guard.Handler: nil handler")
	}
	return &guardHandler{g: g, next: next}
}

type guardHandler struct {
	g    *Guard
	next http.Handler
}

// served is everything one delivery through Guard.Handler needs, in one
// allocation that is never reused: the verdict and the handler's request,
// context, writer and body reader. The handler may keep any of them.
type served struct {
	Verdict
	hctx guardContext
	rw   recorder
	rb   bodyReader
	req  http.Request
}

// ServeHTTP implements http.Handler.
func (h *guardHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g := h.g
	s := &served{}
	v := &s.Verdict
	g.start(v, r.Context())
	v.remoteAddr, v.tls = r.RemoteAddr, r.TLS != nil
	v.msg.Method, v.host, v.requestURI = r.Method, r.Host, r.RequestURI
	if !strings.HasPrefix(v.requestURI, "/") && r.URL != nil {
		v.requestURI = r.URL.RequestURI() // absolute form or a hand-built request: the origin form
	}
	if g.cfg.Tenant != nil {
		v.pathValue = r.PathValue
	}
	v.msg.Header, v.lines = r.Header, r.Header
	err := g.before(v)
	if err == nil {
		v.msg.Body, err = readCapped(r.Body, r.ContentLength, g.cfg.MaxBody)
		if err == nil {
			err = g.after(v)
		}
	}
	g.decide(v, err)
	if !v.Proceed() {
		g.respond(w, r, v)
		g.observe(v)
		return
	}
	s.hctx = guardContext{Context: r.Context(), ev: &v.Event}
	s.req = *r.WithContext(&s.hctx)
	s.rb.Reset(v.msg.Body)
	s.req.Body, s.req.ContentLength, s.req.TransferEncoding = &s.rb, int64(len(v.msg.Body)), nil
	s.rw.w = w
	v.ctx = &s.hctx // the Observer and Logger see the handler's context
	handlerStart := g.stamp()
	returned := false
	defer func() {
		if !returned {
			// A panic: release the claim so a retry is processed; the panic
			// goes on to the server (or the caller's recoverer).
			v.handler = since(handlerStart)
			_ = v.Panicked()
		}
	}()
	h.next.ServeHTTP(&s.rw, &s.req)
	returned = true
	v.handler = since(handlerStart)
	_ = v.Done(s.rw.Status())
}

// respond writes a refusal, a handshake's answer, or the 200 of an
// already-processed duplicate.
func (g *Guard) respond(w http.ResponseWriter, r *http.Request, v *Verdict) {
	if v.Reason == ReasonHandshake {
		v.handshake.Write(w)
		return
	}
	v.setHeaders(w.Header())
	if v.Reason != ReasonDuplicate {
		if d := g.deny.Load(); d != nil {
			dc := &denyContext{guardContext: guardContext{Context: r.Context()}}
			dc.den = Denial{Reason: v.Reason, Status: v.Status, RetryAfter: v.RetryAfter}
			dc.guardContext.den = &dc.den
			if v.verified {
				dc.ev = v.Event
				dc.guardContext.ev = &dc.ev
			}
			(*d).ServeHTTP(w, r.WithContext(&dc.guardContext))
			return
		}
	}
	w.WriteHeader(v.Status)
	_, _ = w.Write(v.Body())
}

// denyContext holds what a deny handler's context answers.
type denyContext struct {
	guardContext
	den Denial
	ev  Event
}
