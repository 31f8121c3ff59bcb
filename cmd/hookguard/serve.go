package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ipallow"
	hookprom "github.com/hookguard/hookguard/metrics/prometheus"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// serveConfig is the parsed flags of serve.
type serveConfig struct {
	listen       string
	upstream     string
	schemes      serveSchemeFlags
	allowFile    string
	allowReload  time.Duration
	trusted      string
	ipHeader     string
	rate         float64
	burst        int
	maxBody      int64
	window       time.Duration
	requireTLS   bool
	eventIDField string
	replayCap    int
	logLevel     string
	shutdown     time.Duration
	tlsCert      string
	tlsKey       string
	upTimeout    time.Duration
	lease        time.Duration
	keep         time.Duration
	inbox        inboxFlags
	redisURL     string
	ui           uiFlags
	metricsAddr  string
}

func runServe(ctx context.Context, e *env, args []string) int {
	var c serveConfig
	fs := newFlagSet("serve", "-upstream URL -secret-env NAME [flags]", `
Run a verifying reverse proxy in front of a webhook receiver that is not
written in Go. Every delivery to -listen goes through a hookguard Guard (TLS,
client IP and allow list, rate limit, body cap, signature, timestamp window,
event-ID dedup); only verified, fresh, first-time deliveries are forwarded to
-upstream, with these headers added (inbound copies are stripped):

  Hookguard-Event-Id    the event ID used for deduplication
  Hookguard-Secret-Id   the ID of the secret that matched (watch rotations)
  Hookguard-Scheme      the scheme's name
  Hookguard-Client-Ip   the resolved client address

The upstream's 2xx completes the event; any other status, a timeout
(-upstream-timeout) or an unreachable upstream releases it so the sender's
retry is forwarded again. The upstream request does not depend on the
sender's connection: a provider that gives up and hangs up does not cancel
it, and its 2xx still completes the event, so the provider's retry is
answered as a duplicate. Inbound headers that name one serve sets
(Hookguard-*, X-Forwarded-*, Forwarded, X-Real-Ip; '_' and '-' alike) are
dropped. Refusals get a terse JSON reason code.

-lease bounds how long a delivery may run before a retry of it is processed;
-upstream-timeout must be shorter, so a slow upstream is cut off before a
retry can start a second run. -keep is how long a processed event ID is
remembered (Stripe retries for three days).

Public-key schemes take -public-key-env/-public-key-file; schemes that
sign the URL are checked against -public-url + the request target. The
provider's handshake (slack, zoom, twitch, dropbox; meta with
-verify-token-env) is answered by serve and never forwarded.

-redis URL keeps the event IDs and the rate limit in Redis, so that replicas
behind one address forward each event once between them and share a limit.

-inbox sqlite:PATH or -inbox postgres://... makes forwarding durable: the
sender hears 200 {"status":"accepted"} as soon as the delivery is committed
to the inbox (a duplicate, in any state and on any replica sharing the
database, 200 {"status":"duplicate"}; a database that cannot commit, 503 with
Retry-After). Workers (-inbox-workers) forward it to -upstream with the
headers above plus Hookguard-Attempt (1, 2, ...), each attempt bounded by
-upstream-timeout; anything but a 2xx is retried after attempt⁴ seconds
(capped by -inbox-backoff-max), up to -inbox-max-attempts, then kept as a
dead letter. A forward whose process died is retried after
-inbox-rescue-after. The inbox keeps the body and the headers listed in
-inbox-headers (only those are forwarded). SQLite is one file for one
process; Postgres serves any number of replicas. "hookguard inbox" lists,
shows and replays the deliveries. -ui ADDR serves River's web UI over the
inbox on a listener of its own (over TLS with -tls-cert), to the admin key
of -admin-key-env only; keep it off public networks.

Secrets come from environment variables or files only (never a flag value);
give several for a rotation, the newest last: -secret-env old=HG_OLD
-secret-env new=HG_NEW. The allow list file (IPs and CIDRs, one per line or
comma-separated, # comments) is reloaded when it changes; a broken file keeps
the last good list. Logs go to stderr; SIGINT/SIGTERM shut down gracefully.`, `
  export HG_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  hookguard serve -upstream http://127.0.0.1:3000 -secret-env HG_SECRET
  hookguard serve -listen :8443 -upstream http://app:3000 -scheme stripe \
      -secret-file old=/run/secrets/stripe_old -secret-file new=/run/secrets/stripe_new \
      -event-id-json id -allow /etc/hookguard/stripe-ips.txt \
      -trusted-proxy 10.0.0.0/8 -rate 20 -require-tls
  hookguard serve -upstream http://127.0.0.1:3000 -secret-env HG_SECRET \
      -inbox sqlite:/var/lib/hookguard/inbox.db -inbox-headers Content-Type,X-GitHub-Event
  ADMIN_KEY=$(openssl rand -hex 24) hookguard serve -upstream http://app:3000 -secret-env HG_SECRET \
      -inbox postgres://hookguard@db/hookguard -ui 127.0.0.1:9090 -admin-key-env ADMIN_KEY
  hookguard serve -upstream http://app:3000 -secret-env HG_SECRET -redis redis://redis:6379/0 -rate 20`)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:8080", "`ADDR` to listen on")
	fs.StringVar(&c.upstream, "upstream", "", "`URL` of the receiver to forward verified deliveries to (required)")
	c.schemes.register(fs)
	fs.StringVar(&c.allowFile, "allow", "", "allow list `FILE` of client IPs/CIDRs, hot reloaded (default: every address)")
	fs.DurationVar(&c.allowReload, "allow-reload", ipallow.DefaultWatchInterval, "how often to look for changes of the -allow file")
	fs.StringVar(&c.trusted, "trusted-proxy", "", "comma-separated IPs/CIDRs of proxies whose forwarding headers are believed (default: none)")
	fs.StringVar(&c.ipHeader, "client-ip-header", "X-Forwarded-For", "forwarding header read from trusted proxies: X-Forwarded-For, Forwarded (RFC 7239), X-Real-IP or another list header")
	fs.Float64Var(&c.rate, "rate", 0, "deliveries per second per client IP (IPv6 by /64); 0: no rate limit")
	fs.IntVar(&c.burst, "burst", 0, "rate-limit burst per client IP (default: twice -rate, at least 1)")
	fs.Int64Var(&c.maxBody, "max-body", middleware.DefaultMaxBody, "body cap in `BYTES`")
	fs.DurationVar(&c.window, "window", 5*time.Minute, "accepted age of the signed timestamp, past and future")
	fs.BoolVar(&c.requireTLS, "require-tls", false, "refuse deliveries that did not arrive over TLS (directly or per a trusted proxy's X-Forwarded-Proto)")
	fs.StringVar(&c.eventIDField, "event-id-json", "", "take the event ID for dedup from this top-level JSON body `FIELD` (e.g. id for Stripe)")
	fs.IntVar(&c.replayCap, "replay-capacity", replay.DefaultCapacity, "event IDs remembered in memory")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.DurationVar(&c.shutdown, "shutdown-timeout", 10*time.Second, "how long in-flight deliveries may finish on shutdown")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate `FILE` (with -tls-key)")
	fs.StringVar(&c.tlsKey, "tls-key", "", "PEM private key `FILE` for -tls-cert")
	fs.DurationVar(&c.upTimeout, "upstream-timeout", 30*time.Second, "how long the upstream may take to answer a delivery (must be shorter than -lease; with -inbox: each forward attempt)")
	fs.DurationVar(&c.lease, "lease", replay.DefaultLease, "how long a delivery in progress holds its event before a retry may run")
	fs.DurationVar(&c.keep, "keep", replay.DefaultKeep, "how long a processed event ID is remembered (with -inbox: how long a forwarded delivery is kept)")
	fs.StringVar(&c.redisURL, "redis", "", "share the event-ID dedup and the rate limit between replicas in Redis at `URL` (redis://[:PASSWORD@]HOST:PORT/DB; with -inbox: the rate limit only)")
	c.inbox.register(fs)
	c.ui.register(fs)
	fs.StringVar(&c.metricsAddr, "metrics", "", "serve Prometheus metrics at /metrics on this `ADDR`, a listener of its own (off by default): deliveries by reason, handler outcomes, secret matches, request, verification and upstream latency, store occupancy")
	if status, ok := parseFlags(fs, e, args); !ok {
		return status
	}
	if fs.NArg() > 0 {
		return usageError(fs, e, "unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	p, err := c.build(ctx, e)
	var fail openError
	switch {
	case errors.As(err, &fail):
		return failf(fs, e, "%v", fail.error)
	case err != nil:
		return usageError(fs, e, "%v", err)
	}
	if err := p.serve(ctx, e, c.listen, c.ui.addr, c.metricsAddr, c.shutdown); err != nil {
		return failf(fs, e, "%v", err)
	}
	return exitOK
}

// openError is a failure to open what serve needs at run time (the inbox's
// database, the UI), as opposed to bad flags.
type openError struct{ error }

// proxy is a configured serve: the Guard in front of the reverse proxy.
type proxy struct {
	handler   http.Handler
	ui        http.Handler // River's UI behind the admin key; nil without -ui
	metrics   http.Handler // /metrics; nil without -metrics
	prom      *hookprom.Metrics
	tls       *tls.Config     // nil: plain HTTP
	transport *http.Transport // to the upstream; idle connections closed on shutdown
	logger    *slog.Logger
	// riverLogger gets the records of River (under the inbox and the UI).
	riverLogger *slog.Logger
	closers     []func(context.Context) // run in reverse order by close
}

// onClose registers fn to run when serve stops (or build fails).
func (p *proxy) onClose(fn func(context.Context)) { p.closers = append(p.closers, fn) }

// close releases what build opened, the last first.
func (p *proxy) close(ctx context.Context) {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i](ctx)
	}
	p.closers = nil
}

// build validates the flags and assembles the Guard and the proxy.
func (c *serveConfig) build(ctx context.Context, e *env) (*proxy, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("-log-level %q: want debug, info, warn or error", c.logLevel)
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))

	if c.upstream == "" {
		return nil, errors.New("-upstream is required")
	}
	up, err := url.Parse(c.upstream)
	if err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		return nil, fmt.Errorf("-upstream %q is not an http(s) URL", c.upstream)
	}
	auth, err := c.schemes.resolve(e)
	if err != nil {
		return nil, err
	}
	if c.lease <= 0 || c.keep <= 0 || c.upTimeout <= 0 {
		return nil, fmt.Errorf("-lease, -keep and -upstream-timeout must be positive durations")
	}
	uiKey, err := c.ui.key(e, c.inbox.database)
	if err != nil {
		return nil, err
	}
	// With -inbox the upstream's time is bounded per attempt, and a
	// running forward by -inbox-rescue-after: -lease plays no part.
	if c.inbox.database == "" && c.upTimeout >= c.lease {
		return nil, fmt.Errorf("-upstream-timeout %v must be shorter than -lease %v: a retry could otherwise run while the upstream still works on the first delivery", c.upTimeout, c.lease)
	}
	cfg := middleware.Config{
		Lease:          c.lease,
		Keep:           c.keep,
		Window:         replay.Window{Past: c.window, Future: c.window},
		Replay:         replay.NewMemory(c.replayCap),
		MaxBody:        c.maxBody,
		Now:            e.now,
		Logger:         logger,
		ClientIPHeader: c.ipHeader,
		RequireTLS:     c.requireTLS,
	}
	auth.apply(&cfg)
	if c.replayCap < 1 {
		return nil, fmt.Errorf("-replay-capacity %d: want at least 1", c.replayCap)
	}
	if c.window <= 0 {
		return nil, fmt.Errorf("-window %v: want a positive duration", c.window)
	}
	if c.maxBody <= 0 {
		return nil, fmt.Errorf("-max-body %d: want a positive size", c.maxBody)
	}
	if c.trusted != "" {
		if cfg.TrustedProxies, err = ipallow.Parse(c.trusted); err != nil {
			return nil, fmt.Errorf("-trusted-proxy: %w", err)
		}
	}
	if c.rate < 0 || math.IsNaN(c.rate) || math.IsInf(c.rate, 0) {
		return nil, fmt.Errorf("-rate %v: want a positive number, or 0 for no limit", c.rate)
	}
	if c.rate > 0 {
		lim, err := ratelimit.NewMemoryWithOptions(ratelimit.MemoryOptions{Rate: rate.Limit(c.rate), Burst: c.limitBurst(), MaxKeys: 100_000})
		if err != nil {
			return nil, fmt.Errorf("-rate/-burst: %w", err)
		}
		cfg.Limiter = lim
	}
	if c.eventIDField != "" {
		cfg.EventID = middleware.JSONFieldEventID(c.eventIDField)
	}

	// River reports every retry and its periodic counts at info: below
	// debug, it says only what needs attention (serve logs each forward).
	p := &proxy{logger: logger, riverLogger: slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: max(level, slog.LevelWarn)}))}
	if level <= slog.LevelDebug {
		p.riverLogger = logger
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return nil, errors.New("-tls-cert and -tls-key go together")
	}
	if c.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(c.tlsCert, c.tlsKey)
		if err != nil {
			return nil, fmt.Errorf("-tls-cert/-tls-key: %w", err)
		}
		p.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	watchCtx, cancelWatch := context.WithCancel(ctx)
	p.onClose(func(context.Context) { cancelWatch() })
	if c.allowFile != "" {
		if c.allowReload <= 0 {
			p.close(ctx)
			return nil, fmt.Errorf("-allow-reload %v: want a positive duration", c.allowReload)
		}
		holder := ipallow.NewHolder(nil)
		done, err := ipallow.WatchFile(watchCtx, c.allowFile, holder, ipallow.WatchOptions{
			Interval: c.allowReload,
			Tick:     e.allowTick,
			// A reload may not bring what the Guard refuses at start-up.
			Check: func(l *ipallow.List) error {
				if p, whole := l.WholeFamily(); whole {
					return fmt.Errorf("the list covers every address of a family (%v): it would allow everyone", p)
				}
				return nil
			},
			OnError: func(err error) {
				logger.Error("hookguard serve: allow list not reloaded, keeping the last good one", "file", c.allowFile, "error", err)
				if e.allowReloaded != nil {
					e.allowReloaded(err)
				}
			},
			OnReload: func(l *ipallow.List) {
				logger.Info("hookguard serve: allow list reloaded", "file", c.allowFile, "entries", l.Len())
				if e.allowReloaded != nil {
					e.allowReloaded(nil)
				}
			},
		})
		if err != nil {
			p.close(ctx)
			return nil, fmt.Errorf("-allow: %w", err)
		}
		p.onClose(func(context.Context) { cancelWatch(); <-done })
		cfg.Allow = holder
	}
	if c.metricsAddr != "" {
		if p.prom, p.metrics, err = newServeMetrics(&cfg); err != nil {
			p.close(ctx)
			return nil, fmt.Errorf("-metrics: %w", err)
		}
	}
	if err := c.assemble(ctx, p, &cfg, up, uiKey); err != nil {
		p.close(ctx)
		return nil, err
	}
	if p.prom != nil {
		if err := watchStores(p.prom, &cfg); err != nil {
			p.close(ctx)
			return nil, fmt.Errorf("-metrics: %w", err)
		}
	}
	logger.Info("hookguard serve: configured",
		"scheme", auth.scheme.name(), "upstream", up.Redacted(), "secret_ids", auth.keyIDs(),
		"replay_store", c.replayDesc(), "limiter", limiterDesc(c),
		"lease", c.lease, "keep", c.keep, "upstream_timeout", c.upTimeout)
	return p, nil
}

// assemble opens the stores of the flags (Redis, the inbox, its UI) and
// puts the Guard and the forwarder, synchronous or through the inbox, in p.
// What it opens is closed by p.close.
func (c *serveConfig) assemble(ctx context.Context, p *proxy, cfg *middleware.Config, up *url.URL, uiKey []byte) error {
	if c.redisURL != "" {
		rdb, err := openRedis(c.redisURL)
		if err != nil {
			return err
		}
		p.onClose(func(context.Context) { _ = rdb.Close() })
		if c.inbox.database == "" {
			if cfg.Replay, err = redisReplay(rdb); err != nil {
				return err
			}
		}
		if cfg.Limiter != nil {
			if cfg.Limiter, err = redisLimiter(rdb, c.rate, c.limitBurst()); err != nil {
				return err
			}
		}
	}
	client, transport := newUpstreamClient()
	p.transport = transport
	if p.prom != nil {
		client.Transport = p.prom.Transport(client.Transport)
	}
	if c.inbox.database == "" {
		guard, err := middleware.New(*cfg)
		if err != nil {
			return err
		}
		p.handler = guard.Handler(&forwarder{upstream: up, client: client, timeout: c.upTimeout, logger: p.logger})
		return nil
	}
	ib, err := c.inbox.open(ctx, &inboxForwarder{upstream: up, client: client, timeout: c.upTimeout, logger: p.logger},
		c.maxBody, c.keep, p.riverLogger)
	if err != nil {
		return err
	}
	p.onClose(func(ctx context.Context) {
		if err := ib.Close(ctx); err != nil {
			p.logger.Warn("hookguard serve: inbox closed with forwards still running; they are retried at the next start", "error", err)
		}
	})
	cfg.Replay = ib.Dedup()
	guard, err := middleware.New(*cfg)
	if err != nil {
		return err
	}
	p.handler = guard.Handler(recordRequest(ib.Handler()))
	if uiKey != nil {
		ui, closeUI, err := newUI(ctx, c.inbox.database, ib, uiKey, p.riverLogger)
		if err != nil {
			return openError{err}
		}
		p.onClose(func(context.Context) { closeUI() })
		p.ui = ui
	}
	return nil
}

// replayDesc describes the dedup for the start-up log.
func (c *serveConfig) replayDesc() string {
	switch {
	case c.inbox.database != "":
		return "inbox " + redactDatabase(c.inbox.database)
	case c.redisURL != "":
		return "redis " + redactURL(c.redisURL)
	}
	return fmt.Sprintf("memory (%d IDs)", c.replayCap)
}

// limiterDesc describes the rate limit for the start-up log.
func limiterDesc(c *serveConfig) string {
	switch {
	case c.rate == 0:
		return "none"
	case c.redisURL != "":
		return fmt.Sprintf("redis (%g/s per client IP)", c.rate)
	}
	return fmt.Sprintf("memory (%g/s per client IP)", c.rate)
}

// limitBurst is -burst, or twice -rate (at least 1) when it is 0.
func (c *serveConfig) limitBurst() int {
	if c.burst == 0 {
		return max(1, int(math.Ceil(2*c.rate)))
	}
	return c.burst
}

// serve listens on addr (and uiAddr with -ui) until ctx is cancelled, then
// shuts down gracefully: the listeners first, then what build opened (the
// inbox's workers get what is left of grace to finish their forwards).
func (p *proxy) serve(ctx context.Context, e *env, addr, uiAddr, metricsAddr string, grace time.Duration) error {
	defer p.close(context.WithoutCancel(ctx)) // after a failure; a no-op after a shutdown
	main, err := p.listen(ctx, p.handler, addr)
	if err != nil {
		return err
	}
	p.logger.Info("hookguard serve: listening", "addr", main.addr, "tls", p.tls != nil)
	if e.listening != nil {
		e.listening(main.addr)
	}
	servers := []*server{main}
	var uiDone <-chan struct{} // nil without -ui: never ready
	if p.ui != nil {
		ui, err := p.listen(ctx, p.ui, uiAddr)
		if err != nil {
			_ = main.shutdown(ctx)
			return fmt.Errorf("-ui: %w", err)
		}
		p.logger.Info("hookguard serve: inbox UI listening", "addr", ui.addr, "tls", p.tls != nil)
		servers, uiDone = append(servers, ui), ui.done
	}
	var metricsDone <-chan struct{} // nil without -metrics
	if p.metrics != nil {
		ms, err := p.listenPlain(ctx, p.metrics, metricsAddr)
		if err != nil {
			for _, s := range servers {
				_ = s.shutdown(ctx)
			}
			return fmt.Errorf("-metrics: %w", err)
		}
		p.logger.Info("hookguard serve: metrics listening", "addr", ms.addr)
		servers, metricsDone = append(servers, ms), ms.done
	}
	select {
	case <-main.done:
	case <-metricsDone:
	case <-uiDone:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	var failed error
	for _, s := range servers {
		if err := s.shutdown(sctx); err != nil && failed == nil {
			failed = err
		}
	}
	p.close(sctx)
	p.transport.CloseIdleConnections()
	p.logger.Info("hookguard serve: stopped")
	return failed
}

// server is one of serve's HTTP listeners.
type server struct {
	srv  *http.Server
	addr string
	done chan struct{} // closed when Serve returned, with err set
	err  error
}

// listen starts serving h on addr (over TLS when configured).
func (p *proxy) listen(ctx context.Context, h http.Handler, addr string) (*server, error) {
	return p.listenTLS(ctx, h, addr, p.tls)
}

// listenPlain starts serving h on addr over plain HTTP (the metrics
// listener: scrapers reach it on an internal network).
func (p *proxy) listenPlain(ctx context.Context, h http.Handler, addr string) (*server, error) {
	return p.listenTLS(ctx, h, addr, nil)
}

func (p *proxy) listenTLS(ctx context.Context, h http.Handler, addr string, tlsConfig *tls.Config) (*server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(p.logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if tlsConfig != nil {
		srv.TLSConfig = tlsConfig
		ln = tls.NewListener(ln, tlsConfig)
	}
	s := &server{srv: srv, addr: ln.Addr().String(), done: make(chan struct{})}
	go func() {
		s.err = srv.Serve(ln)
		close(s.done)
	}()
	return s, nil
}

// shutdown stops s gracefully within ctx and reports why it stopped, when
// that was not the shutdown.
func (s *server) shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	<-s.done
	if !errors.Is(s.err, http.ErrServerClosed) {
		return s.err
	}
	return err
}
