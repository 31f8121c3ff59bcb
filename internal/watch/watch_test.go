package watch

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/hmac"
)

func TestSet(t *testing.T) {
	s := NewSet(2)
	stats := func() StoreStats { return StoreStats{Keys: 3, Capacity: 10} }
	require.ErrorContains(t, s.AddStore("", stats), "needs a name")
	require.NoError(t, s.AddStore("replay", stats))
	require.ErrorContains(t, s.AddStore("replay", stats), "watched already")
	require.NoError(t, s.AddStore("ratelimit", stats))
	require.ErrorContains(t, s.AddStore("third", stats), "at most 2")

	end := time.Unix(1893456000, 0)
	keys := secrets{{ID: "a", NotAfter: end}, {ID: "b"}, {ID: "c", NotAfter: end}}
	require.NoError(t, s.AddKeyring("stripe", keys), "keyrings are counted apart from stores")

	var got []string
	s.Each(func(name string, st StoreStats) {
		got = append(got, fmt.Sprintf("%s %d %d", name, st.Keys, st.Capacity))
	}, func(scheme, id string, notAfter time.Time) {
		got = append(got, fmt.Sprintf("%s %s %d", scheme, id, notAfter.Unix()))
	})
	// At most 2 secrets of a keyring are read (a, b), and only those with
	// an end are reported (a).
	require.ElementsMatch(t, []string{"replay 3 10", "ratelimit 3 10", "stripe a 1893456000"}, got)
}

func TestKeyringIsSatisfied(t *testing.T) {
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "k", Key: []byte("0123456789abcdef")})
	require.NoError(t, err)
	var _ Keyring = keys
}

// secrets is a Keyring listing fixed secrets in order.
type secrets []hmac.SecretInfo

func (s secrets) Secrets() []hmac.SecretInfo { return s }
