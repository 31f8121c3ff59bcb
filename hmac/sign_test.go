package hmac_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/stretchr/testify/require"
)

func TestSignRefuses(t *testing.T) {
	k, err := hmac.NewKeyring(hmac.Secret{ID: "k", Key: keyA})
	require.NoError(t, err)
	ts := time.Unix(1700000000, 0)
	tests := []struct {
		name   string
		scheme hmac.Scheme
		id     string
		ts     time.Time
	}{
		{"standard needs an id", hmac.StandardWebhooks, "", ts},
		{"id with space", hmac.StandardWebhooks, "msg 1", ts},
		{"id with newline", hmac.Svix, "msg\n1", ts},
		{"id with non-ASCII", hmac.StandardWebhooks, "msg_é", ts},
		{"zero timestamp", hmac.Stripe, "", time.Time{}},
		{"negative timestamp", hmac.Slack, "", time.Unix(-1, 0)},
		{"timestamp too large", hmac.Paddle, "", time.Unix(1e13, 0)},
		{"github id with control byte", hmac.GitHub, "a\x7f", ts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			require.Error(t, hmac.NewSigner(tt.scheme, k).Sign(h, tt.id, tt.ts, []byte("x")))
			require.Empty(t, h, "nothing written on error")
		})
	}
}

// TestSignMultiSignature: every multi-signature format carries one
// signature per valid secret during a rotation, and each receiver side
// (old secret only, new secret only) accepts the delivery.
func TestSignMultiSignature(t *testing.T) {
	now := time.Unix(1700000000, 0)
	body := []byte(`{"rotation":true}`)
	for _, s := range []hmac.Scheme{hmac.StandardWebhooks, hmac.Svix, hmac.Stripe, hmac.Paddle, hmac.GitHub, hmac.Shopify, hmac.Slack} {
		t.Run(s.Name(), func(t *testing.T) {
			k, err := hmac.NewKeyring(hmac.Secret{ID: "old", Key: keyA})
			require.NoError(t, err)
			require.NoError(t, k.RotateAt(hmac.Secret{ID: "new", Key: keyB}, time.Hour, now))
			h := http.Header{}
			require.NoError(t, hmac.NewSigner(s, k).SignAt(h, "evt_7", now, body, now))
			sig := h.Get(s.SignatureHeader())
			n := strings.Count(sig, "v1,") + strings.Count(sig, "v1=") + strings.Count(sig, "h1=")
			if s.MultiSignature() {
				require.Equal(t, 2, n, sig)
			}
			for id, key := range map[string][]byte{"old": keyA, "new": keyB} {
				one, err := hmac.NewKeyring(hmac.Secret{ID: id, Key: key})
				require.NoError(t, err)
				res, err := hmac.NewVerifier(s, one).VerifyAt(h, body, now)
				if !s.MultiSignature() && id == "old" {
					require.ErrorIs(t, err, hmac.ErrMismatch, "single-signature formats sign with the newest secret only")
					continue
				}
				require.NoError(t, err)
				require.Equal(t, id, res.SecretID)
			}
		})
	}
}
