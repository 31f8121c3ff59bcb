package middleware

import (
	"log/slog"
	"time"
)

// observe reports a delivery's final state, once: to the Observer, then to
// the Logger.
func (g *Guard) observe(v *Verdict) {
	if !g.timed {
		return // neither an Observer nor a Logger
	}
	o := Observation{
		Reason:  v.Reason,
		Status:  v.Status,
		Outcome: v.outcome,
		Event:   v.Event,
		Err:     v.Err,
		Start:   v.start,
		Verify:  v.verify,
		Claim:   v.claim,
		Handler: v.handler,
		Total:   since(v.start),
	}
	if v.storeErr != nil {
		o.Err = v.storeErr
	}
	if g.cfg.Observer != nil {
		g.cfg.Observer(v.ctx, o)
	}
	if g.cfg.Logger != nil {
		g.log(&o, v)
	}
}

// stamp reads the clock for a duration when an Observer or a Logger will
// read it; otherwise it returns the zero Time and since reports 0.
func (g *Guard) stamp() time.Time {
	if g.timed {
		return time.Now()
	}
	return time.Time{}
}

// since is the time elapsed since a stamp.
func since(t time.Time) time.Duration {
	if t.IsZero() {
		return 0
	}
	return time.Since(t)
}

// log writes one record for the delivery. Error texts of this module name
// the problem and never hold a secret, a signature or an expected MAC
// (TestLogsLeakNothing), so they are logged as they are.
func (g *Guard) log(o *Observation, v *Verdict) {
	level, msg := slog.LevelWarn, "hookguard: delivery refused"
	switch o.Reason {
	case ReasonAccepted:
		level, msg = slog.LevelDebug, "hookguard: delivery handled"
		switch {
		case o.Err != nil:
			level = slog.LevelError
		case o.Outcome != OutcomeCompleted:
			level = slog.LevelWarn
		}
	case ReasonDuplicate:
		level, msg = slog.LevelInfo, "hookguard: duplicate delivery, already processed"
	case ReasonHandshake:
		level, msg = slog.LevelInfo, "hookguard: handshake answered"
	case ReasonRateLimited, ReasonInFlight:
		level = slog.LevelInfo
	case ReasonStoreUnavailable:
		level = slog.LevelError
	}
	l := g.cfg.Logger
	if !l.Enabled(v.ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 10)
	attrs = append(attrs,
		slog.String("reason", string(o.Reason)),
		slog.Int("status", o.Status),
		slog.String("scheme", o.Event.Scheme))
	if o.Outcome != OutcomeNone {
		attrs = append(attrs, slog.String("outcome", string(o.Outcome)))
	}
	if o.Event.ClientIP.IsValid() {
		attrs = append(attrs, slog.String("client_ip", o.Event.ClientIP.String()))
	}
	if o.Event.ID != "" {
		attrs = append(attrs, slog.String("event_id", o.Event.ID))
	}
	if o.Event.SecretID != "" {
		attrs = append(attrs, slog.String("secret_id", o.Event.SecretID))
	}
	if o.Err != nil {
		attrs = append(attrs, slog.String("error", o.Err.Error()))
	}
	attrs = append(attrs, slog.Duration("duration", o.Total))
	l.LogAttrs(v.ctx, level, msg, attrs...)
}
