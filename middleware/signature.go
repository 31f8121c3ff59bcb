package middleware

import "net/http"

// VerifySignature is the signature layer alone: it verifies the delivery
// against every currently valid secret of Config.Keyring (reading the body
// with LimitBody's cap if no LimitBody ran before it), derives the event ID
// (Config.EventID) and makes the Event available to later layers and to
// next through EventFrom. It refuses with 401 bad_signature, 400 malformed
// or 400 missing_header. It does not check the timestamp: add CheckWindow.
func (g *Guard) VerifySignature(next http.Handler) http.Handler {
	if next == nil {
		panic("middleware: nil handler")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, r := g.stateOf(r)
		g.withBody(w, r, st, func(w http.ResponseWriter, r *http.Request) {
			if st.verified {
				next.ServeHTTP(w, r)
				return
			}
			if err := g.stepSignature(st); err != nil {
				g.refuse(w, r, st, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
}
