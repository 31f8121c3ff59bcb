// Package ipallow: SKELETON, the ipallow owner replaces this file.
package ipallow

import (
	"errors"
	"net/http"
	"net/netip"
)

// List is an immutable set of prefixes.
type List struct{}

// Parse parses an allow list.
func Parse(text string) (*List, error) { panic("unimplemented") }

// Contains reports whether ip is in the list.
func (l *List) Contains(ip netip.Addr) bool { panic("unimplemented") }

// Holder holds a List that can be swapped atomically while serving.
type Holder struct{}

// NewHolder returns a holder of l.
func NewHolder(l *List) *Holder { panic("unimplemented") }

// Load returns the current list.
func (h *Holder) Load() *List { panic("unimplemented") }

// Store swaps in l.
func (h *Holder) Store(l *List) { panic("unimplemented") }

// Resolver finds the client IP behind trusted proxies.
type Resolver struct {
	Trusted *List
	Header  string
}

// ClientIP returns the client address of req.
func (r Resolver) ClientIP(req *http.Request) (netip.Addr, error) { panic("unimplemented") }

// ErrNotAllowed is returned for addresses outside the list.
var ErrNotAllowed = errors.New("ipallow: address not allowed")
