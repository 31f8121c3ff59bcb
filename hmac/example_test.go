package hmac_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hookguard/hookguard/hmac"
)

func ExampleNewKeyring() {
	// The secret as the provider displays it; ParseKey turns it into key bytes.
	key, err := hmac.StandardWebhooks.ParseKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		panic(err)
	}
	k, err := hmac.NewKeyring(hmac.Secret{ID: "2024-01", Key: key})
	if err != nil {
		panic(err)
	}
	fmt.Println(k.Secrets()[0].ID)

	_, err = hmac.NewKeyring(hmac.Secret{ID: "weak", Key: []byte("hunter2")})
	fmt.Println(err)

	// A secret the provider issued and you cannot lengthen: opt in, and
	// warn the operator once.
	legacy, err := hmac.NewKeyring(hmac.Secret{ID: "legacy", Key: []byte("hunter2"), AllowShort: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(legacy.HasShortSecrets(), k.HasShortSecrets())
	// Output:
	// 2024-01
	// hmac: secret "weak": key is 7 bytes, want at least 16 (set Secret.AllowShort to accept a provider's short secret)
	// true false
}

func ExampleVerifier_Verify() {
	key, _ := hmac.StandardWebhooks.ParseKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	k, _ := hmac.NewKeyring(hmac.Secret{ID: "primary", Key: key})
	v := hmac.NewVerifier(hmac.StandardWebhooks, k)

	// Headers and body exactly as received (the Standard Webhooks test vector).
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	body := []byte(`{"test": 2432232314}`)

	res, err := v.Verify(h, body)
	if err != nil {
		fmt.Println("reject:", err)
		return
	}
	fmt.Println(res.Scheme, res.SecretID, res.ID, res.Timestamp.Unix())

	_, err = v.Verify(h, []byte(`{"test": 1}`))
	fmt.Println(errors.Is(err, hmac.ErrMismatch))
	// Output:
	// standard-webhooks primary msg_p5jXN8AQM9LWM0D4loKWxJek 1614265330
	// true
}

func ExampleSigner_Sign() {
	key, _ := hmac.StandardWebhooks.ParseKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	k, _ := hmac.NewKeyring(hmac.Secret{ID: "primary", Key: key})
	s := hmac.NewSigner(hmac.StandardWebhooks, k)

	h := http.Header{}
	err := s.Sign(h, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(h.Get("Webhook-Id"))
	fmt.Println(h.Get("Webhook-Timestamp"))
	fmt.Println(h.Get("Webhook-Signature"))
	// Output:
	// msg_p5jXN8AQM9LWM0D4loKWxJek
	// 1614265330
	// v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
}

func ExampleKeyring_Rotate() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	k, _ := hmac.NewKeyring(hmac.Secret{ID: "2026-02", Key: []byte("february-secret-0123456789")})

	// A delivery signed before the rotation.
	old := http.Header{}
	_ = hmac.NewSigner(hmac.Stripe, k).SignAt(old, "", now, []byte("{}"), now)

	// The new secret signs from now on; the old one stays valid for 24 h.
	if err := k.RotateAt(hmac.Secret{ID: "2026-03", Key: []byte("march-secret-0123456789")}, 24*time.Hour, now); err != nil {
		panic(err)
	}
	v := hmac.NewVerifier(hmac.Stripe, k)
	res, err := v.VerifyAt(old, []byte("{}"), now.Add(time.Hour))
	fmt.Println(res.SecretID, err) // watch this ID fall out of use...

	_, err = v.VerifyAt(old, []byte("{}"), now.Add(25*time.Hour))
	fmt.Println(err) // ...and the old secret expire

	// During the grace period Stripe-format deliveries carry both signatures.
	both := http.Header{}
	_ = hmac.NewSigner(hmac.Stripe, k).SignAt(both, "", now, []byte("{}"), now)
	res, _ = v.VerifyAt(both, []byte("{}"), now)
	fmt.Println(res.SecretID)

	_ = k.Revoke("2026-02") // cut the grace short once no sender uses it
	fmt.Println(len(k.Secrets()))
	// Output:
	// 2026-02 <nil>
	// signature: mismatch: no valid secret matches
	// 2026-03
	// 1
}

func ExampleNewScheme() {
	// X-Signature: hex HMAC-SHA256 over "{timestamp}.{body}", with the
	// timestamp in X-Timestamp and the event ID in X-Event-ID.
	acme, err := hmac.NewScheme(hmac.SchemeConfig{
		Name:            "acme",
		SignatureHeader: "X-Signature",
		TimestampHeader: "X-Timestamp",
		IDHeader:        "X-Event-ID",
		Template:        "{timestamp}.{body}",
	})
	if err != nil {
		panic(err)
	}
	k, _ := hmac.NewKeyring(hmac.Secret{ID: "acme-1", Key: []byte("acme-shared-secret-0123")})

	h := http.Header{}
	_ = hmac.NewSigner(acme, k).Sign(h, "evt_42", time.Unix(1700000000, 0), []byte(`{"ok":true}`))
	fmt.Println(h.Get("X-Timestamp"), h.Get("X-Event-ID"), len(h.Get("X-Signature")))

	res, err := hmac.NewVerifier(acme, k).Verify(h, []byte(`{"ok":true}`))
	fmt.Println(res.ID, res.Timestamp.Unix(), err)

	_, err = hmac.NewScheme(hmac.SchemeConfig{Name: "bad", SignatureHeader: "X-Sig", TimestampHeader: "X-Ts"})
	fmt.Println(err)
	// Output:
	// 1700000000 evt_42 64
	// evt_42 1700000000 <nil>
	// hmac: scheme "bad": TimestampHeader is set but the template does not sign {timestamp}
}

func ExampleNewTokenScheme() {
	globex, _ := hmac.NewTokenScheme("globex", "x-globex-token")
	k, _ := hmac.NewKeyring(hmac.Secret{ID: "globex", Key: []byte("globex-token-0123456789")})
	v := hmac.NewVerifier(globex, k)

	h := http.Header{}
	h.Set("x-globex-token", "globex-token-0123456789")
	res, err := v.Verify(h, nil)
	fmt.Println(res.SecretID, err)

	h.Set("x-globex-token", "guess")
	_, err = v.Verify(h, nil)
	fmt.Println(errors.Is(err, hmac.ErrMismatch))
	// Output:
	// globex <nil>
	// true
}

func ExampleHeaderFunc() {
	// Frameworks without net/http headers (fasthttp, fiber) pass a lookup.
	headers := map[string]string{
		"Webhook-Id":        "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"Webhook-Timestamp": "1614265330",
		"Webhook-Signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
	}
	key, _ := hmac.StandardWebhooks.ParseKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	k, _ := hmac.NewKeyring(hmac.Secret{ID: "primary", Key: key})
	res, err := hmac.NewVerifier(hmac.StandardWebhooks, k).Verify(
		hmac.HeaderFunc(func(name string) string { return headers[name] }),
		[]byte(`{"test": 2432232314}`))
	fmt.Println(res.SecretID, err)
	// Output: primary <nil>
}
