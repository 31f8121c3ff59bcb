package middleware

import "net/http"

// RequireTLS is the TLS layer alone: it refuses a delivery that did not
// arrive over TLS, directly or as reported by a trusted proxy
// (Config.TrustedProxies) in X-Forwarded-Proto: https (or, without that
// header, an RFC 7239 Forwarded: proto=https, the last element counting).
// It checks whatever
// Config.RequireTLS says. A plain HTTP connection from a peer that is not a
// trusted proxy is answered 421 Misdirected Request (the sender used an
// http:// URL for an https-only receiver); a trusted proxy reporting plain
// HTTP is answered 403. Both carry reason tls_required.
func (g *Guard) RequireTLS(next http.Handler) http.Handler {
	return g.layer(next, g.stepTLS)
}
