package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hookguard/hookguard/inbox"
)

// With -inbox, serve acknowledges a delivery once the inbox committed it and
// forwards it later from a worker. The inbox keeps the body and the headers
// of -inbox-headers; what the forward needs from the request besides (its
// path and query, the Host it was sent to, TLS or not) is kept in these
// headers, which recordRequest sets after the Guard verified the delivery.
// They start with Hookguard-, so an inbound copy is overwritten here and
// never forwarded (forgeable).
const (
	headerStoredURI   = "Hookguard-Stored-Uri"   // the request's path and query
	headerStoredHost  = "Hookguard-Stored-Host"  // the Host the sender addressed
	headerStoredProto = "Hookguard-Stored-Proto" // "https" or "http"
	headerAttempt     = "Hookguard-Attempt"      // the forward's attempt, from 1
)

// storedHeaders are the headers recordRequest adds, kept by the inbox.
var storedHeaders = []string{headerStoredURI, headerStoredHost, headerStoredProto}

// recordRequest stores the request's path, host and protocol in the
// headers the inbox keeps, for the forward that follows later.
func recordRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set(headerStoredURI, r.URL.RequestURI())
		r.Header.Set(headerStoredHost, r.Host)
		proto := "http"
		if r.TLS != nil {
			proto = "https"
		}
		r.Header.Set(headerStoredProto, proto)
		next.ServeHTTP(w, r)
	})
}

// inboxForwarder forwards the deliveries the inbox committed to the
// upstream, one attempt per call of process: the same request the
// synchronous forwarder makes (headers kept, Hookguard-* added, forged
// ones dropped, no redirect followed), plus Hookguard-Attempt. A 2xx
// completes the delivery; any other status, a timeout or an unreachable
// upstream is an error, and the inbox retries it with backoff.
type inboxForwarder struct {
	upstream *url.URL
	client   *http.Client
	timeout  time.Duration // per attempt
	logger   *slog.Logger
}

// process is the inbox's Config.Process.
func (f *inboxForwarder) process(ctx context.Context, d inbox.Delivery) error {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	in, err := url.ParseRequestURI(d.Header.Get(headerStoredURI))
	if err != nil {
		in = &url.URL{Path: "/"} // stored before -inbox kept the request URI: the upstream itself
	}
	out, err := http.NewRequestWithContext(ctx, http.MethodPost, upstreamURL(f.upstream, in).String(), bytes.NewReader(d.Body))
	if err != nil {
		return err
	}
	copyForwardable(out.Header, d.Header)
	provenance{
		eventID: d.EventID, secretID: d.SecretID, scheme: d.Scheme, clientIP: d.ClientIP,
		host: d.Header.Get(headerStoredHost), https: d.Header.Get(headerStoredProto) == "https",
	}.annotate(out.Header)
	out.Header.Set(headerAttempt, strconv.Itoa(d.Attempt))
	resp, err := f.client.Do(out)
	if err != nil {
		f.logger.Warn("hookguard serve: forward failed; the inbox retries it", "id", d.ID, "event_id", d.EventID, "attempt", d.Attempt, "error", err)
		return fmt.Errorf("upstream: %w", err)
	}
	// The body is read (bounded) so the connection is reused; it is never
	// stored or logged: an upstream's error page may hold anything.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxUpstreamReply))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		f.logger.Warn("hookguard serve: upstream refused the delivery; the inbox retries it", "id", d.ID, "event_id", d.EventID, "attempt", d.Attempt, "status", resp.StatusCode)
		return fmt.Errorf("upstream answered %d", resp.StatusCode)
	}
	f.logger.Info("hookguard serve: delivery forwarded", "id", d.ID, "event_id", d.EventID, "attempt", d.Attempt, "status", resp.StatusCode)
	return nil
}

// backoff is the delay before attempt+1 of a failed forward: River's curve,
// attempt⁴ seconds (1 s, 16 s, 81 s, 256 s, ...), capped at limit, with
// ±10 % jitter so that deliveries that failed together do not retry in
// lockstep.
func backoff(limit time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		d := float64(limit)
		if s := math.Pow(float64(attempt), 4) * float64(time.Second); s < d {
			d = s
		}
		return time.Duration(d * (0.9 + 0.2*rand.Float64()))
	}
}
