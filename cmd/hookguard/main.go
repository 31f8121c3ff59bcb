// Command hookguard signs, sends, verifies and guards webhook deliveries.
//
// Usage:
//
//	hookguard demo                      run a scripted attack on a guarded receiver
//	hookguard sign   [flags] [BODY]     sign a body, print headers or a curl command
//	hookguard verify [flags] [REQUEST]  check a captured raw HTTP request
//	hookguard send   [flags] URL        sign and POST deliveries (dedup testing)
//	hookguard serve  [flags]            verifying reverse proxy for any receiver
//	hookguard inbox  COMMAND [flags]    list, show and replay the deliveries of serve -inbox
//
// Secrets are read from environment variables (-secret-env NAME) or files
// (-secret-file PATH), never from a flag value, and are never printed. Run
// "hookguard COMMAND -h" for each command's flags and examples.
//
// # Durable forwarding
//
// "hookguard serve -inbox sqlite:PATH" (one process) or "-inbox
// postgres://..." (any number of replicas) acknowledges a delivery once it
// is committed to a durable inbox and forwards it to -upstream from worker
// goroutines, retrying with backoff until a 2xx (each forward carries
// Hookguard-Attempt). "hookguard inbox list|show|replay" read and act on the
// same database. "-ui ADDR" serves River's web UI (riverqueue.com/riverui)
// over the inbox on a listener of its own, to the key of -admin-key-env
// only; it supports both of the inbox's databases (riverui reads SQLite
// since v0.21). Replays and cancellations made in the UI are River's own
// and are not recorded in the inbox's audit trail: "hookguard inbox replay"
// records who asked and why.
//
// # Installing
//
// The command is a module of its own, github.com/hookguard/hookguard/cmd/hookguard,
// so that the library's users never pull in its databases (River, SQLite,
// Postgres, Redis). From a clone of the repository, whose go.work ties the
// modules together:
//
//	go run ./cmd/hookguard demo
//	go install ./cmd/hookguard     # into $(go env GOBIN), else $(go env GOPATH)/bin
//
// "go install github.com/hookguard/hookguard/cmd/hookguard@latest" needs a
// tagged release of this module whose go.mod requires tagged releases of
// the library, inbox and redisstore modules: go install refuses a module
// with replace directives, and this go.mod points them at the directories
// of the clone (../.. and so on) so that each module builds and tests on
// its own. Until such a release exists, install from a clone.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Exit statuses.
const (
	exitOK    = 0 // the command did what was asked; a verdict was positive
	exitFail  = 1 // a verdict was negative, or the command failed at run time
	exitUsage = 2 // bad flags or arguments
)

// env is everything a command touches outside itself, so tests run commands
// in-process with buffers, a fake environment and a fixed clock.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
	// listening, when set, is told the address serve listens on once the
	// listener is open (tests use it to find a port chosen with :0).
	listening func(addr string)
	// allowTick, when set, replaces serve's allow-list reload timer, and
	// allowReloaded is told the outcome of every reload (tests).
	allowTick     <-chan time.Time
	allowReloaded func(error)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
		now:    time.Now,
	}, os.Args[1:])
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

func commands() []command {
	return []command{
		{"demo", "start a guarded receiver on loopback and fire good and bad deliveries at it", runDemo},
		{"sign", "sign a body for a scheme; print the headers or a curl command", runSign},
		{"verify", "check a captured raw HTTP request: does it verify, with which secret, why not", runVerify},
		{"send", "sign and POST deliveries to a URL, with -repeat and -replay to exercise dedup", runSend},
		{"serve", "verifying reverse proxy: forwards only verified deliveries to -upstream (-inbox: durably, with retries)", runServe},
		{"inbox", "list, show and replay the deliveries in the durable inbox of serve -inbox", runInbox},
	}
}

// run dispatches args to a subcommand and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	if e.getenv == nil {
		e.getenv = func(string) string { return "" }
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.stdin == nil {
		e.stdin = eofReader{}
	}
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "hookguard: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `hookguard makes any HTTP handler a safe webhook receiver.

Usage:
  hookguard COMMAND [flags] [args]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Schemes (-scheme NAME):
  %s

Secrets come from -secret-env NAME or -secret-file PATH, never from a flag
value, and are never printed; public and private keys likewise
(-public-key-env, -private-key-file, ...). Run "hookguard COMMAND -h" for
details.

Examples:
  go run ./cmd/hookguard demo
  HG_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw hookguard sign -secret-env HG_SECRET body.json
`, schemeList("  "))
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
