package hmac_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/signature"
	"github.com/stretchr/testify/require"
)

func TestURLSchemesNeedTheURL(t *testing.T) {
	for _, s := range []hmac.Scheme{hmac.Twilio, hmac.Square, hmac.HubSpot} {
		require.True(t, s.NeedsURL(), s.Name())
		require.True(t, s.Info().NeedsURL, s.Name())
		k := swKeyring(t)
		_, err := hmac.NewVerifier(s, k).Verify(http.Header{s.SignatureHeader(): {"x"}}, nil)
		require.ErrorIs(t, err, hmac.ErrMismatch)
		require.ErrorContains(t, err, "Authenticate")
		require.ErrorContains(t, hmac.NewSigner(s, k).Sign(http.Header{}, "", time.Now(), nil), "SignURL")
	}
	require.False(t, hmac.GitHub.NeedsURL())
}

func TestTwilioBodySHA256(t *testing.T) {
	v := vectorByName(t, "twilio/python-sdk-json-body")
	s, k := v.setup(t)
	now := time.Unix(1700000000, 0)
	// A different body under the same URL and signature: the hash fails.
	_, err := v.verify(s, k, v.header(), `{"property": "other"}`, now)
	require.ErrorIs(t, err, hmac.ErrMismatch)
	require.ErrorContains(t, err, "bodySHA256")
	// A malformed or repeated bodySHA256 is malformed.
	w := v
	w.URL = "https://mycompany.com/myapp.php?bodySHA256=zz"
	_, err = w.verify(s, k, v.header(), v.Body, now)
	require.ErrorIs(t, err, hmac.ErrMalformed)
	w.URL = v.URL + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
	_, err = w.verify(s, k, v.header(), v.Body, now)
	require.ErrorIs(t, err, hmac.ErrMalformed)
	// An empty URL is a configuration error that fails closed.
	m := signature.Message{Header: v.header(), Body: []byte(v.Body)}
	_, err = hmac.NewVerifier(s, k).Authenticate(&m, now)
	require.ErrorIs(t, err, hmac.ErrMismatch)
	require.ErrorContains(t, err, "Message.URL is empty")
}

func TestTwilioFormStrict(t *testing.T) {
	v := vectorByName(t, "twilio/python-sdk-form")
	s, k := v.setup(t)
	now := time.Unix(1700000000, 0)
	// Reordered parameters verify: Twilio signs them sorted.
	_, err := v.verify(s, k, v.header(), "To=%2B18005551212&From=%2B14158675309&Digits=1234&Caller=%2B14158675309&CallSid=CA1234567890ABCDE", now)
	require.NoError(t, err)
	for _, body := range []string{"CallSid=%zz", "a;b=1"} {
		_, err := v.verify(s, k, v.header(), body, now)
		require.ErrorIs(t, err, hmac.ErrMalformed, body)
	}
}

func TestTwilioAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts need a normal build")
	}
	v := vectorByName(t, "twilio/python-sdk-form")
	s, k := v.setup(t)
	ver := hmac.NewVerifier(s, k)
	m := signature.Message{Method: "POST", URL: v.URL, Header: v.header(), Body: []byte(v.Body)}
	now := time.Unix(1700000000, 0)
	require.Zero(t, testing.AllocsPerRun(100, func() {
		if _, err := ver.Authenticate(&m, now); err != nil {
			t.Fatal(err)
		}
	}))
}

func vectorByName(t testing.TB, name string) vector {
	for _, v := range loadVectors(t) {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no vector %q", name)
	return vector{}
}
