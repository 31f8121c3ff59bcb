// Package hookfiber puts a hookguard Guard in front of fiber (v3) handlers.
//
//	app.Post("/webhooks", hookfiber.Middleware(guard), handler)
//
// fiber runs on fasthttp, not net/http, so the adapter calls the Guard's
// framework-agnostic core: Guard.Check on the peer address, the headers and
// the raw body, then Verdict.Done with the handler's final status. A refused
// delivery is answered with the Guard's status, headers and terse body, and
// the handler does not run. An accepted one runs the rest of the chain with
// the verified event in Locals (read it with Event): 2xx completes the event
// (a duplicate is then answered 200 without running the handler), anything
// else (a returned error, a panic) releases it so the provider's retry is
// processed.
//
// fiber reads the body before any handler runs, up to the app's BodyLimit
// (4 MiB by default): set that above guard.MaxBody() so an oversized body
// gets the Guard's 413 rather than fiber's.
//
// This module requires fiber and hookguard only.
package hookfiber

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/hookguard/hookguard/middleware"
)

// eventKey is the fiber.Ctx Locals key of the verified event.
type eventKey struct{}

// Middleware returns fiber middleware that runs guard's checks before the
// rest of the chain (see the package documentation).
func Middleware(guard *middleware.Guard) fiber.Handler {
	return func(c fiber.Ctx) (err error) {
		rc := c.RequestCtx()
		v := guard.Check(c.Context(), middleware.Request{
			RemoteAddr: rc.RemoteAddr().String(),
			TLS:        rc.IsTLS(),
			Method:     string(rc.Request.Header.Method()),
			Host:       string(rc.Request.Header.Host()),
			RequestURI: string(rc.Request.Header.RequestURI()),
			Header:     headers{c},
			Body:       c.BodyRaw(), // the bytes as signed, never decompressed
		})
		if !v.Proceed() {
			for k, vals := range v.Header() {
				for _, val := range vals {
					c.Set(k, val)
				}
			}
			return c.Status(v.Status).Send(v.Body())
		}
		c.Locals(eventKey{}, v.Event)
		defer func() {
			if p := recover(); p != nil {
				_ = v.Panicked()
				panic(p)
			}
		}()
		err = c.Next()
		status := c.Response().StatusCode()
		if err != nil {
			status = http.StatusInternalServerError
			var fe *fiber.Error
			if errors.As(err, &fe) {
				status = fe.Code
			}
		}
		_ = v.Done(status)
		return err
	}
}

// Event returns the verified event of the delivery c is handling; false
// outside a route behind Middleware.
func Event(c fiber.Ctx) (middleware.Event, bool) {
	ev, ok := c.Locals(eventKey{}).(middleware.Event)
	return ev, ok
}

// headers gives the Guard every line of a header (Values), so a duplicated
// signature header is refused and X-Forwarded-For lines merge.
type headers struct{ c fiber.Ctx }

func (h headers) Get(key string) string { return h.c.Get(key) }

func (h headers) Values(key string) []string {
	all := h.c.RequestCtx().Request.Header.PeekAll(key)
	out := make([]string, len(all))
	for i, v := range all {
		out[i] = string(v)
	}
	return out
}
