package hmac_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
)

// fuzzVerifyHeader is the property every header-parser fuzz target checks:
// no panic, every error wraps exactly one sentinel, and the only
// signature headers that verify contain the canonical signature of the
// exact signed bytes as one of their entries.
func fuzzVerifyHeader(t *testing.T, v *hmac.Verifier, h http.Header, body []byte, canonical string, entry func(string) []string) {
	_, err := v.Verify(h, body)
	if err != nil {
		n := 0
		for _, s := range []error{hmac.ErrMissingHeader, hmac.ErrMalformed, hmac.ErrMismatch} {
			if errors.Is(err, s) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("error %q wraps %d sentinels", err, n)
		}
		return
	}
	for _, e := range entry(h.Get(v.Scheme().SignatureHeader())) {
		if e == canonical {
			return
		}
	}
	t.Fatalf("verified a header without the canonical signature %q: %q", canonical, h.Get(v.Scheme().SignatureHeader()))
}

// vectorFixture loads one vector's verifier, headers and body.
func vectorFixture(f *testing.F, name string) (*hmac.Verifier, http.Header, []byte) {
	for _, v := range loadVectors(f) {
		if v.Name == name {
			s, k := v.setup(f)
			return hmac.NewVerifier(s, k), v.header(), []byte(v.Body)
		}
	}
	f.Fatalf("no vector %q", name)
	return nil, nil, nil
}

func FuzzStandardWebhooksHeader(f *testing.F) {
	v, h, body := vectorFixture(f, "standard-webhooks/spec-library-test")
	canonical := h.Get("Webhook-Signature")
	for _, vec := range loadVectors(f) {
		if vec.Scheme == "standard-webhooks" {
			f.Add(vec.Headers["webhook-signature"])
		}
	}
	f.Add("v1," + strings.TrimPrefix(canonical, "v1,")[:42] + "F=")
	f.Add("v1a,xyz " + canonical)
	f.Add("v1,")
	f.Fuzz(func(t *testing.T, sig string) {
		h := h.Clone()
		h.Set("Webhook-Signature", sig)
		fuzzVerifyHeader(t, v, h, body, canonical, func(s string) []string { return strings.Split(s, " ") })
	})
}

func FuzzStripeHeader(f *testing.F) {
	v, h, body := vectorFixture(f, "stripe/constructed")
	full := h.Get("Stripe-Signature")
	parts := strings.Split(full, ",")
	canonical := parts[1] // v1=<hex>
	f.Add(full)
	f.Add(parts[0] + "," + parts[1])
	f.Add("t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39")
	f.Add(parts[1] + "," + parts[0])
	f.Add("t=,v1=")
	f.Fuzz(func(t *testing.T, sig string) {
		h := http.Header{}
		h.Set("Stripe-Signature", sig)
		_, err := v.Verify(h, body)
		if err == nil && (!strings.Contains(","+sig+",", ","+parts[0]+",") || !containsFold(strings.Split(sig, ","), canonical)) {
			t.Fatalf("verified %q", sig)
		}
		fuzzVerifyHeader(t, v, h, body, canonical, func(s string) []string { return lower(strings.Split(s, ",")) })
	})
}

func FuzzPaddleHeader(f *testing.F) {
	v, h, body := vectorFixture(f, "paddle/go-sdk-example")
	full := h.Get("Paddle-Signature")
	parts := strings.Split(full, ";")
	f.Add(full)
	f.Add(parts[1] + ";" + parts[0])
	f.Add(full + ";h1=00")
	f.Add("ts=;h1=")
	f.Fuzz(func(t *testing.T, sig string) {
		h := http.Header{}
		h.Set("Paddle-Signature", sig)
		_, err := v.Verify(h, body)
		if err == nil && (!strings.Contains(";"+sig+";", ";"+parts[0]+";") || !containsFold(strings.Split(sig, ";"), parts[1])) {
			t.Fatalf("verified %q", sig)
		}
		fuzzVerifyHeader(t, v, h, body, parts[1], func(s string) []string { return lower(strings.Split(s, ";")) })
	})
}

// FuzzPrefixedHeader covers the single-signature parser with a prefix and
// hex (GitHub), a prefix and a signed timestamp (Slack), and base64 (Shopify).
func FuzzPrefixedHeader(f *testing.F) {
	type fix struct {
		v         *hmac.Verifier
		h         http.Header
		body      []byte
		canonical string
	}
	var fixes []fix
	for _, name := range []string{"github/docs-test-values", "slack/docs-example", "shopify/constructed"} {
		v, h, body := vectorFixture(f, name)
		c := h.Get(v.Scheme().SignatureHeader())
		fixes = append(fixes, fix{v, h, body, c})
		f.Add(uint8(len(fixes)-1), c)
		f.Add(uint8(len(fixes)-1), c+" ")
		f.Add(uint8(len(fixes)-1), strings.ToUpper(c))
	}
	f.Fuzz(func(t *testing.T, which uint8, sig string) {
		x := fixes[int(which)%len(fixes)]
		h := x.h.Clone()
		h.Set(x.v.Scheme().SignatureHeader(), sig)
		// Hex accepts either case; base64 only the canonical spelling.
		fold := x.v.Scheme().Name() != "shopify"
		fuzzVerifyHeader(t, x.v, h, x.body, x.canonical, func(s string) []string {
			if fold && strings.EqualFold(s, x.canonical) && strings.HasPrefix(s, x.canonical[:3]) {
				return []string{x.canonical}
			}
			return []string{s}
		})
	})
}

func FuzzTokenHeader(f *testing.F) {
	const token = "gitlab-secret-token-0123"
	k, err := hmac.NewKeyring(hmac.Secret{ID: "t", Key: []byte(token)})
	if err != nil {
		f.Fatal(err)
	}
	v := hmac.NewVerifier(hmac.GitLab, k)
	f.Add(token)
	f.Add(token + " ")
	f.Add(token[:len(token)-1])
	f.Fuzz(func(t *testing.T, tok string) {
		h := http.Header{}
		h.Set("X-Gitlab-Token", tok)
		_, err := v.Verify(h, nil)
		if (err == nil) != (tok == token) {
			t.Fatalf("token %q: err %v", tok, err)
		}
	})
}

// FuzzSignedContent: with the published signature fixed, no (id,
// timestamp, body) verifies unless it produces exactly the signed bytes.
func FuzzSignedContent(f *testing.F) {
	v, h, body := vectorFixture(f, "standard-webhooks/spec-library-test")
	id, ts := h.Get("Webhook-Id"), h.Get("Webhook-Timestamp")
	want := id + "." + ts + "." + string(body)
	f.Add(id, ts, body)
	f.Add(id+".", ts, body)
	f.Add(id, "0"+ts, body)
	f.Add(id, ts, append([]byte(nil), body[:len(body)-1]...))
	f.Fuzz(func(t *testing.T, id, ts string, body []byte) {
		hh := h.Clone()
		hh["Webhook-Id"] = []string{id}
		hh["Webhook-Timestamp"] = []string{ts}
		if _, err := v.Verify(hh, body); err == nil {
			if got := id + "." + ts + "." + string(body); got != want {
				t.Fatalf("verified different signed bytes %q", got)
			}
		}
	})
}

// FuzzNewScheme compiles arbitrary templates and prefixes; whatever is
// accepted signs and verifies its own output, and a changed body fails.
func FuzzNewScheme(f *testing.F) {
	for _, tmpl := range []string{"", "{body}", "{timestamp}.{body}", "v0:{timestamp}:{body}", "{id}.{timestamp}.{body}", "{id}{body}", "{", "{body}}", "{nope}{body}"} {
		f.Add(tmpl, "sha256=", true, false)
	}
	f.Add("{timestamp}:{body}", "", false, true)
	k, err := hmac.NewKeyring(hmac.Secret{ID: "f", Key: []byte("fuzz-secret-0123456789")})
	if err != nil {
		f.Fatal(err)
	}
	ts := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, tmpl, prefix string, withTS, b64 bool) {
		c := hmac.SchemeConfig{Name: "fuzz", SignatureHeader: "X-Sig", Prefix: prefix, IDHeader: "X-Id", Template: tmpl}
		if withTS {
			c.TimestampHeader = "X-Ts"
		}
		if b64 {
			c.Encoding = hmac.Base64
		}
		s, err := hmac.NewScheme(c)
		if err != nil {
			return
		}
		h := http.Header{}
		if err := hmac.NewSigner(s, k).Sign(h, "evt-1", ts, []byte("body")); err != nil {
			t.Fatalf("sign: %v", err)
		}
		v := hmac.NewVerifier(s, k)
		if _, err := v.Verify(h, []byte("body")); err != nil {
			t.Fatalf("template %q prefix %q: own signature refused: %v", tmpl, prefix, err)
		}
		if _, err := v.Verify(h, []byte("bodY")); err == nil {
			t.Fatalf("template %q: changed body verified", tmpl)
		}
	})
}

func containsFold(items []string, want string) bool {
	for _, it := range items {
		if strings.EqualFold(it, want) && strings.HasPrefix(it, want[:strings.IndexByte(want, '=')+1]) {
			return true
		}
	}
	return false
}

func lower(items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		if j := strings.IndexByte(it, '='); j >= 0 {
			out[i] = it[:j+1] + strings.ToLower(it[j+1:])
		}
	}
	return out
}
