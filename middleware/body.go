package middleware

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
)

// maxPrealloc bounds the buffer presized from a declared Content-Length:
// it is a claim, not bytes received, and a client announcing the whole cap
// then stalling must not pin the cap's memory.
const maxPrealloc = 64 << 10

// readCapped reads all of r into a new buffer, refusing more than max bytes
// with errTooLarge, like http.MaxBytesReader: a declared Content-Length over
// the cap is refused before reading, and at most max+1 bytes are ever read.
// The buffer is sized from Content-Length, one byte over so that the EOF
// after an exact body needs no growth (bounded by maxPrealloc: a declared
// length is a claim, not bytes received). A *http.MaxBytesError from an
// outer reader is errTooLarge as well; any other read error is malformed.
func readCapped(r io.Reader, contentLength, max int64) ([]byte, error) {
	if contentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d over %d", errTooLarge, contentLength, max)
	}
	if r == nil || r == http.NoBody {
		return []byte{}, nil
	}
	limit := max
	if limit < math.MaxInt64 {
		limit++ // read one byte past the cap to tell "exactly max" from "over"
	}
	size := int64(1)
	if contentLength > 0 {
		size = min(contentLength+1, maxPrealloc)
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 1)
		}
		end := min(int64(cap(buf)), limit)
		n, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, fmt.Errorf("%w: over %d bytes", errTooLarge, max)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
				return nil, fmt.Errorf("%w: %w", errTooLarge, err)
			}
			return nil, fmt.Errorf("%w: reading body: %w", errMalformed, err)
		}
	}
}

// bodyReader is the handler's r.Body: the buffered body, which belongs to
// this delivery alone, so the handler (or a goroutine it started, such as
// http.Transport writing a proxied body) may read it at any time.
type bodyReader struct{ bytes.Reader }

// Close implements io.Closer; it does nothing.
func (*bodyReader) Close() error { return nil }
