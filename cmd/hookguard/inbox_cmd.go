package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hookguard/hookguard/inbox"
)

// inboxCommands are the subcommands of "hookguard inbox".
var inboxCommands = []struct{ name, summary string }{
	{"list", "list deliveries, oldest first: ID, state, attempts, event, last error"},
	{"show", "one delivery with its audit trail (attempts, errors, replays); -body prints the body"},
	{"replay", "run a delivery again (completed or dead-lettered too), recording -by and -why"},
}

func runInbox(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		w := e.stderr
		if len(args) > 0 {
			w = e.stdout
		}
		fmt.Fprint(w, `Usage: hookguard inbox COMMAND -inbox DATABASE [flags] [ID]

Read and act on the durable inbox of "hookguard serve -inbox": the same
database, sqlite:PATH or postgres://... . Bodies are never printed unless
asked (show -body).

Commands:
`)
		for _, c := range inboxCommands {
			fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
		}
		fmt.Fprint(w, `
Flags:
  -inbox DATABASE   the inbox of serve -inbox (every command; required)
  Run "hookguard inbox COMMAND -h" for each command's own.

Examples:
  hookguard inbox list -inbox sqlite:/var/lib/hookguard/inbox.db -state discarded
  hookguard inbox show -inbox sqlite:/var/lib/hookguard/inbox.db 42
  hookguard inbox replay -inbox postgres://hookguard@db/hookguard -by alice -why "upstream fixed" 42
`)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	switch args[0] {
	case "list":
		return runInboxList(ctx, e, args[1:])
	case "show":
		return runInboxShow(ctx, e, args[1:])
	case "replay":
		return runInboxReplay(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "hookguard inbox: unknown command %q (want list, show or replay)\n", args[0])
	return exitUsage
}

// openExisting opens the inbox database of an earlier serve -inbox, without
// workers and without migrating: a mistyped path or URL is an error, not
// a new empty inbox.
func openExisting(ctx context.Context, database string) (*inbox.Inbox, error) {
	if database == "" {
		return nil, errors.New("-inbox DATABASE is required")
	}
	if path, ok := strings.CutPrefix(database, "sqlite:"); ok {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("-inbox %s: %w", database, err)
		}
	}
	ib, err := inbox.Open(ctx, inbox.Config{Database: database, SkipMigrations: true})
	if err != nil {
		return nil, fmt.Errorf("-inbox %s: %w", redactDatabase(database), err)
	}
	return ib, nil
}

// inboxFlagSet is the flag set of one inbox subcommand, with -inbox.
func inboxFlagSet(name, synopsis, description, examples string, database *string) *flag.FlagSet {
	fs := newFlagSet("inbox "+name, synopsis, description, examples)
	fs.StringVar(database, "inbox", "", "the inbox `DATABASE`: sqlite:PATH or postgres://... (required)")
	return fs
}

// withInbox opens the inbox, runs fn and closes it; an error of either is
// printed and exits 1.
func withInbox(ctx context.Context, fs *flag.FlagSet, e *env, database string, fn func(*inbox.Inbox) error) int {
	ib, err := openExisting(ctx, database)
	if err != nil {
		return failf(fs, e, "%v", err)
	}
	defer ib.Close(context.WithoutCancel(ctx))
	if err := fn(ib); err != nil {
		return failf(fs, e, "%v", err)
	}
	return exitOK
}

func runInboxList(ctx context.Context, e *env, args []string) int {
	var database, states, cursor string
	var limit int
	fs := inboxFlagSet("list", "-inbox DATABASE [flags]", `
List the deliveries of the inbox, oldest first, one line each: the inbox ID
(for show and replay), the state (available, running, retryable, scheduled,
completed, discarded: a dead letter, cancelled), attempts made and allowed,
the event ID, the scheme, when it was received (UTC), and the last attempt's
error. A full page ends with the -cursor of the next.`, `
  hookguard inbox list -inbox sqlite:/var/lib/hookguard/inbox.db
  hookguard inbox list -inbox postgres://hookguard@db/hookguard -state retryable,discarded -limit 20`, &database)
	fs.StringVar(&states, "state", "", "comma-separated `STATES` to list (default: every state)")
	fs.IntVar(&limit, "limit", 100, "deliveries per page")
	fs.StringVar(&cursor, "cursor", "", "continue after the page that printed this `CURSOR`")
	if status, ok := parseFlags(fs, e, args); !ok {
		return status
	}
	if fs.NArg() > 0 {
		return usageError(fs, e, "unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if limit < 1 || limit > 10_000 {
		return usageError(fs, e, "-limit %d: want 1 to 10000", limit)
	}
	opts := inbox.ListOptions{Limit: limit, Cursor: cursor}
	for _, s := range strings.Split(states, ",") {
		if s = strings.TrimSpace(s); s != "" {
			if !slices.Contains(listStates, s) {
				return usageError(fs, e, "-state %q: want one of %s", s, strings.Join(listStates, ", "))
			}
			opts.States = append(opts.States, inbox.State(s))
		}
	}
	return withInbox(ctx, fs, e, database, func(ib *inbox.Inbox) error {
		page, err := ib.List(ctx, opts)
		if err != nil {
			return err
		}
		printList(e.stdout, page)
		return nil
	})
}

// listStates are the states -state accepts, as River names them.
var listStates = []string{"available", "cancelled", "completed", "discarded", "pending", "retryable", "running", "scheduled"}

// printList prints a page as a table.
func printList(w io.Writer, page inbox.Page) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tATTEMPTS\tEVENT\tSCHEME\tRECEIVED\tLAST ERROR")
	for _, r := range page.Records {
		last := ""
		if n := len(r.Errors); n > 0 {
			last = oneLine(r.Errors[n-1].Error, 60)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d/%d\t%s\t%s\t%s\t%s\n", r.ID, r.State, r.Attempt, r.MaxAttempts,
			oneLine(r.EventID, 40), r.Scheme, stamp(r.ReceivedAt), last)
	}
	_ = tw.Flush()
	if len(page.Records) == 0 {
		fmt.Fprintln(w, "(no deliveries)")
	}
	if page.Next != "" {
		fmt.Fprintf(w, "more: -cursor %s\n", page.Next)
	}
}

func runInboxShow(ctx context.Context, e *env, args []string) int {
	var database string
	var body bool
	fs := inboxFlagSet("show", "-inbox DATABASE [-body] ID", `
Show one delivery: its event, scheme, secret and client address, when it was
signed and received, its state and attempts, every failed attempt with its
error, and every replay with who asked and why. The stored headers are
shown; the body only as its size and SHA-256 unless -body is given.`, `
  hookguard inbox show -inbox sqlite:/var/lib/hookguard/inbox.db 42
  hookguard inbox show -inbox sqlite:/var/lib/hookguard/inbox.db -body 42 > delivery.json`, &database)
	fs.BoolVar(&body, "body", false, "print the stored body (raw bytes, after the record)")
	if status, ok := parseFlags(fs, e, args); !ok {
		return status
	}
	id, err := deliveryID(fs)
	if err != nil {
		return usageError(fs, e, "%v", err)
	}
	return withInbox(ctx, fs, e, database, func(ib *inbox.Inbox) error {
		rec, err := ib.Show(ctx, id)
		if err != nil {
			return err
		}
		printRecord(e.stdout, rec, body)
		return nil
	})
}

func runInboxReplay(ctx context.Context, e *env, args []string) int {
	var database, by, why string
	fs := inboxFlagSet("replay", "-inbox DATABASE -by NAME -why TEXT ID", `
Run a delivery again, whatever its state: a completed one is forwarded a
second time, a discarded one (a dead letter) gets one more attempt. Who asked
and why are required and kept in the delivery's audit trail (show lists
them). A delivery being forwarded right now is refused.`, `
  hookguard inbox replay -inbox sqlite:/var/lib/hookguard/inbox.db -by alice -why "upstream fixed (INC-123)" 42`, &database)
	fs.StringVar(&by, "by", "", "who asks for the replay (required)")
	fs.StringVar(&why, "why", "", "why (required)")
	if status, ok := parseFlags(fs, e, args); !ok {
		return status
	}
	id, err := deliveryID(fs)
	if err != nil {
		return usageError(fs, e, "%v", err)
	}
	if strings.TrimSpace(by) == "" || strings.TrimSpace(why) == "" {
		return usageError(fs, e, "-by and -why are required: the replay is recorded with who asked and why")
	}
	return withInbox(ctx, fs, e, database, func(ib *inbox.Inbox) error {
		rec, err := ib.Replay(ctx, id, by, why)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "delivery %d (event %s) is %s again: replay requested by %s\n", rec.ID, oneLine(rec.EventID, 80), rec.State, by)
		return nil
	})
}

// deliveryID is the single ID argument of show and replay.
func deliveryID(fs *flag.FlagSet) (int64, error) {
	if fs.NArg() != 1 {
		return 0, errors.New("give one delivery ID (see hookguard inbox list)")
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("delivery ID %q: want a positive number", oneLine(fs.Arg(0), 40))
	}
	return id, nil
}

// printRecord prints a delivery and its audit trail; the body only when asked.
func printRecord(w io.Writer, r *inbox.Record, body bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", name, value)
		}
	}
	field("id", strconv.FormatInt(r.ID, 10))
	field("state", string(r.State))
	field("event", oneLine(r.EventID, 200))
	field("key", oneLine(r.Key, 200))
	field("scheme", r.Scheme)
	field("secret", r.SecretID)
	if r.ClientIP.IsValid() {
		field("client ip", r.ClientIP.String())
	}
	field("signed at", stamp(r.SignedAt))
	field("received at", stamp(r.ReceivedAt))
	field("attempts", fmt.Sprintf("%d of %d", r.Attempt, r.MaxAttempts))
	field("attempted at", stamp(r.AttemptedAt))
	if r.FinalizedAt.IsZero() {
		field("next attempt", stamp(r.ScheduledAt))
	}
	field("finalized at", stamp(r.FinalizedAt))
	sum := sha256.Sum256(r.Body)
	field("body", fmt.Sprintf("%d bytes, sha256 %s", len(r.Body), hex.EncodeToString(sum[:])))
	_ = tw.Flush()
	if len(r.Header) > 0 {
		fmt.Fprintln(w, "headers:")
		names := make([]string, 0, len(r.Header))
		for k := range r.Header {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			for _, v := range r.Header[k] {
				fmt.Fprintf(w, "  %s: %s\n", k, oneLine(v, 200))
			}
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintln(w, "errors:")
		for _, a := range r.Errors {
			fmt.Fprintf(w, "  attempt %d at %s: %s\n", a.Attempt, stamp(a.At), oneLine(a.Error, 300))
		}
	}
	if len(r.Replays) > 0 {
		fmt.Fprintln(w, "replays:")
		for _, q := range r.Replays {
			fmt.Fprintf(w, "  %s by %s: %s\n", stamp(q.At), oneLine(q.By, 200), oneLine(q.Why, 300))
		}
	}
	if body {
		fmt.Fprintln(w, "body follows:")
		_, _ = w.Write(r.Body)
		if len(r.Body) > 0 && r.Body[len(r.Body)-1] != '\n' {
			fmt.Fprintln(w)
		}
	}
}

// stamp is t in UTC to the millisecond, or "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// oneLine is s with control characters replaced by '?' (a stored value
// cannot move the terminal's cursor or forge a line), cut at limit runes.
func oneLine(s string, limit int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == limit {
			b.WriteString("...")
			break
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
