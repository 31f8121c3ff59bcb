package pubkey_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hookguard/hookguard/pubkey"
	"github.com/hookguard/hookguard/signature"
)

func ExampleVerifier_Verify() {
	// SendGrid's published test delivery (sendgrid-go eventwebhook_test.go).
	pub, err := pubkey.SendGrid.ParsePublicKey("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==")
	if err != nil {
		panic(err)
	}
	ring, _ := pubkey.NewKeyring(pubkey.Key{ID: "sendgrid-2020", Public: pub})
	v := pubkey.NewVerifier(pubkey.SendGrid, ring)

	h := http.Header{}
	h.Set("X-Twilio-Email-Event-Webhook-Signature", "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=")
	h.Set("X-Twilio-Email-Event-Webhook-Timestamp", "1588788367")
	body := []byte(`{"category":"example_payload","event":"test_event","message_id":"message_id"}`)

	res, err := v.Verify(h, body)
	fmt.Println(res.Scheme, res.SecretID, res.Timestamp.Unix(), err)

	_, err = v.Verify(h, []byte(`{"event":"forged"}`))
	fmt.Println(errors.Is(err, signature.ErrMismatch))
	// Output:
	// sendgrid sendgrid-2020 1588788367 <nil>
	// true
}

func ExampleSigner_Sign() {
	// A Standard Webhooks v1a sender: sign with the whsk_ key, publish the
	// whpk_ key to receivers.
	priv, err := pubkey.StandardWebhooks.ParsePrivateKey("whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==")
	if err != nil {
		panic(err)
	}
	s, _ := pubkey.NewSigner(pubkey.StandardWebhooks, priv)
	h := http.Header{}
	if err := s.Sign(h, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`)); err != nil {
		panic(err)
	}
	fmt.Println(h.Get("Webhook-Signature"))

	whpk, _ := pubkey.StandardWebhooks.FormatPublicKey(priv.Public())
	fmt.Println(whpk)
	// Output:
	// v1a,fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoVmAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw==
	// whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
}

func ExampleNewKeyring() {
	pub, _ := pubkey.Discord.ParsePublicKey("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
	ring, err := pubkey.NewKeyring(pubkey.Key{ID: "app", Public: pub})
	fmt.Println(ring.Keys()[0].ID, err)
	// Output: app <nil>
}
