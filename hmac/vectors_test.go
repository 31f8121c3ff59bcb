package hmac_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/signature"
	"github.com/stretchr/testify/require"
)

// vector is one entry of testdata/vectors.json.
type vector struct {
	Name          string            `json:"name"`
	Scheme        string            `json:"scheme"`
	Kind          string            `json:"kind"` // published or constructed
	Source        string            `json:"source"`
	Secret        string            `json:"secret"`
	Headers       map[string]string `json:"headers"`
	Body          string            `json:"body"`
	WantID        string            `json:"want_id"`
	WantTimestamp int64             `json:"want_timestamp"`
	Sign          bool              `json:"sign"` // the signer reproduces the signature header exactly
	// URL-covering schemes: the request line the sender signed.
	Method string `json:"method"`
	URL    string `json:"url"`
	// AllowShort: the published secret is shorter than MinKeyLen.
	AllowShort bool `json:"allow_short"`
	// Timestamps in other formats than unix seconds.
	WantTimestampMs      int64  `json:"want_timestamp_ms"`
	WantTimestampRFC3339 string `json:"want_timestamp_rfc3339"`
}

// wantTimestamp is the vector's signed time, zero when none is signed.
func (v vector) wantTimestamp(t testing.TB) time.Time {
	switch {
	case v.WantTimestampMs != 0:
		return time.UnixMilli(v.WantTimestampMs).UTC()
	case v.WantTimestampRFC3339 != "":
		ts, err := time.Parse(time.RFC3339Nano, v.WantTimestampRFC3339)
		require.NoError(t, err)
		return ts.UTC()
	case v.WantTimestamp != 0:
		return time.Unix(v.WantTimestamp, 0).UTC()
	}
	return time.Time{}
}

// verify checks body (and the vector's URL) with the scheme of v.
func (v vector) verify(s hmac.Scheme, k *hmac.Keyring, h http.Header, body string, now time.Time) (hmac.Result, error) {
	m := signature.Message{Method: v.Method, URL: v.URL, Header: h, Body: []byte(body)}
	return hmac.NewVerifier(s, k).Authenticate(&m, now)
}

func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	data, err := os.ReadFile("testdata/vectors.json")
	require.NoError(tb, err)
	var vs []vector
	require.NoError(tb, json.Unmarshal(data, &vs))
	require.NotEmpty(tb, vs)
	return vs
}

func (v vector) header() http.Header {
	h := http.Header{}
	for k, val := range v.Headers {
		h.Set(k, val)
	}
	return h
}

func (v vector) setup(tb testing.TB) (hmac.Scheme, *hmac.Keyring) {
	tb.Helper()
	s, ok := hmac.PresetByName(v.Scheme)
	require.True(tb, ok, "unknown scheme %q", v.Scheme)
	key, err := s.ParseKey(v.Secret)
	require.NoError(tb, err)
	k, err := hmac.NewKeyring(hmac.Secret{ID: "vector", Key: key, AllowShort: v.AllowShort})
	require.NoError(tb, err)
	return s, k
}

func TestVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			require.NotEmpty(t, v.Source)
			require.Contains(t, []string{"published", "constructed"}, v.Kind)
			s, k := v.setup(t)
			require.Equal(t, v.URL != "", s.NeedsURL(), "a vector gives a URL exactly when the scheme signs one")
			now := time.Unix(1700000000, 0)
			res, err := v.verify(s, k, v.header(), v.Body, now)
			require.NoError(t, err)
			require.Equal(t, s.Name(), res.Scheme)
			require.Equal(t, "vector", res.SecretID)
			require.Equal(t, v.WantID, res.ID)
			require.Equal(t, v.wantTimestamp(t), res.Timestamp)

			if s.Info().SignatureHeader != "Authorization" && s.Name() != "gitlab" {
				// One flipped body byte, a truncated and an extended body
				// all fail (shared tokens do not cover the body).
				for _, body := range []string{flip(v.Body), v.Body[:len(v.Body)-1], v.Body + "&x"} {
					_, err := v.verify(s, k, v.header(), body, now)
					require.Error(t, err)
					require.False(t, errors.Is(err, hmac.ErrMissingHeader), err)
				}
			}
			if s.NeedsURL() {
				// Another path fails, and the error names the URL used.
				w := v
				i := strings.Index(v.URL, "://") + 3
				i += strings.IndexByte(v.URL[i:], '/')
				w.URL = v.URL[:i] + "/other" + v.URL[i:]
				_, err := w.verify(s, k, v.header(), v.Body, now)
				require.ErrorIs(t, err, hmac.ErrMismatch)
				require.Contains(t, err.Error(), w.URL)
			}

			// A different secret fails.
			other, err := hmac.NewKeyring(hmac.Secret{ID: "other", Key: []byte("a-completely-different-key")})
			require.NoError(t, err)
			_, err = v.verify(s, other, v.header(), v.Body, now)
			require.ErrorIs(t, err, hmac.ErrMismatch)

			if !v.Sign {
				return
			}
			// The signer reproduces the published headers byte for byte.
			var id string
			if s.IDHeader() != "" {
				id = v.header().Get(s.IDHeader())
			}
			got := http.Header{}
			require.NoError(t, hmac.NewSigner(s, k).SignURL(got, v.Method, v.URL, id, v.wantTimestamp(t), []byte(v.Body), now))
			want := v.header()
			for name := range want {
				require.Equal(t, want.Get(name), got.Get(name), name)
			}
		})
	}
}

// TestStripeDocsHeader parses the header shown in Stripe's documentation
// (https://docs.stripe.com/webhooks/signatures: t, v1 and a v0 test-mode
// signature). Its secret and payload are not published, so the expected
// outcome is a well-formed mismatch, not a parse error.
func TestStripeDocsHeader(t *testing.T) {
	h := http.Header{}
	h.Set("Stripe-Signature", "t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39")
	k, err := hmac.NewKeyring(hmac.Secret{Key: []byte("whsec_unpublished_secret")})
	require.NoError(t, err)
	_, err = hmac.NewVerifier(hmac.Stripe, k).Verify(h, []byte(`{}`))
	require.ErrorIs(t, err, hmac.ErrMismatch)
	require.False(t, errors.Is(err, hmac.ErrMalformed))
}

func flip(s string) string {
	b := []byte(s)
	b[len(b)/2] ^= 0x01
	return string(b)
}

// TestEveryPresetHasAVector: each preset is covered by TestVectors (and
// with it by a negative test).
func TestEveryPresetHasAVector(t *testing.T) {
	have := map[string]bool{}
	for _, v := range loadVectors(t) {
		have[v.Scheme] = true
	}
	for _, s := range hmac.Presets() {
		require.True(t, have[s.Name()], "no vector for preset %q", s.Name())
	}
}
