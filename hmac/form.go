package hmac

import (
	"bytes"
	"fmt"
	"slices"
)

// maxFormParams bounds the parameters of a form body (the standard
// library's url.ParseQuery has the same kind of limit).
const maxFormParams = 1000

// formField locates one parameter in formBuf.dec, decoded: the name is
// dec[start:eq], the value dec[eq:end].
type formField struct {
	start, eq, end int32
}

// formBuf is the scratch space of one Twilio verification: the fields of
// the body, their decoded bytes, and the signed bytes, prefix ‖ the sorted
// "name value name value...". It is pooled by the verifier and never
// reaches user code.
type formBuf struct {
	fields []formField
	dec    []byte // the body's names and values, decoded, in body order
	out    []byte
}

// maxPooledForm: buffers grown past this are dropped, not pooled, so one
// large body does not pin memory.
const maxPooledForm = 64 << 10

var (
	errFormSemicolon = fmt.Errorf("%w: form body has a ';' separator", ErrMalformed)
	errFormEscape    = fmt.Errorf("%w: form body has an invalid %% escape", ErrMalformed)
	errFormTooMany   = fmt.Errorf("%w: form body has more than %d parameters", ErrMalformed, maxFormParams)
)

// parseForm decodes body as application/x-www-form-urlencoded (pairs
// separated by '&', '+' for space, %XX escapes; empty pairs skipped; a
// ';' or a bad escape refused as in url.ParseQuery) and sets b.out to
// prefix followed by every name‖value, sorted by name then value (byte
// order). This is the order Twilio's SDKs sign; parameters with the same
// name keep all their values.
func (b *formBuf) parseForm(prefix string, body []byte) error {
	// Decoding never lengthens: body bounds dec, prefix ‖ body bounds out.
	// Both are sized here, before anything can fail, so cap(out) >=
	// cap(dec) always and the pool's bound on out bounds both.
	if cap(b.dec) < len(body) {
		b.dec = make([]byte, 0, len(body))
	}
	if need := len(prefix) + len(body); cap(b.out) < need {
		b.out = make([]byte, 0, need)
	}
	if err := b.split(body); err != nil {
		return err
	}
	dec := b.dec
	slices.SortFunc(b.fields, func(x, y formField) int {
		if c := bytes.Compare(dec[x.start:x.eq], dec[y.start:y.eq]); c != 0 {
			return c
		}
		return bytes.Compare(dec[x.eq:x.end], dec[y.eq:y.end])
	})
	out := append(b.out[:0], prefix...)
	for _, f := range b.fields {
		out = append(out, dec[f.start:f.end]...)
	}
	b.out = out
	return nil
}

// split sets b.dec to the decoded names and values of body (it has room
// for them) and b.fields to where each parameter lies in it, in body
// order.
func (b *formBuf) split(body []byte) error {
	if bytes.IndexByte(body, ';') >= 0 {
		return errFormSemicolon
	}
	b.dec, b.fields = b.dec[:0], b.fields[:0]
	for rest := body; len(rest) > 0; {
		pair := rest
		if i := bytes.IndexByte(rest, '&'); i >= 0 {
			pair, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if len(pair) == 0 {
			continue
		}
		if len(b.fields) == maxFormParams {
			return errFormTooMany
		}
		name, value := pair, []byte(nil)
		if i := bytes.IndexByte(pair, '='); i >= 0 {
			name, value = pair[:i], pair[i+1:]
		}
		f := formField{start: int32(len(b.dec))}
		ok := b.decode(name)
		f.eq = int32(len(b.dec))
		if !ok || !b.decode(value) {
			return errFormEscape
		}
		f.end = int32(len(b.dec))
		b.fields = append(b.fields, f)
	}
	return nil
}

// decode appends s, form-decoded, to b.dec: as it is when it holds no '+'
// or '%'. false for a bad % escape.
func (b *formBuf) decode(s []byte) bool {
	if bytes.IndexByte(s, '%') < 0 && bytes.IndexByte(s, '+') < 0 {
		b.dec = append(b.dec, s...)
		return true
	}
	d := b.dec
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			if i+2 >= len(s) {
				return false
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return false
			}
			c = hi<<4 | lo
			i += 2
		}
		d = append(d, c)
	}
	b.dec = d
	return true
}
