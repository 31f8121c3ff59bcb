package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hookguard/hookguard/inbox"
)

// Defaults of serve's -inbox flags.
const (
	defaultInboxMaxAttempts = 25        // River's default: with the 1 h cap, about 20 h of retries
	defaultInboxBackoffMax  = time.Hour // longest wait between two attempts
	defaultInboxRescue      = time.Minute
	// jobMargin is how much longer than -upstream-timeout an attempt may
	// run (the request is made and its error recorded within it).
	jobMargin = 5 * time.Second
)

// inboxFlags are serve's durable-inbox flags.
type inboxFlags struct {
	database    string
	workers     int
	maxAttempts int
	backoffMax  time.Duration
	rescueAfter time.Duration
	headers     string
}

// register adds the -inbox flags to fs.
func (c *inboxFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.database, "inbox", "", "durable inbox `DATABASE`: sqlite:PATH or postgres://...; deliveries are acknowledged once committed and forwarded by workers with retries (default: forward synchronously)")
	fs.IntVar(&c.workers, "inbox-workers", inbox.DefaultWorkers, "deliveries forwarded at once by this process (with -inbox)")
	fs.IntVar(&c.maxAttempts, "inbox-max-attempts", defaultInboxMaxAttempts, "forward attempts before a delivery is discarded (a dead letter: see hookguard inbox)")
	fs.DurationVar(&c.backoffMax, "inbox-backoff-max", defaultInboxBackoffMax, "longest wait between two attempts (the wait grows as attempt⁴ seconds up to it)")
	fs.DurationVar(&c.rescueAfter, "inbox-rescue-after", defaultInboxRescue, "a forward still running after this long is deemed lost (its process died) and retried; must exceed -upstream-timeout by 5s")
	fs.StringVar(&c.headers, "inbox-headers", "Content-Type,User-Agent", "comma-separated request `HEADERS` kept with a delivery and forwarded (add the provider's event-type or signature headers the upstream reads)")
}

// keptHeaders parses -inbox-headers: valid names, none that serve sets or
// that is hop-by-hop, plus the headers recordRequest stores.
func (c *inboxFlags) keptHeaders() ([]string, error) {
	var keep []string
	for _, h := range strings.Split(c.headers, ",") {
		h = strings.TrimSpace(h)
		switch {
		case h == "":
			continue
		case !validHeaderName(h):
			return nil, fmt.Errorf("-inbox-headers: %q is not a header name", h)
		case forgeable(h) || isHop(h):
			return nil, fmt.Errorf("-inbox-headers: %s is set by serve or hop-by-hop; it is never forwarded", h)
		}
		keep = append(keep, http.CanonicalHeaderKey(h))
	}
	return append(keep, storedHeaders...), nil
}

// validHeaderName reports whether s is an HTTP field name (RFC 9110 token).
func validHeaderName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.ContainsRune("!#$%&'*+-.^_`|~", c)) {
			return false
		}
	}
	return true
}

// open opens the inbox whose workers forward with fwd, after checking the
// flags; maxBody and keep are serve's -max-body and -keep (the dedup
// horizon). A database that cannot be opened is an openError.
func (c *inboxFlags) open(ctx context.Context, fwd *inboxForwarder, maxBody int64, keep time.Duration, logger *slog.Logger) (*inbox.Inbox, error) {
	if !strings.HasPrefix(c.database, "sqlite:") && !strings.HasPrefix(c.database, "postgres://") && !strings.HasPrefix(c.database, "postgresql://") {
		kind, _, _ := strings.Cut(c.database, ":")
		return nil, fmt.Errorf("-inbox %s:...: want sqlite:PATH or a postgres:// or postgresql:// URL", oneLine(kind, 20))
	}
	headers, err := c.keptHeaders()
	if err != nil {
		return nil, err
	}
	if c.workers < 1 || c.maxAttempts < 1 {
		return nil, errors.New("-inbox-workers and -inbox-max-attempts must be at least 1")
	}
	if c.backoffMax <= 0 {
		return nil, fmt.Errorf("-inbox-backoff-max %v: want a positive duration", c.backoffMax)
	}
	jobTimeout := fwd.timeout + jobMargin
	if c.rescueAfter <= jobTimeout {
		return nil, fmt.Errorf("-inbox-rescue-after %v must exceed -upstream-timeout + %v (%v): a forward still running would be retried alongside itself", c.rescueAfter, jobMargin, jobTimeout)
	}
	ib, err := inbox.Open(ctx, inbox.Config{
		Database:    c.database,
		Process:     fwd.process,
		Headers:     headers,
		MaxBody:     maxBody,
		MaxAttempts: c.maxAttempts,
		Backoff:     backoff(c.backoffMax),
		Retention:   keep,
		Workers:     c.workers,
		JobTimeout:  jobTimeout,
		RescueAfter: c.rescueAfter,
		Logger:      logger,
	})
	if err != nil {
		return nil, openError{fmt.Errorf("-inbox %s: %w", redactDatabase(c.database), err)}
	}
	return ib, nil
}

// redactDatabase is a database reference fit for a message: a Postgres
// URL without its password.
func redactDatabase(db string) string {
	if strings.HasPrefix(db, "sqlite:") {
		return db
	}
	return redactURL(db)
}
