package benchmarks

import (
	"fmt"

	"github.com/hookguard/hookguard/hmac"
)

// hookguardScheme maps a fixture scheme to hookguard's preset.
func hookguardScheme(s Scheme) hmac.Scheme {
	switch s {
	case StandardWebhooks:
		return hmac.StandardWebhooks
	case Stripe:
		return hmac.Stripe
	case GitHub:
		return hmac.GitHub
	case Slack:
		return hmac.Slack
	case Paddle:
		return hmac.Paddle
	}
	panic(fmt.Sprintf("benchmarks: unknown scheme %q", s))
}

// HookguardVerifier is hookguard's hmac.Verifier for scheme s with a keyring
// holding the fixture's one secret.
func HookguardVerifier(s Scheme) Verifier {
	return Verifier{Name: "hookguard hmac.Verifier.Verify", Key: "hookguard", Kind: KindHookguard, Scheme: s,
		Prepare: func(d *Delivery) (verify func() error, err error) {
			defer recoverUnimplemented("hmac", &err)
			kr, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: d.Key})
			if err != nil {
				return nil, err
			}
			v := hmac.NewVerifier(hookguardScheme(s), kr)
			return func() error {
				_, err := v.Verify(d.Header, d.Body)
				return err
			}, nil
		}}
}

// Verifiers returns every implementation for scheme s: hookguard, the peers
// and the floor.
func Verifiers(s Scheme) []Verifier {
	out := []Verifier{HookguardVerifier(s)}
	out = append(out, PeerVerifiers(s)...)
	return append(out, FloorVerifier(s))
}
