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
	b.dec, b.pairs, b.out = b.dec[:0], b.pairs[:0], b.out[:0]
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
		b.pairs = append(b.pairs, p)
	}
	dec := b.dec
	slices.SortFunc(b.pairs, func(x, y formPair) int {
		if c := bytes.Compare(dec[x.name[0]:x.name[1]], dec[y.name[0]:y.name[1]]); c != 0 {
			return c
		}
		return bytes.Compare(dec[x.value[0]:x.value[1]], dec[y.value[0]:y.value[1]])
	})
	for _, p := range b.pairs {
		b.out = append(b.out, dec[p.name[0]:p.name[1]]...)
		b.out = append(b.out, dec[p.value[0]:p.value[1]]...)
	}
	return nil
}

// unescape appends the decoded form of s to b.dec and returns its span.
func (b *formBuf) unescape(s []byte) ([2]int32, bool) {
	start := len(b.dec)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.dec = append(b.dec, ' ')
		case '%':
			if i+2 >= len(s) {
				return [2]int32{}, false
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return [2]int32{}, false
			}
			b.dec = append(b.dec, hi<<4|lo)
			i += 2
		default:
			b.dec = append(b.dec, c)
		}
	}
	return [2]int32{int32(start), int32(len(b.dec))}, true
}
