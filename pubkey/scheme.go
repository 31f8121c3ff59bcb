package pubkey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/hookguard/hookguard/signature"
)

type algorithm uint8

const (
	algEd25519   algorithm = iota + 1
	algECDSAP256           // ECDSA P-256 over SHA-256, ASN.1 DER signatures
)

// layout is the shape of the signature header.
type layout uint8

const (
	layoutStandard layout = iota + 1 // "v1a,<base64> v1,<base64> ..." (Standard Webhooks)
	layoutHex                        // one hex signature (Discord)
	layoutBase64                     // one base64 signature (SendGrid, DER)
)

// keyFormat is how keys are displayed.
type keyFormat uint8

const (
	keyWhpk      keyFormat = iota + 1 // "whpk_"/"whsk_" + base64 (Standard Webhooks)
	keyHex                            // hex (Discord)
	keyDERBase64                      // base64 DER: SPKI public, SEC 1 or PKCS #8 private (SendGrid)
)

// Scheme is a provider's public-key wire format. Schemes are immutable
// values, safe to copy and share. The zero Scheme verifies nothing.
type Scheme struct {
	name      string
	alg       algorithm
	layout    layout
	keyFormat keyFormat
	sigHeader string
	tsHeader  string
	idHeader  string
	signsID   bool // "{id}.{timestamp}.{body}"; otherwise timestamp ‖ body
}

// Presets. Each is checked in the tests against the provider's published
// example where one exists (see testdata/vectors.json).
var (
	// StandardWebhooks is Standard Webhooks' asymmetric signature:
	// "webhook-signature: v1a,<base64 Ed25519 signature>" over
	// "{id}.{timestamp}.{body}" with webhook-id and webhook-timestamp.
	// Public keys are displayed as "whpk_" + base64 of the 32-byte key,
	// private keys as "whsk_" + base64 of the 64-byte key. "v1" (HMAC)
	// entries in the same header are skipped: hmac.StandardWebhooks
	// checks those.
	StandardWebhooks = Scheme{name: "standard-webhooks-v1a", alg: algEd25519, layout: layoutStandard, keyFormat: keyWhpk,
		sigHeader: "Webhook-Signature", tsHeader: "Webhook-Timestamp", idHeader: "Webhook-Id", signsID: true}

	// Discord interactions: "X-Signature-Ed25519: <hex Ed25519 signature>"
	// over timestamp ‖ body, "X-Signature-Timestamp" in unix seconds; the
	// application's public key is displayed in hex. No event ID header
	// (the interaction ID is in the body).
	Discord = Scheme{name: "discord", alg: algEd25519, layout: layoutHex, keyFormat: keyHex,
		sigHeader: "X-Signature-Ed25519", tsHeader: "X-Signature-Timestamp"}

	// SendGrid's signed Event Webhook: ECDSA P-256 with SHA-256, the DER
	// signature in base64 in "X-Twilio-Email-Event-Webhook-Signature" over
	// timestamp ‖ body, "X-Twilio-Email-Event-Webhook-Timestamp" in unix
	// seconds; the verification key is base64 DER (SubjectPublicKeyInfo)
	// as the dashboard shows it. No event ID header (sg_event_id is in the
	// body).
	SendGrid = Scheme{name: "sendgrid", alg: algECDSAP256, layout: layoutBase64, keyFormat: keyDERBase64,
		sigHeader: "X-Twilio-Email-Event-Webhook-Signature", tsHeader: "X-Twilio-Email-Event-Webhook-Timestamp"}
)

// Presets returns every preset, for CLIs and docs that list them.
func Presets() []Scheme { return []Scheme{StandardWebhooks, Discord, SendGrid} }

// PresetByName returns the preset whose Name is name.
func PresetByName(name string) (Scheme, bool) {
	for _, s := range Presets() {
		if s.name == name {
			return s, true
		}
	}
	return Scheme{}, false
}

// Name returns the scheme's name, reported in [signature.Result.Scheme].
func (s Scheme) Name() string { return s.name }

// Info describes the scheme for the Guard and the CLI.
func (s Scheme) Info() signature.Info {
	return signature.Info{
		Name: s.name, SignatureHeader: s.sigHeader, TimestampHeader: s.tsHeader, IDHeader: s.idHeader,
		SignsTimestamp: s.alg != 0, SignsID: s.signsID,
	}
}

// ParsePublicKey turns a public key as the provider displays it into a key
// for [Key.Public]: "whpk_" + base64 (Standard Webhooks; the prefix is
// optional), hex (Discord), base64 DER SubjectPublicKeyInfo (SendGrid). The
// key's algorithm must be the scheme's.
func (s Scheme) ParsePublicKey(text string) (crypto.PublicKey, error) {
	switch s.keyFormat {
	case keyWhpk:
		raw, err := decodeCanonical(strings.TrimPrefix(text, "whpk_"))
		if err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, errors.New("pubkey: public key is not whpk_ followed by base64 of 32 bytes")
		}
		return ed25519.PublicKey(raw), nil
	case keyHex:
		raw, err := hex.DecodeString(text)
		if err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, errors.New("pubkey: public key is not 64 hex digits")
		}
		return ed25519.PublicKey(raw), nil
	case keyDERBase64:
		der, err := decodeCanonical(text)
		if err != nil {
			return nil, errors.New("pubkey: public key is not canonical base64")
		}
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, fmt.Errorf("pubkey: public key is not DER SubjectPublicKeyInfo: %w", err)
		}
		ec, ok := pub.(*ecdsa.PublicKey)
		if !ok || ec.Curve != elliptic.P256() {
			return nil, errors.New("pubkey: public key is not ECDSA P-256")
		}
		return ec, nil
	}
	return nil, errors.New("pubkey: zero Scheme")
}

// FormatPublicKey is the inverse of ParsePublicKey: the form in which a
// public key is displayed to receivers.
func (s Scheme) FormatPublicKey(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		switch s.keyFormat {
		case keyWhpk:
			return "whpk_" + base64.StdEncoding.EncodeToString(k), nil
		case keyHex:
			return hex.EncodeToString(k), nil
		}
	case *ecdsa.PublicKey:
		if s.keyFormat == keyDERBase64 {
			der, err := x509.MarshalPKIXPublicKey(k)
			if err != nil {
				return "", err
			}
			return base64.StdEncoding.EncodeToString(der), nil
		}
	}
	return "", fmt.Errorf("pubkey: scheme %q does not use %T keys", s.name, pub)
}

// ParsePrivateKey turns a displayed private key into a signer for
// [NewSigner]: "whsk_" + base64 of the 64-byte Ed25519 key (Standard
// Webhooks), hex of the 32-byte seed or 64-byte key (Discord), base64 DER
// SEC 1 or PKCS #8 (SendGrid). Only senders and tests need it.
func (s Scheme) ParsePrivateKey(text string) (crypto.Signer, error) {
	switch s.keyFormat {
	case keyWhpk:
		raw, err := decodeCanonical(strings.TrimPrefix(text, "whsk_"))
		if err != nil || len(raw) != ed25519.PrivateKeySize {
			return nil, errors.New("pubkey: private key is not whsk_ followed by base64 of 64 bytes")
		}
		return checkEd25519Private(raw)
	case keyHex:
		raw, err := hex.DecodeString(text)
		if err != nil {
			return nil, errors.New("pubkey: private key is not hex")
		}
		switch len(raw) {
		case ed25519.SeedSize:
			return ed25519.NewKeyFromSeed(raw), nil
		case ed25519.PrivateKeySize:
			return checkEd25519Private(raw)
		}
		return nil, errors.New("pubkey: private key is not 32 or 64 bytes of hex")
	case keyDERBase64:
		der, err := decodeCanonical(text)
		if err != nil {
			return nil, errors.New("pubkey: private key is not canonical base64")
		}
		if k, err := x509.ParseECPrivateKey(der); err == nil && k.Curve == elliptic.P256() {
			return k, nil
		}
		if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
			if ec, ok := k.(*ecdsa.PrivateKey); ok && ec.Curve == elliptic.P256() {
				return ec, nil
			}
		}
		return nil, errors.New("pubkey: private key is not a P-256 SEC 1 or PKCS #8 DER key")
	}
	return nil, errors.New("pubkey: zero Scheme")
}

// checkEd25519Private refuses a 64-byte key whose public half does not
// belong to its seed.
func checkEd25519Private(raw []byte) (crypto.Signer, error) {
	k := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
	if !k.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(raw[ed25519.SeedSize:])) {
		return nil, errors.New("pubkey: private key's public half does not match its seed")
	}
	return k, nil
}

// decodeCanonical decodes standard padded base64, refusing any spelling
// but the canonical one.
func decodeCanonical(s string) ([]byte, error) {
	raw, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(raw) == 0 || base64.StdEncoding.EncodeToString(raw) != s {
		return nil, errors.New("not canonical base64")
	}
	return raw, nil
}
