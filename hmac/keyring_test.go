package hmac_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/stretchr/testify/require"
)

var (
	keyA = []byte("key-A-0123456789abcdef")
	keyB = []byte("key-B-0123456789abcdef")
	keyC = []byte("key-C-0123456789abcdef")
	t0   = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func TestNewKeyringRefuses(t *testing.T) {
	tests := []struct {
		name    string
		secrets []hmac.Secret
	}{
		{"empty key", []hmac.Secret{{ID: "a"}}},
		{"short key", []hmac.Secret{{ID: "a", Key: []byte("fifteen-bytes!!")}}},
		{"duplicate id", []hmac.Secret{{ID: "a", Key: keyA}, {ID: "a", Key: keyB}}},
		{"NotAfter before NotBefore", []hmac.Secret{{ID: "a", Key: keyA, NotBefore: t0, NotAfter: t0.Add(-time.Second)}}},
		{"NotAfter equal NotBefore", []hmac.Secret{{ID: "a", Key: keyA, NotBefore: t0, NotAfter: t0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := hmac.NewKeyring(tt.secrets...)
			require.Error(t, err)
			for _, s := range tt.secrets {
				if len(s.Key) > 0 {
					require.NotContains(t, err.Error(), string(s.Key))
				}
			}
		})
	}
	_, err := hmac.NewKeyring(hmac.Secret{Key: []byte("sixteen-bytes!!!")})
	require.NoError(t, err, "16 bytes is enough")
}

func TestKeyringDefaultIDsAndCopy(t *testing.T) {
	key := append([]byte(nil), keyA...)
	k, err := hmac.NewKeyring(hmac.Secret{Key: key}, hmac.Secret{Key: keyB})
	require.NoError(t, err)
	require.Equal(t, []hmac.SecretInfo{{ID: "secret-2"}, {ID: "secret-1"}}, k.Secrets())
	// The keyring keeps its own copy of the key.
	h := sign(t, hmac.GitHub, k, t0)
	key[0] ^= 0xff
	res, err := hmac.NewVerifier(hmac.GitHub, k).VerifyAt(h, body, t0)
	require.NoError(t, err)
	require.Equal(t, "secret-2", res.SecretID, "the last secret listed is the newest")
}

var body = []byte(`{"type":"invoice.paid"}`)

func sign(t *testing.T, s hmac.Scheme, k *hmac.Keyring, now time.Time) http.Header {
	t.Helper()
	h := http.Header{}
	require.NoError(t, hmac.NewSigner(s, k).SignAt(h, "evt_1", now, body, now))
	return h
}

func secretIDAt(k *hmac.Keyring, s hmac.Scheme, h http.Header, now time.Time) (string, error) {
	res, err := hmac.NewVerifier(s, k).VerifyAt(h, body, now)
	return res.SecretID, err
}

func TestRotateAndRevoke(t *testing.T) {
	k, err := hmac.NewKeyring(hmac.Secret{ID: "A", Key: keyA})
	require.NoError(t, err)
	oldOnly, err := hmac.NewKeyring(hmac.Secret{ID: "A", Key: keyA})
	require.NoError(t, err)
	sigA := sign(t, hmac.GitHub, k, t0)

	require.NoError(t, k.RotateAt(hmac.Secret{ID: "B", Key: keyB}, 24*time.Hour, t0))
	require.Equal(t, []hmac.SecretInfo{{ID: "B"}, {ID: "A", NotAfter: t0.Add(24 * time.Hour)}}, k.Secrets())

	// Single-signature schemes sign with the newest secret.
	sigB := sign(t, hmac.GitHub, k, t0)
	id, err := secretIDAt(k, hmac.GitHub, sigB, t0)
	require.NoError(t, err)
	require.Equal(t, "B", id)

	// During the grace period the old signature still verifies, and reports A.
	id, err = secretIDAt(k, hmac.GitHub, sigA, t0.Add(24*time.Hour-time.Nanosecond))
	require.NoError(t, err)
	require.Equal(t, "A", id)
	// At the end of grace it does not.
	_, err = secretIDAt(k, hmac.GitHub, sigA, t0.Add(24*time.Hour))
	require.ErrorIs(t, err, hmac.ErrMismatch)

	// Multi-signature schemes carry both; a receiver that still has only
	// the old secret accepts the delivery during the rotation.
	multi := sign(t, hmac.StandardWebhooks, k, t0)
	require.Len(t, splitSpaces(multi.Get("Webhook-Signature")), 2)
	id, err = secretIDAt(oldOnly, hmac.StandardWebhooks, multi, t0)
	require.NoError(t, err)
	require.Equal(t, "A", id)
	id, err = secretIDAt(k, hmac.StandardWebhooks, multi, t0)
	require.NoError(t, err)
	require.Equal(t, "B", id, "newest first")
	// After the grace period the signer writes one signature.
	require.Len(t, splitSpaces(sign(t, hmac.StandardWebhooks, k, t0.Add(25*time.Hour)).Get("Webhook-Signature")), 1)

	// A second rotation never extends an earlier, shorter grace.
	require.NoError(t, k.RotateAt(hmac.Secret{ID: "C", Key: keyC}, 48*time.Hour, t0.Add(time.Hour)))
	require.Equal(t, []hmac.SecretInfo{
		{ID: "C"},
		{ID: "B", NotAfter: t0.Add(49 * time.Hour)},
		{ID: "A", NotAfter: t0.Add(24 * time.Hour)},
	}, k.Secrets())

	// Duplicate IDs and bad keys are refused by Rotate too; the ring is unchanged.
	require.Error(t, k.Rotate(hmac.Secret{ID: "C", Key: keyA}, time.Hour))
	require.Error(t, k.Rotate(hmac.Secret{ID: "D", Key: []byte("short")}, time.Hour))
	require.Error(t, k.Rotate(hmac.Secret{ID: "D", Key: keyA}, -time.Hour))
	require.Len(t, k.Secrets(), 3)

	// Revoke cuts a grace period short.
	id, err = secretIDAt(k, hmac.GitHub, sigB, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Equal(t, "B", id)
	require.NoError(t, k.Revoke("B"))
	_, err = secretIDAt(k, hmac.GitHub, sigB, t0.Add(2*time.Hour))
	require.ErrorIs(t, err, hmac.ErrMismatch)
	require.Error(t, k.Revoke("B"), "unknown ID")

	// Revoking everything fails closed.
	require.NoError(t, k.Revoke("A"))
	require.NoError(t, k.Revoke("C"))
	_, err = secretIDAt(k, hmac.GitHub, sigB, t0)
	require.ErrorIs(t, err, hmac.ErrNoValidSecret)
	require.ErrorIs(t, err, hmac.ErrMismatch)
}

func splitSpaces(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

func TestNotBeforeNotAfter(t *testing.T) {
	k, err := hmac.NewKeyring(
		hmac.Secret{ID: "current", Key: keyA},
		hmac.Secret{ID: "future", Key: keyB, NotBefore: t0.Add(time.Hour), NotAfter: t0.Add(2 * time.Hour)},
	)
	require.NoError(t, err)
	only := func(key []byte) *hmac.Keyring {
		r, err := hmac.NewKeyring(hmac.Secret{Key: key})
		require.NoError(t, err)
		return r
	}
	sigFuture := sign(t, hmac.Slack, only(keyB), t0)
	tests := []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"before NotBefore", t0.Add(time.Hour - time.Nanosecond), false},
		{"at NotBefore", t0.Add(time.Hour), true},
		{"inside", t0.Add(90 * time.Minute), true},
		{"at NotAfter", t0.Add(2 * time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := secretIDAt(k, hmac.Slack, sigFuture, tt.at)
			if !tt.ok {
				require.ErrorIs(t, err, hmac.ErrMismatch)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "future", id)
		})
	}
	// The signer picks the newest secret valid at the time: before its
	// NotBefore the future secret is skipped.
	h := sign(t, hmac.Slack, k, t0)
	id, err := secretIDAt(k, hmac.Slack, h, t0)
	require.NoError(t, err)
	require.Equal(t, "current", id)
	h = sign(t, hmac.Slack, k, t0.Add(time.Hour))
	id, err = secretIDAt(k, hmac.Slack, h, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, "future", id)
}

// TestRotateWhileVerifying exercises the atomic snapshot swap under -race:
// verifiers never fail while secrets are rotated in and revoked, because the
// delivery's secret stays in the ring throughout.
func TestRotateWhileVerifying(t *testing.T) {
	k, err := hmac.NewKeyring(hmac.Secret{ID: "stable", Key: keyA})
	require.NoError(t, err)
	h := sign(t, hmac.StandardWebhooks, k, t0)
	v := hmac.NewVerifier(hmac.StandardWebhooks, k)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := v.VerifyAt(h, body, t0); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range 200 {
		id := "r" + strconv.Itoa(i)
		key := []byte("rotating-key-" + strconv.Itoa(i) + "-padding")
		// A grace far in the future keeps "stable" valid at t0.
		require.NoError(t, k.RotateAt(hmac.Secret{ID: id, Key: key}, 1000*time.Hour, t0))
		if i > 0 {
			require.NoError(t, k.Revoke("r"+strconv.Itoa(i-1)))
		}
		_ = k.Secrets()
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
