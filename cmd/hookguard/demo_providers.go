package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/pubkey"
	"github.com/hookguard/hookguard/replay"
)

// Two more receivers on the demo's server, each behind a Guard of its own:
// Standard Webhooks v1a (Ed25519: the receiver holds only the public key)
// and Twilio (HMAC-SHA1 over the URL the sender was given, checked against
// the Guard's PublicURL rather than the loopback address it listens on).
const (
	demoEd25519Path = "/providers/ed25519"
	demoTwilioPath  = "/providers/twilio"
	demoPublicURL   = "https://hooks.example.com"
	demoTwilioBody  = "MessageSid=SM0001&From=%2B15551230001&Body=hello"
)

// providerDemo is the provider receivers' Guards and the senders' keys.
type providerDemo struct {
	edKey       ed25519.PrivateKey
	twilioToken []byte
	ed, twilio  *middleware.Guard
}

func newProviderDemo(logger *slog.Logger) (*providerDemo, error) {
	seed := sha256.Sum256([]byte("hookguard demo ed25519 key")) // fixed: the demo is reproducible
	p := &providerDemo{edKey: ed25519.NewKeyFromSeed(seed[:]), twilioToken: []byte("demo-twilio-auth-token-0123456789")}
	pub, err := pubkey.NewKeyring(pubkey.Key{ID: "demo-ed25519", Public: p.edKey.Public()})
	if err != nil {
		return nil, err
	}
	p.ed, err = middleware.New(middleware.Config{
		Authenticator: pubkey.NewVerifier(pubkey.StandardWebhooks, pub),
		Replay:        replay.NewMemory(1_000),
		Logger:        logger,
	})
	if err != nil {
		return nil, err
	}
	tw, err := hmac.NewKeyring(hmac.Secret{ID: "twilio-auth-token", Key: p.twilioToken})
	if err != nil {
		return nil, err
	}
	p.twilio, err = middleware.New(middleware.Config{
		Scheme: hmac.Twilio, Keyring: tw, PublicURL: demoPublicURL,
		Replay: replay.NewMemory(1_000),
		Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// routes serves the provider receivers on their paths and main on every
// other one.
func (d *demo) routes(main http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", main)
	mux.Handle(demoEd25519Path, d.providers.ed.Handler(d))
	mux.Handle(demoTwilioPath, d.providers.twilio.Handler(d))
	return mux
}

// providerRows sends the provider deliveries; url is the main receiver's.
func (d *demo) providerRows(ctx context.Context, url string) []demoRow {
	base := strings.TrimSuffix(url, "/webhook")
	p := d.providers
	var rows []demoRow
	row := func(what string, wantStatus int, wantReason, path string, o *outgoing, err error) {
		if err != nil {
			rows = append(rows, demoRow{what, wantStatus, wantReason, 0, "error", err.Error()})
			return
		}
		status, reason, detail := d.send(ctx, base+path, o)
		rows = append(rows, demoRow{what, wantStatus, wantReason, status, reason, detail})
	}

	ed := &outgoing{id: "msg_demo_v1a", body: []byte(demoBody), header: http.Header{"Content-Type": {"application/json"}}}
	signer, err := pubkey.NewSigner(pubkey.StandardWebhooks, p.edKey)
	if err == nil {
		err = signer.Sign(ed.header, ed.id, time.Now(), ed.body)
	}
	row("Standard Webhooks v1a: Ed25519 (public key only)", 200, "accepted", demoEd25519Path, ed, err)

	twilio := func(id, signedURL string) (*outgoing, error) {
		o := &outgoing{id: id, body: []byte(demoTwilioBody),
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}
		k, err := hmac.NewKeyring(hmac.Secret{Key: p.twilioToken})
		if err != nil {
			return nil, err
		}
		return o, hmac.NewSigner(hmac.Twilio, k).SignURL(o.header, http.MethodPost, signedURL, o.id, time.Now(), o.body, time.Now())
	}
	o, err := twilio("demo-twilio-1", demoPublicURL+demoTwilioPath)
	row("Twilio: HMAC over the receiver's public URL", 200, "accepted", demoTwilioPath, o, err)
	o, err = twilio("demo-twilio-2", demoPublicURL+"/providers/other")
	row("Twilio: HMAC over another URL", 401, "bad_signature", demoTwilioPath, o, err)
	return rows
}
