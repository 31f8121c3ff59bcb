package frameworks

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/hookguard/hookguard/middleware"
)

// NewChiRouter mounts webhook at POST /webhooks behind guard. chi routers
// take net/http middleware as is, so the Guard's Handler method is the whole
// adapter; handlers read the verified event with middleware.EventFrom.
func NewChiRouter(guard *middleware.Guard, webhook http.HandlerFunc) chi.Router {
	r := chi.NewRouter()
	r.Group(func(r chi.Router) {
		r.Use(guard.Handler)
		r.Post("/webhooks", webhook)
	})
	return r
}
