package hmac

import (
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"net/textproto"
	"strings"

	"github.com/hookguard/hookguard/signature"
)

// Encoding is how a MAC is written on the wire.
type Encoding int

const (
	// Hex is lower- or upper-case hexadecimal, exactly two digits per byte.
	// Both cases are accepted (.NET senders write upper case); the signer
	// writes lower case.
	Hex Encoding = iota
	// Base64 is standard, padded base64 (RFC 4648 §4) in canonical form
	// only: unused bits must be zero and no line breaks or spaces appear,
	// so one MAC has exactly one accepted spelling.
	Base64
)

func (e Encoding) String() string {
	switch e {
	case Hex:
		return "hex"
	case Base64:
		return "base64"
	}
	return "Encoding(" + fmt.Sprint(int(e)) + ")"
}

// TimestampFormat is how a signed timestamp is written on the wire; it is
// [signature.TimestampFormat].
type TimestampFormat = signature.TimestampFormat

// The timestamp formats a [SchemeConfig] may declare.
const (
	// UnixSeconds: decimal seconds since 1970 (the default).
	UnixSeconds = signature.UnixSeconds
	// UnixMilliseconds: decimal milliseconds since 1970 (HubSpot).
	UnixMilliseconds = signature.UnixMilliseconds
	// RFC3339: an RFC 3339 date-time (Twitch).
	RFC3339 = signature.RFC3339
)

// format is the shape of the signature header.
type format uint8

const (
	fmtNone     format = iota // zero Scheme
	fmtSingle                 // [prefix]<mac>: custom, GitHub, Slack, Shopify
	fmtStandard               // "v1,<base64> v1,<base64>": Standard Webhooks, Svix
	fmtStripe                 // "t=<ts>,v1=<hex>,v1=<hex>"
	fmtPaddle                 // "ts=<ts>;h1=<hex>;h1=<hex>"
	fmtToken                  // the header carries the shared secret itself
	fmtTwilio                 // base64 HMAC-SHA1 over the URL and the sorted form parameters
	fmtList                   // "v1=<hex>,v1=<hex>": PagerDuty
)

// keyFormat is how a displayed secret becomes key bytes.
type keyFormat uint8

const (
	keyVerbatim keyFormat = iota
	keyWhsec              // "whsec_" + base64 (Standard Webhooks, Svix)
)

// Scheme is a provider's wire format: which headers carry the signature,
// timestamp and ID, how the MAC is encoded, which hash it uses and which
// bytes it covers. Schemes are immutable values, safe to copy and share.
//
// Use a preset ([StandardWebhooks], [Stripe], [GitHub], ...) or build one
// with [NewScheme] or [NewTokenScheme]. The zero Scheme verifies nothing.
type Scheme struct {
	name      string
	format    format
	sigHeader string // canonical MIME form
	tsHeader  string
	tsFormat  TimestampFormat
	idHeader  string
	prefix    string
	enc       Encoding
	hash      hashID
	tmpl      template
	keyFormat keyFormat
	multi     bool // the signer writes one signature per valid secret
	urlDecode bool // HubSpot v3: decode the 12 listed escapes in {url} first
}

// Name returns the scheme's name, reported in [Result.Scheme].
func (s Scheme) Name() string { return s.name }

// ParseKey turns a secret as a provider displays it into key bytes: for
// [StandardWebhooks] and [Svix] a "whsec_" prefix (optional) followed by
// canonical base64; for every other scheme the string's bytes verbatim
// (a Stripe "whsec_..." secret is used as is, prefix included).
func (s Scheme) ParseKey(secret string) ([]byte, error) {
	if secret == "" {
		return nil, errors.New("hmac: empty secret")
	}
	if s.keyFormat != keyWhsec {
		return []byte(secret), nil
	}
	b64 := strings.TrimPrefix(secret, "whsec_")
	key, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(key) == 0 || base64.StdEncoding.EncodeToString(key) != b64 {
		return nil, errors.New("hmac: secret is not whsec_ followed by canonical base64")
	}
	return key, nil
}

// FormatKey is the inverse of ParseKey: the form in which a secret is
// displayed to the other side ("whsec_" + base64 for Standard Webhooks and
// Svix, the bytes as a string otherwise).
func (s Scheme) FormatKey(key []byte) string {
	if s.keyFormat == keyWhsec {
		return "whsec_" + base64.StdEncoding.EncodeToString(key)
	}
	return string(key)
}

// MultiSignature reports whether the wire format carries several
// signatures, in which case the signer signs with every valid secret.
func (s Scheme) MultiSignature() bool { return s.multi }

// SharedToken reports that the signature header carries the shared secret
// itself (GitLab, Okta, a custom format's SharedToken): nothing is signed,
// so a "signed" request reveals the secret.
func (s Scheme) SharedToken() bool { return s.format == fmtToken }

// SignatureHeader returns the canonical name of the header that carries
// the signature (or the shared token).
func (s Scheme) SignatureHeader() string { return s.sigHeader }

// TimestampHeader returns the canonical name of the timestamp header, or ""
// when the timestamp travels inside the signature header (Stripe, Paddle)
// or is not signed at all.
func (s Scheme) TimestampHeader() string { return s.tsHeader }

// TimestampFormat returns how the signed timestamp is written.
func (s Scheme) TimestampFormat() TimestampFormat { return s.tsFormat }

// IDHeader returns the canonical name of the event/delivery ID header, or "".
func (s Scheme) IDHeader() string { return s.idHeader }

// SignsTimestamp reports whether the signed content includes a timestamp,
// so [Result.Timestamp] is authenticated and a replay window can use it.
func (s Scheme) SignsTimestamp() bool { return s.tmpl.hasTS }

// NeedsURL reports whether the signed content covers the request URL (and
// for some schemes the method): Twilio, Square, HubSpot and custom
// templates with {url} or {method}. Such a scheme is verified with
// [Verifier.Authenticate] and a [signature.Message] carrying the URL the
// sender signed; [Verifier.Verify] refuses it.
func (s Scheme) NeedsURL() bool { return s.signsURL() }

// signsURL is NeedsURL without copying the Scheme.
func (s *Scheme) signsURL() bool { return s.tmpl.hasURL || s.format == fmtTwilio }

// Info describes the scheme for the Guard and the CLI.
func (s Scheme) Info() signature.Info {
	return signature.Info{
		Name:            s.name,
		SignatureHeader: s.sigHeader,
		TimestampHeader: s.tsHeader,
		IDHeader:        s.idHeader,
		SignsTimestamp:  s.SignsTimestamp(),
		SignsID:         s.SignsID(),
		NeedsURL:        s.NeedsURL(),
	}
}

// SignsID reports whether the signed content includes the event ID. When it
// does not (GitHub, Shopify), [Result.ID] is whatever the sender put in the
// header: good for logs and for deduplicating honest retries, but an
// attacker who replays a captured delivery can change it.
func (s Scheme) SignsID() bool { return s.tmpl.hasID }

// SchemeConfig describes a custom wire format declaratively. Zero fields
// mean the documented defaults; NewScheme validates everything once, so a
// misconfiguration fails at start-up, never per request.
type SchemeConfig struct {
	// Name is reported in [Result.Scheme]. Required.
	Name string
	// SignatureHeader carries the MAC (or the token when SharedToken is
	// set), e.g. "X-Signature". Required; any case.
	SignatureHeader string
	// Prefix precedes the encoded MAC, e.g. "sha256="; empty for none.
	// Matched exactly (case-sensitive).
	Prefix string
	// Encoding of the MAC: Hex (the zero value) or Base64.
	Encoding Encoding
	// Hash: 0 means crypto.SHA256; crypto.SHA1 and crypto.SHA512 are
	// allowed. The scheme fixes it: a header can never choose another.
	Hash crypto.Hash
	// TimestampHeader carries the signed time, written as TimestampFormat
	// says. Optional, but when set the Template must contain {timestamp}:
	// an unsigned timestamp would let an attacker refresh a stale delivery.
	TimestampHeader string
	// TimestampFormat: UnixSeconds (the zero value), UnixMilliseconds or
	// RFC3339. Parsing is strict in every format (see [TimestampFormat]).
	TimestampFormat TimestampFormat
	// IDHeader carries the event or delivery ID, reported as [Result.ID].
	// Optional. With {id} in the Template the ID is signed and required.
	IDHeader string
	// Template is the signed content: literal text plus the placeholders
	// {body}, {timestamp}, {id}, {method} and {url}. "" means "{body}".
	// {body} must appear exactly once, the others at most once each;
	// {timestamp} and {id} only with their header configured. {url} is the
	// absolute URL the sender signed and {method} the request method (see
	// [Scheme.NeedsURL]). Examples: "{timestamp}.{body}",
	// "v0:{timestamp}:{body}", "{id}.{timestamp}.{body}", "{url}{body}".
	// An ID followed by a literal may not contain that literal's first
	// byte (see [Verifier.Verify]). No other braces are allowed.
	Template string
	// SharedToken makes a scheme in which SignatureHeader carries the
	// secret itself (GitLab's X-Gitlab-Token and similar). It proves only
	// that the sender knows the secret, not that the body is intact; the
	// token is compared in constant time (SHA-256 digests compared with
	// hmac.Equal, so not even the key's length leaks). Prefix, Encoding,
	// Hash, TimestampHeader and Template must be zero. See [NewTokenScheme].
	SharedToken bool
}

// NewScheme builds a custom scheme from c. The template is compiled here,
// once; verification then streams it into the MAC without copying the body.
func NewScheme(c SchemeConfig) (Scheme, error) {
	fail := func(format string, args ...any) (Scheme, error) {
		return Scheme{}, fmt.Errorf("hmac: scheme %q: "+format, append([]any{c.Name}, args...)...)
	}
	if c.Name == "" {
		return Scheme{}, errors.New("hmac: scheme needs a Name")
	}
	if err := checkHeaderName(c.SignatureHeader); err != nil {
		return fail("SignatureHeader: %v", err)
	}
	s := Scheme{
		name:      c.Name,
		sigHeader: textproto.CanonicalMIMEHeaderKey(c.SignatureHeader),
	}
	if c.IDHeader != "" {
		if err := checkHeaderName(c.IDHeader); err != nil {
			return fail("IDHeader: %v", err)
		}
		s.idHeader = textproto.CanonicalMIMEHeaderKey(c.IDHeader)
	}
	if c.SharedToken {
		if c.Prefix != "" || c.Encoding != Hex || c.Hash != 0 || c.TimestampHeader != "" || c.TimestampFormat != 0 || c.Template != "" {
			return fail("a SharedToken scheme takes only Name, SignatureHeader and IDHeader")
		}
		s.format = fmtToken
		return s, nil
	}
	s.format = fmtSingle
	if strings.ContainsAny(c.Prefix, " \t\r\n") {
		return fail("Prefix contains white space")
	}
	s.prefix = c.Prefix
	switch c.Encoding {
	case Hex, Base64:
		s.enc = c.Encoding
	default:
		return fail("unknown Encoding %d", int(c.Encoding))
	}
	switch c.Hash {
	case 0, crypto.SHA256:
		s.hash = hashSHA256
	case crypto.SHA1:
		s.hash = hashSHA1
	case crypto.SHA512:
		s.hash = hashSHA512
	default:
		return fail("hash %v not allowed (SHA256, SHA1 or SHA512)", c.Hash)
	}
	if c.TimestampHeader != "" {
		if err := checkHeaderName(c.TimestampHeader); err != nil {
			return fail("TimestampHeader: %v", err)
		}
		s.tsHeader = textproto.CanonicalMIMEHeaderKey(c.TimestampHeader)
	}
	switch c.TimestampFormat {
	case UnixSeconds, UnixMilliseconds, RFC3339:
		s.tsFormat = c.TimestampFormat
	default:
		return fail("unknown TimestampFormat %d", int(c.TimestampFormat))
	}
	t, err := compileTemplate(c.Template)
	if err != nil {
		return fail("%v", err)
	}
	if t.hasTS && s.tsHeader == "" {
		return fail("template uses {timestamp} but no TimestampHeader is set")
	}
	if !t.hasTS && s.tsHeader != "" {
		return fail("TimestampHeader is set but the template does not sign {timestamp}")
	}
	if t.hasID && s.idHeader == "" {
		return fail("template uses {id} but no IDHeader is set")
	}
	s.tmpl = t
	return s, nil
}

// NewTokenScheme returns a shared-token scheme: header carries the secret
// itself and is compared in constant time against every valid secret. It
// is NewScheme(SchemeConfig{Name: name, SignatureHeader: header,
// SharedToken: true}); see [SchemeConfig.SharedToken] for what it proves.
func NewTokenScheme(name, header string) (Scheme, error) {
	return NewScheme(SchemeConfig{Name: name, SignatureHeader: header, SharedToken: true})
}

// checkHeaderName accepts RFC 9110 token characters only.
func checkHeaderName(h string) error {
	if h == "" {
		return errors.New("empty header name")
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return fmt.Errorf("invalid header name %q", h)
		}
	}
	return nil
}
