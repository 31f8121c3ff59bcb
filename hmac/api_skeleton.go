// Package hmac verifies and signs webhook deliveries. SKELETON: the hmac owner replaces this file.
package hmac

import (
	"crypto"
	"errors"
	"net/http"
	"time"
)

// Headers is the read side of a header map; http.Header satisfies it.
type Headers interface{ Get(key string) string }

// HeaderFunc adapts a lookup function (fasthttp, fiber) to Headers.
type HeaderFunc func(key string) string

// Get calls f.
func (f HeaderFunc) Get(key string) string { return f(key) }

// Secret is one signing key.
type Secret struct {
	ID        string
	Key       []byte
	NotBefore time.Time
	NotAfter  time.Time
}

// Keyring holds the secrets valid at once.
type Keyring struct{}

// NewKeyring returns a keyring.
func NewKeyring(secrets ...Secret) (*Keyring, error) { panic("unimplemented") }

// Rotate makes next the newest secret; others stay valid for grace.
func (k *Keyring) Rotate(next Secret, grace time.Duration) error { panic("unimplemented") }

// Revoke ends a secret now.
func (k *Keyring) Revoke(id string) error { panic("unimplemented") }

// Encoding is how a MAC is written on the wire.
type Encoding int

// Encodings.
const (
	Hex Encoding = iota
	Base64
)

// SchemeConfig describes a custom wire format.
type SchemeConfig struct {
	Name            string
	SignatureHeader string
	Prefix          string
	Encoding        Encoding
	Hash            crypto.Hash
	TimestampHeader string
	IDHeader        string
	Template        string
}

// Scheme is a provider's wire format.
type Scheme struct{ name string }

// Name returns the scheme's name.
func (s Scheme) Name() string { return s.name }

// ParseKey turns a displayed secret into key bytes.
func (s Scheme) ParseKey(secret string) ([]byte, error) { panic("unimplemented") }

// NewScheme builds a custom scheme.
func NewScheme(c SchemeConfig) (Scheme, error) { panic("unimplemented") }

// Presets.
var StandardWebhooks, Svix, Stripe, GitHub, Slack, Shopify, Paddle Scheme

// Result is what a successful verification proves.
type Result struct {
	Scheme    string
	SecretID  string
	ID        string
	Timestamp time.Time
}

// Verifier checks signatures.
type Verifier struct{}

// NewVerifier returns a verifier.
func NewVerifier(s Scheme, k *Keyring) *Verifier { panic("unimplemented") }

// Verify checks h and body using time.Now to select valid secrets.
func (v *Verifier) Verify(h Headers, body []byte) (Result, error) { panic("unimplemented") }

// VerifyAt is Verify with an explicit time for secret validity.
func (v *Verifier) VerifyAt(h Headers, body []byte, now time.Time) (Result, error) {
	panic("unimplemented")
}

// Signer writes signature headers.
type Signer struct{}

// NewSigner returns a signer.
func NewSigner(s Scheme, k *Keyring) *Signer { panic("unimplemented") }

// Sign writes the scheme's headers into h.
func (s *Signer) Sign(h http.Header, id string, ts time.Time, body []byte) error {
	panic("unimplemented")
}

// Errors.
var (
	ErrMissingHeader = errors.New("hmac: missing header")
	ErrMalformed     = errors.New("hmac: malformed signature")
	ErrMismatch      = errors.New("hmac: signature mismatch")
)
