package hmac_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"hash"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	stdhmac "crypto/hmac"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/signature"
)

// twilioBody is a realistic inbound-SMS callback: about 1 KiB of form
// parameters in the order Twilio sends them (not sorted).
func twilioBody() string {
	q := []string{"ToCountry=US", "ToState=CA", "SmsMessageSid=SM" + strings.Repeat("a", 32), "NumMedia=0", "ToCity=SAN+FRANCISCO",
		"FromZip=94105", "SmsSid=SM" + strings.Repeat("b", 32), "FromState=CA", "SmsStatus=received", "FromCity=SAN+FRANCISCO",
		"Body=" + strings.Repeat("Hello+from+the+benchmark%21+", 12), "FromCountry=US", "To=%2B14155550100",
		"MessagingServiceSid=MG" + strings.Repeat("c", 32), "ToZip=94105", "NumSegments=1", "MessageSid=SM" + strings.Repeat("d", 32),
		"AccountSid=AC" + strings.Repeat("e", 32), "From=%2B14155550199", "ApiVersion=2010-04-01"}
	return strings.Join(q, "&")
}

// urlCase is one URL scheme's delivery and its floor input: the signed
// bytes assembled once (URL ‖ sorted parameters, or URL ‖ body).
type urlCase struct {
	scheme hmac.Scheme
	msg    signature.Message
	signed []byte
	mac    []byte
	hash   func() hash.Hash
}

func newURLCase(b *testing.B, s hmac.Scheme, k *hmac.Keyring, body string) urlCase {
	const u = "https://hooks.example.com/twilio/sms?tenant=42"
	h := http.Header{}
	if err := hmac.NewSigner(s, k).SignURL(h, "POST", u, "", benchTS, []byte(body), benchTS); err != nil {
		b.Fatal(err)
	}
	c := urlCase{scheme: s, msg: signature.Message{Method: "POST", URL: u, Header: h, Body: []byte(body)}, hash: sha256.New}
	c.signed = []byte(u)
	if s.Name() == hmac.Twilio.Name() {
		c.hash = sha1.New
		q, err := url.ParseQuery(body)
		if err != nil {
			b.Fatal(err)
		}
		names := make([]string, 0, len(q))
		for n := range q {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			for _, v := range q[n] {
				c.signed = append(append(c.signed, n...), v...)
			}
		}
	} else {
		c.signed = append(c.signed, body...)
	}
	m := stdhmac.New(c.hash, benchNew)
	m.Write(c.signed)
	c.mac = m.Sum(nil)
	return c
}

// BenchmarkURLRatio is BenchmarkRatio for the URL-covering schemes: each
// verifier against a pooled, pre-keyed HMAC over the already assembled
// signed bytes (for Twilio: URL ‖ parameters already decoded and sorted).
// Target <= 1.3 with 0 allocs/op.
func BenchmarkURLRatio(b *testing.B) {
	json := `{"merchant_id":"MLEFBHHSJGVHD","type":"payment.updated","event_id":"` + strings.Repeat("e", 36) + `","data":{"object":{"payment":{"note":"` + strings.Repeat("x", 800) + `"}}}}`
	cases := []struct {
		scheme hmac.Scheme
		body   string
	}{
		{hmac.Twilio, twilioBody()},
		{hmac.Square, json},
	}
	for _, tc := range cases {
		b.Run(tc.scheme.Name()+"/"+strconv.Itoa(len(tc.body))+"B", func(b *testing.B) {
			k := oneKey(b)
			c := newURLCase(b, tc.scheme, k, tc.body)
			v := hmac.NewVerifier(tc.scheme, k)
			pool := sync.Pool{New: func() any { return stdhmac.New(c.hash, benchNew) }}
			var sum [sha256.Size]byte
			floor := func() {
				m := pool.Get().(hash.Hash)
				m.Reset()
				m.Write(c.signed)
				if !stdhmac.Equal(m.Sum(sum[:0]), c.mac) {
					b.Fatal("floor mismatch")
				}
				pool.Put(m)
			}
			now := time.Unix(1700000000, 0)
			verify := func() {
				if _, err := v.Authenticate(&c.msg, now); err != nil {
					b.Fatal(err)
				}
			}
			ratioLoop(b, floor, verify)
		})
	}
}
