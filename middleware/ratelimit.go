package middleware

import "net/http"

// RateLimit is the rate-limit layer alone: it takes a token from
// Config.Limiter for the delivery's key (Config.RateKey, default the client
// IP with IPv6 grouped by /64) and refuses with 429, Retry-After and the
// RateLimit fields when none is left. A failing limiter is answered 503
// store_unavailable, or let through under Config.FailOpen. Keyed by client
// IP (the default), a client whose address cannot be resolved is refused
// with 403 not_allowed. Without a Limiter it passes everything.
func (g *Guard) RateLimit(next http.Handler) http.Handler {
	return g.layer(next, g.stepRate)
}
