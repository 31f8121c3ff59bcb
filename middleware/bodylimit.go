package middleware

import "net/http"

// LimitBody is the body layer alone: it reads the body once, into a pooled
// buffer, refusing with 413 too_large more than Config.MaxBody bytes (a
// declared Content-Length over the cap without reading), and gives next a
// request whose Body reads the buffered bytes. The buffer returns to the
// pool when next returns: next must not keep the body past that.
func (g *Guard) LimitBody(next http.Handler) http.Handler {
	if next == nil {
		panic("middleware: nil handler")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, r := g.stateOf(r)
		g.withBody(w, r, st, next.ServeHTTP)
	})
}
