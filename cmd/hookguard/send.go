package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// defaultSendBody is what send POSTs without -body.
const defaultSendBody = `{"type":"hookguard.test","data":{"hello":"world"}}`

func runSend(ctx context.Context, e *env, args []string) int {
	var (
		d       delivery
		bodyArg string
		repeat  int
		replay  bool
		timeout time.Duration
	)
	fs := newFlagSet("send", "[flags] URL", `
Sign a delivery and POST it to URL, the way a provider would, to test your own
endpoint. -repeat N sends N deliveries; each gets a new event ID and a fresh
signature unless -replay is set, in which case every delivery after the first
is a byte-for-byte replay of it (same event ID, timestamp and signature), which
a deduplicating receiver must not process twice. Prints one line per delivery:
number, event ID, status and the start of the response body. Exit status 0 when
every response was 2xx. Schemes that sign the URL (twilio, square,
hubspot) sign the URL sent to, or -url when the receiver was given another
(a public URL in front of a local port).`, `
  export HG_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
  hookguard send -secret-env HG_SECRET http://127.0.0.1:8080/webhook
  hookguard send -secret-env HG_SECRET -body event.json -repeat 3 -replay http://127.0.0.1:8080/webhook
  hookguard send -scheme github -secret-file gh.secret -body - http://127.0.0.1:8080/gh < push.json
  hookguard send -scheme standard-webhooks-v1a -private-key-env HG_WHSK http://127.0.0.1:8080/webhook
  hookguard send -scheme twilio -secret-env TWILIO_AUTH_TOKEN -content-type application/x-www-form-urlencoded \
      -body form.txt -url https://hooks.example.com/sms http://127.0.0.1:8080/sms`)
	d.register(fs, "the URL sent to")
	fs.StringVar(&bodyArg, "body", "", "`FILE` with the body to send, \"-\" for stdin (default: a small JSON test event)")
	fs.IntVar(&repeat, "repeat", 1, "number of deliveries to send")
	fs.BoolVar(&replay, "replay", false, "send every repeat as an exact replay of the first delivery (same event ID)")
	fs.DurationVar(&timeout, "timeout", 10*time.Second, "per-request timeout")
	if status, ok := parseFlags(fs, e, args); !ok {
		return status
	}
	if fs.NArg() != 1 {
		return usageError(fs, e, "want exactly one URL, got %d arguments", fs.NArg())
	}
	target := fs.Arg(0)
	if u, err := url.Parse(target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError(fs, e, "%q is not an http(s) URL", target)
	}
	if repeat < 1 {
		return usageError(fs, e, "-repeat must be at least 1")
	}
	if timeout <= 0 {
		return usageError(fs, e, "-timeout must be positive")
	}
	_, signer, err := d.signer(e, target)
	if err != nil {
		return usageError(fs, e, "%v", err)
	}
	body := []byte(defaultSendBody)
	switch bodyArg {
	case "":
	case "-":
		body, err = io.ReadAll(e.stdin)
	default:
		body, err = os.ReadFile(bodyArg)
	}
	if err != nil {
		return failf(fs, e, "reading body: %v", err)
	}

	// No redirect is followed: a 3xx would carry the signature (or a
	// provider's shared token) to a host the delivery was not addressed to.
	client := &http.Client{
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	status := exitOK
	var h http.Header
	id := d.id
	for i := 1; i <= repeat; i++ {
		if h == nil || !replay {
			if id == "" || (i > 1 && !replay) {
				id = newEventID()
			}
			if h, err = d.sign(e, signer, id, body); err != nil {
				return failf(fs, e, "%v", err)
			}
		}
		code, text, err := post(ctx, client, target, h, body)
		if err != nil {
			fmt.Fprintf(e.stdout, "#%-3d %s  error: %v\n", i, id, err)
			status = exitFail
			continue
		}
		fmt.Fprintf(e.stdout, "#%-3d %s  %d %s  %s\n", i, id, code, http.StatusText(code), text)
		if code >= 300 && code < 400 {
			fmt.Fprintf(e.stderr, "%s: the receiver answered a redirect (%d); not followed: deliveries go only to the URL given\n", fs.Name(), code)
		}
		if code < 200 || code > 299 {
			status = exitFail
		}
	}
	return status
}

// post sends one delivery and returns the status and the start of the
// response body on one line.
func post(ctx context.Context, c *http.Client, target string, h http.Header, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header = h.Clone()
	req.Header.Set("User-Agent", "hookguard-send")
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, strings.Join(strings.Fields(string(b)), " "), nil
}
