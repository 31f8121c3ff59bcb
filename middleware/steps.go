package middleware

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hookguard/hookguard/handshake"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// This file is the request path, in order (see the package documentation):
// before the body is read, TLS, client IP and allow list, rate limit; after
// it, signature, timestamp window and replay claim. Each step returns nil or
// an error that ReasonFor classifies.

// start prepares v for a delivery on ctx.
func (g *Guard) start(v *Verdict, ctx context.Context) {
	v.g, v.ctx = g, ctx
	v.auth, v.signsID, v.needsURL, v.ns = g.auth, g.info.SignsID, g.info.NeedsURL, g.cfg.Source
	v.Event.Scheme = g.name
	v.start = g.stamp()
	v.now = g.cfg.Now()
}

// before runs the stateless checks before the body is read.
func (g *Guard) before(v *Verdict) error {
	if g.cfg.RequireTLS {
		if err := g.checkTLS(v); err != nil {
			return err
		}
	}
	if err := g.checkClient(v); err != nil {
		return err
	}
	if err := g.takeToken(v); err != nil {
		return err
	}
	if g.cfg.Tenant != nil {
		return g.pickTenant(v)
	}
	return nil
}

// after runs the checks on the read body.
func (g *Guard) after(v *Verdict) error {
	hs := g.cfg.Handshake
	if hs != nil && hs.Phase() == handshake.BeforeVerify {
		if err := g.answerHandshake(v, hs); err != nil {
			return err
		}
	}
	if err := g.verifySignature(v); err != nil {
		return err
	}
	if hs != nil && hs.Phase() == handshake.AfterVerify {
		if err := g.answerHandshake(v, hs); err != nil {
			return err
		}
	}
	if !v.Event.Timestamp.IsZero() { // a scheme that signs no timestamp skips the window
		if err := g.cfg.Window.Check(v.Event.Timestamp, v.now); err != nil {
			return err
		}
	}
	return g.claim(v)
}

// checkTLS accepts a TLS connection, or plain HTTP from a trusted proxy that
// reports https in the forwarding header family of Config.ClientIPHeader.
func (g *Guard) checkTLS(v *Verdict) error {
	if v.tls {
		return nil
	}
	proto, err := g.resolver.ForwardedProto(v.remoteAddr, v.lines)
	switch {
	case err != nil:
		return fmt.Errorf("%w: forwarded protocol: %w", errTLSRequired, err)
	case strings.EqualFold(proto, "https"):
		return nil
	case proto != "" || g.resolver.Trusts(v.remoteAddr):
		return fmt.Errorf("%w: trusted proxy reports %q", errTLSRequired, proto)
	}
	v.plainDirect = true
	return fmt.Errorf("%w: plain http connection", errTLSRequired)
}

// checkClient resolves the client IP and checks it against the allow list.
// An unresolvable client is refused when an allow list is set.
func (g *Guard) checkClient(v *Verdict) error {
	ip, err := g.resolver.ClientIPFrom(v.remoteAddr, v.lines)
	if err == nil {
		v.Event.ClientIP = ip
	}
	var list *ipallow.List
	if g.cfg.Allow != nil {
		list = g.cfg.Allow.Load()
	}
	switch {
	case list == nil:
		return nil
	case err != nil:
		return fmt.Errorf("%w: client address: %w", ipallow.ErrNotAllowed, err)
	case !list.Contains(ip):
		return fmt.Errorf("%w: %v", ipallow.ErrNotAllowed, ip)
	}
	return nil
}

// takeToken takes a token for the delivery's rate-limit key.
func (g *Guard) takeToken(v *Verdict) error {
	if g.cfg.Limiter == nil {
		return nil
	}
	var key string
	switch {
	case g.cfg.RateKey != nil:
		key = g.cfg.RateKey(v.Event.ClientIP, v.msg.Header)
	case v.Event.ClientIP.IsValid():
		key = ratelimit.IPKey(v.Event.ClientIP, 0, 64)
	default:
		return fmt.Errorf("%w: no client address to rate-limit by", ipallow.ErrNotAllowed)
	}
	d, err := g.cfg.Limiter.Take(v.ctx, key)
	if err == nil && d.Allowed {
		return nil
	}
	if err == nil || errors.Is(err, ratelimit.ErrLimited) {
		refusal := d
		v.decision = &refusal
		v.RetryAfter = d.RetryAfter
		return ratelimit.ErrLimited
	}
	return g.storeFailed(v, "limiter", err)
}

// claim claims the event's keys in the replay store: all of them, or none.
func (g *Guard) claim(v *Verdict) error {
	t0 := g.stamp()
	defer func() { v.claim = since(t0) }()
	for _, key := range v.keys {
		if key == "" {
			continue
		}
		state, err := g.cfg.Replay.Claim(v.ctx, key, g.cfg.Lease)
		if err != nil {
			switch ReasonFor(err) {
			case ReasonDuplicate:
				state = replay.Done
			case ReasonInFlight:
				state = replay.InFlight
			default:
				if g.cfg.FailOpen {
					return g.storeFailed(v, "replay store", err) // keeps what is claimed
				}
				g.releaseClaimed(v)
				return g.storeFailed(v, "replay store", err)
			}
		}
		switch state {
		case replay.Fresh:
			v.keys[v.claimed] = key
			v.claimed++
			continue
		case replay.Done:
			err = replay.ErrDuplicate
		case replay.InFlight:
			v.RetryAfter = g.cfg.Lease
			err = replay.ErrInFlight
		default:
			err = g.storeFailed(v, "replay store", fmt.Errorf("unknown claim state %d", state))
		}
		g.releaseClaimed(v)
		return err
	}
	return nil
}

// releaseClaimed gives back the keys a partly failed claim holds.
func (g *Guard) releaseClaimed(v *Verdict) {
	if v.claimed > 0 {
		_ = g.settle(v, false)
		v.claimed = 0
	}
}

// settle completes (or releases) the claimed keys after the handler, on a
// context detached from the request's cancellation. A release after the
// lease ran out is skipped: the key has expired, or a retry claimed it
// since, and the Store interface names a key, not a claim, so a Release
// now would free that retry's claim while it runs.
func (g *Guard) settle(v *Verdict, complete bool) error {
	if !complete && !g.cfg.Now().Before(v.now.Add(g.cfg.Lease)) {
		return nil
	}
	v.det = detached{v.ctx}
	ctx := context.Context(&v.det)
	if t := g.cfg.StoreTimeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	var errs []error
	for _, key := range v.keys[:v.claimed] {
		var err error
		if complete {
			err = g.cfg.Replay.Complete(ctx, key, g.cfg.Keep)
		} else {
			err = g.cfg.Replay.Release(ctx, key)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("middleware: replay store failed after the handler: %w", errors.Join(errs...))
	}
	return nil
}

// storeFailed handles a failing limiter or replay store: nil under FailOpen
// (the failure is still logged and observed), else a store_unavailable error.
func (g *Guard) storeFailed(v *Verdict, what string, err error) error {
	if g.cfg.FailOpen {
		v.Err = fmt.Errorf("middleware: %s failed, failing open: %w", what, err)
		return nil
	}
	v.RetryAfter = g.cfg.RetryAfter
	return fmt.Errorf("middleware: %s failed: %w", what, err)
}

// decide records the outcome of the checks in the verdict.
func (g *Guard) decide(v *Verdict, err error) {
	v.Reason = ReasonFor(err)
	if err != nil {
		v.Err = err
	}
	v.Status = v.Reason.Status()
	switch {
	case v.Reason == ReasonTLSRequired && v.plainDirect:
		v.Status = http.StatusMisdirectedRequest
	case v.Reason == ReasonHandshake:
		v.Status, v.Err = v.handshake.Status, nil
	}
	if v.Reason != ReasonInFlight && v.Reason != ReasonStoreUnavailable && v.Reason != ReasonRateLimited {
		v.RetryAfter = 0
	}
}
