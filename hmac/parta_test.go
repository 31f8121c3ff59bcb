package hmac_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/stretchr/testify/require"
)

// TestDottedIDRefused: with "{id}.{timestamp}.{body}" an ID containing '.'
// could re-split the same signed bytes into another ID, timestamp and body.
// The attack below is real on a verifier that accepts such IDs: the body
// of the honest delivery contains ".<digits>." and the forged headers move
// the boundary.
func TestDottedIDRefused(t *testing.T) {
	for _, s := range []hmac.Scheme{hmac.StandardWebhooks, hmac.Svix} {
		t.Run(s.Name(), func(t *testing.T) {
			k := swKeyring(t)
			honestBody := []byte("x.1999999999.{}")
			h := http.Header{}
			require.NoError(t, hmac.NewSigner(s, k).Sign(h, "msg_1", time.Unix(1614265330, 0), honestBody))
			_, err := hmac.NewVerifier(s, k).Verify(h, honestBody)
			require.NoError(t, err)

			// Same signed bytes "msg_1.1614265330.x.1999999999.{}" re-split:
			// ID "msg_1.1614265330.x", timestamp 1999999999, body "{}".
			forged := h.Clone()
			forged.Set(s.IDHeader(), "msg_1.1614265330.x")
			forged.Set(s.TimestampHeader(), "1999999999")
			_, err = hmac.NewVerifier(s, k).Verify(forged, []byte("{}"))
			require.ErrorIs(t, err, hmac.ErrMalformed)
			require.Contains(t, err.Error(), `contains '.'`)

			// The signer refuses to produce such an ID too.
			require.Error(t, hmac.NewSigner(s, k).Sign(http.Header{}, "a.b", time.Unix(1614265330, 0), nil))
		})
	}
	// GitHub does not sign its ID: a dotted delivery ID is fine there.
	k := swKeyring(t)
	h := http.Header{}
	require.NoError(t, hmac.NewSigner(hmac.GitHub, k).Sign(h, "a.b", time.Time{}, body))
	res, err := hmac.NewVerifier(hmac.GitHub, k).Verify(h, body)
	require.NoError(t, err)
	require.Equal(t, "a.b", res.ID)
}

func TestAllowShort(t *testing.T) {
	short := []byte("hunter2")
	_, err := hmac.NewKeyring(hmac.Secret{ID: "gh", Key: short})
	require.ErrorContains(t, err, "at least 16")
	require.ErrorContains(t, err, "AllowShort")
	require.NotContains(t, err.Error(), string(short))

	_, err = hmac.NewKeyring(hmac.Secret{ID: "empty", AllowShort: true})
	require.ErrorContains(t, err, "empty key", "AllowShort never accepts an empty key")

	k, err := hmac.NewKeyring(hmac.Secret{ID: "gh", Key: short, AllowShort: true})
	require.NoError(t, err)
	require.True(t, k.HasShortSecrets())
	h := sign(t, hmac.GitHub, k, t0)
	res, err := hmac.NewVerifier(hmac.GitHub, k).VerifyAt(h, body, t0)
	require.NoError(t, err)
	require.Equal(t, "gh", res.SecretID)

	// Rotating to a long secret and revoking the short one clears the flag.
	require.NoError(t, k.RotateAt(hmac.Secret{ID: "long", Key: keyA}, time.Hour, t0))
	require.True(t, k.HasShortSecrets())
	require.NoError(t, k.Revoke("gh"))
	require.False(t, k.HasShortSecrets())
	// Rotate refuses a short secret without the opt-in as well.
	require.ErrorContains(t, k.RotateAt(hmac.Secret{ID: "s2", Key: short}, time.Hour, t0), "AllowShort")
}

func TestTimestampFormats(t *testing.T) {
	ts := time.Date(2023, 7, 19, 10, 11, 12, 123456789, time.UTC)
	tests := []struct {
		format hmac.TimestampFormat
		wire   string
		want   time.Time
		bad    []string
	}{
		{hmac.UnixSeconds, "1689761472", ts.Truncate(time.Second), []string{"1689761472123", "+1689761472", "01689761472"}},
		{hmac.UnixMilliseconds, "1689761472123", ts.Truncate(time.Millisecond), []string{"1689761472.123", "+1689761472123", "01689761472123"}},
		{hmac.RFC3339, "2023-07-19T10:11:12.123456789Z", ts, []string{"1689761472", "2023-07-19 10:11:12Z", "2023-07-19t10:11:12z"}},
	}
	for _, tt := range tests {
		t.Run(tt.format.String(), func(t *testing.T) {
			s, err := hmac.NewScheme(hmac.SchemeConfig{
				Name: "custom", SignatureHeader: "X-Sig", TimestampHeader: "X-Time",
				TimestampFormat: tt.format, Template: "{timestamp}.{body}",
			})
			require.NoError(t, err)
			require.Equal(t, tt.format, s.TimestampFormat())
			k, err := hmac.NewKeyring(hmac.Secret{ID: "k", Key: keyA})
			require.NoError(t, err)
			h := http.Header{}
			require.NoError(t, hmac.NewSigner(s, k).Sign(h, "", ts, body))
			require.Equal(t, tt.wire, h.Get("X-Time"))
			res, err := hmac.NewVerifier(s, k).Verify(h, body)
			require.NoError(t, err)
			require.True(t, tt.want.Equal(res.Timestamp), "%v != %v", tt.want, res.Timestamp)
			for _, bad := range tt.bad {
				h2 := h.Clone()
				h2.Set("X-Time", bad)
				_, err := hmac.NewVerifier(s, k).Verify(h2, body)
				require.ErrorIs(t, err, hmac.ErrMalformed, bad)
			}
		})
	}
	_, err := hmac.NewScheme(hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", TimestampHeader: "X-T", TimestampFormat: 7, Template: "{timestamp}{body}"})
	require.ErrorContains(t, err, "TimestampFormat")
	require.Equal(t, "TimestampFormat(7)", hmac.TimestampFormat(7).String())
}
