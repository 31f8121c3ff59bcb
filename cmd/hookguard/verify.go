package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/replay"
	"github.com/hookguard/hookguard/signature"
)

func runVerify(_ context.Context, e *env, args []string) int {
	var (
		sf        schemeFlags
		window    time.Duration
		verifyURL string
	)
	fs := newFlagSet("verify", "[flags] [REQUEST_FILE|-]", `
Read a captured raw HTTP request (request line, headers, blank line, body; a
file, or stdin when no file or "-" is given) and say whether its signature
verifies for the scheme and secrets, which secret matched (by ID), the event
ID and the signed timestamp. When it does not verify, say why by class
(missing_header, malformed, bad_signature) and detail; the expected
signature is never printed. Exit status 0 when it verifies, 1 when it does
not, 2 on a usage error.

Give several secrets to check a rotation: -secret-env old=HG_OLD
-secret-env new=HG_NEW reports "old" or "new". Public-key schemes
(standard-webhooks-v1a, discord, sendgrid) take -public-key-env or
-public-key-file with the key as the provider shows it. Schemes that sign
the URL (twilio, square, hubspot) are checked against -url, by default
https:// + the request's Host + its request target; the output names the URL
used. A request without
Content-Length takes the rest of the input as its body. With -window, a
signed timestamp further than that from now (either way) is also a failure
(reason stale or future), as a Guard would answer.`, `
  hookguard verify -secret-env HG_SECRET captured.http
  hookguard verify -scheme stripe -secret-env old=STRIPE_OLD -secret-env new=STRIPE_NEW < req.txt
  hookguard verify -secret-env HG_SECRET -window 5m captured.http
  hookguard verify -scheme twilio -secret-env TWILIO_AUTH_TOKEN -url https://hooks.example.com/sms captured.http
  hookguard verify -scheme discord -public-key-env DISCORD_PUBLIC_KEY captured.http
  hookguard verify -scheme-file acme.json -secret-env ACME_SECRET captured.http`)
	sf.register(fs, false)
	fs.StringVar(&verifyURL, "url", "", "for schemes that sign the URL: the `URL` the sender signed (default: https:// + Host + request target)")
	fs.DurationVar(&window, "window", 0, "also check the signed timestamp is within this of now, past and future (0: not checked)")
	if status, ok := parseFlags(fs, e, args); !ok {
		return status
	}
	if fs.NArg() > 1 {
		return usageError(fs, e, "at most one request file, got %d arguments", fs.NArg())
	}
	if window < 0 {
		return usageError(fs, e, "-window must not be negative")
	}
	scheme, err := sf.resolve()
	if err != nil {
		return usageError(fs, e, "%v", err)
	}
	if err := checkURLFlag(scheme, "-url", verifyURL); err != nil {
		return usageError(fs, e, "%v", err)
	}
	vs, err := sf.verifier(e, scheme)
	if err != nil {
		return usageError(fs, e, "%v", err)
	}
	raw, _, err := readInput(e, fs.Args())
	if err != nil {
		return failf(fs, e, "reading request: %v", err)
	}
	req, body, err := parseRawRequest(raw)
	if err != nil {
		return failf(fs, e, "%v", err)
	}
	m := signature.Message{Method: req.Method, Header: req.Header, Body: body}
	if scheme.needsURL() {
		if m.URL = verifyURL; m.URL == "" {
			if m.URL, err = signature.RequestURL("", "https", req.Host, req.RequestURI); err != nil {
				return usageError(fs, e, "cannot rebuild the signed URL from the request (%v): give -url", err)
			}
		}
	}

	now := e.now()
	res, err := vs.auth.Authenticate(&m, now)
	w := e.stdout
	fmt.Fprintf(w, "request:   %s %s (%d-byte body)\n", req.Method, req.RequestURI, len(body))
	fmt.Fprintf(w, "scheme:    %s\n", scheme.name())
	if m.URL != "" {
		fmt.Fprintf(w, "url:       %s\n", m.URL)
	}
	if err != nil {
		fmt.Fprintf(w, "verified:  no\n")
		fmt.Fprintf(w, "reason:    %s\n", verifyClass(err))
		fmt.Fprintf(w, "detail:    %v\n", err)
		return exitFail
	}
	fmt.Fprintf(w, "verified:  yes\n")
	fmt.Fprintf(w, "secret:    %s\n", res.SecretID)
	if res.ID != "" {
		fmt.Fprintf(w, "event id:  %s\n", res.ID)
	}
	if !res.Timestamp.IsZero() {
		fmt.Fprintf(w, "timestamp: %s (%s)\n", res.Timestamp.UTC().Format(time.RFC3339), age(res.Timestamp, now))
	}
	if window > 0 {
		if res.Timestamp.IsZero() {
			fmt.Fprintf(w, "window:    not applicable (%s signs no timestamp)\n", scheme.name())
			return exitOK
		}
		if err := (replay.Window{Past: window, Future: window}).Check(res.Timestamp, now); err != nil {
			reason := "stale"
			if errors.Is(err, replay.ErrFuture) {
				reason = "future"
			}
			fmt.Fprintf(w, "window:    outside ±%s\n", window)
			fmt.Fprintf(w, "reason:    %s\n", reason)
			fmt.Fprintf(w, "detail:    %v\n", err)
			return exitFail
		}
		fmt.Fprintf(w, "window:    inside ±%s\n", window)
	}
	return exitOK
}

// parseRawRequest parses a captured HTTP/1.x request. Without
// Content-Length or chunked encoding, the rest of the input is the body.
func parseRawRequest(raw []byte) (*http.Request, []byte, error) {
	br := bufio.NewReader(bytes.NewReader(raw))
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, nil, fmt.Errorf("not a raw HTTP request: %v", err)
	}
	var body []byte
	if req.ContentLength > 0 || len(req.TransferEncoding) > 0 {
		body, err = io.ReadAll(req.Body)
		if err != nil {
			return nil, nil, fmt.Errorf("reading request body: %v", err)
		}
	} else {
		body, _ = io.ReadAll(br)
	}
	return req, body, nil
}

// verifyClass names the error class of a failed verification.
func verifyClass(err error) string {
	switch {
	case errors.Is(err, hmac.ErrMissingHeader):
		return "missing_header"
	case errors.Is(err, hmac.ErrMalformed):
		return "malformed"
	case errors.Is(err, hmac.ErrMismatch):
		return "bad_signature"
	default:
		return "error"
	}
}

// age says how far ts is from now, "12s ago" or "3m0s in the future".
func age(ts, now time.Time) string {
	d := now.Sub(ts).Round(time.Second)
	if d < 0 {
		return (-d).String() + " in the future"
	}
	return d.String() + " ago"
}
