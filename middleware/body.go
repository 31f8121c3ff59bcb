package middleware

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sync"
)

// maxPooled is the largest body buffer returned to the pool; bigger ones are
// left to the garbage collector so one huge delivery does not pin memory.
const maxPooled = 256 << 10

// maxPrealloc bounds the buffer presized from a declared Content-Length.
const maxPrealloc = 64 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooled {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// readCapped reads all of r into (*bp)[:0], refusing more than max bytes
// with errTooLarge, like http.MaxBytesReader: a declared Content-Length over
// the cap is refused before reading, and at most max+1 bytes are ever read.
// A *http.MaxBytesError from an outer reader is errTooLarge as well; any
// other read error is malformed.
func readCapped(r io.Reader, contentLength, max int64, bp *[]byte) ([]byte, error) {
	if contentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d over %d", errTooLarge, contentLength, max)
	}
	buf := (*bp)[:0]
	if r == nil || r == http.NoBody {
		return buf, nil
	}
	limit := max
	if limit < math.MaxInt64 {
		limit++ // read one byte past the cap to tell "exactly max" from "over"
	}
	// Presize from Content-Length only up to maxPrealloc: it is a claim,
	// not bytes received, and a client announcing the whole cap then
	// stalling must not pin the cap's memory. Beyond it the buffer grows
	// with the bytes that actually arrive.
	if want := min(contentLength+1, maxPrealloc); contentLength > 0 && int64(cap(buf)) < want {
		buf = make([]byte, 0, want)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		end := cap(buf)
		if int64(end) > limit {
			end = int(limit)
		}
		n, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			*bp = buf
			return nil, fmt.Errorf("%w: over %d bytes", errTooLarge, max)
		}
		if err == io.EOF {
			*bp = buf
			return buf, nil
		}
		if err != nil {
			*bp = buf
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, fmt.Errorf("%w: %w", errTooLarge, err)
			}
			return nil, fmt.Errorf("%w: reading body: %w", errMalformed, err)
		}
	}
}

// bodyReader replaces r.Body for the handler: a reader over the buffered
// body. The buffer goes back to the pool once the handler has returned, but
// code the handler started may still read the body then (http.Transport
// writes a proxied request body from its own goroutine, and may do so after
// RoundTrip returned). So the reader is never recycled, and detach, called
// before the buffer is, makes every later Read fail under the same lock a
// Read holds while it copies: no read ever sees another request's bytes.
//
// It is a slice and a lock rather than a bytes.Reader: the handler's
// per-request allocation (handlerContext) stays one size class smaller.
type bodyReader struct {
	mu       sync.Mutex
	unread   []byte
	detached bool
}

// attach points the reader at raw. It runs before the reader is shared
// with anyone (a fresh handlerContext or layer-chain state), so it takes
// no lock: handing the reader over (r.Body, then a call or a go statement)
// publishes these writes.
func (b *bodyReader) attach(raw []byte) {
	b.unread, b.detached = raw, false
}

// detach cuts the reader off its buffer for good.
func (b *bodyReader) detach() {
	b.mu.Lock()
	b.unread, b.detached = nil, true
	b.mu.Unlock()
}

// Read implements io.Reader like bytes.Reader.Read. After the handler
// returned it fails with http.ErrBodyReadAfterClose.
func (b *bodyReader) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.detached {
		b.mu.Unlock()
		return 0, http.ErrBodyReadAfterClose
	}
	if len(b.unread) == 0 {
		b.mu.Unlock()
		return 0, io.EOF
	}
	n := copy(p, b.unread)
	b.unread = b.unread[n:]
	b.mu.Unlock()
	return n, nil
}

// Close implements io.Closer. It does nothing: the body is only released
// when the handler returns, and a handler may close and re-read nothing.
func (b *bodyReader) Close() error { return nil }
