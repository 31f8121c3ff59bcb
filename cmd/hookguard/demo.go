package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// Demo setup: the receiver sits behind a reverse proxy on 127.0.0.1 (trusted)
// and accepts deliveries from the provider's documented range only.
const (
	demoProvider   = "203.0.113.10"   // a provider address inside the allow list
	demoBurstIP    = "203.0.113.20"   // another provider address, used for the burst
	demoOutsider   = "198.51.100.7"   // an address outside the allow list
	demoAllowList  = "203.0.113.0/24" // the provider's documented range
	demoTrusted    = "127.0.0.1, ::1" // the reverse proxy in front of the receiver
	demoBurst      = 20               // rate-limit burst per client IP
	demoMaxBody    = 64 << 10         // body cap of the demo receiver
	demoOldSecret  = "key-2026-01"    // secret IDs of the rotation
	demoNewSecret  = "key-2026-02"    //
	demoSlowEvent  = "msg_demo_slow"  // the handler blocks on this one
	demoFlakyEvent = "msg_demo_flaky" // the handler fails once on this one
	demoBody       = `{"type":"invoice.paid","data":{"invoice":"in_1001","amount":4200}}`
)

func runDemo(ctx context.Context, e *env, args []string) int {
	var showLog bool
	fs := newFlagSet("demo", "[flags]", `
Start a webhook receiver protected by a hookguard Guard on a free loopback
port, with in-memory defaults (Standard Webhooks scheme, 5-minute window,
memory replay store, allow list `+demoAllowList+` behind a trusted proxy on
127.0.0.1, a per-IP rate limit with burst `+strconv.Itoa(demoBurst)+`, a 64 KiB body cap),
then fire a scripted set of good and bad deliveries at it: valid, tampered,
wrong secret, stale, future, replayed, in flight, a failing handler and its
retry, a key rotation, a burst, a client outside the allow list and an
oversized body. Then, as "serve -inbox" does, a durable inbox (SQLite in a
temporary directory) acknowledges a delivery while its upstream is down,
and its worker forwards it once the upstream is back. Print one row per delivery with the status and reason code
the Guard answered and whether that was the expected verdict. Exit status 0
only when every verdict is as expected. Two more receivers show a Standard
Webhooks v1a (Ed25519) delivery and Twilio deliveries signed over the
receiver's public URL and over another.`, `
  go run ./cmd/hookguard demo
  go run ./cmd/hookguard demo -log    # also print the Guard's log records`)
	fs.BoolVar(&showLog, "log", false, "print the Guard's structured log records to stderr")
	if status, ok := parseFlags(fs, e, args); !ok {
		return status
	}
	if fs.NArg() > 0 {
		return usageError(fs, e, "unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var logger *slog.Logger
	if showLog {
		logger = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	d, err := newDemo(logger)
	if err != nil {
		return failf(fs, e, "%v", err)
	}
	start := time.Now()
	addr, stop, err := d.start()
	if err != nil {
		return failf(fs, e, "%v", err)
	}
	fmt.Fprintf(e.stdout, "hookguard demo: Guard-protected receiver on http://%s (scheme %s, proxy %s trusted, allow list %s)\n\n",
		addr, d.scheme.Name(), "127.0.0.1", demoAllowList)
	rows := d.script(ctx, "http://"+addr+"/webhook")
	stop()
	ok := printDemo(e.stdout, rows)
	fmt.Fprintf(e.stdout, "\nhandler runs: %s\n", d.handlerSummary())
	if !d.exactlyOnce() {
		ok = false
		fmt.Fprintln(e.stdout, "UNEXPECTED: an event was processed more than once")
	}
	if ok {
		fmt.Fprintf(e.stdout, "all %d verdicts as expected (%s)\n", len(rows), time.Since(start).Round(time.Millisecond))
		return exitOK
	}
	fmt.Fprintln(e.stdout, "some verdicts were NOT as expected")
	return exitFail
}

// demo is the receiver and the sender of the scripted deliveries.
type demo struct {
	scheme  hmac.Scheme
	keys    *hmac.Keyring // the receiver's keyring (rotated by the script)
	oldKey  []byte
	newKey  []byte
	guard   *middleware.Guard
	client  *http.Client
	logger  *slog.Logger  // nil: silent
	entered chan struct{} // the handler started on demoSlowEvent
	release chan struct{} // lets it finish

	mu        sync.Mutex
	runs      map[string]int // event ID → handler runs
	succeeded map[string]int // event ID → successful handler runs
	failed    map[string]bool

	providers *providerDemo // the Ed25519 and URL-signed receivers (demo_providers.go)
}

func newDemo(logger *slog.Logger) (*demo, error) {
	d := &demo{
		logger:    logger,
		scheme:    hmac.StandardWebhooks,
		oldKey:    []byte("demo-old-secret-0123456789abcdef"),
		newKey:    []byte("demo-new-secret-fedcba9876543210"),
		entered:   make(chan struct{}),
		release:   make(chan struct{}),
		runs:      map[string]int{},
		succeeded: map[string]int{},
		failed:    map[string]bool{},
	}
	var err error
	if d.keys, err = hmac.NewKeyring(hmac.Secret{ID: demoOldSecret, Key: d.oldKey}); err != nil {
		return nil, err
	}
	allow, err := ipallow.Parse(demoAllowList)
	if err != nil {
		return nil, err
	}
	trusted, err := ipallow.Parse(demoTrusted)
	if err != nil {
		return nil, err
	}
	// One delivery a minute per client IP after a burst: the burst row
	// exhausts it while the demo runs.
	limiter, err := ratelimit.NewMemory(1.0/60, demoBurst, 1_000)
	if err != nil {
		return nil, err
	}
	d.guard, err = middleware.New(middleware.Config{
		Scheme:         d.scheme,
		Keyring:        d.keys,
		Replay:         replay.NewMemory(10_000),
		Allow:          allow,
		TrustedProxies: trusted,
		Limiter:        limiter,
		MaxBody:        demoMaxBody,
		Logger:         logger,
	})
	if err != nil {
		return nil, err
	}
	if d.providers, err = newProviderDemo(logger); err != nil {
		return nil, err
	}
	d.client = &http.Client{Timeout: 10 * time.Second}
	return d, nil
}

// ServeHTTP is the application's handler behind the Guard.
func (d *demo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, _ := middleware.EventFrom(r.Context())
	d.mu.Lock()
	d.runs[ev.ID]++
	fail := ev.ID == demoFlakyEvent && !d.failed[ev.ID]
	if fail {
		d.failed[ev.ID] = true
	}
	d.mu.Unlock()
	if ev.ID == demoSlowEvent {
		d.entered <- struct{}{}
		<-d.release
	}
	if fail {
		http.Error(w, `{"status":"handler_failed"}`, http.StatusInternalServerError)
		return
	}
	d.mu.Lock()
	d.succeeded[ev.ID]++
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"status":"accepted","secret":%q}`+"\n", ev.SecretID)
}

// start serves the guarded handler on a free loopback port.
func (d *demo) start() (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: d.routes(d.guard.Handler(d)), ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
		d.client.CloseIdleConnections()
	}, nil
}

// demoRow is one line of the table.
type demoRow struct {
	what       string
	wantStatus int
	wantReason string
	gotStatus  int
	gotReason  string
	detail     string
}

func (r demoRow) ok() bool { return r.gotStatus == r.wantStatus && r.gotReason == r.wantReason }

// outgoing is one delivery to send.
type outgoing struct {
	id     string
	ts     time.Time
	body   []byte
	key    []byte // sign with this key (nil: unsigned)
	from   string // X-Forwarded-For set by the trusted proxy
	header http.Header
}

// sign returns the delivery's headers, signed with key.
func (d *demo) sign(o *outgoing) {
	if o.from == "" {
		o.from = demoProvider
	}
	if o.ts.IsZero() {
		o.ts = time.Now()
	}
	if o.body == nil {
		o.body = []byte(demoBody)
	}
	o.header = http.Header{}
	if o.key != nil {
		k, err := hmac.NewKeyring(hmac.Secret{ID: "sender", Key: o.key})
		if err == nil {
			err = hmac.NewSigner(d.scheme, k).Sign(o.header, o.id, o.ts, o.body)
		}
		if err != nil {
			panic("demo: signing: " + err.Error()) // fixed inputs: cannot happen
		}
	}
	o.header.Set("Content-Type", "application/json")
	o.header.Set("X-Forwarded-For", o.from)
}

// send posts o and returns the status, the reason code from the JSON body
// and a detail for the table.
func (d *demo) send(ctx context.Context, url string, o *outgoing) (int, string, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(o.body))
	if err != nil {
		return 0, "error", err.Error()
	}
	req.Header = o.header.Clone()
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, "error", err.Error()
	}
	defer resp.Body.Close()
	var b struct{ Error, Status, Secret string }
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	_ = json.Unmarshal(raw, &b)
	reason := b.Error
	if reason == "" {
		reason = b.Status
	}
	var detail string
	switch {
	case b.Secret != "":
		detail = "secret " + b.Secret
	case resp.Header.Get("Retry-After") != "":
		detail = "Retry-After: " + resp.Header.Get("Retry-After") + "s"
	}
	return resp.StatusCode, reason, detail
}

// script sends every scripted delivery and returns the rows.
func (d *demo) script(ctx context.Context, url string) []demoRow {
	var rows []demoRow
	add := func(what string, wantStatus int, wantReason string, o *outgoing) {
		if o.header == nil {
			d.sign(o)
		}
		status, reason, detail := d.send(ctx, url, o)
		rows = append(rows, demoRow{what, wantStatus, wantReason, status, reason, detail})
	}
	now := time.Now()

	valid := &outgoing{id: "msg_demo_0001", key: d.oldKey}
	add("valid delivery", 200, "accepted", valid)

	tampered := &outgoing{id: "msg_demo_0002", key: d.oldKey}
	d.sign(tampered)
	tampered.body = []byte(strings.Replace(demoBody, "4200", "1", 1))
	add("tampered body (amount changed after signing)", 401, "bad_signature", tampered)

	add("signed with the wrong secret", 401, "bad_signature",
		&outgoing{id: "msg_demo_0003", key: []byte("an-attackers-guess-at-the-secret")})

	unsigned := &outgoing{id: "msg_demo_0004"}
	add("no signature headers", 400, "missing_header", unsigned)

	add("stale timestamp (10 min old)", 401, "stale",
		&outgoing{id: "msg_demo_0005", key: d.oldKey, ts: now.Add(-10 * time.Minute)})
	add("future timestamp (10 min ahead)", 401, "future",
		&outgoing{id: "msg_demo_0006", key: d.oldKey, ts: now.Add(10 * time.Minute)})

	add("replay of the valid delivery (same bytes)", 200, "duplicate", valid)

	// A delivery whose handler is still running: its duplicate gets 409.
	slow := &outgoing{id: demoSlowEvent, key: d.oldKey}
	d.sign(slow)
	type answer struct {
		status         int
		reason, detail string
	}
	first := make(chan answer, 1)
	go func() {
		s, r, dt := d.send(ctx, url, slow)
		first <- answer{s, r, dt}
	}()
	var a answer
	select {
	case <-d.entered:
		add("same event again while its handler still runs", 409, "in_flight", slow)
		close(d.release)
		a = <-first
	case a = <-first:
		close(d.release)
		rows = append(rows, demoRow{"same event again while its handler still runs", 409, "in_flight", 0, "not sent", "the first delivery never reached the handler"})
	}
	rows = append(rows, demoRow{"... the first delivery of it finishes", 200, "accepted", a.status, a.reason, a.detail})

	// A handler failure releases the claim: the sender's retry is processed.
	flaky := &outgoing{id: demoFlakyEvent, key: d.oldKey}
	add("handler fails with 500 (claim released)", 500, "handler_failed", flaky)
	add("... the sender retries it", 200, "accepted", flaky)

	// Rotation: the new key is added, the old one stays valid for 24 h.
	if err := d.keys.Rotate(hmac.Secret{ID: demoNewSecret, Key: d.newKey}, 24*time.Hour); err != nil {
		rows = append(rows, demoRow{"rotate to " + demoNewSecret, 0, "", -1, "error", err.Error()})
	}
	add("rotation: signed with the old key (grace)", 200, "accepted",
		&outgoing{id: "msg_demo_0007", key: d.oldKey})
	add("rotation: signed with the new key", 200, "accepted",
		&outgoing{id: "msg_demo_0008", key: d.newKey})
	if err := d.keys.Revoke(demoOldSecret); err != nil {
		rows = append(rows, demoRow{"revoke " + demoOldSecret, 0, "", -1, "error", err.Error()})
	}
	add("after Revoke: signed with the old key", 401, "bad_signature",
		&outgoing{id: "msg_demo_0009", key: d.oldKey})

	// A burst from one client IP: the limit admits demoBurst, then 429.
	accepted := 0
	for i := range demoBurst {
		o := &outgoing{id: fmt.Sprintf("msg_demo_burst_%02d", i), key: d.newKey, from: demoBurstIP}
		d.sign(o)
		if s, _, _ := d.send(ctx, url, o); s == http.StatusOK {
			accepted++
		}
	}
	over := &outgoing{id: "msg_demo_burst_over", key: d.newKey, from: demoBurstIP}
	add(fmt.Sprintf("burst: delivery %d from one IP, after %d accepted", demoBurst+1, accepted), 429, "rate_limited", over)
	if accepted != demoBurst {
		rows[len(rows)-1].gotReason += fmt.Sprintf(" (only %d of the burst accepted)", accepted)
	}

	add("client "+demoOutsider+" via the trusted proxy", 403, "not_allowed",
		&outgoing{id: "msg_demo_0010", key: d.newKey, from: demoOutsider})
	add("outsider sends X-Forwarded-For: "+demoProvider+" (spoof)", 403, "not_allowed",
		&outgoing{id: "msg_demo_0011", key: d.newKey, from: demoProvider + ", " + demoOutsider})

	big := bytes.Repeat([]byte("x"), demoMaxBody+1)
	add(fmt.Sprintf("oversized body (%d KiB + 1 byte)", demoMaxBody>>10), 413, "too_large",
		&outgoing{id: "msg_demo_0012", key: d.newKey, body: big})
	rows = append(rows, d.providerRows(ctx, url)...)
	// serve -inbox: acknowledged while the upstream is down, forwarded later.
	return append(rows, d.inboxRows(ctx)...)
}

func printDemo(w io.Writer, rows []demoRow) bool {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tDELIVERY\tEXPECTED\tGOT\tOK\tDETAIL")
	all := true
	for i, r := range rows {
		mark := "yes"
		if !r.ok() {
			mark, all = "NO", false
		}
		fmt.Fprintf(tw, "%d\t%s\t%d %s\t%d %s\t%s\t%s\n", i+1, r.what, r.wantStatus, r.wantReason, r.gotStatus, r.gotReason, mark, r.detail)
	}
	_ = tw.Flush()
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		fmt.Fprint(w, strings.TrimRight(line, " \n")+strings.Repeat("\n", strings.Count(line, "\n")))
	}
	return all
}

// handlerSummary says how often the handler ran.
func (d *demo) handlerSummary() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	runs, ok := 0, 0
	for _, n := range d.runs {
		runs += n
	}
	for _, n := range d.succeeded {
		ok += n
	}
	return fmt.Sprintf("%d (%d events processed once each, %d failed run retried)", runs, ok, runs-ok)
}

// exactlyOnce reports whether no event was processed successfully twice.
func (d *demo) exactlyOnce() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range d.succeeded {
		if n != 1 {
			return false
		}
	}
	return true
}
