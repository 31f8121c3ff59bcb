package hmac

import (
	"errors"
	"fmt"
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
	partMethod
	partURL
)

type part struct {
	kind partKind
	lit  string // partLit only
}

// template is the compiled signed-content layout.
type template struct {
	parts  []part
	hasTS  bool
	hasID  bool
	hasURL bool // {url} or {method}: the signed content covers the request line
	// idStop is the first byte of the literal that follows {id}, or 0. An
	// ID containing it is refused: with "{id}.{timestamp}.{body}" the ID
	// "a.1700000000.x" would let the same signed bytes be re-split into
	// another ID, timestamp and body.
	idStop byte
}

// compileTemplate parses src ("" means "{body}") into parts. It refuses
// unknown placeholders, stray braces, a missing or repeated {body}, and a
// repeated {timestamp}, {id}, {method} or {url}.
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
			t.parts = append(t.parts, part{kind: partLit, lit: rest})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, part{kind: partLit, lit: rest[:i]})
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
		case "method", "url":
			kind := partMethod
			if name == "url" {
				kind = partURL
			}
			for _, p := range t.parts {
				if p.kind == kind {
					return template{}, errors.New("template: {" + name + "} appears twice")
				}
			}
			t.hasURL = true
			t.parts = append(t.parts, part{kind: kind})
		default:
			return template{}, errors.New("template: unknown placeholder {" + sanitize(name) + "}")
		}
		rest = rest[i+j+1:]
	}
	if nBody != 1 {
		return template{}, errors.New("template: {body} must appear exactly once")
	}
	for i, p := range t.parts {
		if p.kind == partID && i+1 < len(t.parts) && t.parts[i+1].kind == partLit {
			t.idStop = t.parts[i+1].lit[0]
		}
	}
	return t, nil
}

// checkID refuses a signed ID that contains the separator following {id}
// in the template (see template.idStop; it is set only when the template
// has {id}). hdr names the ID header.
func (t *template) checkID(hdr, id string) error {
	if t.idStop != 0 && strings.IndexByte(id, t.idStop) >= 0 {
		return fmt.Errorf("%w: %s contains %q, the separator that follows it in the signed content", ErrMalformed, hdr, t.idStop)
	}
	return nil
}

// sanitize shortens and escapes user text for an error message.
func sanitize(s string) string {
	if len(s) > 32 {
		s = s[:32] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}

// fields are the per-delivery values a template interpolates.
type fields struct {
	id, ts, method, url string
}

// write streams the signed content into h, for the verifier and the signer
// alike. Literal text, the timestamp and the ID are gathered in scratch and
// written together, so a typical "{id}.{timestamp}." prefix costs one
// Write; the body is written in place, never copied. Nothing is allocated.
func (t *template) write(h hash.Hash, scratch []byte, f *fields, body []byte) {
	buf := scratch[:0]
	for i := range t.parts {
		p := &t.parts[i]
		s := p.lit
		switch p.kind {
		case partBody:
			if len(buf) > 0 {
				h.Write(buf)
				buf = scratch[:0]
			}
			if len(body) > 0 {
				h.Write(body)
			}
			continue
		case partTS:
			s = f.ts
		case partID:
			s = f.id
		case partMethod:
			s = f.method
		case partURL:
			s = f.url
		}
		buf = gather(h, scratch, buf, s)
	}
	if len(buf) > 0 {
		h.Write(buf)
	}
}

// gather appends s to buf, a prefix of scratch. A piece that does not fit
// flushes buf and goes through scratch in chunks, so append never grows
// past scratch and nothing is allocated.
func gather(h hash.Hash, scratch, buf []byte, s string) []byte {
	if len(buf)+len(s) <= cap(buf) {
		return append(buf, s...)
	}
	if len(buf) > 0 {
		h.Write(buf)
	}
	for len(s) > 0 {
		n := copy(scratch, s)
		h.Write(scratch[:n])
		s = s[n:]
	}
	return scratch[:0]
}
