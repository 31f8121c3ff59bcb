// Package benchmarks measures hookguard side by side with peer libraries.
//
// Everything here lives in its own module so the peers never enter the root
// module's go.mod. The package holds the shared fixtures (signed deliveries,
// random prefixes, rate-limit keys) and one adapter per implementation; the
// _test.go files hold the correctness tests that prove every adapter accepts
// the same signed deliveries and refuses a tampered one, and the benchmarks
// that cmd/report runs side by side and turns into BENCHMARKS.md.
//
// Every adapter calls its library's public API; nothing is copied from a peer.
package benchmarks
