package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/hookguard/hookguard/middleware"
)

// serveSchemeFlags are serve's scheme flags: the shared ones plus the URL
// the sender was given and Meta's verify token.
type serveSchemeFlags struct {
	schemeFlags
	publicURL      string
	verifyTokenEnv string
}

func (f *serveSchemeFlags) register(fs *flag.FlagSet) {
	f.schemeFlags.register(fs, false)
	fs.StringVar(&f.publicURL, "public-url", "", "for schemes that sign the URL: the base `URL` the sender was given (https://hooks.example.com);\n"+
		"the request target is appended (default: rebuilt from Host and a trusted proxy's X-Forwarded-Proto/-Host)")
	fs.StringVar(&f.verifyTokenEnv, "verify-token-env", "", "-scheme meta: environment variable `NAME` holding the verify token of the GET subscription handshake (required there)")
}

// guardAuth is how serve's Guard verifies deliveries.
type guardAuth struct {
	scheme cliScheme
	vs     verifierSet
	cfg    middleware.Config // only the verification fields are set
}

// resolve validates the flags and loads the keys. Errors are usage errors
// and carry no key or token.
func (f *serveSchemeFlags) resolve(e *env) (guardAuth, error) {
	s, err := f.schemeFlags.resolve()
	if err != nil {
		return guardAuth{}, err
	}
	if err := checkURLFlag(s, "-public-url", f.publicURL); err != nil {
		return guardAuth{}, err
	}
	vs, err := f.verifier(e, s)
	if err != nil {
		return guardAuth{}, err
	}
	var token string
	switch {
	case s.hs == hsMeta && f.verifyTokenEnv == "":
		return guardAuth{}, fmt.Errorf("-scheme %s needs -verify-token-env NAME: the verify token of the GET subscription handshake", s.name())
	case s.hs != hsMeta && f.verifyTokenEnv != "":
		return guardAuth{}, fmt.Errorf("-verify-token-env is for -scheme meta only")
	case s.hs == hsMeta:
		src := secretSource{n: 1, kind: "verify-token", env: f.verifyTokenEnv}
		if token, err = src.read(e); err != nil {
			return guardAuth{}, err
		}
	}
	a := guardAuth{scheme: s, vs: vs}
	a.cfg.PublicURL = f.publicURL
	if s.public {
		a.cfg.Authenticator = vs.auth
	} else {
		// Scheme and Keyring rather than the Authenticator: the Guard then
		// derives the default event ID from the scheme, as before.
		a.cfg.Scheme, a.cfg.Keyring = s.hmac, vs.hmacKeys
	}
	a.cfg.Handshake = s.responder(vs.hmacKeys, token)
	return a, nil
}

// apply sets the verification fields of cfg.
func (a guardAuth) apply(cfg *middleware.Config) {
	cfg.Scheme, cfg.Keyring, cfg.Authenticator = a.cfg.Scheme, a.cfg.Keyring, a.cfg.Authenticator
	cfg.PublicURL, cfg.Handshake = a.cfg.PublicURL, a.cfg.Handshake
}

// keyIDs lists the key IDs, newest first, for the start-up log.
func (a guardAuth) keyIDs() string { return strings.Join(a.vs.ids, ",") }
