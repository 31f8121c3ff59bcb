// Package hookchi is documentation and tests only: chi needs no adapter.
//
// chi routers take net/http middleware as is, so the Guard's Handler method
// is the whole adapter:
//
//	r := chi.NewRouter()
//	r.With(guard.Handler).Post("/webhooks", handler)
//
// The handler reads the verified event with
// middleware.EventFrom(r.Context()); a 2xx completes the event, anything
// else or a panic (with chi's Recoverer outside the Guard) releases it so
// the provider's retry is processed. The same holds for any router built on
// net/http (gorilla/mux, http.ServeMux, ...).
//
// The module exists so the claim is tested against chi itself (the same
// checks the gin, echo and fiber adapters pass) without chi entering the
// root module; there is nothing to import.
package hookchi
