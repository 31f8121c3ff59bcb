package middleware

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/hookguard/hookguard/hmac"
)

// EventIDFunc extracts the event ID of a delivery whose signature verified.
// An error or an empty ID refuses the delivery as malformed (400).
//
// When the scheme's signature does not cover its event ID (GitHub, Shopify,
// most custom formats), the Guard claims a second key besides the ID: one
// derived from the signed content (ContentEventID). A captured delivery
// replayed under a fresh ID is then a duplicate whatever the EventIDFunc.
type EventIDFunc func(res hmac.Result, h hmac.Headers, body []byte) (string, error)

// maxEventIDLen bounds an event ID read from a header or a body field.
const maxEventIDLen = 256

// DefaultEventID returns the EventIDFunc used when Config.EventID is nil:
// the scheme's ID (hmac.Result.ID). For a scheme that signs its ID
// (Standard Webhooks, Svix) the ID is required. For one that does not
// (GitHub's X-GitHub-Delivery, Shopify's X-Shopify-Webhook-Id) the ID
// header is used when present, else ContentEventID; the Guard then also
// claims the signed content's key (see EventIDFunc), so:
//
//   - a sender's retry of the same event ID is a duplicate;
//   - a captured delivery replayed under a new ID header is a duplicate;
//   - two deliveries with different IDs and different signed content are
//     both processed.
//
// The one residual case: two distinct events whose signed content is
// byte-identical (the same body, and the same timestamp where the scheme
// signs one) but whose unsigned IDs differ cannot be told from a replay, so
// the second is answered as a duplicate. Providers put a unique ID or a
// timestamp in every body, so this merges only true replays in practice.
func DefaultEventID(s hmac.Scheme) EventIDFunc { return defaultEventID(s.SignsID()) }

// defaultEventID is DefaultEventID for a scheme that does or does not sign
// its ID (signature.Info.SignsID), whatever its kind.
func defaultEventID(signsID bool) EventIDFunc {
	if signsID {
		return signedID
	}
	return idOrContent
}

// signedID returns the scheme's signed ID.
func signedID(res hmac.Result, _ hmac.Headers, _ []byte) (string, error) {
	if res.ID == "" {
		return "", fmt.Errorf("%w: no event ID", errMalformed)
	}
	return res.ID, nil
}

// idOrContent returns the scheme's (unsigned) ID when the delivery carries
// one, else ContentEventID.
func idOrContent(res hmac.Result, h hmac.Headers, body []byte) (string, error) {
	if res.ID != "" {
		return checkID(res.ID, "ID header")
	}
	return ContentEventID(res, h, body)
}

// HeaderEventID returns an EventIDFunc that reads the event ID from header
// name, for formats whose ID header the scheme does not know (a custom
// format's X-CHeKT-Event-Id, say). A missing, empty or over-long header is
// malformed. The header is not signed; the Guard's content key (see
// EventIDFunc) still stops a replay under a new ID.
func HeaderEventID(name string) EventIDFunc {
	return func(_ hmac.Result, h hmac.Headers, _ []byte) (string, error) {
		v := h.Get(name)
		if v == "" {
			return "", fmt.Errorf("%w: no %s header", errMalformed, name)
		}
		return checkID(v, name)
	}
}

// checkID bounds an ID from untrusted input.
func checkID(id, from string) (string, error) {
	if len(id) > maxEventIDLen {
		return "", fmt.Errorf("%w: %s is %d bytes, over %d", errMalformed, from, len(id), maxEventIDLen)
	}
	return id, nil
}

// ContentEventID is an EventIDFunc that identifies a delivery by what its
// signature covers: "sha256:" and the hex SHA-256 of the scheme name, the
// signed timestamp and the body. A replay cannot choose it; two deliveries
// with byte-identical signed content share it.
func ContentEventID(res hmac.Result, _ hmac.Headers, body []byte) (string, error) {
	d := sha256.New()
	d.Write([]byte(res.Scheme))
	var ts [9]byte // a separator, then the timestamp (0 when none is signed)
	if !res.Timestamp.IsZero() {
		binary.BigEndian.PutUint64(ts[1:], uint64(res.Timestamp.UnixNano()))
	}
	d.Write(ts[:])
	d.Write(body)
	var sum [sha256.Size]byte
	return "sha256:" + hex.EncodeToString(d.Sum(sum[:0])), nil
}

// JSONFieldEventID returns an EventIDFunc that reads the event ID from a
// top-level string field of a JSON body, such as Stripe's "id" ("evt_...").
// A body that is not a JSON object, or lacks the field, is malformed (400).
func JSONFieldEventID(field string) EventIDFunc {
	return func(_ hmac.Result, _ hmac.Headers, body []byte) (string, error) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return "", fmt.Errorf("%w: body is not a JSON object", errMalformed)
		}
		raw, ok := m[field]
		if !ok {
			return "", fmt.Errorf("%w: body has no %q field", errMalformed, field)
		}
		var id string
		if err := json.Unmarshal(raw, &id); err != nil || id == "" {
			return "", fmt.Errorf("%w: field %q is not a non-empty string", errMalformed, field)
		}
		return checkID(id, "field "+field)
	}
}
