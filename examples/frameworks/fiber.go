package frameworks

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/hookguard/hookguard/middleware"
)

// fiberEventKey is the fiber.Ctx Locals key of the verified event.
type fiberEventKey struct{}

// Fiber returns fiber middleware that runs guard's checks through the
// framework-agnostic core: Guard.Check on the peer address, the headers and
// the body (fiber has read it, up to the app's BodyLimit; set that above
// guard.MaxBody() so oversized bodies get the Guard's 413). A refused
// delivery is answered with the Guard's status, headers and terse body. An
// accepted one runs the rest of the chain with the event in Locals
// (FiberEvent), then reports the final status with Verdict.Done: 2xx
// completes the event, anything else (an error, a panic) releases it.
func Fiber(guard *middleware.Guard) fiber.Handler {
	return func(c fiber.Ctx) (err error) {
		rc := c.RequestCtx()
		v := guard.Check(c.Context(), middleware.Request{
			RemoteAddr: rc.RemoteAddr().String(),
			TLS:        rc.IsTLS(),
			Header:     fiberHeaders{c},
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
		c.Locals(fiberEventKey{}, v.Event)
		defer func() {
			if p := recover(); p != nil {
				_ = v.Done(http.StatusInternalServerError)
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

// FiberEvent returns the verified event of the delivery c is handling.
func FiberEvent(c fiber.Ctx) (middleware.Event, bool) {
	ev, ok := c.Locals(fiberEventKey{}).(middleware.Event)
	return ev, ok
}

// fiberHeaders gives the Guard every line of a header (Values), so a
// duplicated signature header is refused and X-Forwarded-For lines merge.
type fiberHeaders struct{ c fiber.Ctx }

func (h fiberHeaders) Get(key string) string { return h.c.Get(key) }

func (h fiberHeaders) Values(key string) []string {
	all := h.c.RequestCtx().Request.Header.PeekAll(key)
	out := make([]string, len(all))
	for i, v := range all {
		out[i] = string(v)
	}
	return out
}
