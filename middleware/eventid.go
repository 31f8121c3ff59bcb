package middleware

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/hookguard/hookguard/hmac"
)

// DefaultEventID returns the EventIDFunc used when Config.EventID is nil:
// the scheme's ID (hmac.Result.ID) when the scheme signs it (Standard
// Webhooks' and Svix's webhook-id), otherwise BodyHashEventID.
//
// An ID header the signature does not cover (GitHub's X-GitHub-Delivery,
// Shopify's X-Shopify-Webhook-Id) is not trusted by default: a captured
// delivery resent under a fresh ID would be processed again. The body hash
// covers only signed content, so a replay cannot choose its ID, and it is
// stable across a provider's retries that re-sign the same body with a new
// timestamp (Stripe does). Its one cost: two deliveries with byte-identical
// bodies within Keep count as one; providers put a unique event ID in every
// body, so that merges only true duplicates. Stripe users may prefer
// JSONFieldEventID("id"), which reads the signed body's "evt_..." ID.
func DefaultEventID(s hmac.Scheme) EventIDFunc {
	if s.SignsID() {
		return resultID
	}
	return BodyHashEventID
}

// resultID returns the scheme's signed ID.
func resultID(res hmac.Result, _ hmac.Headers, _ []byte) (string, error) {
	if res.ID == "" {
		return "", fmt.Errorf("%w: no event ID", errMalformed)
	}
	return res.ID, nil
}

// BodyHashEventID is an EventIDFunc that ignores headers: "sha256:" and the
// hex SHA-256 of the scheme name, a NUL byte and the body.
func BodyHashEventID(res hmac.Result, _ hmac.Headers, body []byte) (string, error) {
	d := sha256.New()
	d.Write([]byte(res.Scheme))
	d.Write([]byte{0})
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
		return id, nil
	}
}
