package hmac

import (
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	stdhmac "crypto/hmac"

	"github.com/hookguard/hookguard/signature"
)

// FuzzTwilioVerify checks the whole Twilio path against a reference
// signer: HMAC-SHA1 over the URL (or its default-port spelling, which the
// SDKs also accept) ‖ url.ParseQuery's parameters sorted by name, then
// value. The delivery is signed with the older of two secrets, so the
// newer one fails first on both spellings. It verifies exactly when the
// reference parses the body, and a body the reference refuses is
// ErrMalformed.
func FuzzTwilioVerify(f *testing.F) {
	f.Add("/sms?tenant=42", "To=%2B1415&Body=Hello+there%21&From=%2B1999", false)
	f.Add("", "b=2&a=1&a=0&%41=3", true)
	f.Add("/x", "MessagingServiceSid=MG1&MessageSid=SM1&Body=a%zz", false)
	f.Add("/y?z", "a=1;b=2", true)
	f.Fuzz(func(t *testing.T, path, body string, withPort bool) {
		if strings.Count(body, "&") >= maxFormParams || strings.Contains(path, "bodySHA256") {
			return
		}
		const host = "https://hooks.example.com"
		url := host + path
		signedURL := url
		if withPort {
			// The other spelling: ":443" added after the host, or removed
			// when the path starts with it.
			v := portVariant(url)
			if !v.ok {
				return // the path makes the host no host[:port]
			}
			signedURL = strings.Join(v.parts[:], "")
		}
		old, cur := []byte("old-secret-0123456789abcdef-old!"), []byte("new-secret-0123456789abcdef-new!")
		k, err := NewKeyring(Secret{ID: "old", Key: old}, Secret{ID: "new", Key: cur})
		if err != nil {
			t.Fatal(err)
		}
		params, ok := refForm(body)
		m := stdhmac.New(sha1.New, old)
		m.Write([]byte(signedURL))
		m.Write(params)
		h := http.Header{}
		h.Set(Twilio.SignatureHeader(), base64.StdEncoding.EncodeToString(m.Sum(nil)))
		msg := signature.Message{Method: "POST", URL: url, Header: h, Body: []byte(body)}
		res, err := NewVerifier(Twilio, k).Authenticate(&msg, time.Unix(1700000000, 0))
		switch {
		case !ok:
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("body %q refused by url.ParseQuery: err = %v, want ErrMalformed", body, err)
			}
		case err != nil:
			t.Fatalf("url %q (signed as %q), body %q: %v", url, signedURL, body, err)
		case res.SecretID != "old":
			t.Fatalf("verified with secret %q, signed with old", res.SecretID)
		}
	})
}
