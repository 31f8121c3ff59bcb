package hmac_test

import (
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"net/http"
	"strings"
	"testing"
	"time"

	stdhmac "crypto/hmac"

	"github.com/hookguard/hookguard/hmac"
	"github.com/stretchr/testify/require"
)

func TestNewSchemeRefuses(t *testing.T) {
	tests := []struct {
		name string
		c    hmac.SchemeConfig
	}{
		{"no name", hmac.SchemeConfig{SignatureHeader: "X-Sig"}},
		{"no header", hmac.SchemeConfig{Name: "x"}},
		{"bad header name", hmac.SchemeConfig{Name: "x", SignatureHeader: "X Sig"}},
		{"bad id header", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", IDHeader: "X:Id"}},
		{"md5", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Hash: crypto.MD5}},
		{"sha3", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Hash: crypto.SHA3_256}},
		{"unknown encoding", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Encoding: 7}},
		{"prefix with space", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Prefix: "sha256= "}},
		{"timestamp unsigned", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", TimestampHeader: "X-Ts"}},
		{"timestamp without header", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Template: "{timestamp}.{body}"}},
		{"id without header", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Template: "{id}.{body}"}},
		{"no body", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Template: "static"}},
		{"two bodies", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Template: "{body}{body}"}},
		{"two timestamps", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", TimestampHeader: "X-Ts", Template: "{timestamp}{timestamp}{body}"}},
		{"unknown placeholder", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Template: "{path}{body}"}},
		{"unmatched brace", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Template: "{body"}},
		{"stray close brace", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Sig", Template: "}{body}"}},
		{"token with hash", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Tok", SharedToken: true, Hash: crypto.SHA1}},
		{"token with template", hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Tok", SharedToken: true, Template: "{body}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := hmac.NewScheme(tt.c)
			require.Error(t, err)
		})
	}
}

func mac(h func() hash.Hash, key string, parts ...string) []byte {
	m := stdhmac.New(h, []byte(key))
	for _, p := range parts {
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// TestCustomSchemes covers the custom formats the issue names, each checked
// against an independently computed MAC, then round-tripped via the signer.
func TestCustomSchemes(t *testing.T) {
	const key = "custom-secret-0123456789"
	body := `{"event":"ping"}`
	tests := []struct {
		name    string
		c       hmac.SchemeConfig
		headers map[string]string
		wantID  string
		wantTS  int64
	}{
		{
			name: "X-Signature over {timestamp}.{body} with X-Event-ID",
			c: hmac.SchemeConfig{Name: "acme-events", SignatureHeader: "X-Signature", TimestampHeader: "X-Timestamp",
				IDHeader: "X-Event-ID", Template: "{timestamp}.{body}"},
			headers: map[string]string{
				"X-Signature": hex.EncodeToString(mac(sha256.New, key, "1700000000.", body)),
				"X-Timestamp": "1700000000", "X-Event-ID": "evt_42",
			},
			wantID: "evt_42", wantTS: 1700000000,
		},
		{
			name:    "x-acme-signature hex over the raw body",
			c:       hmac.SchemeConfig{Name: "acme", SignatureHeader: "x-acme-signature"},
			headers: map[string]string{"x-acme-signature": hex.EncodeToString(mac(sha256.New, key, body))},
		},
		{
			name:    "X-Scalekit-Signature sha256=<hex>",
			c:       hmac.SchemeConfig{Name: "scalekit", SignatureHeader: "X-Scalekit-Signature", Prefix: "sha256="},
			headers: map[string]string{"X-Scalekit-Signature": "sha256=" + hex.EncodeToString(mac(sha256.New, key, body))},
		},
		{
			name:    "SHA-1 hex (legacy X-Hub-Signature)",
			c:       hmac.SchemeConfig{Name: "github-sha1", SignatureHeader: "X-Hub-Signature", Prefix: "sha1=", Hash: crypto.SHA1},
			headers: map[string]string{"X-Hub-Signature": "sha1=" + hex.EncodeToString(mac(sha1.New, key, body))},
		},
		{
			name:    "SHA-512 base64",
			c:       hmac.SchemeConfig{Name: "s512", SignatureHeader: "X-Sig", Encoding: hmac.Base64, Hash: crypto.SHA512},
			headers: map[string]string{"X-Sig": base64.StdEncoding.EncodeToString(mac(sha512.New, key, body))},
		},
		{
			name: "{id}.{timestamp}.{body} hex",
			c: hmac.SchemeConfig{Name: "sw-hex", SignatureHeader: "X-Sig", TimestampHeader: "X-Ts", IDHeader: "X-Id",
				Template: "{id}.{timestamp}.{body}"},
			headers: map[string]string{
				"X-Sig": hex.EncodeToString(mac(sha256.New, key, "id-1.1700000000.", body)),
				"X-Ts":  "1700000000", "X-Id": "id-1",
			},
			wantID: "id-1", wantTS: 1700000000,
		},
		{
			name: "v0:{timestamp}:{body} with literal text",
			c: hmac.SchemeConfig{Name: "slackish", SignatureHeader: "X-Sig", Prefix: "v0=", TimestampHeader: "X-Ts",
				Template: "v0:{timestamp}:{body}"},
			headers: map[string]string{
				"X-Sig": "v0=" + hex.EncodeToString(mac(sha256.New, key, "v0:1700000000:", body)),
				"X-Ts":  "1700000000",
			},
			wantTS: 1700000000,
		},
	}
	k, err := hmac.NewKeyring(hmac.Secret{ID: "c", Key: []byte(key)})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := hmac.NewScheme(tt.c)
			require.NoError(t, err)
			h := http.Header{}
			for name, v := range tt.headers {
				h.Set(name, v)
			}
			res, err := hmac.NewVerifier(s, k).Verify(h, []byte(body))
			require.NoError(t, err)
			require.Equal(t, tt.wantID, res.ID)
			if tt.wantTS != 0 {
				require.Equal(t, tt.wantTS, res.Timestamp.Unix())
			}
			_, err = hmac.NewVerifier(s, k).Verify(h, []byte(body+"x"))
			require.ErrorIs(t, err, hmac.ErrMismatch)

			// The signer writes the same headers.
			out := http.Header{}
			require.NoError(t, hmac.NewSigner(s, k).Sign(out, tt.wantID, time.Unix(tt.wantTS, 0), []byte(body)))
			for name, v := range tt.headers {
				require.Equal(t, v, out.Get(name), name)
			}
		})
	}
}

func TestTokenSchemes(t *testing.T) {
	globex, err := hmac.NewTokenScheme("globex", "x-globex-token")
	require.NoError(t, err)
	for _, s := range []hmac.Scheme{globex, hmac.GitLab} {
		t.Run(s.Name(), func(t *testing.T) {
			oldTok, newTok := "old-shared-token-0123", "new-shared-token-4567"
			k, err := hmac.NewKeyring(hmac.Secret{ID: "old", Key: []byte(oldTok)})
			require.NoError(t, err)
			now := time.Unix(1700000000, 0)
			require.NoError(t, k.RotateAt(hmac.Secret{ID: "new", Key: []byte(newTok)}, time.Hour, now))
			v := hmac.NewVerifier(s, k)
			for tok, id := range map[string]string{oldTok: "old", newTok: "new"} {
				h := http.Header{}
				h.Set(s.SignatureHeader(), tok)
				res, err := v.VerifyAt(h, []byte("any body"), now)
				require.NoError(t, err)
				require.Equal(t, id, res.SecretID)
			}
			for _, bad := range []string{"", "old-shared-token-012", "old-shared-token-01234", "OLD-SHARED-TOKEN-0123"} {
				h := http.Header{}
				h.Set(s.SignatureHeader(), bad)
				_, err := v.VerifyAt(h, nil, now)
				require.Error(t, err)
			}
			// After the grace period only the new token works.
			h := http.Header{}
			h.Set(s.SignatureHeader(), oldTok)
			_, err = v.VerifyAt(h, nil, now.Add(time.Hour))
			require.ErrorIs(t, err, hmac.ErrMismatch)
			// The signer writes the newest token.
			out := http.Header{}
			require.NoError(t, hmac.NewSigner(s, k).SignAt(out, "", now, nil, now))
			require.Equal(t, newTok, out.Get(s.SignatureHeader()))
		})
	}
	h := http.Header{}
	h.Set("X-Gitlab-Token", "whatever-token-123456")
	h.Set("X-Gitlab-Event-UUID", "uuid-1")
	k, _ := hmac.NewKeyring(hmac.Secret{ID: "g", Key: []byte("whatever-token-123456")})
	res, err := hmac.NewVerifier(hmac.GitLab, k).Verify(h, nil)
	require.NoError(t, err)
	require.Equal(t, "uuid-1", res.ID)
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		scheme hmac.Scheme
		in     string
		want   string // hex; "" means error
	}{
		{hmac.StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0"},
		{hmac.Svix, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0"},
		{hmac.StandardWebhooks, "whsec_not base64!", ""},
		{hmac.StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx=", ""},
		{hmac.StandardWebhooks, "", ""},
		{hmac.Stripe, "whsec_abc", hex.EncodeToString([]byte("whsec_abc"))},
		{hmac.GitHub, "It's a Secret to Everybody", hex.EncodeToString([]byte("It's a Secret to Everybody"))},
		{hmac.GitHub, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.scheme.Name()+"/"+tt.in, func(t *testing.T) {
			key, err := tt.scheme.ParseKey(tt.in)
			if tt.want == "" {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, hex.EncodeToString(key))
			again, err := tt.scheme.ParseKey(tt.scheme.FormatKey(key))
			require.NoError(t, err)
			require.Equal(t, key, again)
		})
	}
}

func TestPresets(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range hmac.Presets() {
		require.NotEmpty(t, s.Name())
		require.False(t, seen[s.Name()], "duplicate preset name %q", s.Name())
		seen[s.Name()] = true
		got, ok := hmac.PresetByName(s.Name())
		require.True(t, ok)
		require.Equal(t, s.Name(), got.Name())
		require.Equal(t, http.CanonicalHeaderKey(s.SignatureHeader()), s.SignatureHeader())
	}
	_, ok := hmac.PresetByName("nope")
	require.False(t, ok)
	require.True(t, hmac.StandardWebhooks.SignsID())
	require.False(t, hmac.GitHub.SignsID())
	require.True(t, hmac.Stripe.SignsTimestamp())
	require.False(t, hmac.Shopify.SignsTimestamp())
	require.True(t, hmac.Stripe.MultiSignature())
	require.False(t, hmac.GitHub.MultiSignature())
}

// TestLongFields streams IDs, literals and timestamps longer than the
// internal scratch buffer and checks the MAC against a reference.
func TestLongFields(t *testing.T) {
	const key = "long-fields-secret-0123"
	k, err := hmac.NewKeyring(hmac.Secret{ID: "l", Key: []byte(key)})
	require.NoError(t, err)
	lit := strings.Repeat("L", 300)
	s, err := hmac.NewScheme(hmac.SchemeConfig{Name: "long", SignatureHeader: "X-Sig", TimestampHeader: "X-Ts", IDHeader: "X-Id",
		Template: lit + "{id}:{timestamp}:" + lit + "{body}" + lit})
	require.NoError(t, err)
	for _, n := range []int{0, 1, 127, 128, 129, 500} {
		id := strings.Repeat("i", n)
		if n == 0 {
			id = "x"
		}
		body := strings.Repeat("b", n)
		want := hex.EncodeToString(mac(sha256.New, key, lit, id, ":1700000000:", lit, body, lit))
		h := http.Header{}
		require.NoError(t, hmac.NewSigner(s, k).Sign(h, id, time.Unix(1700000000, 0), []byte(body)))
		require.Equal(t, want, h.Get("X-Sig"), "n=%d", n)
		_, err := hmac.NewVerifier(s, k).Verify(h, []byte(body))
		require.NoError(t, err)
	}
}

func TestSharedToken(t *testing.T) {
	for _, s := range hmac.Presets() {
		want := s.Name() == hmac.GitLab.Name() || s.Name() == hmac.Okta.Name()
		require.Equal(t, want, s.SharedToken(), s.Name())
	}
	custom, err := hmac.NewScheme(hmac.SchemeConfig{Name: "x", SignatureHeader: "X-Tok", SharedToken: true})
	require.NoError(t, err)
	require.True(t, custom.SharedToken())
	require.False(t, hmac.Scheme{}.SharedToken())
}
