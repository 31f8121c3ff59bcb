package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/hookguard/hookguard/middleware"
)

// Headers serve sets on every forwarded delivery. Inbound headers that name
// one of these, or any header serve rewrites (see forgeable), are removed
// first, so a sender cannot forge them.
const (
	headerEventID  = "Hookguard-Event-Id"
	headerSecretID = "Hookguard-Secret-Id"
	headerScheme   = "Hookguard-Scheme"
	headerClientIP = "Hookguard-Client-Ip"
)

// maxUpstreamReply caps the upstream's response body relayed to the sender:
// providers read a status, not a body.
const maxUpstreamReply = 64 << 10

// forgeable reports whether an inbound header name is one serve sets or
// rewrites. Names are compared without regard to case and with '-' and '_'
// equal: WSGI, Rack, PHP and CGI servers merge the two, so an inbound
// Hookguard_Event_Id would reach the upstream's code as Hookguard-Event-Id.
func forgeable(name string) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	switch n {
	case "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded", "x-real-ip":
		return true
	}
	return strings.HasPrefix(n, "hookguard-")
}

// hopHeaders are connection-specific (RFC 9110 section 7.6.1) and never
// forwarded in either direction.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// forwarder sends a verified delivery to the upstream and answers the
// sender with the upstream's status. The upstream request runs on a context
// detached from the sender's connection, bounded by timeout: when a
// provider gives up and hangs up, the upstream still finishes, and its 2xx
// still completes the event, so the provider's retry is a duplicate rather
// than a second run.
type forwarder struct {
	upstream *url.URL
	client   *http.Client
	timeout  time.Duration
	logger   *slog.Logger
}

func (f *forwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, _ := middleware.EventFrom(r.Context())
	body, err := io.ReadAll(r.Body) // the Guard's buffered, capped copy
	if err != nil {
		f.fail(w, ev, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), f.timeout)
	defer cancel()
	out, err := http.NewRequestWithContext(ctx, http.MethodPost, upstreamURL(f.upstream, r.URL).String(), bytes.NewReader(body))
	if err != nil {
		f.fail(w, ev, err)
		return
	}
	copyForwardable(out.Header, r.Header)
	provenanceOf(r, ev).annotate(out.Header)
	resp, err := f.client.Do(out)
	if err != nil {
		f.fail(w, ev, err)
		return
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, maxUpstreamReply))
	if err != nil {
		f.fail(w, ev, err)
		return
	}
	for k, vs := range resp.Header {
		if !isHop(k) && k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	// The status decides the event (2xx completes it); a sender that hung
	// up meanwhile only makes the write below fail, which changes nothing.
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(reply)
}

// upstreamURL is the upstream URL with the inbound path and query (of in)
// appended.
func upstreamURL(upstream, in *url.URL) *url.URL {
	u := *upstream
	u.Path = strings.TrimSuffix(u.Path, "/") + in.Path
	u.RawPath = ""
	if u.RawQuery == "" {
		u.RawQuery = in.RawQuery
	} else if in.RawQuery != "" {
		u.RawQuery += "&" + in.RawQuery
	}
	return &u
}

// copyForwardable copies the inbound headers the upstream may see: neither
// hop-by-hop nor one serve sets (forgeable).
func copyForwardable(dst, src http.Header) {
	for k, vs := range src {
		if isHop(k) || forgeable(k) {
			continue
		}
		dst[k] = append([]string(nil), vs...)
	}
}

// provenance is what the Guard proved about a delivery and where it came
// from: what serve tells the upstream in the headers it sets.
type provenance struct {
	eventID, secretID, scheme string
	clientIP                  netip.Addr
	host                      string // the Host the sender addressed
	https                     bool   // it arrived over TLS
}

// provenanceOf is the provenance of the request r that the Guard verified as ev.
func provenanceOf(r *http.Request, ev middleware.Event) provenance {
	return provenance{eventID: ev.ID, secretID: ev.SecretID, scheme: ev.Scheme,
		clientIP: ev.ClientIP, host: r.Host, https: r.TLS != nil}
}

// annotate sets the Hookguard-* and forwarding headers on h.
func (p provenance) annotate(h http.Header) {
	h.Set(headerEventID, p.eventID)
	h.Set(headerSecretID, p.secretID)
	h.Set(headerScheme, p.scheme)
	if p.clientIP.IsValid() {
		ip := p.clientIP.String()
		h.Set(headerClientIP, ip)
		h.Set("X-Forwarded-For", ip)
	}
	h.Set("X-Forwarded-Host", p.host)
	if p.https {
		h.Set("X-Forwarded-Proto", "https")
	} else {
		h.Set("X-Forwarded-Proto", "http")
	}
}

// fail answers 502 so the Guard releases the event for the sender's retry.
func (f *forwarder) fail(w http.ResponseWriter, ev middleware.Event, err error) {
	f.logger.Error("hookguard serve: upstream failed; event released for the sender's retry",
		"event_id", ev.ID, "error", err)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = w.Write([]byte(`{"error":"upstream_unavailable"}` + "\n"))
}

func isHop(name string) bool {
	for _, h := range hopHeaders {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	return false
}

// newUpstreamClient returns the client serve forwards with: no redirects
// followed (a 3xx is the upstream's answer), its own connection pool.
func newUpstreamClient() (*http.Client, *http.Transport) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, t
}
