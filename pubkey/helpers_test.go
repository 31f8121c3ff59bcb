package pubkey_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func newECKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return k
}

func keyOf(m map[string]string, canonical string) string {
	for k := range m {
		if http.CanonicalHeaderKey(k) == canonical {
			return k
		}
	}
	return canonical
}

func decodeHex(s string) ([]byte, error) { return hex.DecodeString(s) }
func decodeB64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }
