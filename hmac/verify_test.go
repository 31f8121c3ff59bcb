package hmac_test

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/stretchr/testify/require"
)

// The Standard Webhooks vector (testdata/vectors.json) as a baseline that
// each case below changes in one way.
const (
	swSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	swID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	swTS     = "1614265330"
	swSig    = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	swBody   = `{"test": 2432232314}`
)

func swKeyring(t testing.TB) *hmac.Keyring {
	key, err := hmac.StandardWebhooks.ParseKey(swSecret)
	require.NoError(t, err)
	k, err := hmac.NewKeyring(hmac.Secret{ID: "sw", Key: key})
	require.NoError(t, err)
	return k
}

func swHeader() http.Header {
	return http.Header{
		"Webhook-Id":        {swID},
		"Webhook-Timestamp": {swTS},
		"Webhook-Signature": {"v1," + swSig},
	}
}

func TestVerifyStandardWebhooksStrict(t *testing.T) {
	// A non-canonical spelling of the valid MAC: the last character carries
	// two unused bits; lenient decoders map "OF=" and "OE=" to the same bytes.
	nonCanonical := swSig[:42] + "F="
	raw, _ := base64.StdEncoding.DecodeString(swSig)
	tests := []struct {
		name   string
		modify func(h http.Header)
		body   string
		want   error // nil: verifies
	}{
		{"valid", func(http.Header) {}, swBody, nil},
		{"unknown versions skipped", func(h http.Header) {
			h.Set("Webhook-Signature", "v1a,AAAA v2,"+swSig+" v1,"+swSig)
		}, swBody, nil},
		{"extra spaces tolerated", func(h http.Header) { h.Set("Webhook-Signature", "  v1,"+swSig+"  ") }, swBody, nil},
		{"valid among decoys", func(h http.Header) {
			h.Set("Webhook-Signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,"+swSig)
		}, swBody, nil},
		{"missing signature", func(h http.Header) { h.Del("Webhook-Signature") }, swBody, hmac.ErrMissingHeader},
		{"empty signature", func(h http.Header) { h.Set("Webhook-Signature", "") }, swBody, hmac.ErrMissingHeader},
		{"missing id", func(h http.Header) { h.Del("Webhook-Id") }, swBody, hmac.ErrMissingHeader},
		{"missing timestamp", func(h http.Header) { h.Del("Webhook-Timestamp") }, swBody, hmac.ErrMissingHeader},
		{"non-canonical base64", func(h http.Header) { h.Set("Webhook-Signature", "v1,"+nonCanonical) }, swBody, hmac.ErrMalformed},
		{"unpadded base64", func(h http.Header) { h.Set("Webhook-Signature", "v1,"+strings.TrimRight(swSig, "=")) }, swBody, hmac.ErrMalformed},
		{"url-safe base64", func(h http.Header) {
			h.Set("Webhook-Signature", "v1,"+base64.URLEncoding.EncodeToString(raw))
		}, swBody, hmac.ErrMalformed},
		{"truncated MAC", func(h http.Header) {
			h.Set("Webhook-Signature", "v1,"+base64.StdEncoding.EncodeToString(raw[:16]))
		}, swBody, hmac.ErrMalformed},
		{"hex instead of base64", func(h http.Header) { h.Set("Webhook-Signature", "v1,"+hex.EncodeToString(raw)) }, swBody, hmac.ErrMalformed},
		{"no v1 entry", func(h http.Header) { h.Set("Webhook-Signature", "v2,"+swSig) }, swBody, hmac.ErrMalformed},
		{"entry without version", func(h http.Header) { h.Set("Webhook-Signature", swSig) }, swBody, hmac.ErrMalformed},
		{"too many signatures", func(h http.Header) {
			h.Set("Webhook-Signature", strings.Repeat("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ", 9))
		}, swBody, hmac.ErrMalformed},
		{"repeated signature line", func(h http.Header) { h.Add("Webhook-Signature", "v1,"+swSig) }, swBody, hmac.ErrMalformed},
		{"repeated id line", func(h http.Header) { h.Add("Webhook-Id", "msg_other") }, swBody, hmac.ErrMalformed},
		{"repeated timestamp line", func(h http.Header) { h.Add("Webhook-Timestamp", swTS) }, swBody, hmac.ErrMalformed},
		{"timestamp with plus", func(h http.Header) { h.Set("Webhook-Timestamp", "+"+swTS) }, swBody, hmac.ErrMalformed},
		{"timestamp with leading zero", func(h http.Header) { h.Set("Webhook-Timestamp", "0"+swTS) }, swBody, hmac.ErrMalformed},
		{"timestamp huge", func(h http.Header) { h.Set("Webhook-Timestamp", strings.Repeat("9", 40)) }, swBody, hmac.ErrMalformed},
		{"timestamp with space", func(h http.Header) { h.Set("Webhook-Timestamp", swTS+" ") }, swBody, hmac.ErrMalformed},
		{"signature over MaxHeaderLen", func(h http.Header) {
			// Valid but for trailing spaces, which are tolerated below the limit.
			h.Set("Webhook-Signature", "v1,"+swSig+strings.Repeat(" ", hmac.MaxHeaderLen))
		}, swBody, hmac.ErrMalformed},
		{"id over MaxHeaderLen", func(h http.Header) { h.Set("Webhook-Id", strings.Repeat("i", hmac.MaxHeaderLen+1)) }, swBody, hmac.ErrMalformed},
		{"id at MaxHeaderLen", func(h http.Header) { h.Set("Webhook-Id", strings.Repeat("i", hmac.MaxHeaderLen)) }, swBody, hmac.ErrMismatch},
		{"timestamp over MaxHeaderLen", func(h http.Header) { h.Set("Webhook-Timestamp", strings.Repeat("1", hmac.MaxHeaderLen+1)) }, swBody, hmac.ErrMalformed},
		{"other timestamp", func(h http.Header) { h.Set("Webhook-Timestamp", "1614265331") }, swBody, hmac.ErrMismatch},
		{"other id", func(h http.Header) { h.Set("Webhook-Id", swID+"x") }, swBody, hmac.ErrMismatch},
		{"other body", func(http.Header) {}, swBody + "\n", hmac.ErrMismatch},
		{"empty body", func(http.Header) {}, "", hmac.ErrMismatch},
		{"decoy only", func(h http.Header) {
			h.Set("Webhook-Signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=")
		}, swBody, hmac.ErrMismatch},
	}
	v := hmac.NewVerifier(hmac.StandardWebhooks, swKeyring(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := swHeader()
			tt.modify(h)
			res, err := v.Verify(h, []byte(tt.body))
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, "sw", res.SecretID)
				require.Equal(t, swID, res.ID)
				return
			}
			require.ErrorIs(t, err, tt.want)
			require.Equal(t, hmac.Result{}, res)
			assertNoLeak(t, err)
		})
	}
}

// assertNoLeak checks an error names neither the secret nor the expected MAC.
func assertNoLeak(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	key, _ := hmac.StandardWebhooks.ParseKey(swSecret)
	raw, _ := base64.StdEncoding.DecodeString(swSig)
	for _, secret := range []string{swSecret, string(key), swSig, hex.EncodeToString(raw), base64.StdEncoding.EncodeToString(key)} {
		require.NotContains(t, msg, secret)
	}
	sentinels := 0
	for _, s := range []error{hmac.ErrMissingHeader, hmac.ErrMalformed, hmac.ErrMismatch} {
		if errors.Is(err, s) {
			sentinels++
		}
	}
	require.Equal(t, 1, sentinels, "exactly one sentinel: %v", err)
}

func TestVerifyPairFormats(t *testing.T) {
	body := []byte(`{"id":"evt_1"}`)
	ts := time.Unix(1700000000, 0)
	tests := []struct {
		name   string
		scheme hmac.Scheme
		header string
		mutate func(sig string) string
		want   error
	}{
		{"stripe valid", hmac.Stripe, "Stripe-Signature", func(s string) string { return s }, nil},
		{"stripe v0 and unknown skipped", hmac.Stripe, "Stripe-Signature", func(s string) string { return s + ",v0=abc,v9=zz" }, nil},
		{"stripe upper-case hex", hmac.Stripe, "Stripe-Signature", func(s string) string {
			i := strings.Index(s, "v1=")
			return s[:i+3] + strings.ToUpper(s[i+3:])
		}, nil},
		{"stripe no timestamp", hmac.Stripe, "Stripe-Signature", func(s string) string { return s[strings.Index(s, ",")+1:] }, hmac.ErrMalformed},
		{"stripe repeated timestamp", hmac.Stripe, "Stripe-Signature", func(s string) string { return "t=1," + s }, hmac.ErrMalformed},
		{"stripe signed timestamp with plus", hmac.Stripe, "Stripe-Signature", func(s string) string { return strings.Replace(s, "t=", "t=+", 1) }, hmac.ErrMalformed},
		{"stripe no v1", hmac.Stripe, "Stripe-Signature", func(s string) string { return s[:strings.Index(s, ",")] + ",v0=00" }, hmac.ErrMalformed},
		{"stripe short v1", hmac.Stripe, "Stripe-Signature", func(s string) string { return s[:len(s)-2] }, hmac.ErrMalformed},
		{"stripe trailing comma", hmac.Stripe, "Stripe-Signature", func(s string) string { return s + "," }, hmac.ErrMalformed},
		{"stripe item without =", hmac.Stripe, "Stripe-Signature", func(s string) string { return s + ",v1" }, hmac.ErrMalformed},
		{"stripe other timestamp", hmac.Stripe, "Stripe-Signature", func(s string) string { return strings.Replace(s, "t=1700000000", "t=1700000001", 1) }, hmac.ErrMismatch},
		{"paddle valid", hmac.Paddle, "Paddle-Signature", func(s string) string { return s }, nil},
		{"paddle reordered", hmac.Paddle, "Paddle-Signature", func(s string) string {
			i := strings.Index(s, ";")
			return s[i+1:] + ";" + s[:i]
		}, nil},
		{"paddle comma separator", hmac.Paddle, "Paddle-Signature", func(s string) string { return strings.Replace(s, ";", ",", 1) }, hmac.ErrMalformed},
		{"paddle non-hex", hmac.Paddle, "Paddle-Signature", func(s string) string { return s[:len(s)-1] + "g" }, hmac.ErrMalformed},
		{"github valid", hmac.GitHub, "X-Hub-Signature-256", func(s string) string { return s }, nil},
		{"github sha1 prefix", hmac.GitHub, "X-Hub-Signature-256", func(s string) string { return strings.Replace(s, "sha256=", "sha1=", 1) }, hmac.ErrMalformed},
		{"github no prefix", hmac.GitHub, "X-Hub-Signature-256", func(s string) string { return strings.TrimPrefix(s, "sha256=") }, hmac.ErrMalformed},
		{"github trailing space", hmac.GitHub, "X-Hub-Signature-256", func(s string) string { return s + " " }, hmac.ErrMalformed},
		{"shopify valid", hmac.Shopify, "X-Shopify-Hmac-Sha256", func(s string) string { return s }, nil},
		{"shopify hex", hmac.Shopify, "X-Shopify-Hmac-Sha256", func(s string) string {
			raw, _ := base64.StdEncoding.DecodeString(s)
			return hex.EncodeToString(raw)
		}, hmac.ErrMalformed},
		{"slack valid", hmac.Slack, "X-Slack-Signature", func(s string) string { return s }, nil},
		{"slack v1 prefix", hmac.Slack, "X-Slack-Signature", func(s string) string { return "v1" + s[2:] }, hmac.ErrMalformed},
	}
	k, err := hmac.NewKeyring(hmac.Secret{ID: "k", Key: []byte("0123456789abcdef0123")})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			require.NoError(t, hmac.NewSigner(tt.scheme, k).Sign(h, "delivery-1", ts, body))
			h.Set(tt.header, tt.mutate(h.Get(tt.header)))
			res, err := hmac.NewVerifier(tt.scheme, k).Verify(h, body)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "k", res.SecretID)
			require.Equal(t, tt.scheme.Name(), res.Scheme)
			if tt.scheme.SignsTimestamp() {
				require.Equal(t, ts.UTC(), res.Timestamp)
			}
		})
	}
}

func TestHeaderFunc(t *testing.T) {
	h := swHeader()
	res, err := hmac.NewVerifier(hmac.StandardWebhooks, swKeyring(t)).Verify(hmac.HeaderFunc(h.Get), []byte(swBody))
	require.NoError(t, err)
	require.Equal(t, swID, res.ID)

	// The length limit holds for every kind of header map.
	h.Set("Webhook-Id", strings.Repeat("i", hmac.MaxHeaderLen+1))
	_, err = hmac.NewVerifier(hmac.StandardWebhooks, swKeyring(t)).Verify(hmac.HeaderFunc(h.Get), []byte(swBody))
	require.ErrorIs(t, err, hmac.ErrMalformed)
}

func TestNilHeaders(t *testing.T) {
	v := hmac.NewVerifier(hmac.StandardWebhooks, swKeyring(t))
	_, err := v.Verify(nil, []byte(swBody))
	require.ErrorIs(t, err, hmac.ErrMissingHeader)
	_, err = v.Verify(http.Header(nil), []byte(swBody))
	require.ErrorIs(t, err, hmac.ErrMissingHeader)
	require.Error(t, hmac.NewSigner(hmac.StandardWebhooks, swKeyring(t)).Sign(nil, swID, time.Now(), nil))
	_, err = hmac.StandardWebhooks.ParseKey("whsec_")
	require.Error(t, err)
}

func TestZeroValuesFailClosed(t *testing.T) {
	_, err := hmac.NewVerifier(hmac.Scheme{}, swKeyring(t)).Verify(swHeader(), []byte(swBody))
	require.ErrorIs(t, err, hmac.ErrMismatch)
	_, err = hmac.NewVerifier(hmac.StandardWebhooks, nil).Verify(swHeader(), []byte(swBody))
	require.ErrorIs(t, err, hmac.ErrMismatch)
	_, err = hmac.NewVerifier(hmac.StandardWebhooks, &hmac.Keyring{}).Verify(swHeader(), []byte(swBody))
	require.ErrorIs(t, err, hmac.ErrNoValidSecret)
	require.ErrorIs(t, err, hmac.ErrMismatch)
	require.Error(t, hmac.NewSigner(hmac.Scheme{}, swKeyring(t)).Sign(http.Header{}, "id", time.Now(), nil))
	require.ErrorIs(t, hmac.NewSigner(hmac.StandardWebhooks, &hmac.Keyring{}).Sign(http.Header{}, "id", time.Now(), nil), hmac.ErrNoValidSecret)
}

func TestVerifyAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts need a normal build")
	}
	k := swKeyring(t)
	h := swHeader()
	body := []byte(swBody)
	v := hmac.NewVerifier(hmac.StandardWebhooks, k)
	now := time.Unix(1614265330, 0)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := v.VerifyAt(h, body, now); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs, "VerifyAt allocations")

	// Mid-rotation, signed by the newer secret.
	require.NoError(t, k.RotateAt(hmac.Secret{ID: "new", Key: []byte("a-newer-secret-of-32-bytes-long!")}, time.Hour, now))
	s := hmac.NewSigner(hmac.StandardWebhooks, k)
	h2 := http.Header{}
	require.NoError(t, s.SignAt(h2, swID, now, body, now))
	allocs = testing.AllocsPerRun(200, func() {
		if _, err := v.Verify(h2, body); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs, "Verify allocations during rotation")

	// Signing allocates the header strings it writes and one backing
	// array for their value slices: signature + timestamp + slices.
	allocs = testing.AllocsPerRun(200, func() {
		if err := s.SignAt(h2, swID, now, body, now); err != nil {
			t.Fatal(err)
		}
	})
	require.LessOrEqual(t, allocs, 3.0, "SignAt allocations")
}
