package hmac

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
)

// maxFormParams bounds the parameters of a form body (the standard
// library's url.ParseQuery has the same kind of limit).
const maxFormParams = 1000

// formField locates one parameter of a form body, still encoded: the name
// is body[start:eq], the value body[eq+1:end] (empty when eq == end: no
// '=').
type formField struct {
	start, eq, end int32
	esc            uint8 // escName | escValue: that part holds a '+' or a '%'
}

const (
	escName uint8 = 1 << iota
	escValue
)

func (f *formField) name(body []byte) []byte { return body[f.start:f.eq] }

func (f *formField) value(body []byte) []byte {
	if f.eq == f.end {
		return nil
	}
	return body[f.eq+1 : f.end]
}

// formBuf is the scratch space of one Twilio verification: the fields of
// the body, their sort keys, and the signed bytes, prefix ‖ the sorted
// "name value name value...". It is pooled by the verifier and never
// reaches user code.
type formBuf struct {
	fields []formField
	keys   []uint64 // the name's first 6 decoded bytes << 16 | field index
	out    []byte
	body   []byte // the body being sorted; nil outside parseForm
}

// maxPooledForm: buffers grown past this are dropped, not pooled, so one
// large body does not pin memory.
const maxPooledForm = 64 << 10

var (
	errFormSemicolon = fmt.Errorf("%w: form body has a ';' separator", ErrMalformed)
	errFormEscape    = fmt.Errorf("%w: form body has an invalid %% escape", ErrMalformed)
	errFormTooMany   = fmt.Errorf("%w: form body has more than %d parameters", ErrMalformed, maxFormParams)
)

// SWAR constants: one byte repeated in every byte of a word.
const (
	lsb     = 0x0101010101010101
	msb     = 0x8080808080808080
	wordEq  = '=' * lsb
	wordAmp = '&' * lsb
	wordPct = '%' * lsb
	wordPls = '+' * lsb
	low7    = 0x7f7f7f7f7f7f7f7f
)

// zeroAt has 0x80 set in the lowest zero byte of x (and possibly in
// higher bytes); it is zero exactly when x has no zero byte.
func zeroAt(x uint64) uint64 { return (x - lsb) &^ x & msb }

// parseForm decodes body as application/x-www-form-urlencoded (pairs
// separated by '&', '+' for space, %XX escapes; empty pairs skipped; a
// ';' or a bad escape refused as in url.ParseQuery) and sets b.out to
// prefix followed by every name‖value, sorted by name then value (byte
// order). This is the order Twilio's SDKs sign; parameters with the same
// name keep all their values.
//
// Names are scanned eight bytes at a time; values are found with
// IndexByte. Only the parts holding a '+' or a '%' are decoded; the
// others are copied from the body once, straight into their sorted place.
func (b *formBuf) parseForm(prefix string, body []byte) error {
	if bytes.IndexByte(body, ';') >= 0 {
		return errFormSemicolon
	}
	fields, keys := b.fields[:0], b.keys[:0]
	esc := escScan{body: body, pct: -1, plus: -1}
	for pos := 0; pos < len(body); {
		if body[pos] == '&' {
			pos++
			continue
		}
		if len(fields) == maxFormParams {
			b.fields, b.keys = fields, keys
			return errFormTooMany
		}
		f, key := scanName(body, pos)
		end := len(body)
		if f.eq < int32(len(body)) && body[f.eq] == '=' {
			if i := bytes.IndexByte(body[f.eq+1:], '&'); i >= 0 {
				end = int(f.eq) + 1 + i
			}
			if esc.in(int(f.eq)+1, end) {
				f.esc |= escValue
			}
		} else {
			end = int(f.eq)
		}
		f.end = int32(end)
		keys = append(keys, key&^0xffff|uint64(len(fields)))
		fields = append(fields, f)
		pos = end + 1
	}
	b.fields, b.keys = fields, keys
	b.sort(body)

	// Decoding never lengthens: size out once, then write by index.
	need := len(prefix) + len(body)
	if cap(b.out) < need {
		b.out = make([]byte, need)
	}
	out := b.out[:cap(b.out)]
	n := copy(out, prefix)
	for _, k := range keys {
		f := &fields[uint16(k)]
		name := body[f.start:f.eq]
		if f.esc&escName == 0 {
			n += copy(out[n:], name)
		} else {
			m, ok := decodePart(out[n:], name)
			if !ok {
				return errFormEscape
			}
			n += m
		}
		if f.eq == f.end {
			continue
		}
		value := body[f.eq+1 : f.end]
		if f.esc&escValue == 0 {
			n += copy(out[n:], value)
		} else {
			m, ok := decodePart(out[n:], value)
			if !ok {
				return errFormEscape
			}
			n += m
		}
	}
	b.out = out[:n]
	return nil
}

// scanName reads the name starting at body[pos], up to the first '=' or
// '&' or the end of body, eight bytes at a time. It returns the field with
// start, eq (where the name ends) and escName set, and the name's sort key
// (its first eight decoded bytes, big-endian, zero padded).
func scanName(body []byte, pos int) (formField, uint64) {
	f := formField{start: int32(pos)}
	i := pos
	var first uint64
	escaped := false
	for i+8 <= len(body) {
		w := binary.LittleEndian.Uint64(body[i:])
		stop := zeroAt(w^wordEq) | zeroAt(w^wordAmp)
		e := zeroAt(w^wordPct) | zeroAt(w^wordPls)
		if stop != 0 {
			below := uint64(1)<<(bits.TrailingZeros64(stop)&^7) - 1
			escaped = escaped || e&below != 0
			if i == pos {
				first = w & below
			}
			f.eq = int32(i + bits.TrailingZeros64(stop)>>3)
			return finishName(body, f, first, escaped)
		}
		escaped = escaped || e != 0
		if i == pos {
			first = w
		}
		i += 8
	}
	for ; i < len(body) && body[i] != '=' && body[i] != '&'; i++ {
		if c := body[i]; c == '%' || c == '+' {
			escaped = true
		}
		if j := i - pos; j < 8 {
			first |= uint64(body[i]) << (8 * j)
		}
	}
	f.eq = int32(i)
	return finishName(body, f, first, escaped)
}

// finishName sets the name's escape flag and turns first, its first
// (up to) eight raw bytes in little-endian order, into its sort key.
func finishName(body []byte, f formField, first uint64, escaped bool) (formField, uint64) {
	if escaped {
		f.esc = escName
		return f, decodedKey(body[f.start:f.eq])
	}
	return f, bits.ReverseBytes64(first)
}

// escScan answers "does body[start:end) hold a '%' or a '+'" for ranges
// in increasing order, each with at most one search per character: it
// remembers where the next of each lies (-1: not searched yet).
type escScan struct {
	body      []byte
	pct, plus int
}

func (e *escScan) in(start, end int) bool {
	if e.pct < start {
		e.pct = next(e.body, start, '%')
	}
	if e.plus < start {
		e.plus = next(e.body, start, '+')
	}
	return e.pct < end || e.plus < end
}

// next is the index of the first c in body at or after start, or
// len(body).
func next(body []byte, start int, c byte) int {
	if i := bytes.IndexByte(body[start:], c); i >= 0 {
		return start + i
	}
	return len(body)
}

// decodedKey is the sort key of an escaped name: the first eight bytes of
// its decoded form. A bad escape is found, and refused, when the name is
// written.
func decodedKey(name []byte) uint64 {
	var k uint64
	for i, j := 0, 0; i < len(name) && j < 8; j++ {
		var c byte
		c, i = decodedAt(name, i)
		k |= uint64(c) << (56 - 8*j)
	}
	return k
}

// decodedAt returns the decoded byte at s[i] and the index after it. A bad
// escape decodes as its '%' (the caller refuses it elsewhere).
func decodedAt(s []byte, i int) (byte, int) {
	switch c := s[i]; c {
	case '+':
		return ' ', i + 1
	case '%':
		if i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				return hi<<4 | lo, i + 3
			}
		}
		return c, i + 1
	default:
		return c, i + 1
	}
}

// compareDecoded compares the decoded forms of a and b.
func compareDecoded(a, b []byte) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		var x, y byte
		x, i = decodedAt(a, i)
		y, j = decodedAt(b, j)
		if x != y {
			return int(x) - int(y)
		}
	}
	return (len(a) - i) - (len(b) - j)
}

// sort orders b.keys by decoded name, then decoded value. A key holds the
// name's first six bytes above the field index, so one integer sort does
// most of the work; runs of keys with equal prefixes are then ordered by
// the full comparison.
func (b *formBuf) sort(body []byte) {
	k := b.keys
	if len(k) <= 32 {
		for i := 1; i < len(k); i++ {
			x := k[i]
			j := i
			for ; j > 0 && k[j-1] > x; j-- {
				k[j] = k[j-1]
			}
			k[j] = x
		}
	} else {
		slices.Sort(k)
	}
	const prefix = ^uint64(0xffff)
	for i := 0; i+1 < len(k); i++ {
		if k[i]&prefix != k[i+1]&prefix {
			continue
		}
		j := i + 2
		for j < len(k) && k[j]&prefix == k[i]&prefix {
			j++
		}
		b.body = body
		slices.SortFunc(k[i:j], b.compare)
		b.body = nil
		i = j - 1
	}
}

// compare orders two keys' fields by decoded name, then decoded value.
func (b *formBuf) compare(x, y uint64) int {
	p, q := &b.fields[uint16(x)], &b.fields[uint16(y)]
	if c := compareParts(p.name(b.body), q.name(b.body), (p.esc|q.esc)&escName != 0); c != 0 {
		return c
	}
	return compareParts(p.value(b.body), q.value(b.body), (p.esc|q.esc)&escValue != 0)
}

func compareParts(a, b []byte, escaped bool) int {
	if escaped {
		return compareDecoded(a, b)
	}
	return bytes.Compare(a, b)
}

// decodePart form-decodes s into d, which is at least as long, and
// returns the decoded length; false for a bad escape. Eight bytes at a
// time: every '+' becomes ' ' in the word, and a word holding a '%' is
// written up to it before the escape is decoded.
func decodePart(d, s []byte) (int, bool) {
	i, m := 0, 0
	for i+8 <= len(s) {
		w := binary.LittleEndian.Uint64(s[i:])
		p := zeroAt(w ^ wordPct)
		x := w ^ wordPls
		w ^= (^((x&low7 + low7) | x | low7) >> 7) * ('+' ^ ' ')
		binary.LittleEndian.PutUint64(d[m:], w)
		if p == 0 {
			i, m = i+8, m+8
			continue
		}
		j := bits.TrailingZeros64(p) >> 3
		i, m = i+j, m+j
		c, ok := unescapeAt(s, i)
		if !ok {
			return 0, false
		}
		d[m] = c
		i, m = i+3, m+1
	}
	for ; i < len(s); i++ {
		c := s[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			var ok bool
			if c, ok = unescapeAt(s, i); !ok {
				return 0, false
			}
			i += 2
		}
		d[m] = c
		m++
	}
	return m, true
}

// unescapeAt decodes the %XX escape at s[i].
func unescapeAt(s []byte, i int) (byte, bool) {
	if i+2 >= len(s) {
		return 0, false
	}
	hi, ok1 := unhex(s[i+1])
	lo, ok2 := unhex(s[i+2])
	return hi<<4 | lo, ok1 && ok2
}
