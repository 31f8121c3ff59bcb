// Package hookgin puts a hookguard Guard in front of gin handlers.
//
//	engine.POST("/webhooks", hookgin.Middleware(guard), handler)
//
// The Guard runs around the rest of gin's chain: a refused delivery is
// answered by the Guard (401, 409, 429, ... with a terse reason code) and
// the chain is aborted; an accepted one continues with c.Request carrying
// the verified event, read with middleware.EventFrom(c.Request.Context()),
// and the body restored. The handlers' writes go through the Guard, so the
// final status decides the event's fate: 2xx completes it (a duplicate is
// then answered 200 without running the handler), anything else or a panic
// releases it so the provider's retry is processed.
//
// This module requires gin and hookguard only.
package hookgin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookguard/hookguard/middleware"
)

// Middleware returns gin middleware that runs guard before the rest of the
// chain (see the package documentation).
func Middleware(guard *middleware.Guard) gin.HandlerFunc {
	return func(c *gin.Context) {
		orig := c.Writer
		proceeded := false
		guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			proceeded = true
			c.Request = r
			c.Writer = &writer{ResponseWriter: orig, guarded: w}
			defer func() { c.Writer = orig }()
			c.Next()
		})).ServeHTTP(orig, c.Request)
		if !proceeded {
			c.Abort()
		}
	}
}

// writer is gin's writer with the writes that carry a status routed
// through the Guard's writer (which forwards them to gin's own writer, so
// Status, Size and Written stay right).
type writer struct {
	gin.ResponseWriter
	guarded http.ResponseWriter
}

func (w *writer) WriteHeader(code int)              { w.guarded.WriteHeader(code) }
func (w *writer) Write(b []byte) (int, error)       { return w.guarded.Write(b) }
func (w *writer) WriteString(s string) (int, error) { return w.guarded.Write([]byte(s)) }
func (w *writer) Unwrap() http.ResponseWriter       { return w.guarded }
func (w *writer) WriteHeaderNow() {
	w.guarded.WriteHeader(w.ResponseWriter.Status())
	w.ResponseWriter.WriteHeaderNow()
}
