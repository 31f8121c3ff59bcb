package hmac

import (
	"errors"
	"hash"
	"strings"
)

// part is one piece of a compiled template.
type partKind uint8

const (
	partLit partKind = iota
	partBody
	partTS
	partID
)

type part struct {
	kind partKind
	lit  []byte // partLit only
}

// template is the compiled signed-content layout.
type template struct {
	parts []part
	hasTS bool
	hasID bool
}

// compileTemplate parses src ("" means "{body}") into parts. It refuses
// unknown placeholders, stray braces, a missing or repeated {body}, and a
// repeated {timestamp} or {id}.
func compileTemplate(src string) (template, error) {
	if src == "" {
		src = "{body}"
	}
	var t template
	var nBody int
	rest := src
	for rest != "" {
		i := strings.IndexAny(rest, "{}")
		if i < 0 {
			t.parts = append(t.parts, part{kind: partLit, lit: []byte(rest)})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, part{kind: partLit, lit: []byte(rest[:i])})
		}
		if rest[i] == '}' {
			return template{}, errors.New("template: unmatched '}'")
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return template{}, errors.New("template: unmatched '{'")
		}
		name := rest[i+1 : i+j]
		switch name {
		case "body":
			nBody++
			t.parts = append(t.parts, part{kind: partBody})
		case "timestamp":
			if t.hasTS {
				return template{}, errors.New("template: {timestamp} appears twice")
			}
			t.hasTS = true
			t.parts = append(t.parts, part{kind: partTS})
		case "id":
			if t.hasID {
				return template{}, errors.New("template: {id} appears twice")
			}
			t.hasID = true
			t.parts = append(t.parts, part{kind: partID})
		default:
			return template{}, errors.New("template: unknown placeholder {" + sanitize(name) + "}")
		}
		rest = rest[i+j+1:]
	}
	if nBody != 1 {
		return template{}, errors.New("template: {body} must appear exactly once")
	}
	return t, nil
}

// sanitize shortens and escapes user text for an error message.
func sanitize(s string) string {
	if len(s) > 32 {
		s = s[:32] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}

// write streams the signed content into h. Literal text, the timestamp and
// the ID are gathered in scratch and written together, so a typical
// "{id}.{timestamp}." prefix costs one Write; the body is written in place,
// never copied. Nothing is allocated.
func (t *template) write(h hash.Hash, scratch []byte, id, ts string, body []byte) {
	n := 0
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partLit:
			n = gather(h, scratch, n, p.lit, "")
		case partTS:
			n = gather(h, scratch, n, nil, ts)
		case partID:
			n = gather(h, scratch, n, nil, id)
		case partBody:
			if n > 0 {
				h.Write(scratch[:n])
				n = 0
			}
			h.Write(body)
		}
	}
	if n > 0 {
		h.Write(scratch[:n])
	}
}

// writeSign is write for the signer, whose timestamp is already bytes.
func (t *template) writeSign(h hash.Hash, scratch []byte, id string, ts []byte, body []byte) {
	n := 0
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partLit:
			n = gather(h, scratch, n, p.lit, "")
		case partTS:
			n = gather(h, scratch, n, ts, "")
		case partID:
			n = gather(h, scratch, n, nil, id)
		case partBody:
			if n > 0 {
				h.Write(scratch[:n])
				n = 0
			}
			h.Write(body)
		}
	}
	if n > 0 {
		h.Write(scratch[:n])
	}
}

// gather appends b, then s, to scratch[:n], writing scratch to h whenever
// it fills up, and returns the new fill level.
func gather(h hash.Hash, scratch []byte, n int, b []byte, s string) int {
	for len(b) > 0 {
		c := copy(scratch[n:], b)
		n += c
		b = b[c:]
		if n == len(scratch) {
			h.Write(scratch)
			n = 0
		}
	}
	for len(s) > 0 {
		c := copy(scratch[n:], s)
		n += c
		s = s[c:]
		if n == len(scratch) {
			h.Write(scratch)
			n = 0
		}
	}
	return n
}
