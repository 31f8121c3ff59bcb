package middleware

import (
	"context"
	"time"
)

// guardContext is the context the Guard hands to user code: the request's
// context plus, where set, the verified Event (EventFrom) and the refusal
// (DenialFrom). Each is allocated per request and never reused.
type guardContext struct {
	context.Context
	ev  *Event
	den *Denial
}

// Value implements context.Context.
func (c *guardContext) Value(key any) any {
	switch key {
	case eventKey:
		if c.ev != nil {
			return c.ev // EventFrom returns a copy
		}
	case denialKey:
		if c.den != nil {
			return c.den // DenialFrom returns a copy
		}
	}
	return c.Context.Value(key)
}

// String implements fmt.Stringer like the context package's own types.
func (c *guardContext) String() string {
	return contextName(c.Context) + ".WithValue(hookguard)"
}

func contextName(c context.Context) string {
	if s, ok := c.(interface{ String() string }); ok {
		return s.String()
	}
	return "context"
}

// detached keeps the values of its parent but is never cancelled: Complete
// and Release must reach the store even when the client hung up.
type detached struct{ parent context.Context }

func (d *detached) Deadline() (time.Time, bool) { return time.Time{}, false }
func (d *detached) Done() <-chan struct{}       { return nil }
func (d *detached) Err() error                  { return nil }
func (d *detached) Value(key any) any           { return d.parent.Value(key) }
