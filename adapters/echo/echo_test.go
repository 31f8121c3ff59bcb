package hookecho

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"

	"github.com/hookguard/hookguard/internal/guardtest"
	"github.com/hookguard/hookguard/middleware"
)

func TestMiddleware(t *testing.T) {
	l := guardtest.NewLedger()
	e := echo.New()
	e.Use(echomw.RecoverWithConfig(echomw.RecoverConfig{DisablePrintStack: true}))
	e.POST("/webhooks", func(c echo.Context) error {
		ev, ok := middleware.EventFrom(c.Request().Context())
		body, _ := io.ReadAll(c.Request().Body)
		if l.Handle(ev, ok, body) {
			// An error returned, not written: the adapter commits it
			// while the Guard watches the status.
			return echo.NewHTTPError(http.StatusInternalServerError, "failed")
		}
		return c.String(http.StatusOK, "processed")
	}, Middleware(l.Guard(t)))
	guardtest.CheckAdapter(t, l, func(req *http.Request) (int, string) {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	})
}

// TestDeps proves that importing this adapter links echo and hookguard, and
// no other web framework.
func TestDeps(t *testing.T) {
	guardtest.CheckDeps(t, "github.com/labstack/echo/v4",
		"github.com/gofiber/", "github.com/valyala/fasthttp", "github.com/gin-gonic/", "github.com/go-chi/")
}
