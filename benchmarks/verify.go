package benchmarks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	paddle "github.com/PaddleHQ/paddle-go-sdk/v4"
	playgithub "github.com/go-playground/webhooks/v6/github"
	"github.com/google/go-github/v84/github"
	"github.com/slack-go/slack"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stripe/stripe-go/v85/webhook"
	svix "github.com/svix/svix-webhooks/go"
)

// errRejected is returned by adapters whose library reports a mismatch as a
// boolean rather than an error.
var errRejected = errors.New("benchmarks: signature rejected")

// Verifier is one implementation under test for one wire format.
type Verifier struct {
	Name   string // report label, e.g. "stripe-go/v85 ValidatePayloadIgnoringTolerance"
	Key    string // short benchmark sub-name, e.g. "stripe-go"
	Kind   Kind
	Scheme Scheme
	Note   string // extra work the call does beyond verifying, if any
	// Prepare binds the implementation to one delivery and returns the call
	// the benchmark times. Any setup the library allows to be done once per
	// secret (parsing the secret, building the verifier) happens here.
	Prepare func(d *Delivery) (func() error, error)
}

// Kind tells hookguard, its peers and the floor apart in the report.
type Kind int

// Kinds.
const (
	KindHookguard Kind = iota
	KindPeer
	KindFloor
)

// resettableBody is a request body that can be rewound without allocating,
// for peers whose API takes an *http.Request.
type resettableBody struct{ bytes.Reader }

func (*resettableBody) Close() error { return nil }

func newRequest(d *Delivery) (*http.Request, *resettableBody, error) {
	rb := &resettableBody{}
	rb.Reset(d.Body)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://127.0.0.1/webhook", rb)
	if err != nil {
		return nil, nil, err
	}
	req.Header = d.Header
	return req, rb, nil
}

// FloorVerifier is the floor for any scheme: the same signed bytes through a
// pooled pre-keyed HMAC-SHA256 and hmac.Equal.
func FloorVerifier(s Scheme) Verifier {
	return Verifier{Name: "floor (pooled pre-keyed HMAC-SHA256 + hmac.Equal)", Key: "floor", Kind: KindFloor, Scheme: s,
		Prepare: func(d *Delivery) (func() error, error) {
			f := NewFloor(d.Key)
			prefix, body, mac := d.Prefix, d.Body, d.MAC
			return func() error {
				if !f.Verify(prefix, body, mac) {
					return errRejected
				}
				return nil
			}, nil
		}}
}

// PeerVerifiers returns the peer libraries that verify scheme s.
func PeerVerifiers(s Scheme) []Verifier {
	switch s {
	case StandardWebhooks:
		return []Verifier{
			{Name: "svix-webhooks/go VerifyIgnoringTimestamp", Key: "svix", Kind: KindPeer, Scheme: s,
				Note: "the timestamp-window check is skipped (hookguard's Verify leaves it to replay); it formats the signed content into one string (two copies of the body) and keys a new HMAC per call",
				Prepare: func(d *Delivery) (func() error, error) {
					wh, err := svix.NewWebhook(d.Secret)
					if err != nil {
						return nil, err
					}
					return func() error { return wh.VerifyIgnoringTimestamp(d.Body, d.Header) }, nil
				}},
			{Name: "standard-webhooks/libraries/go VerifyIgnoringTimestamp", Key: "standard-webhooks", Kind: KindPeer, Scheme: s,
				Note: "the timestamp-window check is skipped (hookguard's Verify leaves it to replay); it formats the signed content into one string (two copies of the body) and keys a new HMAC per call",
				Prepare: func(d *Delivery) (func() error, error) {
					wh, err := standardwebhooks.NewWebhook(d.Secret)
					if err != nil {
						return nil, err
					}
					return func() error { return wh.VerifyIgnoringTimestamp(d.Body, d.Header) }, nil
				}},
		}
	case Stripe:
		return []Verifier{
			{Name: "stripe-go/v85 webhook.ValidatePayloadIgnoringTolerance", Key: "stripe-go", Kind: KindPeer, Scheme: s,
				Note: "verify only (ConstructEvent would also decode the JSON event); tolerance check skipped",
				Prepare: func(d *Delivery) (func() error, error) {
					return func() error {
						return webhook.ValidatePayloadIgnoringTolerance(d.Body, d.Header.Get("Stripe-Signature"), d.Secret)
					}, nil
				}},
		}
	case GitHub:
		return []Verifier{
			{Name: "go-github/v84 ValidateSignature", Key: "go-github", Kind: KindPeer, Scheme: s,
				Prepare: func(d *Delivery) (func() error, error) {
					secret := []byte(d.Secret)
					return func() error {
						return github.ValidateSignature(d.Header.Get(github.SHA256SignatureHeader), d.Body, secret)
					}, nil
				}},
			{Name: "go-playground/webhooks/v6 github.Parse", Key: "go-playground", Kind: KindPeer, Scheme: s,
				Note: "no verify-only call: Parse also reads the request body and JSON-decodes the ping payload",
				Prepare: func(d *Delivery) (func() error, error) {
					hook, err := playgithub.New(playgithub.Options.Secret(d.Secret))
					if err != nil {
						return nil, err
					}
					req, rb, err := newRequest(d)
					if err != nil {
						return nil, err
					}
					return func() error {
						rb.Reset(d.Body)
						req.Body = rb
						_, err := hook.Parse(req, playgithub.PingEvent)
						return err
					}, nil
				}},
		}
	case Slack:
		return []Verifier{
			{Name: "slack-go NewSecretsVerifier+Write+Ensure", Key: "slack-go", Kind: KindPeer, Scheme: s,
				Note: "always checks the five-minute window; keys a new HMAC per request",
				Prepare: func(d *Delivery) (func() error, error) {
					return func() error {
						sv, err := slack.NewSecretsVerifier(d.Header, d.Secret)
						if err != nil {
							return err
						}
						if _, err := sv.Write(d.Body); err != nil {
							return err
						}
						return sv.Ensure()
					}, nil
				}},
		}
	case Paddle:
		return []Verifier{
			{Name: "paddle-go-sdk/v4 WebhookVerifier.Verify", Key: "paddle-go-sdk", Kind: KindPeer, Scheme: s,
				Note: "takes an *http.Request: reads the body through MaxBytesReader and replaces it; no tolerance option set",
				Prepare: func(d *Delivery) (func() error, error) {
					wv := paddle.NewWebhookVerifier(d.Secret)
					req, rb, err := newRequest(d)
					if err != nil {
						return nil, err
					}
					return func() error {
						rb.Reset(d.Body)
						req.Body = rb
						ok, err := wv.Verify(req)
						if err != nil {
							return err
						}
						if !ok {
							return errRejected
						}
						return nil
					}, nil
				}},
		}
	}
	panic(fmt.Sprintf("benchmarks: unknown scheme %q", s))
}
