package main

import (
	"context"
	"fmt"
)

// runDemo and runServe need the middleware package; until it lands they say so.
func runDemo(_ context.Context, e *env, _ []string) int {
	fmt.Fprintln(e.stderr, "hookguard demo: not available yet (waits for the middleware package)")
	return exitFail
}

func runServe(_ context.Context, e *env, _ []string) int {
	fmt.Fprintln(e.stderr, "hookguard serve: not available yet (waits for the middleware package)")
	return exitFail
}
