package main

import (
	"fmt"
	"strings"

	"github.com/hookguard/hookguard/handshake"
	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/pubkey"
	"github.com/hookguard/hookguard/signature"
)

// handshakeKind is the provider handshake serve answers for a scheme.
type handshakeKind uint8

const (
	hsNone handshakeKind = iota
	hsSlack
	hsZoom
	hsTwitch
	hsMeta
	hsDropbox
)

// presetHandshakes maps preset names to their providers' handshakes.
var presetHandshakes = map[string]handshakeKind{
	hmac.Slack.Name(): hsSlack, hmac.Zoom.Name(): hsZoom, hmac.Twitch.Name(): hsTwitch,
	hmac.Meta.Name(): hsMeta, hmac.Dropbox.Name(): hsDropbox,
}

// cliScheme is one scheme the CLI speaks: an HMAC or shared-token scheme
// (secrets) or a public-key scheme (public keys to verify, private keys to
// sign).
type cliScheme struct {
	hmac   hmac.Scheme   // when !public
	pub    pubkey.Scheme // when public
	public bool
	hs     handshakeKind
}

func (s cliScheme) name() string {
	if s.public {
		return s.pub.Name()
	}
	return s.hmac.Name()
}

// info describes the scheme's headers and what it signs.
func (s cliScheme) info() signature.Info {
	if s.public {
		return s.pub.Info()
	}
	return s.hmac.Info()
}

// needsURL reports whether the signature covers the request URL (Twilio,
// Square, HubSpot, custom templates with {url} or {method}).
func (s cliScheme) needsURL() bool { return s.info().NeedsURL }

// responder is the scheme's handshake for serve, or nil. keys is the HMAC
// keyring (Zoom answers with the secret that verified the request) and
// verifyToken Meta's verify token.
func (s cliScheme) responder(keys *hmac.Keyring, verifyToken string) handshake.Responder {
	switch s.hs {
	case hsSlack:
		return handshake.Slack{}
	case hsZoom:
		return handshake.Zoom{Keys: keys}
	case hsTwitch:
		return handshake.Twitch{}
	case hsMeta:
		return handshake.Meta{VerifyToken: verifyToken}
	case hsDropbox:
		return handshake.Dropbox{}
	}
	return nil
}

// registry lists every preset the CLI knows: the HMAC and token presets in
// documentation order, then the public-key ones.
func registry() []cliScheme {
	var out []cliScheme
	for _, s := range hmac.Presets() {
		out = append(out, cliScheme{hmac: s, hs: presetHandshakes[s.Name()]})
	}
	for _, s := range pubkey.Presets() {
		out = append(out, cliScheme{pub: s, public: true})
	}
	return out
}

// lookupScheme finds a preset by name, case-insensitively.
func lookupScheme(name string) (cliScheme, error) {
	for _, s := range registry() {
		if strings.EqualFold(s.name(), name) {
			return s, nil
		}
	}
	return cliScheme{}, fmt.Errorf("unknown scheme %q (run 'hookguard -h' for the list, or describe a custom format with -scheme-file)", name)
}

// schemeList describes the schemes for help texts: the names by kind,
// wrapped, each line after the first starting with indent. A '*' marks the
// schemes that sign the URL.
func schemeList(indent string) string {
	var secret, public, hs []string
	for _, s := range registry() {
		n := s.name()
		if s.needsURL() {
			n += "*"
		}
		if s.hs != hsNone {
			hs = append(hs, s.name())
		}
		if s.public {
			public = append(public, n)
		} else {
			secret = append(secret, n)
		}
	}
	var b strings.Builder
	b.WriteString("shared secret (-secret-env/-secret-file):\n")
	b.WriteString(wrapWords(secret, indent+"  "))
	b.WriteString("\n" + indent + "public key (-public-key-env/-public-key-file; -private-key-* to sign):\n")
	b.WriteString(wrapWords(public, indent+"  "))
	b.WriteString("\n" + indent + "* signs the URL: verify -url, sign -url/-curl, send's URL, serve -public-url")
	b.WriteString("\n" + indent + "serve answers handshakes: " + strings.Join(hs, ", ") + " (meta: -verify-token-env)")
	b.WriteString("\n" + indent + "custom formats: -scheme-file FILE (JSON) or -custom-* flags")
	return b.String()
}

// wrapWords joins words with ", " in lines of at most 72 columns, each
// starting with indent (flag help adds a tab).
func wrapWords(words []string, indent string) string {
	var b strings.Builder
	line := indent
	for i, w := range words {
		if i < len(words)-1 {
			w += ","
		}
		if line != indent && len(line)+1+len(w) > 72 {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += w
	}
	b.WriteString(line)
	return b.String()
}
