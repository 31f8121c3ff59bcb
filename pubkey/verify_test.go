package pubkey_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/pubkey"
	"github.com/hookguard/hookguard/signature"
	"github.com/stretchr/testify/require"
)

func vectorNamed(t testing.TB, name string) vector {
	for _, v := range loadVectors(t) {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no vector %q", name)
	return vector{}
}

func TestStandardWebhooksStrict(t *testing.T) {
	v := vectorNamed(t, "standard-webhooks-v1a/constructed-rfc8032-key")
	s, k := v.setup(t)
	sig := strings.TrimPrefix(v.Headers["webhook-signature"], "v1a,")
	raw, _ := base64.StdEncoding.DecodeString(sig)
	tests := []struct {
		name   string
		modify func(h http.Header)
		want   error
	}{
		{"valid", func(http.Header) {}, nil},
		{"v1 entries skipped", func(h http.Header) {
			h.Set("Webhook-Signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,"+sig)
		}, nil},
		{"extra spaces", func(h http.Header) { h.Set("Webhook-Signature", "  v1a,"+sig+"  ") }, nil},
		{"only v1", func(h http.Header) { h.Set("Webhook-Signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=") }, signature.ErrMalformed},
		{"non-canonical base64", func(h http.Header) { h.Set("Webhook-Signature", "v1a,"+sig[:85]+"B==") }, signature.ErrMalformed},
		{"short signature", func(h http.Header) {
			h.Set("Webhook-Signature", "v1a,"+base64.StdEncoding.EncodeToString(raw[:63]))
		}, signature.ErrMalformed},
		{"line break", func(h http.Header) { h.Set("Webhook-Signature", "v1a,"+sig[:40]+"\n"+sig[40:]) }, signature.ErrMalformed},
		{"too many", func(h http.Header) { h.Set("Webhook-Signature", strings.Repeat("v1a,"+sig+" ", 9)) }, signature.ErrMalformed},
		{"dotted id", func(h http.Header) { h.Set("Webhook-Id", "msg.1") }, signature.ErrMalformed},
		{"timestamp sign", func(h http.Header) { h.Set("Webhook-Timestamp", "+1614265330") }, signature.ErrMalformed},
		{"missing id", func(h http.Header) { h.Del("Webhook-Id") }, signature.ErrMissingHeader},
		{"missing signature", func(h http.Header) { h.Del("Webhook-Signature") }, signature.ErrMissingHeader},
		{"repeated signature line", func(h http.Header) { h.Add("Webhook-Signature", "v1a,"+sig) }, signature.ErrMalformed},
		{"other id", func(h http.Header) { h.Set("Webhook-Id", "msg_other") }, signature.ErrMismatch},
	}
	ver := pubkey.NewVerifier(s, k)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := v.header()
			tt.modify(h)
			_, err := ver.Verify(h, []byte(v.Body))
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			require.NotContains(t, err.Error(), sig[:20])
		})
	}
}

// TestSharedHeader: one webhook-signature header carries a v1 (HMAC) and a
// v1a (Ed25519) entry; each verifier checks its own.
func TestSharedHeader(t *testing.T) {
	v := vectorNamed(t, "standard-webhooks-v1a/constructed-rfc8032-key")
	s, k := v.setup(t)
	key, _ := hmac.StandardWebhooks.ParseKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	ring, _ := hmac.NewKeyring(hmac.Secret{ID: "hmac", Key: key})
	h := v.header()
	h.Set("Webhook-Signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= "+v.Headers["webhook-signature"])
	res, err := hmac.NewVerifier(hmac.StandardWebhooks, ring).Verify(h, []byte(v.Body))
	require.NoError(t, err)
	require.Equal(t, "hmac", res.SecretID)
	res, err = pubkey.NewVerifier(s, k).Verify(h, []byte(v.Body))
	require.NoError(t, err)
	require.Equal(t, "vector", res.SecretID)
}

func TestRotation(t *testing.T) {
	oldPriv := ed25519.NewKeyFromSeed(make([]byte, 32))
	newSeed := make([]byte, 32)
	newSeed[0] = 1
	newPriv := ed25519.NewKeyFromSeed(newSeed)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k, err := pubkey.NewKeyring(pubkey.Key{ID: "old", Public: oldPriv.Public()})
	require.NoError(t, err)
	require.NoError(t, k.RotateAt(pubkey.Key{ID: "new", Public: newPriv.Public()}, time.Hour, t0))
	require.Equal(t, []string{"new", "old"}, []string{k.Keys()[0].ID, k.Keys()[1].ID})

	oldSigner, _ := pubkey.NewSigner(pubkey.Discord, oldPriv)
	h := http.Header{}
	require.NoError(t, oldSigner.Sign(h, "", t0, []byte("{}")))
	v := pubkey.NewVerifier(pubkey.Discord, k)
	res, err := v.VerifyAt(h, []byte("{}"), t0.Add(30*time.Minute))
	require.NoError(t, err)
	require.Equal(t, "old", res.SecretID)
	_, err = v.VerifyAt(h, []byte("{}"), t0.Add(2*time.Hour))
	require.ErrorIs(t, err, signature.ErrMismatch, "grace over")
	require.NoError(t, k.Revoke("new"))
	_, err = v.VerifyAt(h, []byte("{}"), t0.Add(2*time.Hour))
	require.ErrorIs(t, err, signature.ErrNoValidKey)

	// A Standard Webhooks sender mid-rotation signs with both keys.
	both, err := pubkey.NewSigner(pubkey.StandardWebhooks, newPriv, oldPriv)
	require.NoError(t, err)
	h = http.Header{}
	require.NoError(t, both.Sign(h, "msg_1", t0, []byte("{}")))
	require.Equal(t, 2, strings.Count(h.Get("Webhook-Signature"), "v1a,"))
	onlyOld, _ := pubkey.NewKeyring(pubkey.Key{ID: "old", Public: oldPriv.Public()})
	_, err = pubkey.NewVerifier(pubkey.StandardWebhooks, onlyOld).Verify(h, []byte("{}"))
	require.NoError(t, err)
}

func TestRefusals(t *testing.T) {
	_, err := pubkey.NewKeyring(pubkey.Key{ID: "x", Public: ed25519.PublicKey(make([]byte, 31))})
	require.Error(t, err)
	_, err = pubkey.NewKeyring(pubkey.Key{ID: "x", Public: []byte("nope")})
	require.Error(t, err)
	_, err = pubkey.NewKeyring(pubkey.Key{ID: "x"})
	require.Error(t, err)
	_, err = pubkey.NewSigner(pubkey.SendGrid, ed25519.NewKeyFromSeed(make([]byte, 32)))
	require.Error(t, err, "algorithm mismatch")
	_, err = pubkey.NewSigner(pubkey.Discord, newECKey(t))
	require.Error(t, err)
	_, err = pubkey.NewVerifier(pubkey.Scheme{}, nil).Verify(http.Header{}, nil)
	require.ErrorIs(t, err, signature.ErrMismatch)
	for _, bad := range []string{"", "whpk_", "whpk_AAAA", "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp="} {
		_, err := pubkey.StandardWebhooks.ParsePublicKey(bad)
		require.Error(t, err, bad)
	}
	_, err = pubkey.Discord.ParsePublicKey("d75a98")
	require.Error(t, err)
	_, err = pubkey.SendGrid.ParsePublicKey("MFkw")
	require.Error(t, err)
	_, err = pubkey.StandardWebhooks.ParsePrivateKey("whsk_" + base64.StdEncoding.EncodeToString(make([]byte, 64)))
	require.Error(t, err, "public half does not match the seed")

	// The signer writes only timestamps its verifier accepts.
	signer, err := pubkey.NewSigner(pubkey.Discord, ed25519.NewKeyFromSeed(make([]byte, 32)))
	require.NoError(t, err)
	for _, ts := range []time.Time{{}, time.Unix(-1, 0), time.Unix(1e12, 0)} {
		require.Error(t, signer.Sign(http.Header{}, "", ts, nil), "timestamp %v", ts)
	}

	// An ECDSA key in a keyring used with an Ed25519 scheme is never tried.
	k, err := pubkey.NewKeyring(pubkey.Key{ID: "ec", Public: newECKey(t).Public()})
	require.NoError(t, err)
	v := vectorNamed(t, "discord/constructed-rfc8032-key")
	_, err = pubkey.NewVerifier(pubkey.Discord, k).Verify(v.header(), []byte(v.Body))
	require.ErrorIs(t, err, signature.ErrNoValidKey)
}

func TestFormatPublicKeyRoundTrip(t *testing.T) {
	for _, v := range loadVectors(t) {
		s, _ := pubkey.PresetByName(v.Scheme)
		pub, err := s.ParsePublicKey(v.PublicKey)
		require.NoError(t, err)
		text, err := s.FormatPublicKey(pub)
		require.NoError(t, err)
		require.Equal(t, v.PublicKey, text)
	}
}

func TestVerifyAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts need a normal build")
	}
	for _, name := range []string{"discord/constructed-rfc8032-key", "standard-webhooks-v1a/constructed-rfc8032-key"} {
		v := vectorNamed(t, name)
		s, k := v.setup(t)
		ver := pubkey.NewVerifier(s, k)
		h, body := v.header(), []byte(v.Body)
		allocs := testing.AllocsPerRun(50, func() {
			if _, err := ver.Verify(h, body); err != nil {
				t.Fatal(err)
			}
		})
		require.Zero(t, allocs, name)
	}
}
