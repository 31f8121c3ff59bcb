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
	var err error
	allocated := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			r := io.MultiReader(strings.NewReader("0123456789"), errReader{io.ErrUnexpectedEOF})
			_, err = readCapped(r, max, max)
		}
	}).AllocedBytesPerOp()
	if !errors.Is(err, errMalformed) {
		t.Fatalf("err %v, want malformed", err)
	}
	if allocated > 1<<20 {
		t.Fatalf("%d bytes allocated to read 10 bytes of a declared %d", allocated, max)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
