// Package hookecho puts a hookguard Guard in front of echo handlers.
//
//	e.POST("/webhooks", handler, hookecho.Middleware(guard))
//
// A refused delivery is answered by the Guard (401, 409, 429, ... with a
// terse reason code) and the handler does not run; an accepted one runs it
// with c.Request() carrying the verified event, read with
// middleware.EventFrom(c.Request().Context()), and the body restored.
//
// The handler's response, including the one for an error it returns
// (committed inside the Guard with c.Error), is written through the Guard,
// so its final status decides: 2xx completes the event (a duplicate is then
// answered 200 without running the handler), anything else or a panic
// releases it so the provider's retry is processed.
// (echo.WrapMiddleware(guard.Handler) alone would let an error response be
// written after the Guard had already taken the event as processed.)
//
// This module requires echo and hookguard only.
package hookecho

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/hookguard/hookguard/middleware"
)

// Middleware returns echo middleware that runs guard before next (see the
// package documentation).
func Middleware(guard *middleware.Guard) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			orig := c.Response()
			guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c.SetRequest(r)
				c.SetResponse(echo.NewResponse(w, c.Echo()))
				defer c.SetResponse(orig)
				if err := next(c); err != nil {
					c.Error(err)
				}
			})).ServeHTTP(orig, c.Request())
			return nil
		}
	}
}
