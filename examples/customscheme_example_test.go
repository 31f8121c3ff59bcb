package examples

import (
	"crypto"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

// Example_customScheme receives webhooks from a provider that is not a
// preset. "Acme" (a made-up provider, shaped like many real ones) sends
//
//	X-Acme-Signature: sha512=<hex HMAC-SHA512 of "{id}.{timestamp}.{body}">
//	X-Acme-Timestamp: <unix seconds>
//	X-Acme-Event-Id:  <event ID>
//
// hmac.SchemeConfig describes that declaratively; the Guard then applies the
// timestamp window (the timestamp is signed) and dedups on the event ID
// (signed too). Were the ID not in the template, the Guard would not trust
// the header and would dedup on a hash of the signed body instead
// (middleware.DefaultEventID).
func Example_customScheme() {
	acme, err := hmac.NewScheme(hmac.SchemeConfig{
		Name:            "acme",
		SignatureHeader: "X-Acme-Signature",
		Prefix:          "sha512=",
		Encoding:        hmac.Hex,
		Hash:            crypto.SHA512,
		TimestampHeader: "X-Acme-Timestamp",
		IDHeader:        "X-Acme-Event-Id",
		Template:        "{id}.{timestamp}.{body}",
	})
	if err != nil {
		log.Fatal(err)
	}
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "acme-1", Key: []byte("acme-shared-secret-from-the-dashboard")})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(middleware.Config{Scheme: acme, Keyring: keys})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := middleware.EventFrom(r.Context())
		fmt.Printf("  handler: %s event %s via %s\n", ev.Scheme, ev.ID, ev.SecretID)
	})))
	defer srv.Close()

	send := func(what string, ts time.Time) {
		body := `{"order":"A-1001","state":"shipped"}`
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if err := hmac.NewSigner(acme, keys).Sign(req.Header, "evt_1001", ts, []byte(body)); err != nil {
			log.Fatal(err)
		}
		fmt.Println(what)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println("  status:", resp.StatusCode)
	}
	send("fresh delivery:", time.Now())
	send("the same event again:", time.Now())
	send("a delivery signed an hour ago:", time.Now().Add(-time.Hour))
	// Output:
	// fresh delivery:
	//   handler: acme event evt_1001 via acme-1
	//   status: 200
	// the same event again:
	//   status: 200
	// a delivery signed an hour ago:
	//   status: 401
}
