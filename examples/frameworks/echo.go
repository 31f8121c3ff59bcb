package frameworks

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/hookguard/hookguard/middleware"
)

// Echo returns echo middleware that runs guard before next. A refused
// delivery is answered by the Guard and next does not run; an accepted one
// runs next with c.Request() carrying the verified event
// (middleware.EventFrom(c.Request().Context())) and the body restored.
//
// next's response, including the one for an error it returns (committed
// here with c.Error), is written through the Guard so its final status
// decides: 2xx completes the event, anything else (or a panic) releases it.
// (echo.WrapMiddleware(guard.Handler) alone would let an error response be
// written after the Guard had already taken the event as processed.)
func Echo(guard *middleware.Guard) echo.MiddlewareFunc {
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
