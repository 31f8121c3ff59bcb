package hookgin

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/hookguard/hookguard/internal/guardtest"
	"github.com/hookguard/hookguard/middleware"
)

func TestMiddleware(t *testing.T) {
	gin.SetMode(gin.TestMode)
	l := guardtest.NewLedger()
	engine := gin.New()
	engine.Use(gin.CustomRecovery(func(c *gin.Context, _ any) { c.AbortWithStatus(http.StatusInternalServerError) }))
	engine.POST("/webhooks", Middleware(l.Guard(t)), func(c *gin.Context) {
		ev, ok := middleware.EventFrom(c.Request.Context())
		body, _ := io.ReadAll(c.Request.Body)
		if l.Handle(ev, ok, body) {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "processed"})
	})
	guardtest.CheckAdapter(t, l, func(req *http.Request) (int, string) {
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	})
}

// TestDeps proves that importing this adapter links gin and hookguard, and
// no other web framework.
func TestDeps(t *testing.T) {
	guardtest.CheckDeps(t, "github.com/gin-gonic/gin",
		"github.com/gofiber/", "github.com/valyala/fasthttp", "github.com/labstack/echo", "github.com/go-chi/")
}
