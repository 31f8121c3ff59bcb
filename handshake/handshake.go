package handshake

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"

	stdhmac "crypto/hmac"

	"github.com/hookguard/hookguard/signature"
)

// Phase says where in the request path the Guard consults a Responder.
type Phase int

const (
	// BeforeVerify: unsigned GET challenges (Meta, Dropbox), checked before
	// signature verification.
	BeforeVerify Phase = iota
	// AfterVerify: signed POST challenges (Slack, Zoom, Twitch), checked
	// once the signature has verified.
	AfterVerify
)

// Request is what a Responder sees of a request.
type Request struct {
	Method   string
	RawQuery string // the URL's query without '?' (net/url.URL.RawQuery)
	Header   signature.Headers
	Body     []byte
}

// Response is the exact answer to a handshake.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Write writes r to w.
func (r Response) Write(w http.ResponseWriter) {
	for k, v := range r.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.Status)
	w.Write(r.Body)
}

// Responder recognises and answers one provider's handshake.
type Responder interface {
	// Phase says when the Guard calls Respond.
	Phase() Phase
	// Respond reports whether r is this provider's handshake and returns
	// the response to write. res is the verified result for AfterVerify
	// responders and zero for BeforeVerify ones. An error is a handshake to
	// refuse; it wraps signature.ErrMismatch or signature.ErrMalformed.
	Respond(r *Request, res signature.Result) (Response, bool, error)
}

// MaxChallenge bounds an echoed challenge, in bytes.
const MaxChallenge = 256

// checkChallenge accepts 1 to MaxChallenge URL-safe token characters:
// letters, digits and -._~+/=, nothing a browser could take for markup.
func checkChallenge(c string) error {
	if c == "" || len(c) > MaxChallenge {
		return fmt.Errorf("%w: challenge is empty or longer than %d bytes", signature.ErrMalformed, MaxChallenge)
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		ok := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
			b == '-' || b == '.' || b == '_' || b == '~' || b == '+' || b == '/' || b == '='
		if !ok {
			return fmt.Errorf("%w: challenge has byte %#x at %d", signature.ErrMalformed, b, i)
		}
	}
	return nil
}

// textResponse is the echo of a validated challenge.
func textResponse(challenge string) Response {
	return Response{
		Status: http.StatusOK,
		Header: http.Header{
			"Content-Type":           {"text/plain; charset=utf-8"},
			"X-Content-Type-Options": {"nosniff"},
		},
		Body: []byte(challenge),
	}
}

// query parses a raw query, refusing repeated keys the handshake reads.
func query(raw string, keys ...string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: query does not parse", signature.ErrMalformed)
	}
	for _, k := range keys {
		if len(q[k]) > 1 {
			return nil, fmt.Errorf("%w: query parameter %s repeated", signature.ErrMalformed, k)
		}
	}
	return q, nil
}

// equalToken compares two tokens in constant time (SHA-256 digests, so not
// even the length leaks).
func equalToken(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return stdhmac.Equal(g[:], w[:])
}
