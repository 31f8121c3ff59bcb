package benchmarks

import (
	"errors"
	"fmt"
)

// ErrUnavailable marks a hookguard package that is still a skeleton (its
// functions panic "unimplemented"): benchmarks and tests skip it and the
// report says so, instead of crashing.
var ErrUnavailable = errors.New("hookguard package not implemented yet")

// recoverUnimplemented turns a panic from a skeleton into ErrUnavailable.
// Any other panic is re-raised.
func recoverUnimplemented(pkg string, err *error) {
	r := recover()
	if r == nil {
		return
	}
	if s, ok := r.(string); ok && s == "unimplemented" {
		*err = fmt.Errorf("%w: %s", ErrUnavailable, pkg)
		return
	}
	panic(r)
}
