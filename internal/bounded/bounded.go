// Package bounded keeps metric label values few: the metrics modules label
// series with scheme names, reason codes and secret IDs, which the operator
// chooses, and still cap how many distinct values one label can take, so a
// misconfiguration (or a future code path that lets a client choose a
// value) cannot grow a metric without bound.
package bounded

import (
	"strconv"
	"sync"
)

// Other is the value every label value past the cap is folded into.
const Other = "other"

// Values admits the first Max distinct values of a label and folds the rest
// into Other. The zero value admits none; it is safe for concurrent use.
type Values struct {
	Max  int
	mu   sync.RWMutex
	seen map[string]struct{}
}

// Get returns v if it is admitted (seen before, or there is room), else
// Other. The empty string is returned as is (no value).
func (b *Values) Get(v string) string {
	if v == "" {
		return v
	}
	b.mu.RLock()
	_, ok := b.seen[v]
	b.mu.RUnlock()
	if ok {
		return v
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.seen[v]; ok {
		return v
	}
	if len(b.seen) >= b.Max {
		return Other
	}
	if b.seen == nil {
		b.seen = make(map[string]struct{})
	}
	b.seen[v] = struct{}{}
	return v
}

// statuses holds "100" to "599", so a status label allocates nothing.
var statuses = func() (s [500]string) {
	for i := range s {
		s[i] = strconv.Itoa(100 + i)
	}
	return s
}()

// Status returns an HTTP status code as a label value: "100" to "599", and
// Other for anything else a handler might write.
func Status(code int) string {
	if code < 100 || code > 599 {
		return Other
	}
	return statuses[code-100]
}
