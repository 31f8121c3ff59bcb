package middleware

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// A declared Content-Length is not bytes received: a client that announces
// the whole cap and then sends a few bytes (or stalls) must not make the
// Guard allocate the cap up front, or a few hundred idle connections pin
// gigabytes when MaxBody is raised for GitHub's 25 MB deliveries.
func TestReadCappedDoesNotTrustContentLengthForAllocation(t *testing.T) {
	const max = 25 << 20
	r := &widestRead{r: io.MultiReader(strings.NewReader("0123456789"), errReader{io.ErrUnexpectedEOF})}
	if _, err := readCapped(r, max, max); !errors.Is(err, errMalformed) {
		t.Fatalf("err %v, want malformed", err)
	}
	if r.widest > 1<<20 {
		t.Fatalf("a buffer of %d bytes was offered to read 10 bytes of a declared %d", r.widest, max)
	}
}

// widestRead records the largest buffer it was asked to fill: the size
// readCapped allocated up front.
type widestRead struct {
	r      io.Reader
	widest int
}

func (w *widestRead) Read(p []byte) (int, error) {
	w.widest = max(w.widest, cap(p))
	return w.r.Read(p)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
