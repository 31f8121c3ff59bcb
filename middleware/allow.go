package middleware

import "net/http"

// AllowIP is the client-IP layer alone: it resolves the client address
// (RemoteAddr, or the forwarding header walked across Config.TrustedProxies,
// IPv4-mapped addresses unmapped) and refuses with 403 not_allowed an
// address outside the current allow list (Config.Allow, swapped with
// SetAllowList). With no allow list every address passes; with one, an
// unresolvable client is refused.
func (g *Guard) AllowIP(next http.Handler) http.Handler {
	return g.layer(next, g.stepAllow)
}
