package examples

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/hookguard/hookguard/hmac"
)

// Example_sender is the provider's side: sign a delivery with hmac.Signer
// and POST it. The receiver here checks it with a bare hmac.Verifier.
func Example_sender() {
	key, err := hmac.StandardWebhooks.ParseKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		log.Fatal(err)
	}
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "primary", Key: key})
	if err != nil {
		log.Fatal(err)
	}

	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		res, err := hmac.NewVerifier(hmac.StandardWebhooks, keys).Verify(r.Header, body)
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		fmt.Printf("receiver: %s verified with %s, signed at %s\n", res.ID, res.SecretID, res.Timestamp.Format(time.RFC3339))
	}))
	defer receiver.Close()

	// Sign: the signer writes webhook-id, webhook-timestamp and
	// webhook-signature (one v1 entry per valid secret).
	body := []byte(`{"test": 2432232314}`)
	ts := time.Unix(1614265330, 0) // the Standard Webhooks specification's example
	req, _ := http.NewRequest(http.MethodPost, receiver.URL, bytes.NewReader(body))
	if err := hmac.NewSigner(hmac.StandardWebhooks, keys).Sign(req.Header, "msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body); err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, name := range []string{"Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"} {
		fmt.Printf("%s: %s\n", name, req.Header.Get(name))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("status:", resp.StatusCode)
	// Output:
	// Webhook-Id: msg_p5jXN8AQM9LWM0D4loKWxJek
	// Webhook-Timestamp: 1614265330
	// Webhook-Signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
	// receiver: msg_p5jXN8AQM9LWM0D4loKWxJek verified with primary, signed at 2021-02-25T15:02:10Z
	// status: 200
}
