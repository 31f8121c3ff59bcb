package main

import (
	"context"
	"fmt"
)

// runServe needs the ipallow watcher; until it is wired it says so.
func runServe(_ context.Context, e *env, _ []string) int {
	fmt.Fprintln(e.stderr, "hookguard serve: not available yet (waits for the middleware package)")
	return exitFail
}
