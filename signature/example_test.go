package signature_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/signature"
)

func ExampleRequestURL() {
	// Behind a TLS-terminating proxy the request arrives as plain HTTP to
	// an internal address; the URL Square signed is the public one.
	u, err := signature.RequestURL("https://hooks.example.com", "http", "10.0.0.7:8080", "/square")
	fmt.Println(u, err)
	// Output: https://hooks.example.com/square <nil>
}

func ExampleAuthenticator() {
	// Square's published SDK test delivery, verified through the one
	// interface the Guard holds for every scheme.
	key, _ := hmac.Square.ParseKey("Ibxx_5AKakO-3qeNVR61Dw")
	ring, _ := hmac.NewKeyring(hmac.Secret{ID: "square", Key: key})
	var a signature.Authenticator = hmac.NewVerifier(hmac.Square, ring)

	h := http.Header{}
	h.Set("X-Square-Hmacsha256-Signature", "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=")
	m := signature.Message{Method: "POST", Header: h,
		Body: []byte(`{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}`)}
	if a.Info().NeedsURL {
		m.URL, _ = signature.RequestURL("https://webhook.site", "", "", "/679a4f3a-dcfa-49ee-bac5-9d0edad886b9")
	}
	res, err := a.Authenticate(&m, time.Now())
	fmt.Println(res.Scheme, res.SecretID, err)

	m.URL = "https://webhook.site/elsewhere"
	_, err = a.Authenticate(&m, time.Now())
	fmt.Println(err)
	// Output:
	// square square <nil>
	// signature: mismatch: no valid secret matches the signature over URL "https://webhook.site/elsewhere"; if the sender was given another URL, configure it as the public base URL
}
