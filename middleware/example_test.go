package middleware_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/middleware"
)

// The one-Guard setup: every check in the safe order in front of a handler,
// a signed delivery sent to it through httptest, then the same delivery
// again (a duplicate) and a forged one.
func Example() {
	key, _ := hmac.StandardWebhooks.ParseKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	keyring, err := hmac.NewKeyring(hmac.Secret{ID: "2026-11", Key: key})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(middleware.Config{
		Scheme:  hmac.StandardWebhooks,
		Keyring: keyring,
		Allow:   ipallow.MustParse("127.0.0.0/8, ::1"),
	})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := middleware.EventFrom(r.Context())
		body, _ := io.ReadAll(r.Body)
		fmt.Printf("handled %s (secret %s): %s\n", ev.ID, ev.SecretID, body)
		w.WriteHeader(http.StatusNoContent)
	})))
	defer srv.Close()

	signer := hmac.NewSigner(hmac.StandardWebhooks, keyring)
	send := func(id string, body []byte, forge bool) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		if err := signer.Sign(req.Header, id, time.Now(), body); err != nil {
			log.Fatal(err)
		}
		if forge {
			req.Body = io.NopCloser(bytes.NewReader([]byte(`{"amount":1000000}`)))
			req.ContentLength = -1
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(strings.TrimSpace(fmt.Sprint(resp.StatusCode, " ", string(answer))))
	}
	body := []byte(`{"amount":10}`)
	send("msg_1", body, false)
	send("msg_1", body, false)
	send("msg_2", body, true)
	// Output:
	// handled msg_1 (secret 2026-11): {"amount":10}
	// 204
	// 200 {"status":"duplicate"}
	// 401 {"error":"bad_signature"}
}

// GitHub signs the body but not its X-GitHub-Delivery ID. The Guard
// deduplicates by that ID and by the signed content, so a sender's retry
// and a capture replayed under a new ID are both duplicates, while a new
// event is processed.
func Example_unsignedEventID() {
	keyring, _ := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: []byte("a-32-byte-secret-for-the-example")})
	guard, err := middleware.New(middleware.Config{Scheme: hmac.GitHub, Keyring: keyring})
	if err != nil {
		log.Fatal(err)
	}
	handler := guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := middleware.EventFrom(r.Context())
		fmt.Println("processing delivery", ev.ID)
	}))
	send := func(delivery, body string) {
		req := httptest.NewRequest(http.MethodPost, "/github", strings.NewReader(body))
		_ = hmac.NewSigner(hmac.GitHub, keyring).Sign(req.Header, delivery, time.Now(), []byte(body))
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Println(strings.TrimSpace(fmt.Sprint(rec.Code, " ", rec.Body.String())))
	}
	send("d-1", `{"action":"opened","number":42}`)
	send("d-1", `{"action":"opened","number":42}`) // the sender's retry
	send("d-2", `{"action":"opened","number":42}`) // a capture replayed under a new ID
	send("d-3", `{"action":"closed","number":42}`) // a new event
	// Output:
	// processing delivery d-1
	// 200
	// 200 {"status":"duplicate"}
	// 200 {"status":"duplicate"}
	// processing delivery d-3
	// 200
}

// The framework-agnostic core: what a fiber or fasthttp adapter does with
// the peer address, headers and body it has at hand.
func ExampleGuard_Check() {
	keyring, _ := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: []byte("a-32-byte-secret-for-the-example")})
	now := time.Unix(1_700_000_000, 0)
	guard, _ := middleware.New(middleware.Config{
		Scheme:  hmac.Stripe,
		Keyring: keyring,
		EventID: middleware.JSONFieldEventID("id"),
		Now:     func() time.Time { return now },
	})
	body := []byte(`{"id":"evt_1","type":"charge.succeeded"}`)
	headers := http.Header{}
	_ = hmac.NewSigner(hmac.Stripe, keyring).Sign(headers, "", now, body)
	// A framework passes its own lookup: hmac.HeaderFunc(c.Get) for fiber.
	lookup := hmac.HeaderFunc(headers.Get)

	for range 2 {
		v := guard.Check(context.Background(), middleware.Request{
			RemoteAddr: "198.51.100.7:443", TLS: true, Header: lookup, Body: body,
		})
		if !v.Proceed() {
			fmt.Println("answer", v.Status, string(v.Body()[:len(v.Body())-1]))
			continue
		}
		fmt.Println("run the handler for", v.Event.ID, "from", v.Event.ClientIP)
		_ = v.Done(http.StatusOK) // the handler's status: 2xx completes, else releases
	}
	// Output:
	// run the handler for evt_1 from 198.51.100.7
	// answer 200 {"status":"duplicate"}
}

// New validates the whole Config once, at start-up: a missing keyring, a
// negative cap or a Keep shorter than the timestamp window fail here, never
// per request.
func ExampleNew() {
	_, err := middleware.New(middleware.Config{
		Scheme:  hmac.Slack,
		MaxBody: -1,
	})
	fmt.Println(err)
	// Output:
	// middleware: invalid Config: a Keyring is required
	// negative MaxBody -1
}

// A deny handler replaces every refusal's response; DenialFrom says why.
// Retry-After and the RateLimit fields are already set.
func ExampleGuard_SetDenyHandler() {
	keyring, _ := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: []byte("a-32-byte-secret-for-the-example")})
	guard, _ := middleware.New(middleware.Config{Scheme: hmac.Shopify, Keyring: keyring})
	guard.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, _ := middleware.DenialFrom(r.Context())
		w.WriteHeader(d.Status)
		fmt.Fprintf(w, "refused: %s\n", d.Reason)
	}))
	handler := guard.Handler(http.NotFoundHandler())

	req := httptest.NewRequest(http.MethodPost, "/shopify", bytes.NewReader([]byte(`{}`)))
	req.Header.Set("X-Shopify-Hmac-Sha256", "bm90IGEgcmVhbCBzaWduYXR1cmUgb2YgMzIgYnl0ZXM=")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 401 refused: bad_signature
}

// An ipallow.Holder as Config.Allow swaps the client-IP allow list while
// the Guard serves, for example when a provider publishes new delivery
// addresses.
func ExampleConfig_allowHolder() {
	keyring, _ := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: []byte("a-32-byte-secret-for-the-example")})
	allow := ipallow.NewHolder(ipallow.MustParse("192.30.252.0/22"))
	guard, _ := middleware.New(middleware.Config{
		Scheme:  hmac.GitHub,
		Keyring: keyring,
		Allow:   allow,
	})
	handler := guard.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	send := func() int {
		body := []byte(`{"zen":"Design for failure."}`)
		req := httptest.NewRequest(http.MethodPost, "/github", bytes.NewReader(body))
		req.RemoteAddr = "140.82.115.9:41234"
		_ = hmac.NewSigner(hmac.GitHub, keyring).Sign(req.Header, "", time.Now(), body)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code
	}
	fmt.Println(send())
	allow.Store(ipallow.MustParse("192.30.252.0/22, 140.82.112.0/20"))
	fmt.Println(send())
	// Output:
	// 403
	// 200
}
