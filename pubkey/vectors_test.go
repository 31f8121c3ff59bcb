package pubkey_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/hookguard/hookguard/pubkey"
	"github.com/hookguard/hookguard/signature"
	"github.com/stretchr/testify/require"
)

type vector struct {
	Name          string            `json:"name"`
	Scheme        string            `json:"scheme"`
	Kind          string            `json:"kind"`
	Source        string            `json:"source"`
	PublicKey     string            `json:"public_key"`
	PrivateKey    string            `json:"private_key"`
	Headers       map[string]string `json:"headers"`
	Body          string            `json:"body"`
	WantID        string            `json:"want_id"`
	WantTimestamp int64             `json:"want_timestamp"`
	Sign          bool              `json:"sign"` // the signer reproduces the headers (Ed25519 is deterministic)
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

func (v vector) setup(tb testing.TB) (pubkey.Scheme, *pubkey.Keyring) {
	tb.Helper()
	s, ok := pubkey.PresetByName(v.Scheme)
	require.True(tb, ok, v.Scheme)
	pub, err := s.ParsePublicKey(v.PublicKey)
	require.NoError(tb, err)
	k, err := pubkey.NewKeyring(pubkey.Key{ID: "vector", Public: pub})
	require.NoError(tb, err)
	return s, k
}

func TestVectors(t *testing.T) {
	now := time.Unix(1700000000, 0)
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			require.NotEmpty(t, v.Source)
			s, k := v.setup(t)
			res, err := pubkey.NewVerifier(s, k).VerifyAt(v.header(), []byte(v.Body), now)
			require.NoError(t, err)
			require.Equal(t, signature.Result{Scheme: s.Name(), SecretID: "vector", ID: v.WantID,
				Timestamp: time.Unix(v.WantTimestamp, 0).UTC()}, res)

			// Negative: a changed body, timestamp or key fails.
			for _, body := range []string{v.Body + " ", v.Body[:len(v.Body)-1], flip(v.Body)} {
				_, err := pubkey.NewVerifier(s, k).VerifyAt(v.header(), []byte(body), now)
				require.ErrorIs(t, err, signature.ErrMismatch)
			}
			h := v.header()
			h.Set(s.Info().TimestampHeader, "1700000001")
			_, err = pubkey.NewVerifier(s, k).VerifyAt(h, []byte(v.Body), now)
			require.ErrorIs(t, err, signature.ErrMismatch)

			priv, err := s.ParsePrivateKey(v.PrivateKey)
			require.NoError(t, err)
			other := otherKeyring(t, s)
			_, err = pubkey.NewVerifier(s, other).VerifyAt(v.header(), []byte(v.Body), now)
			require.ErrorIs(t, err, signature.ErrMismatch)

			// The signer's output verifies; for Ed25519 it is the vector.
			signer, err := pubkey.NewSigner(s, priv)
			require.NoError(t, err)
			got := http.Header{}
			require.NoError(t, signer.Sign(got, v.WantID, time.Unix(v.WantTimestamp, 0), []byte(v.Body)))
			_, err = pubkey.NewVerifier(s, k).VerifyAt(got, []byte(v.Body), now)
			require.NoError(t, err)
			if v.Sign {
				for name := range v.header() {
					require.Equal(t, v.header().Get(name), got.Get(name), name)
				}
			}
		})
	}
}

// TestRFC8032Key pins the key the constructed vectors use to RFC 8032
// §7.1 TEST 1 (secret key, public key, signature of the empty message).
func TestRFC8032Key(t *testing.T) {
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	k := ed25519.NewKeyFromSeed(seed)
	require.Equal(t, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", hex.EncodeToString(k.Public().(ed25519.PublicKey)))
	require.Equal(t, "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
		hex.EncodeToString(ed25519.Sign(k, nil)))
}

func otherKeyring(t *testing.T, s pubkey.Scheme) *pubkey.Keyring {
	t.Helper()
	var pub any
	if s.Name() == pubkey.SendGrid.Name() {
		pub = newECKey(t).Public()
	} else {
		pub = ed25519.NewKeyFromSeed(make([]byte, 32)).Public()
	}
	k, err := pubkey.NewKeyring(pubkey.Key{ID: "other", Public: pub})
	require.NoError(t, err)
	return k
}

func flip(s string) string {
	b := []byte(s)
	b[len(b)/2] ^= 0x01
	return string(b)
}

// TestEveryPresetHasAVector: each preset is covered by TestVectors.
func TestEveryPresetHasAVector(t *testing.T) {
	have := map[string]bool{}
	for _, v := range loadVectors(t) {
		have[v.Scheme] = true
	}
	for _, s := range pubkey.Presets() {
		require.True(t, have[s.Name()], "no vector for preset %q", s.Name())
	}
}
