package benchmarks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Scheme names a provider wire format used by the fixtures.
type Scheme string

// The wire formats a peer implements. StandardWebhooks is also what svix
// verifies (it accepts the webhook-* headers).
const (
	StandardWebhooks Scheme = "standard-webhooks"
	Stripe           Scheme = "stripe"
	GitHub           Scheme = "github"
	Slack            Scheme = "slack"
	Paddle           Scheme = "paddle"
)

// Schemes lists every wire format benchmarked, in report order.
var Schemes = []Scheme{StandardWebhooks, Stripe, GitHub, Slack, Paddle}

// Sizes are the body sizes benchmarked.
var Sizes = []int{1 << 10, 16 << 10, 256 << 10}

// SizeName renders a body size as 1KiB, 16KiB, 256KiB.
func SizeName(n int) string {
	if n%1024 == 0 {
		return strconv.Itoa(n/1024) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}

// Secrets as the providers display them. The Standard Webhooks key is the
// base64 part of a whsec_ secret; every other provider uses its secret
// string verbatim as the HMAC key.
const (
	StandardWebhooksSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	StripeSecret           = "whsec_test_secret_0123456789abcdef"
	GitHubSecret           = "gh-webhook-secret-0123456789abcdef"
	SlackSecret            = "8f742231b10e8888abcd99yyyzzz85a5"
	PaddleSecret           = "pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI6vEG"
)

// Delivery is one signed webhook request: the same bytes every adapter sees.
type Delivery struct {
	Scheme Scheme
	Body   []byte
	Header http.Header
	ID     string
	TS     time.Time
	Secret string // as displayed by the provider
	Key    []byte // HMAC key bytes
	Prefix []byte // signed content before the body
	MAC    []byte // raw HMAC-SHA256 over Prefix+Body
}

// Body returns a deterministic JSON object of exactly n bytes (n >= 128):
// a GitHub-style ping with an id, a type and padding. It is valid JSON so
// peers that decode the payload (go-playground/webhooks) accept it.
func Body(n int) []byte {
	const head = `{"zen":"Keep it logically awesome.","hook_id":12345,"id":"evt_0001","type":"ping","data":{"padding":"`
	const tail = `"}}`
	if n < len(head)+len(tail) {
		panic("benchmarks: body too small")
	}
	b := make([]byte, 0, n)
	b = append(b, head...)
	r := rand.New(rand.NewPCG(uint64(n), 0x5eed))
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for len(b) < n-len(tail) {
		b = append(b, alphabet[r.IntN(len(alphabet))])
	}
	return append(b, tail...)
}

// KeyFor returns the HMAC key bytes of a scheme's fixture secret.
func KeyFor(s Scheme) []byte {
	switch s {
	case StandardWebhooks:
		k, err := base64.StdEncoding.DecodeString(StandardWebhooksSecret[len("whsec_"):])
		if err != nil {
			panic(err)
		}
		return k
	case Stripe:
		return []byte(StripeSecret)
	case GitHub:
		return []byte(GitHubSecret)
	case Slack:
		return []byte(SlackSecret)
	case Paddle:
		return []byte(PaddleSecret)
	}
	panic("benchmarks: unknown scheme " + string(s))
}

// SecretFor returns the displayed secret of a scheme's fixture.
func SecretFor(s Scheme) string {
	switch s {
	case StandardWebhooks:
		return StandardWebhooksSecret
	case Stripe:
		return StripeSecret
	case GitHub:
		return GitHubSecret
	case Slack:
		return SlackSecret
	case Paddle:
		return PaddleSecret
	}
	panic("benchmarks: unknown scheme " + string(s))
}

// NewDelivery signs body in scheme s with event id and timestamp ts. The
// signature is computed here with crypto/hmac directly, independently of
// hookguard and of every peer.
func NewDelivery(s Scheme, id string, ts time.Time, body []byte) *Delivery {
	d := &Delivery{Scheme: s, Body: body, Header: http.Header{}, ID: id, TS: ts.Truncate(time.Second),
		Secret: SecretFor(s), Key: KeyFor(s)}
	unix := strconv.FormatInt(d.TS.Unix(), 10)
	switch s {
	case StandardWebhooks:
		d.Prefix = []byte(id + "." + unix + ".")
	case Stripe:
		d.Prefix = []byte(unix + ".")
	case GitHub:
		d.Prefix = nil
	case Slack:
		d.Prefix = []byte("v0:" + unix + ":")
	case Paddle:
		d.Prefix = []byte(unix + ":")
	}
	m := hmac.New(sha256.New, d.Key)
	m.Write(d.Prefix)
	m.Write(body)
	d.MAC = m.Sum(nil)
	h := d.Header
	switch s {
	case StandardWebhooks:
		h.Set("Webhook-Id", id)
		h.Set("Webhook-Timestamp", unix)
		h.Set("Webhook-Signature", "v1,"+base64.StdEncoding.EncodeToString(d.MAC))
	case Stripe:
		h.Set("Stripe-Signature", "t="+unix+",v1="+hex.EncodeToString(d.MAC))
	case GitHub:
		h.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(d.MAC))
		h.Set("X-GitHub-Delivery", id)
		h.Set("X-GitHub-Event", "ping")
	case Slack:
		h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(d.MAC))
		h.Set("X-Slack-Request-Timestamp", unix)
	case Paddle:
		h.Set("Paddle-Signature", "ts="+unix+";h1="+hex.EncodeToString(d.MAC))
	}
	h.Set("Content-Type", "application/json")
	return d
}

// Fixture returns a fresh delivery of size bytes in scheme s, signed now
// (peers such as slack-go always enforce a five-minute window).
func Fixture(s Scheme, size int) *Delivery {
	return NewDelivery(s, fmt.Sprintf("msg_%s_%d", s, size), time.Now(), Body(size))
}

// Tampered returns a copy of d whose body differs in one byte; its headers
// still carry d's signature, so every verifier must refuse it.
func (d *Delivery) Tampered() *Delivery {
	t := *d
	t.Body = append([]byte(nil), d.Body...)
	i := len(t.Body) / 2
	t.Body[i] ^= 0x01
	t.Header = d.Header.Clone()
	return &t
}
