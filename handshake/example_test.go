package handshake_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/hookguard/hookguard/handshake"
	"github.com/hookguard/hookguard/signature"
)

func ExampleMeta() {
	// Before signature verification: Meta's subscription GET.
	m := handshake.Meta{VerifyToken: "meatyhamhock"}
	req := handshake.Request{Method: "GET", RawQuery: "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock"}
	resp, ok, err := m.Respond(&req, signature.Result{})
	fmt.Println(ok, err, resp.Status, string(resp.Body))

	req.RawQuery = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess"
	_, ok, err = m.Respond(&req, signature.Result{})
	fmt.Println(ok, err)
	// Output:
	// true <nil> 200 1158201444
	// false signature: mismatch: hub.verify_token does not match
}

func ExampleResponse_Write() {
	// After the signature verified: Slack's url_verification.
	req := handshake.Request{Method: "POST", Body: []byte(`{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`)}
	resp, ok, _ := handshake.Slack{}.Respond(&req, signature.Result{Scheme: "slack", SecretID: "primary"})
	if ok {
		w := httptest.NewRecorder()
		resp.Write(w)
		fmt.Println(w.Code, w.Header().Get("Content-Type"), w.Header().Get("X-Content-Type-Options"), w.Body.String())
	}
	// Output: 200 text/plain; charset=utf-8 nosniff 3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P
}
