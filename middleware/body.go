package middleware

import (
	"bytes"
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
	if contentLength > 0 && int64(cap(buf)) < contentLength+1 {
		buf = make([]byte, 0, contentLength+1)
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
// body. Close is a no-op; the buffer goes back to the pool once the handler
// has returned.
type bodyReader struct{ bytes.Reader }

// Close implements io.Closer.
func (*bodyReader) Close() error { return nil }
