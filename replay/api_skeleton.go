// Package replay: SKELETON, the replay owner replaces this file.
package replay

import (
	"context"
	"errors"
	"time"
)

// Window bounds how old or how far ahead a signed timestamp may be.
type Window struct{ Past, Future time.Duration }

// Check reports whether ts is inside the window around now.
func (w Window) Check(ts, now time.Time) error { panic("unimplemented") }

// State is what Claim found.
type State int

// States.
const (
	Fresh State = iota
	InFlight
	Done
)

// Store records event IDs.
type Store interface {
	Claim(ctx context.Context, key string, lease time.Duration) (State, error)
	Complete(ctx context.Context, key string, keep time.Duration) error
	Release(ctx context.Context, key string) error
}

// Memory is a bounded in-process Store.
type Memory struct{}

// NewMemory returns a memory store.
func NewMemory(capacity int) *Memory { panic("unimplemented") }

// Claim implements Store.
func (m *Memory) Claim(ctx context.Context, key string, lease time.Duration) (State, error) {
	panic("unimplemented")
}

// Complete implements Store.
func (m *Memory) Complete(ctx context.Context, key string, keep time.Duration) error {
	panic("unimplemented")
}

// Release implements Store.
func (m *Memory) Release(ctx context.Context, key string) error { panic("unimplemented") }

// Errors.
var (
	ErrStale     = errors.New("replay: timestamp too old")
	ErrFuture    = errors.New("replay: timestamp too far in the future")
	ErrDuplicate = errors.New("replay: duplicate event")
	ErrInFlight  = errors.New("replay: event in flight")
)

// Key namespaces id by source (provider, app) and hashes over-long results.
func Key(source, id string) string { panic("unimplemented") }
