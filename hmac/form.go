package hmac

import (
	"bytes"
	"fmt"
	"slices"
)

// maxFormParams bounds the parameters of a form body (the standard
// library's url.ParseQuery has the same kind of limit).
const maxFormParams = 1000

// formPair locates one decoded parameter in formBuf.dec.
type formPair struct {
	name, value [2]int32 // [start, end) in dec
}

// formBuf is the scratch space of one Twilio verification: decoded names
// and values, their positions, and the sorted "name value name value..."
// concatenation that is signed after the URL. It is pooled by the
// verifier and never reaches user code.
type formBuf struct {
	dec   []byte
	pairs []formPair
	order []uint64 // sort keys: the name's first 6 bytes << 16 | pair index
	out   []byte
}

// maxPooledForm: buffers grown past this are dropped, not pooled, so one
// large body does not pin memory.
const maxPooledForm = 64 << 10

// parseForm decodes body as application/x-www-form-urlencoded (pairs
// separated by '&', '+' for space, %XX escapes; empty pairs skipped; a
// ';' or a bad escape refused as in url.ParseQuery) and writes every
// name‖value, sorted by name then value (byte order), into b.out. This is
// the order Twilio signs; parameters with the same name keep all their
// values.
func (b *formBuf) parseForm(body []byte) error {
	// Decoding never lengthens: size dec and out once, then write by index.
	if cap(b.dec) < len(body) {
		b.dec = make([]byte, 0, len(body))
	}
	if cap(b.out) < len(body) {
		b.out = make([]byte, 0, len(body))
	}
	b.dec, b.pairs, b.order, b.out = b.dec[:0], b.pairs[:0], b.order[:0], b.out[:0]
	for len(body) > 0 {
		var pair []byte
		if i := bytes.IndexByte(body, '&'); i >= 0 {
			pair, body = body[:i], body[i+1:]
		} else {
			pair, body = body, nil
		}
		if len(pair) == 0 {
			continue
		}
		if bytes.IndexByte(pair, ';') >= 0 {
			return fmt.Errorf("%w: form body has a ';' separator", ErrMalformed)
		}
		if len(b.pairs) == maxFormParams {
			return fmt.Errorf("%w: form body has more than %d parameters", ErrMalformed, maxFormParams)
		}
		name, value := pair, []byte(nil)
		if i := bytes.IndexByte(pair, '='); i >= 0 {
			name, value = pair[:i], pair[i+1:]
		}
		var p formPair
		var ok bool
		if p.name, ok = b.unescape(name); !ok {
			return fmt.Errorf("%w: form body has an invalid %% escape", ErrMalformed)
		}
		if p.value, ok = b.unescape(value); !ok {
			return fmt.Errorf("%w: form body has an invalid %% escape", ErrMalformed)
		}
		var key uint64
		for i, c := range b.dec[p.name[0]:min(p.name[1], p.name[0]+6)] {
			key |= uint64(c) << (56 - 8*i)
		}
		b.order = append(b.order, key|uint64(len(b.pairs)))
		b.pairs = append(b.pairs, p)
	}
	b.sort()
	dec := b.dec
	out := b.out[:cap(b.out)]
	n := 0
	for _, o := range b.order {
		p := b.pairs[uint16(o)]
		n += copy(out[n:], dec[p.name[0]:p.name[1]])
		n += copy(out[n:], dec[p.value[0]:p.value[1]])
	}
	b.out = out[:n]
	return nil
}

// sort orders b.order by name, then value. Keys carry the name's first six
// bytes (zero padded), so one integer sort does most of the work; runs of
// keys with equal prefixes are then ordered by the full comparison.
func (b *formBuf) sort() {
	slices.Sort(b.order)
	const prefix = ^uint64(0xffff)
	for i := 0; i < len(b.order); {
		j := i + 1
		for j < len(b.order) && b.order[j]&prefix == b.order[i]&prefix {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(b.order[i:j], b.compare)
		}
		i = j
	}
}

// compare orders two keys' pairs by name, then value.
func (b *formBuf) compare(x, y uint64) int {
	p, q := b.pairs[uint16(x)], b.pairs[uint16(y)]
	if c := bytes.Compare(b.dec[p.name[0]:p.name[1]], b.dec[q.name[0]:q.name[1]]); c != 0 {
		return c
	}
	return bytes.Compare(b.dec[p.value[0]:p.value[1]], b.dec[q.value[0]:q.value[1]])
}

// unescape appends the decoded form of s to b.dec, whose capacity
// parseForm has made sufficient, and returns its span. Runs without '+'
// or '%' are copied at once.
func (b *formBuf) unescape(s []byte) ([2]int32, bool) {
	start := len(b.dec)
	d := b.dec[:cap(b.dec)]
	n, run := start, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '+' && c != '%' {
			continue
		}
		n += copy(d[n:], s[run:i])
		if c == '+' {
			d[n] = ' '
			n++
			run = i + 1
			continue
		}
		if i+2 >= len(s) {
			return [2]int32{}, false
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return [2]int32{}, false
		}
		d[n] = hi<<4 | lo
		n++
		i += 2
		run = i + 1
	}
	n += copy(d[n:], s[run:])
	b.dec = d[:n]
	return [2]int32{int32(start), int32(n)}, true
}
