package hookchi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/hookguard/hookguard/internal/guardtest"
	"github.com/hookguard/hookguard/middleware"
)

func TestGuardHandler(t *testing.T) {
	l := guardtest.NewLedger()
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		// chi's Recoverer answers 500 and prints the stack; keep the test
		// output quiet by recovering the same way without printing.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if recover() != nil {
					w.WriteHeader(http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(w, r)
		})
	})
	r.With(l.Guard(t).Handler).Post("/webhooks", func(w http.ResponseWriter, r *http.Request) {
		ev, ok := middleware.EventFrom(r.Context())
		body, _ := io.ReadAll(r.Body)
		if l.Handle(ev, ok, body) {
			http.Error(w, "failed", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok")
	})
	guardtest.CheckAdapter(t, l, func(req *http.Request) (int, string) {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	})
}
