package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hookguard/hookguard/inbox"
	"github.com/hookguard/hookguard/middleware"
)

// demoInboxEvent is the event of the durable-inbox rows.
const demoInboxEvent = "msg_demo_inbox"

// inboxRows shows serve -inbox's path: a Guard in front of a durable inbox
// (SQLite in a temporary directory) acknowledges a delivery while the
// upstream is down; the inbox's worker forwards it once the upstream is
// back, on a later attempt.
func (d *demo) inboxRows(ctx context.Context) []demoRow {
	const what, later = "inbox: delivery while the upstream is down", "... the upstream comes back: forwarded by the worker"
	fail := func(step string, err error) []demoRow {
		return []demoRow{{what, 200, "accepted", 0, "error", step + ": " + err.Error()}}
	}
	dir, err := os.MkdirTemp("", "hookguard-demo-")
	if err != nil {
		return fail("temp dir", err)
	}
	defer os.RemoveAll(dir)
	upLn, err := net.Listen("tcp", "127.0.0.1:0") // reserve a port, then close it: the upstream is down
	if err != nil {
		return fail("listen", err)
	}
	upAddr := upLn.Addr().String()
	upLn.Close()

	logger := d.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	fwd := &inboxForwarder{upstream: &url.URL{Scheme: "http", Host: upAddr}, client: d.client, timeout: 2 * time.Second, logger: logger}
	failed := make(chan struct{}, 8)
	ib, err := inbox.Open(ctx, inbox.Config{
		Database: "sqlite:" + filepath.Join(dir, "inbox.db"),
		Process: func(ctx context.Context, dl inbox.Delivery) error {
			err := fwd.process(ctx, dl)
			if err != nil {
				failed <- struct{}{}
			}
			return err
		},
		Headers:     []string{"Content-Type"},
		Backoff:     func(int) time.Duration { return 100 * time.Millisecond },
		FetchPoll:   50 * time.Millisecond,
		JobTimeout:  3 * time.Second,
		RescueAfter: 10 * time.Second,
		Logger:      logger,
	})
	if err != nil {
		return fail("open inbox", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = ib.Close(cctx)
	}()
	guard, err := middleware.New(middleware.Config{Scheme: d.scheme, Keyring: d.keys, Replay: ib.Dedup(), Logger: logger})
	if err != nil {
		return fail("guard", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail("listen", err)
	}
	srv := &http.Server{Handler: guard.Handler(recordRequest(ib.Handler())), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	o := &outgoing{id: demoInboxEvent, key: d.newKey}
	d.sign(o)
	sent := time.Now()
	status, reason, _ := d.send(ctx, "http://"+ln.Addr().String()+"/webhook", o)
	rows := []demoRow{{what, 200, "accepted", status, reason, "committed to SQLite before the answer"}}
	if status != http.StatusOK {
		return rows
	}
	select { // the worker's first forward fails: nothing listens
	case <-failed:
	case <-time.After(5 * time.Second):
		return append(rows, demoRow{later, 200, "forwarded", 0, "no attempt", "the worker never tried"})
	}

	got := make(chan int, 1)
	upLn, err = net.Listen("tcp", upAddr)
	if err != nil {
		return append(rows, demoRow{later, 200, "forwarded", 0, "error", err.Error()})
	}
	up := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.Header.Get(headerAttempt))
		if r.Header.Get(headerEventID) == demoInboxEvent {
			select {
			case got <- n:
			default:
			}
		}
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = up.Serve(upLn) }()
	defer up.Close()
	select {
	case n := <-got:
		rows = append(rows, demoRow{later, 200, "forwarded", 200, "forwarded",
			fmt.Sprintf("%s %d, %v after the acknowledgement", headerAttempt, n, time.Since(sent).Round(10*time.Millisecond))})
	case <-time.After(5 * time.Second):
		rows = append(rows, demoRow{later, 200, "forwarded", 0, "not forwarded", "within 5 s of the upstream's return"})
	}
	return rows
}
