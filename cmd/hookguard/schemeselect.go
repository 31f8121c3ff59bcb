package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/pubkey"
)

// schemeFlags are the flags that choose a scheme and its keys, shared by
// sign, send, verify and serve: -scheme NAME, or a custom format from
// -scheme-file or the -custom-* flags; secrets; public keys (verify, serve)
// or private keys (sign, send).
type schemeFlags struct {
	fs         *flag.FlagSet
	name       string
	file       string
	custom     schemeSpec
	secrets    secretFlags
	keys       secretFlags // public keys (verifying) or private keys (signing)
	signing    bool
	customUsed []string // -custom-* flags given
}

// defaultScheme is -scheme's default.
var defaultScheme = hmac.StandardWebhooks.Name()

// register adds the flags to fs; signing chooses -private-key-* (sign,
// send) over -public-key-* (verify, serve).
func (f *schemeFlags) register(fs *flag.FlagSet, signing bool) {
	f.fs, f.signing = fs, signing
	fs.StringVar(&f.name, "scheme", defaultScheme, "provider wire format `NAME`:\n"+schemeList(""))
	fs.StringVar(&f.file, "scheme-file", "", "custom format from the JSON object in `FILE` (not with -scheme); its fields:\n"+
		"name, signature_header, prefix, encoding (hex|base64), hash (sha256|sha1|sha512),\n"+
		"timestamp_header, timestamp_format (unix|unix_ms|rfc3339), id_header, template\n"+
		"(e.g. \"{timestamp}.{body}\"), shared_token (true|false)")
	for _, n := range specFields {
		flagName := "custom-" + strings.ReplaceAll(n, "_", "-")
		if p := f.custom.field(n); p != nil {
			fs.Func(flagName, "custom format's "+n+" (see -scheme-file)", func(v string) error {
				*p = v
				f.customUsed = append(f.customUsed, "-"+flagName)
				return nil
			})
			continue
		}
		fs.BoolFunc(flagName, "custom format's shared_token: the header carries the secret itself (see -scheme-file)", func(v string) error {
			if v != "true" && v != "false" {
				return errors.New("want true or false")
			}
			f.custom.SharedToken = v == "true"
			f.customUsed = append(f.customUsed, "-"+flagName)
			return nil
		})
	}
	f.secrets.register(fs)
	fs.BoolVar(&f.secrets.allowShort, "allow-short-secret", false, "accept secrets shorter than 16 bytes (a provider's short token; weak)")
	if signing {
		f.keys.registerKind(fs, "private-key", "\nfor public-key schemes: whsk_... (standard-webhooks-v1a), hex (discord), base64 DER (sendgrid)")
	} else {
		f.keys.registerKind(fs, "public-key", "\nas the provider shows it: whpk_..., hex for discord, base64 DER for sendgrid")
	}
}

// resolve returns the chosen scheme. Every error is a usage error.
func (f *schemeFlags) resolve() (cliScheme, error) {
	schemeSet := false
	f.fs.Visit(func(fl *flag.Flag) { schemeSet = schemeSet || fl.Name == "scheme" })
	custom := len(f.customUsed) > 0
	switch {
	case f.file != "" && custom:
		return cliScheme{}, fmt.Errorf("-scheme-file and %s are exclusive: describe the format in one place", f.customUsed[0])
	case schemeSet && f.file != "":
		return cliScheme{}, errors.New("-scheme and -scheme-file are exclusive: give a preset name or a custom format")
	case schemeSet && custom:
		return cliScheme{}, fmt.Errorf("-scheme and %s are exclusive: give a preset name or a custom format", f.customUsed[0])
	case f.file != "":
		spec, err := readSchemeFile(f.file)
		if err != nil {
			return cliScheme{}, err
		}
		s, err := spec.scheme(func(n string) string { return "field " + n })
		if err != nil {
			return cliScheme{}, fmt.Errorf("-scheme-file %s: %v", f.file, err)
		}
		return cliScheme{hmac: s}, nil
	case custom:
		s, err := f.custom.scheme(func(n string) string { return "-custom-" + strings.ReplaceAll(n, "_", "-") })
		if err != nil {
			return cliScheme{}, fmt.Errorf("custom format: %v", err)
		}
		return cliScheme{hmac: s}, nil
	}
	return lookupScheme(f.name)
}

// checkKeyFlags refuses key flags of the wrong kind for s, with a hint.
func (f *schemeFlags) checkKeyFlags(s cliScheme) error {
	keyFlag := "-public-key-env/-public-key-file"
	if f.signing {
		keyFlag = "-private-key-env/-private-key-file"
	}
	switch {
	case s.public && len(f.secrets.list) > 0:
		return fmt.Errorf("%s uses public keys, not shared secrets: give %s", s.name(), keyFlag)
	case !s.public && len(f.keys.list) > 0:
		hint := ""
		if s.name() == hmac.StandardWebhooks.Name() {
			hint = "; for Ed25519 keys use -scheme " + pubkey.StandardWebhooks.Name()
		}
		return fmt.Errorf("%s uses a shared secret (-secret-env/-secret-file), not %s%s", s.name(), keyFlag, hint)
	case s.public && len(f.keys.list) == 0:
		noun := secretSource{kind: f.keys.kind}.noun()
		return fmt.Errorf("no %s: give %s NAME or %s PATH", noun, secretSource{kind: f.keys.kind}.flagName(false),
			secretSource{kind: f.keys.kind}.flagName(true))
	}
	return nil
}

// checkURLFlag refuses a signed-URL flag (verify -url, sign -url, serve
// -public-url) for a scheme that does not sign the URL, and a value that is
// not an absolute http(s) URL.
func checkURLFlag(s cliScheme, flagName, v string) error {
	if v == "" {
		return nil
	}
	if !s.needsURL() {
		var names []string
		for _, r := range registry() {
			if r.needsURL() {
				names = append(names, r.name())
			}
		}
		return fmt.Errorf("%s is for schemes that sign the URL (%s, custom templates with {url}); %s does not",
			flagName, strings.Join(names, ", "), s.name())
	}
	if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q is not an absolute http(s) URL", flagName, clipText(v))
	}
	return nil
}
