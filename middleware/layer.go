package middleware

import "net/http"

// This file holds what the single-layer middlewares (Guard.RequireTLS,
// Guard.AllowIP, Guard.RateLimit, Guard.LimitBody, Guard.VerifySignature,
// Guard.CheckWindow, Guard.Deduplicate) share. Each is a
// func(http.Handler) http.Handler method value for chi's Use, alice.New and
// the like. They share one per-request state through the request context,
// so a layer never repeats what an earlier one did (the body is read once,
// the client IP resolved once), and the signature layer hands the verified
// result to the window and replay layers. Compose them in the Guard's order:
// RequireTLS, AllowIP, RateLimit, LimitBody, VerifySignature, CheckWindow,
// Deduplicate; CheckWindow and Deduplicate refuse with 500 misconfigured
// when no VerifySignature ran before them.
//
// In a hand-composed chain each refusal is observed and logged by the layer
// that refuses; acceptance is observed by Deduplicate.

// stateOf returns the request's shared state, creating it (and a request
// carrying it) for the first layer of a chain.
func (g *Guard) stateOf(r *http.Request) (*reqState, *http.Request) {
	if st := stateFrom(r); st != nil && st.v.g == g {
		return st, r
	}
	ls := &layerState{}
	st := g.initState(&ls.reqState, r.Context())
	st.setRequest(r)
	ls.req = *r.WithContext(st) // one allocation, as in Guard.serve
	return st, &ls.req
}

// layerState is the state of a request in a chain of single layers and the
// request the chain hands on, whose context it is, allocated together.
type layerState struct {
	reqState
	req http.Request
}

// refuse records err as the decision and answers it.
func (g *Guard) refuse(w http.ResponseWriter, r *http.Request, st *reqState, err error) {
	g.decide(st, err)
	g.respond(w, r, st)
}

// layer builds a middleware that runs step and refuses on its error.
func (g *Guard) layer(next http.Handler, step func(st *reqState) error) http.Handler {
	if next == nil {
		panic("middleware: nil handler")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, r := g.stateOf(r)
		if err := step(st); err != nil {
			g.refuse(w, r, st, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withBody is the body-reading layer behind LimitBody and, when no LimitBody
// ran before it, VerifySignature: read once, capped, restored for next, the
// buffer returned to the pool after next.
func (g *Guard) withBody(w http.ResponseWriter, r *http.Request, st *reqState, next func(http.ResponseWriter, *http.Request)) {
	if st.bodyRead {
		next(w, r)
		return
	}
	if err := g.stepBody(st, r); err != nil {
		g.refuse(w, r, st, err)
		g.releaseBody(st)
		return
	}
	// The state of a layer chain is not recycled, so its reader is not either.
	defer func() {
		st.rb.detach()
		g.releaseBody(st)
	}()
	st.rb.attach(st.raw)
	r.Body = &st.rb
	r.ContentLength, r.TransferEncoding = int64(len(st.raw)), nil
	next(w, r)
}
