package middleware

import "net/http"

// CheckWindow is the timestamp layer alone: it refuses with 401 stale or
// 401 future a delivery whose signed timestamp lies outside Config.Window
// around Config.Now. A scheme that signs no timestamp passes. It needs
// VerifySignature before it (500 misconfigured otherwise).
func (g *Guard) CheckWindow(next http.Handler) http.Handler {
	return g.layer(next, g.stepWindow)
}
