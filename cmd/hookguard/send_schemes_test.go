package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/pubkey"
	"github.com/hookguard/hookguard/signature"
)

// authReceiver verifies every delivery with an Authenticator over the URL
// publicBase + the request target and records the outcomes.
type authReceiver struct {
	auth       signature.Authenticator
	publicBase string // "": the server's own URL
	mu         sync.Mutex
	errs       []error
}

func (a *authReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	base := a.publicBase
	if base == "" {
		base = "http://" + r.Host
	}
	m := signature.Message{Method: r.Method, URL: base + r.URL.RequestURI(), Header: r.Header, Body: body}
	_, err := a.auth.Authenticate(&m, fixedNow)
	a.mu.Lock()
	a.errs = append(a.errs, err)
	a.mu.Unlock()
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
	}
}

// TestSendSchemes: send signs with Ed25519 (Standard Webhooks v1a) and
// with a URL-signed scheme over the URL it posts to, or over -url.
func TestSendSchemes(t *testing.T) {
	kp := testKeyPairs["standard-webhooks-v1a"]
	pub, err := pubkey.StandardWebhooks.ParsePublicKey(kp.public)
	if err != nil {
		t.Fatal(err)
	}
	pubRing, err := pubkey.NewKeyring(pubkey.Key{ID: "k", Public: pub})
	if err != nil {
		t.Fatal(err)
	}
	twRing, err := hmac.NewKeyring(hmac.Secret{ID: "t", Key: []byte(twilioToken)})
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"PRIV": kp.private, "TWILIO": twilioToken}
	tests := []struct {
		name       string
		recv       *authReceiver
		args       []string
		path       string
		wantStatus int
	}{
		{"ed25519", &authReceiver{auth: pubkey.NewVerifier(pubkey.StandardWebhooks, pubRing)},
			[]string{"-scheme", "standard-webhooks-v1a", "-private-key-env", "PRIV"}, "/hook", exitOK},
		{"twilio over the URL sent to", &authReceiver{auth: hmac.NewVerifier(hmac.Twilio, twRing)},
			[]string{"-scheme", "twilio", "-secret-env", "TWILIO", "-body", "-"}, "/sms?x=1", exitOK},
		{"twilio over -url", &authReceiver{auth: hmac.NewVerifier(hmac.Twilio, twRing), publicBase: "https://hooks.example.com"},
			[]string{"-scheme", "twilio", "-secret-env", "TWILIO", "-body", "-", "-url", "https://hooks.example.com/sms?x=1"}, "/sms?x=1", exitOK},
		{"twilio over the wrong URL", &authReceiver{auth: hmac.NewVerifier(hmac.Twilio, twRing), publicBase: "https://hooks.example.com"},
			[]string{"-scheme", "twilio", "-secret-env", "TWILIO", "-body", "-"}, "/sms?x=1", exitFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.recv)
			defer srv.Close()
			r := runCLI(t, vars, "From=%2B15551234567&Body=hi", append(append([]string{"send", "-repeat", "2"}, tt.args...), srv.URL+tt.path)...)
			if r.code != tt.wantStatus {
				t.Fatalf("code %d, want %d\n%s%s", r.code, tt.wantStatus, r.stdout, r.stderr)
			}
			tt.recv.mu.Lock()
			defer tt.recv.mu.Unlock()
			if len(tt.recv.errs) != 2 {
				t.Fatalf("receiver got %d deliveries", len(tt.recv.errs))
			}
			for _, err := range tt.recv.errs {
				if (err == nil) != (tt.wantStatus == exitOK) {
					t.Errorf("receiver: %v", err)
				}
			}
			assertNoPrivateKey(t, r)
			if strings.Contains(r.stdout+r.stderr, twilioToken) {
				t.Fatal("send printed the token")
			}
		})
	}
}
