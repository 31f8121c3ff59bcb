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

// write streams the signed content into h. Strings are copied through
// scratch in chunks so that nothing is allocated; the body is written as is.
func (t *template) write(h hash.Hash, scratch []byte, id, ts string, body []byte) {
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partLit:
			h.Write(p.lit)
		case partBody:
			h.Write(body)
		case partTS:
			writeString(h, scratch, ts)
		case partID:
			writeString(h, scratch, id)
		}
	}
}

// writeSign is write for the signer, whose timestamp is already bytes.
func (t *template) writeSign(h hash.Hash, scratch []byte, id string, ts []byte, body []byte) {
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partLit:
			h.Write(p.lit)
		case partBody:
			h.Write(body)
		case partTS:
			h.Write(ts)
		case partID:
			writeString(h, scratch, id)
		}
	}
}

func writeString(h hash.Hash, scratch []byte, s string) {
	for s != "" {
		n := copy(scratch, s)
		h.Write(scratch[:n])
		s = s[n:]
	}
}
