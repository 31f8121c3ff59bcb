package middleware

import (
	"bufio"
	"net"
	"net/http"
)

// recorder wraps the handler's ResponseWriter to learn its status: a
// handler that never calls WriteHeader (or only Write) answered 200. It
// passes Flush and Hijack through and has Unwrap, so http.ResponseController
// reaches every optional method of the writer underneath.
type recorder struct {
	w      http.ResponseWriter
	status int
}

// Status returns the final status written so far, 200 when none was.
func (rw *recorder) Status() int {
	if rw.status == 0 {
		return http.StatusOK
	}
	return rw.status
}

// Header implements http.ResponseWriter.
func (rw *recorder) Header() http.Header { return rw.w.Header() }

// WriteHeader implements http.ResponseWriter. Informational 1xx statuses
// (except 101) are not final and are not recorded.
func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		rw.status = code
	}
	rw.w.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	return rw.w.Write(b)
}

// FlushError flushes the underlying writer through http.ResponseController.
func (rw *recorder) FlushError() error {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	return http.NewResponseController(rw.w).Flush()
}

// Flush implements http.Flusher.
func (rw *recorder) Flush() { _ = rw.FlushError() }

// Hijack implements http.Hijacker. A hijacked connection has no status the
// Guard can see: it is recorded as 101, which is not 2xx, so the event's
// claim is released and a retry will be processed.
func (rw *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(rw.w).Hijack()
	if err == nil && rw.status == 0 {
		rw.status = http.StatusSwitchingProtocols
	}
	return c, brw, err
}

// Unwrap returns the underlying writer for http.ResponseController.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.w }
