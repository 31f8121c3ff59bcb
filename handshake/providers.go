package handshake

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/signature"
)

// Slack answers Events API url_verification: a signed POST whose JSON body
// has "type":"url_verification" and a "challenge", echoed as text/plain.
type Slack struct{}

// Phase is AfterVerify.
func (Slack) Phase() Phase { return AfterVerify }

// Respond implements [Responder].
func (Slack) Respond(r *Request, _ signature.Result) (Response, bool, error) {
	if r.Method != http.MethodPost || !bytes.Contains(r.Body, []byte(`"url_verification"`)) {
		return Response{}, false, nil
	}
	var b struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(r.Body, &b); err != nil || b.Type != "url_verification" {
		return Response{}, false, nil // an event that mentions the word
	}
	if err := checkChallenge(b.Challenge); err != nil {
		return Response{}, false, err
	}
	return textResponse(b.Challenge), true, nil
}

// Twitch answers EventSub webhook_callback_verification: a signed POST
// with Twitch-Eventsub-Message-Type: webhook_callback_verification whose
// JSON body has a "challenge", echoed raw as text/plain.
type Twitch struct{}

// Phase is AfterVerify.
func (Twitch) Phase() Phase { return AfterVerify }

// Respond implements [Responder].
func (Twitch) Respond(r *Request, _ signature.Result) (Response, bool, error) {
	typ, err := signature.OptionalHeaderValue(r.Header, "Twitch-Eventsub-Message-Type")
	if err != nil {
		return Response{}, false, err
	}
	if typ != "webhook_callback_verification" || r.Method != http.MethodPost {
		return Response{}, false, nil
	}
	var b struct {
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return Response{}, false, fmt.Errorf("%w: verification body is not JSON", signature.ErrMalformed)
	}
	if err := checkChallenge(b.Challenge); err != nil {
		return Response{}, false, err
	}
	return textResponse(b.Challenge), true, nil
}

// Zoom answers endpoint.url_validation: a signed POST whose JSON body has
// "event":"endpoint.url_validation" and payload.plainToken; the answer is
// JSON {"plainToken": ..., "encryptedToken": hex HMAC-SHA256(secret,
// plainToken)} with the secret that verified the request.
type Zoom struct {
	// Keys is the keyring the Zoom scheme verifies with.
	Keys *hmac.Keyring
}

// Phase is AfterVerify.
func (Zoom) Phase() Phase { return AfterVerify }

// Respond implements [Responder]. res.SecretID names the secret to answer
// with.
func (z Zoom) Respond(r *Request, res signature.Result) (Response, bool, error) {
	if r.Method != http.MethodPost || !bytes.Contains(r.Body, []byte(`"endpoint.url_validation"`)) {
		return Response{}, false, nil
	}
	var b struct {
		Event   string `json:"event"`
		Payload struct {
			PlainToken string `json:"plainToken"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(r.Body, &b); err != nil || b.Event != "endpoint.url_validation" {
		return Response{}, false, nil
	}
	if err := checkChallenge(b.Payload.PlainToken); err != nil {
		return Response{}, false, err
	}
	if z.Keys == nil || res.SecretID == "" {
		return Response{}, false, fmt.Errorf("%w: Zoom handshake needs the keyring and a verified result", signature.ErrMismatch)
	}
	mac, err := z.Keys.SumSHA256(res.SecretID, []byte(b.Payload.PlainToken))
	if err != nil {
		return Response{}, false, fmt.Errorf("%w: %v", signature.ErrMismatch, err)
	}
	body, _ := json.Marshal(struct {
		PlainToken     string `json:"plainToken"`
		EncryptedToken string `json:"encryptedToken"`
	}{b.Payload.PlainToken, hex.EncodeToString(mac)})
	return Response{
		Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   body,
	}, true, nil
}

// Meta answers the Graph API subscription check (Facebook, Instagram,
// WhatsApp Cloud API): GET ?hub.mode=subscribe&hub.verify_token=<token>
// &hub.challenge=<challenge> is answered with the challenge when the
// verify token matches (compared in constant time, never echoed); a wrong
// token is refused like a forged delivery.
type Meta struct {
	// VerifyToken is the token configured in the app dashboard. Required.
	VerifyToken string
}

// Phase is BeforeVerify.
func (Meta) Phase() Phase { return BeforeVerify }

// Respond implements [Responder].
func (m Meta) Respond(r *Request, _ signature.Result) (Response, bool, error) {
	if r.Method != http.MethodGet || r.RawQuery == "" {
		return Response{}, false, nil
	}
	q, err := query(r.RawQuery, "hub.mode", "hub.verify_token", "hub.challenge")
	if err != nil {
		return Response{}, false, err
	}
	if q.Get("hub.mode") != "subscribe" {
		return Response{}, false, nil
	}
	if m.VerifyToken == "" || !equalToken(q.Get("hub.verify_token"), m.VerifyToken) {
		return Response{}, false, fmt.Errorf("%w: hub.verify_token does not match", signature.ErrMismatch)
	}
	c := q.Get("hub.challenge")
	if err := checkChallenge(c); err != nil {
		return Response{}, false, err
	}
	return textResponse(c), true, nil
}

// Dropbox answers the webhook verification GET ?challenge=<challenge> by
// echoing the challenge as text/plain with X-Content-Type-Options:
// nosniff, as Dropbox requires. It proves nothing about the caller (the
// request is unsigned); it only lets Dropbox enable the webhook.
type Dropbox struct{}

// Phase is BeforeVerify.
func (Dropbox) Phase() Phase { return BeforeVerify }

// Respond implements [Responder].
func (Dropbox) Respond(r *Request, _ signature.Result) (Response, bool, error) {
	if r.Method != http.MethodGet || r.RawQuery == "" {
		return Response{}, false, nil
	}
	q, err := query(r.RawQuery, "challenge")
	if err != nil {
		return Response{}, false, err
	}
	c, ok := q["challenge"]
	if !ok {
		return Response{}, false, nil
	}
	if err := checkChallenge(c[0]); err != nil {
		return Response{}, false, err
	}
	return textResponse(c[0]), true, nil
}
