package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// Request is a delivery as a framework that is not net/http (fiber,
// fasthttp, ...) sees it, for Guard.Check.
type Request struct {
	// RemoteAddr is the peer's address, "ip:port" or "ip".
	RemoteAddr string
	// TLS reports whether the connection to this server used TLS.
	TLS bool
	// Header reads request headers (hmac.HeaderFunc adapts a lookup
	// function; http.Header works as is). If it also has a
	// Values(key string) []string method, every line of a header is seen:
	// duplicated signature headers are refused and X-Forwarded-For lines are
	// merged. Without it, only the first line of each header is seen.
	Header hmac.Headers
	// Body is the raw body, read by the framework with a cap of at least
	// Guard.MaxBody()+1 bytes; longer is refused as too_large.
	Body []byte
}

// Verdict is the Guard's decision on one delivery, for framework adapters.
//
// If Proceed reports true, run the handler, then call Done with its status:
// a 2xx completes the event, anything else releases it so a retry is
// processed. Otherwise answer Status with Header and Body and do not run the
// handler.
type Verdict struct {
	// Status is the HTTP status to answer when Proceed is false; 200 when it
	// is true (the handler decides).
	Status int
	// Reason is the stable reason code.
	Reason Reason
	// Event is what is known about the delivery (see Observation.Event).
	Event Event
	// RetryAfter is the delay to advertise in Retry-After (429, 409, 503); 0
	// for none.
	RetryAfter time.Duration
	// Err is the underlying error of a refusal: for logs, never for the client.
	Err error

	g           *Guard
	ctx         context.Context // detached: Complete/Release outlive the request
	decision    ratelimit.Decision
	limited     bool // decision holds a refusal to describe in headers
	plainDirect bool // TLS refused on a direct plaintext connection: 421
	key         string
	claimed     bool
	finished    bool
	// claimedAt is Config.Now read before the claim: the lease ends at
	// claimedAt+Lease at the latest, and a Release after that is skipped.
	// A memory store the Guard hands its clock to (Guard.memReplay) took
	// the claim at claimedAt and completes it at claimedAt too.
	claimedAt time.Time
}

// Proceed reports whether the handler should run.
func (v *Verdict) Proceed() bool { return v.Reason == ReasonAccepted }

// Body returns the terse response body when Proceed is false: a JSON object
// {"error":"<reason>"}, or {"status":"duplicate"} for an already-processed
// duplicate. It never contains error detail.
func (v *Verdict) Body() []byte { return v.Reason.body() }

// Header returns the headers to set on a refusal: Content-Type, and
// Retry-After plus the RateLimit fields where the status carries them.
func (v *Verdict) Header() http.Header {
	h := make(http.Header, 4)
	v.setHeaders(h)
	return h
}

var (
	jsonContentType = []string{"application/json"}
	nosniff         = []string{"nosniff"}
	noStore         = []string{"no-store"}
	connClose       = []string{"close"}
)

func (v *Verdict) setHeaders(h http.Header) {
	if v.Reason == ReasonAccepted {
		return
	}
	h["Content-Type"] = jsonContentType
	h["X-Content-Type-Options"] = nosniff
	h["Cache-Control"] = noStore
	switch {
	case v.limited && v.Reason == ReasonRateLimited:
		ratelimit.WriteHeaders(h, v.decision)
		if h.Get("Retry-After") == "" {
			h.Set("Retry-After", retryAfter(v.RetryAfter))
		}
	case v.RetryAfter > 0:
		h.Set("Retry-After", retryAfter(v.RetryAfter))
	}
	if v.Reason == ReasonTooLarge {
		h["Connection"] = connClose // do not drain an oversized body
	}
}

// retryAfter formats d as whole seconds, rounded up, at least 1.
func retryAfter(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return strconv.FormatInt(s, 10)
}

// Done reports the handler's status for an accepted delivery: a 2xx
// completes the event (remembered for Config.Keep), anything else releases
// it so the sender's retry is processed (unless Config.Lease has run out
// since the claim: the key is free already, or a retry holds it now). Call
// it exactly once after the handler, also when it panicked (with 500); it
// is not safe to call concurrently. Done on a refused verdict, a second
// Done, or a delivery let through by FailOpen does nothing. The store is
// called with a context that keeps the request's values but is not
// cancelled with it, bounded by Config.StoreTimeout.
func (v *Verdict) Done(status int) error {
	if v == nil || !v.claimed || v.finished {
		return nil
	}
	v.finished = true
	g := v.g
	complete := status >= 200 && status < 300
	if !complete && !g.cfg.Now().Before(v.claimedAt.Add(g.cfg.Lease)) {
		// The lease is over. The key has expired, or a retry claimed it
		// since; the Store interface names a key, not a claim, so a
		// Release now would free that retry's claim while it runs.
		// Skipping it loses nothing: an expired key is free already.
		return nil
	}
	if m := g.memReplay; m != nil && complete {
		// At the delivery's time, like the claim: Keep must outlast the
		// window checked at that time (Keep >= Past+Future), no more.
		m.CompleteAt(v.key, g.cfg.Keep, v.claimedAt)
		return nil
	}
	ctx := v.ctx
	if t := g.cfg.StoreTimeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	var err error
	if complete {
		err = g.cfg.Replay.Complete(ctx, v.key, g.cfg.Keep)
	} else {
		err = g.cfg.Replay.Release(ctx, v.key)
	}
	if err != nil && g.cfg.Logger != nil {
		g.cfg.Logger.LogAttrs(v.ctx, slog.LevelError, "hookguard: replay store failed after the handler",
			slog.Int("status", status), slog.String("scheme", v.Event.Scheme),
			slog.String("event_id", v.Event.ID), slog.String("error", err.Error()))
	}
	return err
}

// Check runs every check of the Guard on a delivery from a framework that is
// not net/http, in the same order and with the same code as Handler (the
// RemoteAddr and TLS stand for the connection; forwarding headers are read
// from Header). If the verdict proceeds, an event claim is held until
// Verdict.Done.
func (g *Guard) Check(ctx context.Context, req Request) *Verdict {
	st := g.newState(ctx)
	st.remoteAddr, st.tls = req.RemoteAddr, req.TLS
	switch h := req.Header.(type) {
	case http.Header:
		st.header, st.lines = h, h
	case nil:
		st.header, st.lines = http.Header(nil), http.Header(nil)
	default:
		st.header = h
		if hv, ok := h.(ipallow.HeaderValues); ok {
			st.lines = hv
		} else {
			st.lines = firstLines{h}
		}
	}
	err := g.pre(st)
	if err == nil {
		if int64(len(req.Body)) > g.cfg.MaxBody {
			err = fmt.Errorf("%w: %d bytes over %d", errTooLarge, len(req.Body), g.cfg.MaxBody)
		} else {
			st.raw, st.bodyRead = req.Body, true
			err = g.post(st)
		}
	}
	g.decide(st, err)
	return &st.v
}

// firstLines adapts a Headers without Values: one line per header at most.
type firstLines struct{ h hmac.Headers }

func (f firstLines) Values(key string) []string {
	if v := f.h.Get(key); v != "" {
		return []string{v}
	}
	return nil
}

// newState returns a fresh per-request state on ctx.
func (g *Guard) newState(ctx context.Context) *reqState {
	return g.initState(&reqState{}, ctx)
}

func (g *Guard) initState(st *reqState, ctx context.Context) *reqState {
	st.Context = ctx
	st.det.parent = ctx
	st.v.g = g
	st.v.ctx = &st.det
	st.v.Event.Scheme = g.schemeName
	return st
}

// statePool recycles the state of Guard.Handler, which never hands it to
// user code: the handler gets a handlerContext of its own (context, writer,
// body reader), the deny handler a denyContext, observers, loggers,
// limiters and stores the request's context.
var statePool = sync.Pool{New: func() any {
	p := new(pooledState)
	p.keyBuf = &p.key
	return &p.reqState
}}

// getState returns a pooled state on ctx, for Guard.Handler only.
func (g *Guard) getState(ctx context.Context) *reqState {
	return g.initState(statePool.Get().(*reqState), ctx)
}

// putState clears st (so the pool pins nothing of the request) and
// recycles it. Only the caches of the last peer address and rate-limit key
// survive, strings of an address that the next delivery from it reuses,
// and the pointer to the state's own replay-key buffer.
func putState(st *reqState) {
	rk, pa, kb := st.rateKey, st.peer, st.keyBuf
	*st = reqState{}
	st.rateKey, st.peer, st.keyBuf = rk, pa, kb
	statePool.Put(st)
}

// pre runs the stateless checks before the body is read.
func (g *Guard) pre(st *reqState) error {
	if g.cfg.RequireTLS {
		if err := g.stepTLS(st); err != nil {
			return err
		}
	}
	if err := g.stepAllow(st); err != nil {
		return err
	}
	return g.stepRate(st)
}

// post runs the checks on the read body: signature, window, replay claim.
func (g *Guard) post(st *reqState) error {
	if err := g.stepSignature(st); err != nil {
		return err
	}
	if err := g.stepWindow(st); err != nil {
		return err
	}
	return g.stepClaim(st)
}

// stepTLS accepts a TLS connection, or plain HTTP from a trusted proxy that
// reports https (X-Forwarded-Proto, or Forwarded's proto).
func (g *Guard) stepTLS(st *reqState) error {
	if st.tlsChecked {
		return nil // an earlier layer passed it
	}
	st.tlsChecked = true
	if st.tls {
		return nil
	}
	if peer, ok := peerAddr(st.remoteAddr); ok && g.cfg.TrustedProxies != nil && g.cfg.TrustedProxies.Contains(peer) {
		if strings.EqualFold(forwardedProto(st.lines), "https") {
			return nil
		}
		return fmt.Errorf("%w: trusted proxy reports plain http", errTLSRequired)
	}
	st.v.plainDirect = true
	return fmt.Errorf("%w: plain http connection", errTLSRequired)
}

// forwardedProto returns the protocol reported by the nearest proxy: the
// last element of X-Forwarded-Proto over all its lines or, when that header
// is absent, the proto parameter of the last RFC 7239 Forwarded element.
func forwardedProto(h ipallow.HeaderValues) string {
	if h == nil {
		return ""
	}
	if vs := h.Values("X-Forwarded-Proto"); len(vs) > 0 {
		return strings.TrimSpace(lastElement(vs))
	}
	vs := h.Values("Forwarded")
	if len(vs) == 0 {
		return ""
	}
	for pair := range strings.SplitSeq(lastElement(vs), ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(k, "proto") {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// lastElement returns the last comma-separated element of a header's lines.
func lastElement(lines []string) string {
	last := lines[len(lines)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return last
}

// peerAddr parses a RemoteAddr ("ip:port" or "ip"), unmapped and unzoned.
func peerAddr(s string) (netip.Addr, bool) {
	var a netip.Addr
	if ap, err := netip.ParseAddrPort(s); err == nil {
		a = ap.Addr()
	} else if a, err = netip.ParseAddr(s); err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// resolveIP finds the client address once per request.
func (g *Guard) resolveIP(st *reqState) error {
	if st.ipResolved {
		return st.ipErr
	}
	st.ipResolved = true
	ip, err := st.peerOf(st.remoteAddr)
	if err == nil {
		ip, err = g.resolver.ClientIPFromPeer(ip, st.lines)
	}
	st.ipErr = err
	if err != nil {
		return err
	}
	st.v.Event.ClientIP = ip.Unmap().WithZone("")
	return nil
}

// stepAllow resolves the client IP and checks it against the allow list. An
// unresolvable client is refused when an allow list is set.
func (g *Guard) stepAllow(st *reqState) error {
	rerr := g.resolveIP(st)
	list := g.allow.Load()
	if list == nil {
		return nil
	}
	if rerr != nil {
		return fmt.Errorf("%w: client address: %w", ipallow.ErrNotAllowed, rerr)
	}
	if !list.Contains(st.v.Event.ClientIP) {
		return ipallow.ErrNotAllowed
	}
	return nil
}

// stepRate takes a token for the delivery's rate-limit key.
func (g *Guard) stepRate(st *reqState) error {
	if st.rateChecked {
		return nil // one token per delivery, however the layers are stacked
	}
	st.rateChecked = true
	if g.cfg.Limiter == nil {
		return nil
	}
	rerr := g.resolveIP(st)
	var key string
	if g.cfg.RateKey != nil {
		key = g.cfg.RateKey(st.v.Event.ClientIP, st.header)
	} else {
		if rerr != nil || !st.v.Event.ClientIP.IsValid() {
			return fmt.Errorf("%w: no client address to rate-limit by", ipallow.ErrNotAllowed)
		}
		key = st.rateKeyOf(st.v.Event.ClientIP)
	}
	var d ratelimit.Decision
	var err error
	if m := g.memLimiter; m != nil {
		d = m.TakeAt(key, st.clock(g))
	} else {
		d, err = g.cfg.Limiter.Take(st.Context, key)
	}
	if err == nil && d.Allowed {
		return nil
	}
	if err == nil || errors.Is(err, ratelimit.ErrLimited) {
		st.v.decision, st.v.limited = d, true
		st.v.RetryAfter = d.RetryAfter
		return ratelimit.ErrLimited
	}
	return g.storeFailed(st, "limiter", err)
}

// storeFailed handles a failing limiter or replay store: nil under FailOpen
// (the failure is still logged and observed), else a store_unavailable error.
func (g *Guard) storeFailed(st *reqState, what string, err error) error {
	if g.cfg.FailOpen {
		st.v.Err = fmt.Errorf("middleware: %s failed, failing open: %w", what, err)
		return nil
	}
	st.v.RetryAfter = g.cfg.RetryAfter
	return fmt.Errorf("middleware: %s failed: %w", what, err)
}

// stepBody reads the capped body into a pooled buffer (net/http).
func (g *Guard) stepBody(st *reqState, r *http.Request) error {
	if st.bodyRead {
		return nil
	}
	st.buf = getBuf()
	raw, err := readCapped(r.Body, r.ContentLength, g.cfg.MaxBody, st.buf)
	if err != nil {
		return err
	}
	st.raw, st.bodyRead = raw, true
	return nil
}

// stepSignature verifies the signature against every currently valid secret
// and derives the event ID.
func (g *Guard) stepSignature(st *reqState) error {
	h := st.header
	if h == nil {
		h = http.Header(nil)
	}
	if g.prefetchStore != nil {
		g.prefetchClaim(st, h)
	}
	// hmac refuses a repeated signature, timestamp or ID line (when the
	// header map can list lines) and a value over hmac.MaxHeaderLen.
	res, err := g.verifier.VerifyAt(h, st.raw, st.clock(g))
	if err != nil {
		if r := ReasonFor(err); r == ReasonStoreUnavailable || r == ReasonAccepted {
			// An error hmac does not classify is still a refusal of the input.
			return fmt.Errorf("%w: %w", hmac.ErrMismatch, err)
		}
		return err
	}
	id, err := g.cfg.EventID(res, h, st.raw)
	if err != nil {
		if ReasonFor(err) != ReasonMalformed {
			err = fmt.Errorf("%w: event ID: %w", errMalformed, err)
		}
		return err
	}
	if id == "" {
		return fmt.Errorf("%w: empty event ID", errMalformed)
	}
	ev := &st.v.Event
	ev.ID, ev.Timestamp, ev.SecretID = id, res.Timestamp, res.SecretID
	if res.Scheme != "" {
		ev.Scheme = res.Scheme
	}
	st.verified = true
	return nil
}

// stepWindow checks the signed timestamp; a scheme that signs none skips it.
func (g *Guard) stepWindow(st *reqState) error {
	if !st.verified {
		return errMisconfigured
	}
	if st.windowChecked {
		return nil
	}
	st.windowChecked = true
	if st.v.Event.Timestamp.IsZero() {
		return nil
	}
	return g.cfg.Window.Check(st.v.Event.Timestamp, st.clock(g))
}

// stepClaim claims the event ID in the replay store.
func (g *Guard) stepClaim(st *reqState) error {
	if !st.verified {
		return errMisconfigured
	}
	if st.claimChecked {
		return nil // claimed by an earlier layer, which completes or releases it
	}
	st.claimChecked = true
	key := g.replayKey(st, st.v.Event.ID)
	var state replay.State
	var err error
	if m := g.memReplay; m != nil {
		if err = st.Context.Err(); err == nil { // as Memory.Claim does
			state = m.ClaimAt(key, g.cfg.Lease, st.clock(g))
		}
	} else {
		state, err = g.cfg.Replay.Claim(st.Context, key, g.cfg.Lease)
	}
	if err != nil {
		switch ReasonFor(err) {
		case ReasonDuplicate:
			state = replay.Done
		case ReasonInFlight:
			state = replay.InFlight
		default:
			return g.storeFailed(st, "replay store", err)
		}
	}
	switch state {
	case replay.Fresh:
		st.v.key, st.v.claimed = key, true
		// st.now was read before the claim, so claimedAt+Lease is no later
		// than the store's own lease end.
		st.v.claimedAt = st.clock(g)
		return nil
	case replay.Done:
		return replay.ErrDuplicate
	case replay.InFlight:
		st.v.RetryAfter = g.cfg.Lease
		return replay.ErrInFlight
	default:
		return g.storeFailed(st, "replay store", fmt.Errorf("unknown claim state %d", state))
	}
}

// decide records the outcome of the checks in the verdict, then observes and
// logs it.
func (g *Guard) decide(st *reqState, err error) {
	v := &st.v
	v.Reason = ReasonFor(err)
	if err != nil {
		v.Err = err
	}
	v.Status = v.Reason.Status()
	if v.Reason == ReasonTLSRequired && v.plainDirect {
		v.Status = http.StatusMisdirectedRequest
	}
	if v.Reason != ReasonInFlight && v.Reason != ReasonStoreUnavailable && v.Reason != ReasonRateLimited {
		v.RetryAfter = 0
	}
	if o := g.cfg.Observer; o != nil {
		o(st.Context, Observation{Reason: v.Reason, Status: v.Status, Event: v.Event, Err: v.Err})
	}
	if l := g.cfg.Logger; l != nil {
		g.log(l, st)
	}
}

func (g *Guard) log(l *slog.Logger, st *reqState) {
	v := &st.v
	level := slog.LevelWarn
	msg := "hookguard: delivery refused"
	switch v.Reason {
	case ReasonAccepted:
		level, msg = slog.LevelDebug, "hookguard: delivery accepted"
		if v.Err != nil {
			level, msg = slog.LevelError, "hookguard: store failed, delivery let through (FailOpen)"
		}
	case ReasonDuplicate:
		level, msg = slog.LevelInfo, "hookguard: duplicate delivery, already processed"
	case ReasonRateLimited, ReasonInFlight:
		level = slog.LevelInfo
	case ReasonStoreUnavailable, ReasonMisconfigured:
		level = slog.LevelError
	}
	if !l.Enabled(st.Context, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("reason", string(v.Reason)),
		slog.Int("status", v.Status),
		slog.String("scheme", v.Event.Scheme),
	}
	if v.Event.ClientIP.IsValid() {
		attrs = append(attrs, slog.String("client_ip", v.Event.ClientIP.String()))
	}
	if v.Event.ID != "" {
		attrs = append(attrs, slog.String("event_id", v.Event.ID))
	}
	if v.Event.SecretID != "" {
		attrs = append(attrs, slog.String("secret_id", v.Event.SecretID))
	}
	if v.Err != nil && (v.Reason == ReasonStoreUnavailable || v.Reason == ReasonAccepted || v.Reason == ReasonMisconfigured) {
		// Store and limiter errors carry no request content. hmac errors are
		// summarised by the reason alone: never a signature in the logs.
		attrs = append(attrs, slog.String("error", v.Err.Error()))
	}
	l.LogAttrs(st.Context, level, msg, attrs...)
}
