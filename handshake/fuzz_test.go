package handshake_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/hookguard/hookguard/handshake"
	hghmac "github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/signature"
)

// FuzzRespond: no responder panics on any body or query; an answered
// handshake echoes only bounded token characters (or Zoom's JSON); every
// error wraps a sentinel or is Zoom's configuration error.
func FuzzRespond(f *testing.F) {
	f.Add("POST", "", []byte(`{"type":"url_verification","challenge":"abc"}`))
	f.Add("POST", "", []byte(`{"event":"endpoint.url_validation","payload":{"plainToken":"abc"}}`))
	f.Add("POST", "", []byte(`{"challenge":"abc"}`))
	f.Add("GET", "hub.mode=subscribe&hub.verify_token=t&hub.challenge=1", []byte(nil))
	f.Add("GET", "challenge=abc", []byte(nil))
	f.Add("GET", "challenge=%ZZ;", []byte(nil))
	ring, _ := hghmac.NewKeyring(hghmac.Secret{ID: "z", Key: []byte("zoom-secret-token-0123456789")})
	rs := []handshake.Responder{handshake.Slack{}, handshake.Twitch{}, handshake.Zoom{Keys: ring}, handshake.Meta{VerifyToken: "t"}, handshake.Dropbox{}}
	f.Fuzz(func(t *testing.T, method, query string, body []byte) {
		req := handshake.Request{Method: method, RawQuery: query, Body: body,
			Header: http.Header{"Twitch-Eventsub-Message-Type": {"webhook_callback_verification"}}}
		for _, r := range rs {
			resp, ok, err := r.Respond(&req, signature.Result{SecretID: "z"})
			if err != nil {
				if !errors.Is(err, signature.ErrMalformed) && !errors.Is(err, signature.ErrMismatch) {
					t.Fatalf("%T: error %v wraps no sentinel", r, err)
				}
				continue
			}
			if !ok {
				continue
			}
			if resp.Header.Get("Content-Type") == "application/json" {
				continue
			}
			if len(resp.Body) == 0 || len(resp.Body) > handshake.MaxChallenge {
				t.Fatalf("%T: echoed %d bytes", r, len(resp.Body))
			}
			for _, c := range resp.Body {
				if c == '<' || c == '>' || c == '"' || c == '\'' || c == '&' || c < ' ' {
					t.Fatalf("%T: echoed %q", r, resp.Body)
				}
			}
		}
	})
}
