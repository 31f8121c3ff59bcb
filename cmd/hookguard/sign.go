package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// delivery is the flags shared by sign and send: what to sign and how.
type delivery struct {
	schemes     schemeFlags
	url         string
	id          string
	timestamp   int64
	contentType string
}

func (d *delivery) register(fs *flag.FlagSet, urlDefault string) {
	d.schemes.register(fs, true)
	fs.StringVar(&d.url, "url", "", "for schemes that sign the URL: the `URL` the receiver verifies against (default: "+urlDefault+")")
	fs.StringVar(&d.id, "id", "", "event `ID` (default: a random msg_... ID)")
	fs.Int64Var(&d.timestamp, "timestamp", 0, "signed timestamp in `UNIX` seconds (default: now)")
	fs.StringVar(&d.contentType, "content-type", "application/json", "Content-Type of the delivery")
}

// signer resolves the scheme and loads its keys. target is the URL the
// delivery goes to ("" when unknown): the signed URL unless -url is given.
// Errors are usage errors.
func (d *delivery) signer(e *env, target string) (cliScheme, signFunc, error) {
	scheme, err := d.schemes.resolve()
	if err != nil {
		return cliScheme{}, nil, err
	}
	if err := checkURLFlag(scheme, "-url", d.url); err != nil {
		return cliScheme{}, nil, err
	}
	if d.url == "" {
		d.url = target
	}
	if scheme.needsURL() && d.url == "" {
		return cliScheme{}, nil, fmt.Errorf("%s signs the URL: give -url URL (the URL the receiver verifies against)", scheme.name())
	}
	sign, err := d.schemes.signer(e, scheme)
	if err != nil {
		return cliScheme{}, nil, err
	}
	return scheme, sign, nil
}

// sign returns the delivery's headers for body with event ID id.
func (d *delivery) sign(e *env, sign signFunc, id string, body []byte) (http.Header, error) {
	ts := e.now()
	if d.timestamp != 0 {
		ts = time.Unix(d.timestamp, 0)
	}
	h := http.Header{}
	if err := sign(h, d.url, id, ts, body); err != nil {
		return nil, err
	}
	if d.contentType != "" {
		h.Set("Content-Type", d.contentType)
	}
	return h, nil
}

func runSign(_ context.Context, e *env, args []string) int {
	var d delivery
	var curlURL string
	fs := newFlagSet("sign", "[flags] [BODY_FILE|-]", `
Sign a webhook body (a file, or stdin when no file or "-" is given) for a
provider scheme and print the headers a sender would add, one "Name: value"
per line. With -curl URL, print a ready curl command instead. The secret is
read from an environment variable or a file and is never printed. For
Standard Webhooks v1a (Ed25519) give the private key (whsk_...) with
-private-key-env or -private-key-file. Schemes that sign the URL (twilio,
square, hubspot) sign -url, by default the -curl URL.`, `
  export HG_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  hookguard sign -secret-env HG_SECRET body.json
  echo '{"type":"ping"}' | hookguard sign -scheme github -secret-file ./github.secret
  hookguard sign -secret-env HG_SECRET -curl http://127.0.0.1:8080/webhook body.json | sh
  hookguard sign -scheme standard-webhooks-v1a -private-key-env HG_WHSK body.json
  hookguard sign -scheme twilio -secret-env TWILIO_AUTH_TOKEN -url https://hooks.example.com/sms form.txt`)
	d.register(fs, "the -curl URL")
	fs.StringVar(&curlURL, "curl", "", "print a curl command that POSTs the signed body to `URL`")
	if status, ok := parseFlags(fs, e, args); !ok {
		return status
	}
	if fs.NArg() > 1 {
		return usageError(fs, e, "at most one body file, got %d arguments", fs.NArg())
	}
	scheme, signer, err := d.signer(e, curlURL)
	if err != nil {
		return usageError(fs, e, "%v", err)
	}
	if !scheme.public && scheme.hmac.SharedToken() {
		return usageError(fs, e, "the %s scheme sends the secret itself as a token; sign never prints secrets (use send)", scheme.name())
	}
	body, file, err := readInput(e, fs.Args())
	if err != nil {
		return failf(fs, e, "reading body: %v", err)
	}
	id := d.id
	if id == "" {
		id = newEventID()
	}
	h, err := d.sign(e, signer, id, body)
	if err != nil {
		return failf(fs, e, "%v", err)
	}
	if curlURL == "" {
		writeHeaders(e.stdout, h)
		return exitOK
	}
	writeCurl(e.stdout, curlURL, h, body, file)
	return exitOK
}

// writeHeaders prints h as "Name: value" lines in name order.
func writeHeaders(w io.Writer, h http.Header) {
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			fmt.Fprintf(w, "%s: %s\n", name, v)
		}
	}
}

// writeCurl prints a curl command that POSTs body with headers h to url.
// A body read from a file is referenced as @file; one read from stdin is
// inlined, quoted for the shell.
func writeCurl(w io.Writer, url string, h http.Header, body []byte, file string) {
	var b strings.Builder
	b.WriteString("curl -sS -X POST " + shellQuote(url))
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			b.WriteString(" \\\n  -H " + shellQuote(name+": "+v))
		}
	}
	if file != "" {
		b.WriteString(" \\\n  --data-binary " + shellQuote("@"+file))
	} else {
		b.WriteString(" \\\n  --data-binary " + shellQuote(string(body)))
	}
	fmt.Fprintln(w, b.String())
}
