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
	buf := scratch[:0]
	for i := range t.parts {
		p := &t.parts[i]
		// The appends are spelled out (not a call to gather) to keep the
		// hot path free of calls; capacity is checked so none can allocate.
		switch p.kind {
		case partLit:
			if len(buf)+len(p.lit) <= cap(buf) {
				buf = append(buf, p.lit...)
			} else {
				buf = gatherSlow(h, scratch, buf, p.lit, "")
			}
		case partTS:
			if len(buf)+len(ts) <= cap(buf) {
				buf = append(buf, ts...)
			} else {
				buf = gatherSlow(h, scratch, buf, nil, ts)
			}
		case partID:
			if len(buf)+len(id) <= cap(buf) {
				buf = append(buf, id...)
			} else {
				buf = gatherSlow(h, scratch, buf, nil, id)
			}
		case partBody:
			if len(buf) > 0 {
				h.Write(buf)
				buf = scratch[:0]
			}
			if len(body) > 0 {
				h.Write(body)
			}
		}
	}
	if len(buf) > 0 {
		h.Write(buf)
	}
}

// writeSign is write for the signer, whose timestamp is already bytes.
func (t *template) writeSign(h hash.Hash, scratch []byte, id string, ts []byte, body []byte) {
	buf := scratch[:0]
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partLit:
			buf = gather(h, scratch, buf, p.lit, "")
		case partTS:
			buf = gather(h, scratch, buf, ts, "")
		case partID:
			buf = gather(h, scratch, buf, nil, id)
		case partBody:
			if len(buf) > 0 {
				h.Write(buf)
				buf = scratch[:0]
			}
			if len(body) > 0 {
				h.Write(body)
			}
		}
	}
	if len(buf) > 0 {
		h.Write(buf)
	}
}

// gather appends b or s (one of them is empty) to buf, a prefix of scratch.
// The common case is one inlined append within scratch's capacity; longer
// pieces flush buf and go through scratch in chunks, so append never grows
// past scratch and nothing is allocated.
func gather(h hash.Hash, scratch, buf []byte, b []byte, s string) []byte {
	if len(buf)+len(b)+len(s) <= cap(buf) {
		buf = append(buf, b...)
		return append(buf, s...)
	}
	return gatherSlow(h, scratch, buf, b, s)
}

func gatherSlow(h hash.Hash, scratch, buf []byte, b []byte, s string) []byte {
	if len(buf) > 0 {
		h.Write(buf)
	}
	if len(b) > 0 {
		h.Write(b)
	}
	for len(s) > 0 {
		n := copy(scratch, s)
		h.Write(scratch[:n])
		s = s[n:]
	}
	return scratch[:0]
}
