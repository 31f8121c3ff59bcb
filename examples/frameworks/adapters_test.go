package frameworks

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v3"
	"github.com/labstack/echo/v4"

	"github.com/hookguard/hookguard/middleware"
)

// serve runs req through h and returns the status and body.
func serve(h http.Handler) func(*http.Request) (int, string) {
	return func(req *http.Request) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
}

func TestChi(t *testing.T) {
	l := newLedger()
	r := NewChiRouter(newGuard(t), func(w http.ResponseWriter, r *http.Request) {
		ev, ok := middleware.EventFrom(r.Context())
		body, _ := io.ReadAll(r.Body)
		if l.handle(ev, ok, body) {
			http.Error(w, "failed", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok")
	})
	checkAdapter(t, l, serve(r))
}

func TestGin(t *testing.T) {
	gin.SetMode(gin.TestMode)
	l := newLedger()
	engine := gin.New()
	engine.POST("/webhooks", Gin(newGuard(t)), func(c *gin.Context) {
		ev, ok := middleware.EventFrom(c.Request.Context())
		body, _ := io.ReadAll(c.Request.Body)
		if l.handle(ev, ok, body) {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "processed"})
	})
	checkAdapter(t, l, serve(engine))
}

func TestEcho(t *testing.T) {
	l := newLedger()
	e := echo.New()
	e.POST("/webhooks", func(c echo.Context) error {
		ev, ok := middleware.EventFrom(c.Request().Context())
		body, _ := io.ReadAll(c.Request().Body)
		if l.handle(ev, ok, body) {
			// An error returned, not written: the adapter commits it
			// while the Guard watches the status.
			return echo.NewHTTPError(http.StatusInternalServerError, "failed")
		}
		return c.String(http.StatusOK, "processed")
	}, Echo(newGuard(t)))
	checkAdapter(t, l, serve(e))
}

func TestFiber(t *testing.T) {
	l := newLedger()
	app := fiber.New()
	app.Post("/webhooks", Fiber(newGuard(t)), func(c fiber.Ctx) error {
		ev, ok := FiberEvent(c)
		if l.handle(ev, ok, c.BodyRaw()) {
			return fiber.NewError(http.StatusInternalServerError, "failed")
		}
		return c.SendString("processed")
	})
	checkAdapter(t, l, func(req *http.Request) (int, string) {
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	})
}

// TestFiberHeaderLines proves the fiber adapter shows the Guard every line
// of a header: a second signature line is refused, not silently ignored.
func TestFiberHeaderLines(t *testing.T) {
	l := newLedger()
	app := fiber.New()
	app.Post("/webhooks", Fiber(newGuard(t)), func(c fiber.Ctx) error {
		ev, ok := FiberEvent(c)
		l.handle(ev, ok, c.BodyRaw())
		return c.SendString("processed")
	})
	req := delivery(t, testKey, "msg_dup_header", `{}`)
	req.Header.Add("Webhook-Signature", "v1,AAAA")
	resp, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || string(b) != `{"error":"malformed"}`+"\n" || l.count("msg_dup_header") != 0 {
		t.Fatalf("duplicated signature header: %d %q", resp.StatusCode, b)
	}
}
