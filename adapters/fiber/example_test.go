package hookfiber_test

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"

	hookfiber "github.com/hookguard/hookguard/adapters/fiber"
	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

// A fiber route behind a Guard, sent one signed delivery, its replay and a
// forgery through fiber's in-memory App.Test.
func Example() {
	keys, _ := hmac.NewKeyring(hmac.Secret{ID: "2024-06", Key: []byte("fiber-example-secret-0123456789ab")})
	guard, err := middleware.New(middleware.Config{Scheme: hmac.StandardWebhooks, Keyring: keys})
	if err != nil {
		panic(err)
	}

	app := fiber.New()
	app.Post("/webhooks", hookfiber.Middleware(guard), func(c fiber.Ctx) error {
		ev, _ := hookfiber.Event(c)
		fmt.Println("handler: event", ev.ID, "signed with", ev.SecretID)
		return c.SendStatus(http.StatusNoContent)
	})

	send := func(signWith *hmac.Keyring) {
		body := []byte(`{"type":"invoice.paid"}`)
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/webhooks", bytes.NewReader(body))
		_ = hmac.NewSigner(hmac.StandardWebhooks, signWith).Sign(req.Header, "msg_42", time.Now(), body)
		resp, err := app.Test(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println("sender got", resp.StatusCode)
	}
	send(keys)
	send(keys) // the provider's retry: already processed
	forged, _ := hmac.NewKeyring(hmac.Secret{Key: []byte("an-attacker-guess-0123456789abcd")})
	send(forged)
	// Output:
	// handler: event msg_42 signed with 2024-06
	// sender got 204
	// sender got 200
	// sender got 401
}
