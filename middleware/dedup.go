package middleware

import "net/http"

// Deduplicate is the replay layer alone: it claims the verified event ID in
// Config.Replay for Config.Lease, runs next, and completes the event
// (remembered for Config.Keep) when next answers 2xx or releases it
// otherwise, a panic included (released, then the panic goes on), so the
// sender's retry is processed. An already-processed event is answered 200
// {"status":"duplicate"} without running next; one still in flight 409 with
// Retry-After; a failing store 503 with Retry-After, or next runs without
// deduplication under Config.FailOpen. It needs VerifySignature before it
// (500 misconfigured otherwise).
func (g *Guard) Deduplicate(next http.Handler) http.Handler {
	if next == nil {
		panic("middleware: nil handler")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, r := g.stateOf(r)
		if st.claimChecked {
			next.ServeHTTP(w, r) // an outer Deduplicate holds the claim
			return
		}
		if err := g.stepClaim(st); err != nil {
			g.refuse(w, r, st, err)
			return
		}
		g.decide(st, nil)
		st.rw.reset(w)
		returned := false
		defer func() {
			if !returned {
				_ = st.v.Done(http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(&st.rw, r)
		returned = true
		_ = st.v.Done(st.rw.Status())
	})
}
