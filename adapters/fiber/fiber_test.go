package hookfiber

import (
	"io"
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/recover"

	"github.com/hookguard/hookguard/internal/guardtest"
)

// newApp returns a fiber app with recovery and POST /webhooks behind a
// Guard, whose handler records its runs in l.
func newApp(t *testing.T, l *guardtest.Ledger) *fiber.App {
	app := fiber.New()
	app.Use(recover.New())
	app.Post("/webhooks", Middleware(l.Guard(t)), func(c fiber.Ctx) error {
		ev, ok := Event(c)
		if l.Handle(ev, ok, c.BodyRaw()) {
			return fiber.NewError(http.StatusInternalServerError, "failed")
		}
		return c.SendString("processed")
	})
	return app
}

// do sends req through app and returns the status and body.
func do(t *testing.T, app *fiber.App, req *http.Request) (int, string) {
	resp, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestMiddleware(t *testing.T) {
	l := guardtest.NewLedger()
	app := newApp(t, l)
	guardtest.CheckAdapter(t, l, func(req *http.Request) (int, string) { return do(t, app, req) })
}

// TestHeaderLines proves the adapter shows the Guard every line of a
// header: a second signature line is refused, not silently ignored.
func TestHeaderLines(t *testing.T) {
	l := guardtest.NewLedger()
	app := newApp(t, l)
	req := guardtest.Delivery(t, "http://127.0.0.1/webhooks", guardtest.Key, "msg_dup_header", `{}`)
	req.Header.Add("Webhook-Signature", "v1,AAAA")
	status, body := do(t, app, req)
	if status != http.StatusBadRequest || body != `{"error":"malformed"}`+"\n" || l.Count("msg_dup_header") != 0 {
		t.Fatalf("duplicated signature header: %d %q", status, body)
	}
}

// TestEventOutsideGuard proves Event reports false on a route the Guard
// does not cover.
func TestEventOutsideGuard(t *testing.T) {
	app := fiber.New()
	app.Get("/health", func(c fiber.Ctx) error {
		if _, ok := Event(c); ok {
			return c.SendStatus(http.StatusTeapot)
		}
		return c.SendStatus(http.StatusNoContent)
	})
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/health", nil)
	if status, _ := do(t, app, req); status != http.StatusNoContent {
		t.Fatalf("Event outside the Guard: status %d", status)
	}
}

// TestDeps proves that importing this adapter links fiber and hookguard,
// and no other web framework.
func TestDeps(t *testing.T) {
	guardtest.CheckDeps(t, "github.com/gofiber/fiber/v3",
		"github.com/gin-gonic/", "github.com/labstack/echo", "github.com/go-chi/")
}
