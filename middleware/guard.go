package middleware

import (
	"net/http"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/internal/clock"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// Guard runs every check of a webhook receiver in the safe order (see the
// package documentation). It is safe for concurrent use; its mutators
// (SetAllowList, SetDenyHandler) may be called while it serves.
type Guard struct {
	cfg      Config
	verifier *hmac.Verifier
	resolver ipallow.Resolver
	allow    atomic.Pointer[ipallow.List]
	deny     atomic.Pointer[denyBox]
	// schemeName is Config.Scheme.Name(), read once.
	schemeName string
	// keyPrefix is replay.Key(Config.Source, ""), "<len>:<source>:", when
	// that is the short form: the replay key of an event ID is then
	// keyPrefix+id as long as it fits replay.MaxKeyLen (see replayKey).
	keyPrefix string
	// keyInState reports that Config.Replay is a *replay.Memory, which
	// keeps a digest of each key and is documented never to retain a
	// caller's string: its keys may be built in the request state's buffer
	// (see replayKey).
	keyInState bool
	// memReplay and memLimiter are Config.Replay and Config.Limiter when
	// they are the packages' memory stores and, like the Guard, read the
	// real clock: the Guard's one reading of time.Now per delivery is then
	// theirs as well (ClaimAt, CompleteAt, TakeAt), which saves them a
	// clock read each. Keep then counts from that reading (Config.Keep
	// says why that is enough). nil otherwise.
	memReplay  *replay.Memory
	memLimiter *ratelimit.Memory
	// prefetchStore is Config.Replay when it is a *replay.Memory and the
	// event ID is the scheme's signed ID (the default EventID), read from
	// header prefetchHeader (canonical): stepSignature then lets the store
	// start loading the lines the claim will touch while the signature is
	// being checked.
	prefetchStore  *replay.Memory
	prefetchHeader string
}

type denyBox struct{ h http.Handler }

// New validates c once, applies the defaults of its zero fields and returns
// a Guard. It fails on a missing Scheme or Keyring; a negative MaxBody,
// Lease, Keep, StoreTimeout or RetryAfter; an invalid ClientIPHeader; a Keep
// shorter than the window (Past+Future) or a Lease longer than Keep. All
// problems are reported at once.
func New(c Config) (*Guard, error) {
	realClock := c.Now == nil     // validate sets the default
	defaultID := c.EventID == nil // likewise
	if err := c.validate(); err != nil {
		return nil, err
	}
	g := &Guard{
		cfg:      c,
		verifier: hmac.NewVerifier(c.Scheme, c.Keyring),
		resolver: ipallow.Resolver{Trusted: c.TrustedProxies, Header: c.ClientIPHeader},
	}
	g.schemeName = c.Scheme.Name()
	if p := replay.Key(c.Source, ""); !strings.HasPrefix(p, "#") { // not the hashed form
		g.keyPrefix = p
	}
	_, g.keyInState = c.Replay.(*replay.Memory)
	if m, ok := c.Replay.(*replay.Memory); ok && defaultID && c.Scheme.SignsID() && g.keyPrefix != "" {
		g.prefetchStore, g.prefetchHeader = m, http.CanonicalHeaderKey(c.Scheme.IDHeader())
	}
	if realClock {
		if m, ok := c.Replay.(*replay.Memory); ok && clock.Real(m) {
			g.memReplay = m
		}
		if m, ok := c.Limiter.(*ratelimit.Memory); ok && clock.Real(m) {
			g.memLimiter = m
		}
	}
	g.allow.Store(c.Allow)
	g.SetDenyHandler(c.Deny)
	return g, nil
}

// replayKey returns replay.Key(Config.Source, id) without formatting when
// the short form applies: keyPrefix+id, in one allocation, or none when
// the store never keeps a key string (keyInState) and st is a pooled state
// (st.keyBuf): then it is built in st.keyBuf and valid only until st is
// recycled. That is long enough: the key is used by Claim and by the
// Complete or Release of Verdict.Done, and Guard.Handler recycles a state
// only after Done; a state claims once.
func (g *Guard) replayKey(st *reqState, id string) string {
	if g.keyPrefix == "" || len(g.keyPrefix)+len(id) > replay.MaxKeyLen {
		return replay.Key(g.cfg.Source, id)
	}
	if !g.keyInState || st.keyBuf == nil {
		return g.keyPrefix + id
	}
	b := st.keyBuf
	n := copy(b[:], g.keyPrefix)
	n += copy(b[n:], id)
	return unsafe.String(&b[0], n)
}

// prefetchClaim hands the replay key of the delivery's event ID, as its
// header claims it before the signature is checked, to the memory store's
// Prefetch: the store's cache misses then overlap with the hashing. The ID
// is not trusted for anything else; a wrong one costs two useless loads.
// Only keys built in st's buffer are prefetched, so this never allocates.
func (g *Guard) prefetchClaim(st *reqState, h hmac.Headers) {
	var id string
	switch hh := h.(type) {
	case http.Header:
		if vs := hh[g.prefetchHeader]; len(vs) == 1 {
			id = vs[0]
		}
	default:
		id = h.Get(g.prefetchHeader)
	}
	if id == "" || st.keyBuf == nil || len(g.keyPrefix)+len(id) > replay.MaxKeyLen {
		return
	}
	g.prefetchStore.Prefetch(g.replayKey(st, id))
}

// SetAllowList replaces the client-IP allow list, atomically, while serving.
// nil allows every address.
func (g *Guard) SetAllowList(l *ipallow.List) { g.allow.Store(l) }

// AllowList returns the current allow list (nil: every address).
func (g *Guard) AllowList() *ipallow.List { return g.allow.Load() }

// SetDenyHandler replaces the handler that answers refusals, atomically,
// while serving. The handler finds the refusal with DenialFrom; Retry-After
// and RateLimit headers are already set on its ResponseWriter. nil restores
// the default: the status and a terse JSON body {"error":"<reason>"}.
// Already-processed duplicates are not refusals: they always get the default
// 200 so the sender stops retrying.
func (g *Guard) SetDenyHandler(h http.Handler) {
	if h == nil {
		g.deny.Store(nil)
		return
	}
	g.deny.Store(&denyBox{h})
}

// MaxBody returns the body cap in bytes; framework adapters read at most
// MaxBody+1 bytes before calling Check.
func (g *Guard) MaxBody() int64 { return g.cfg.MaxBody }

// Handler returns next behind every layer of the Guard, in order: TLS (if
// Config.RequireTLS), client IP and allow list, rate limit (if a Limiter is
// set), capped body read, signature, timestamp window and replay claim. next
// runs with the verified Event in its context (EventFrom) and the body
// restored (r.Body reads the buffered bytes, r.ContentLength is their
// length); a 2xx response completes the event, anything else or a panic
// releases it so the sender's retry is processed.
//
// next must not read the body or use the ResponseWriter after it returned
// (as with any net/http handler): the body's buffer is recycled, and a late
// read fails with http.ErrBodyReadAfterClose.
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

// ServeHTTP implements http.Handler.
func (h *guardHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g := h.g
	st := g.getState(r.Context())
	st.setRequest(r)
	err := g.pre(st)
	if err == nil {
		if err = g.stepBody(st, r); err == nil {
			err = g.post(st)
		}
	}
	g.decide(st, err)
	if st.v.Reason != ReasonAccepted {
		g.respond(w, r, st)
		g.releaseBody(st)
		putState(st)
		return
	}
	g.serve(w, r, st, h.next)
	putState(st)
}

// serve runs next for an accepted, claimed delivery and reports its outcome.
func (g *Guard) serve(w http.ResponseWriter, r *http.Request, st *reqState, next http.Handler) {
	hc := &handlerContext{eventContext: eventContext{Context: r.Context(), ev: st.v.Event}}
	// WithContext inlines, and the copy it allocates goes no further than
	// this assignment, so it stays on the stack: the handler's request
	// lives in hc, one allocation instead of two.
	hc.req = *r.WithContext(hc)
	r2 := &hc.req
	if st.bodyRead {
		hc.rb.attach(st.raw)
		r2.Body = &hc.rb
		r2.ContentLength, r2.TransferEncoding = int64(len(st.raw)), nil
	}
	hc.rw.reset(w)
	returned := false
	defer func() {
		if !returned {
			// A panic: release the claim so a retry is processed; the panic
			// continues to the server (or the caller's recoverer).
			_ = st.v.Done(http.StatusInternalServerError)
		}
		hc.rb.detach()
		g.releaseBody(st)
	}()
	next.ServeHTTP(&hc.rw, r2)
	returned = true
	_ = st.v.Done(hc.rw.Status())
}

// releaseBody returns the pooled body buffer. Readers handed out over it
// must be detached first.
func (g *Guard) releaseBody(st *reqState) {
	if st.buf != nil {
		st.raw = nil
		putBuf(st.buf)
		st.buf = nil
	}
}

// respond writes a refusal, or the 200 of an already-processed duplicate.
func (g *Guard) respond(w http.ResponseWriter, r *http.Request, st *reqState) {
	v := &st.v
	h := w.Header()
	v.setHeaders(h)
	if v.Reason != ReasonDuplicate {
		if d := g.deny.Load(); d != nil {
			dc := &denyContext{
				Context:  r.Context(),
				den:      Denial{Reason: v.Reason, Status: v.Status, RetryAfter: v.RetryAfter},
				ev:       v.Event,
				verified: st.verified,
			}
			dc.req = *r.WithContext(dc) // one allocation, as in serve
			d.h.ServeHTTP(w, &dc.req)
			return
		}
	}
	w.WriteHeader(v.Status)
	_, _ = w.Write(v.Body())
}
