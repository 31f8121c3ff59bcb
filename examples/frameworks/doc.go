// Package frameworks puts a hookguard Guard in front of handlers written for
// gin, echo, chi and fiber. It is its own module, so the frameworks never
// enter the root module's go.mod; copy the adapter you need (each is a few
// lines) or import this package.
//
//   - chi is net/http: r.Use(guard.Handler), nothing else (see NewChiRouter).
//   - gin and echo run the net/http Guard around the framework's handler
//     chain, routing the handler's writes through the Guard so it sees the
//     final status (2xx completes the event, anything else releases it).
//     middleware.EventFrom(request context) works as with net/http.
//   - fiber (fasthttp) is not net/http: its adapter calls the Guard's
//     framework-agnostic core, Guard.Check on (remote address, headers,
//     body), and reports the handler's status with Verdict.Done. The handler
//     reads the event with FiberEvent.
package frameworks
