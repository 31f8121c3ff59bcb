package frameworks

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookguard/hookguard/middleware"
)

// Gin returns gin middleware that runs guard before the rest of the chain.
// A refused delivery is answered by the Guard and the chain is aborted; an
// accepted one continues with c.Request carrying the verified event
// (middleware.EventFrom(c.Request.Context())) and the body restored. The
// handlers' writes go through the Guard, so the final status decides: 2xx
// completes the event, anything else (or a panic) releases it for a retry.
func Gin(guard *middleware.Guard) gin.HandlerFunc {
	return func(c *gin.Context) {
		orig := c.Writer
		proceeded := false
		guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			proceeded = true
			c.Request = r
			c.Writer = &ginWriter{ResponseWriter: orig, guarded: w}
			defer func() { c.Writer = orig }()
			c.Next()
		})).ServeHTTP(orig, c.Request)
		if !proceeded {
			c.Abort()
		}
	}
}

// ginWriter is gin's writer with the writes that carry a status routed
// through the Guard's writer (which forwards them to gin's own writer, so
// Status, Size and Written stay right).
type ginWriter struct {
	gin.ResponseWriter
	guarded http.ResponseWriter
}

func (w *ginWriter) WriteHeader(code int)              { w.guarded.WriteHeader(code) }
func (w *ginWriter) Write(b []byte) (int, error)       { return w.guarded.Write(b) }
func (w *ginWriter) WriteString(s string) (int, error) { return w.guarded.Write([]byte(s)) }
func (w *ginWriter) Unwrap() http.ResponseWriter       { return w.guarded }
func (w *ginWriter) WriteHeaderNow() {
	w.guarded.WriteHeader(w.ResponseWriter.Status())
	w.ResponseWriter.WriteHeaderNow()
}
