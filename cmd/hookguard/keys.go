package main

import (
	"crypto"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/pubkey"
	"github.com/hookguard/hookguard/signature"
)

// verifierSet is what verify and serve check deliveries with.
type verifierSet struct {
	auth     signature.Authenticator
	hmacKeys *hmac.Keyring // nil for public-key schemes
	ids      []string      // key IDs, newest first
}

// verifier loads the keys for s (secrets, or public keys for a public-key
// scheme) and returns the authenticator. Errors are usage errors and never
// carry a key.
func (f *schemeFlags) verifier(e *env, s cliScheme) (verifierSet, error) {
	if err := f.checkKeyFlags(s); err != nil {
		return verifierSet{}, err
	}
	if s.public {
		k, err := f.keys.publicKeyring(e, s.pub)
		if err != nil {
			return verifierSet{}, err
		}
		var ids []string
		for _, ki := range k.Keys() {
			ids = append(ids, ki.ID)
		}
		return verifierSet{auth: pubkey.NewVerifier(s.pub, k), ids: ids}, nil
	}
	k, err := f.secrets.keyring(e, s.hmac)
	if err != nil {
		return verifierSet{}, err
	}
	var ids []string
	for _, si := range k.Secrets() {
		ids = append(ids, si.ID)
	}
	return verifierSet{auth: hmac.NewVerifier(s.hmac, k), hmacKeys: k, ids: ids}, nil
}

// signFunc writes a delivery's signature headers; url is the absolute URL
// the delivery is POSTed to, signed by the schemes that cover it.
type signFunc func(h http.Header, url, id string, ts time.Time, body []byte) error

// signer loads the keys for s (secrets, or private keys for a public-key
// scheme) and returns the signing function. Errors are usage errors.
func (f *schemeFlags) signer(e *env, s cliScheme) (signFunc, error) {
	if err := f.checkKeyFlags(s); err != nil {
		return nil, err
	}
	if s.public {
		keys, err := f.keys.privateKeys(e, s.pub)
		if err != nil {
			return nil, err
		}
		ps, err := pubkey.NewSigner(s.pub, keys...)
		if err != nil {
			return nil, err
		}
		return func(h http.Header, _, id string, ts time.Time, body []byte) error {
			return ps.Sign(h, id, ts, body)
		}, nil
	}
	k, err := f.secrets.keyring(e, s.hmac)
	if err != nil {
		return nil, err
	}
	hs := hmac.NewSigner(s.hmac, k)
	return func(h http.Header, url, id string, ts time.Time, body []byte) error {
		return hs.SignURL(h, http.MethodPost, url, id, ts, body, e.now())
	}, nil
}

// publicKeyring loads every public key and parses it as the scheme's
// provider displays it. Errors name the flag, never the key.
func (s *secretFlags) publicKeyring(e *env, scheme pubkey.Scheme) (*pubkey.Keyring, error) {
	keys, err := parseEach(s, e, scheme.Name()+" public key", func(src secretSource, raw string) (pubkey.Key, error) {
		pub, err := scheme.ParsePublicKey(raw)
		return pubkey.Key{ID: src.label(), Public: pub}, err
	})
	if err != nil {
		return nil, err
	}
	k, err := pubkey.NewKeyring(keys...)
	if err != nil {
		return nil, fmt.Errorf("public keys: %w", err)
	}
	return k, nil
}

// privateKeys loads every private key, newest (the last given) first.
func (s *secretFlags) privateKeys(e *env, scheme pubkey.Scheme) ([]crypto.Signer, error) {
	keys, err := parseEach(s, e, scheme.Name()+" private key", func(_ secretSource, raw string) (crypto.Signer, error) {
		return scheme.ParsePrivateKey(raw)
	})
	if err != nil {
		return nil, err
	}
	slices.Reverse(keys)
	return keys, nil
}
