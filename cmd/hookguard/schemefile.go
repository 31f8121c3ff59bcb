package main

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/hookguard/hookguard/hmac"
)

// maxSchemeFile caps a -scheme-file: a format description is a few lines.
const maxSchemeFile = 64 << 10

// schemeSpec is a custom format as the CLI reads it, from a -scheme-file
// (JSON, these names) or from the -custom-* flags (the same names with '-'
// for '_'): the hmac.SchemeConfig fields, with words for the enumerations.
type schemeSpec struct {
	Name            string // name
	SignatureHeader string // signature_header
	Prefix          string // prefix
	Encoding        string // encoding: "hex" (default) or "base64"
	Hash            string // hash: "sha256" (default), "sha1" or "sha512"
	TimestampHeader string // timestamp_header
	TimestampFormat string // timestamp_format: "unix" (default), "unix_ms" or "rfc3339"
	IDHeader        string // id_header
	Template        string // template
	SharedToken     bool   // shared_token
}

// specFields are the JSON names of schemeSpec's fields, in order.
var specFields = []string{"name", "signature_header", "prefix", "encoding", "hash",
	"timestamp_header", "timestamp_format", "id_header", "template", "shared_token"}

// field returns a pointer to the string field with JSON name n, or nil for
// shared_token.
func (s *schemeSpec) field(n string) *string {
	switch n {
	case "name":
		return &s.Name
	case "signature_header":
		return &s.SignatureHeader
	case "prefix":
		return &s.Prefix
	case "encoding":
		return &s.Encoding
	case "hash":
		return &s.Hash
	case "timestamp_header":
		return &s.TimestampHeader
	case "timestamp_format":
		return &s.TimestampFormat
	case "id_header":
		return &s.IDHeader
	case "template":
		return &s.Template
	}
	return nil
}

// parseSchemeJSON reads a custom format from strict JSON: one object whose
// keys are specFields spelled exactly, each at most once, strings except
// shared_token (a boolean), and nothing after the object.
func parseSchemeJSON(data []byte) (schemeSpec, error) {
	var s schemeSpec
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return s, errors.New("not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return s, fmt.Errorf("not valid JSON: %v", err)
		}
		key, _ := t.(string)
		if !slices.Contains(specFields, key) {
			return s, fmt.Errorf("unknown field %q (want %v)", clipText(key), specFields)
		}
		if seen[key] {
			return s, fmt.Errorf("field %s given twice", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return s, fmt.Errorf("field %s: not valid JSON: %v", key, err)
		}
		if p := s.field(key); p != nil {
			err = json.Unmarshal(raw, p)
		} else {
			err = json.Unmarshal(raw, &s.SharedToken)
		}
		if err != nil || string(raw) == "null" {
			want := "a string"
			if key == "shared_token" {
				want = "true or false"
			}
			return s, fmt.Errorf("field %s: want %s", key, want)
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return s, errors.New("not valid JSON: the object is not closed")
	}
	if _, err := dec.Token(); err != io.EOF {
		return s, errors.New("more than one JSON value")
	}
	return s, nil
}

// readSchemeFile reads and parses a -scheme-file.
func readSchemeFile(path string) (schemeSpec, error) {
	f, err := os.Open(path)
	if err != nil {
		return schemeSpec{}, fmt.Errorf("-scheme-file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSchemeFile+1))
	if err != nil {
		return schemeSpec{}, fmt.Errorf("-scheme-file: %w", err)
	}
	if len(data) > maxSchemeFile {
		return schemeSpec{}, fmt.Errorf("-scheme-file %s: larger than %d KiB", path, maxSchemeFile>>10)
	}
	spec, err := parseSchemeJSON(data)
	if err != nil {
		return schemeSpec{}, fmt.Errorf("-scheme-file %s: %v", path, err)
	}
	return spec, nil
}

// scheme validates the spec and builds the scheme; errors name the field
// as fieldName spells it.
func (s schemeSpec) scheme(fieldName func(jsonName string) string) (hmac.Scheme, error) {
	if s.Name == "" {
		return hmac.Scheme{}, fmt.Errorf("%s is required", fieldName("name"))
	}
	if s.SignatureHeader == "" {
		return hmac.Scheme{}, fmt.Errorf("%s is required", fieldName("signature_header"))
	}
	c := hmac.SchemeConfig{
		Name: s.Name, SignatureHeader: s.SignatureHeader, Prefix: s.Prefix,
		TimestampHeader: s.TimestampHeader, IDHeader: s.IDHeader, Template: s.Template,
		SharedToken: s.SharedToken,
	}
	switch s.Encoding {
	case "", "hex":
	case "base64":
		c.Encoding = hmac.Base64
	default:
		return hmac.Scheme{}, fmt.Errorf("%s %q: want hex or base64", fieldName("encoding"), clipText(s.Encoding))
	}
	switch s.Hash {
	case "", "sha256":
	case "sha1":
		c.Hash = crypto.SHA1
	case "sha512":
		c.Hash = crypto.SHA512
	default:
		return hmac.Scheme{}, fmt.Errorf("%s %q: want sha256, sha1 or sha512", fieldName("hash"), clipText(s.Hash))
	}
	switch s.TimestampFormat {
	case "", "unix":
	case "unix_ms":
		c.TimestampFormat = hmac.UnixMilliseconds
	case "rfc3339":
		c.TimestampFormat = hmac.RFC3339
	default:
		return hmac.Scheme{}, fmt.Errorf("%s %q: want unix, unix_ms or rfc3339", fieldName("timestamp_format"), clipText(s.TimestampFormat))
	}
	if s.SharedToken && (s.Encoding != "" || s.Hash != "" || s.TimestampFormat != "") {
		// NewScheme cannot tell "hex" from the zero value: refuse here.
		return hmac.Scheme{}, fmt.Errorf("%s takes only name, signature_header and id_header", fieldName("shared_token"))
	}
	sc, err := hmac.NewScheme(c)
	if err != nil {
		// The library names its Go fields; say them as the user wrote them.
		msg := err.Error()
		for f, goName := range goFieldNames {
			msg = strings.ReplaceAll(msg, goName, fieldName(f))
		}
		return hmac.Scheme{}, errors.New(msg)
	}
	return sc, nil
}

// goFieldNames are the hmac.SchemeConfig names of the fields the library's
// errors mention.
var goFieldNames = map[string]string{
	"signature_header": "SignatureHeader", "prefix": "Prefix", "timestamp_header": "TimestampHeader",
	"timestamp_format": "TimestampFormat", "id_header": "IDHeader", "shared_token": "SharedToken",
}

// clipText shortens a value quoted in an error message.
func clipText(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
