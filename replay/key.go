package replay

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// MaxKeyLen is the longest string Key returns. Longer keys are hashed.
const MaxKeyLen = 128

// Key namespaces an event ID by its source (a provider, an app, a tenant)
// so two sources that happen to use the same ID never collide: GitHub
// delivery IDs of two Apps, or a Stripe and a Svix event with equal IDs.
//
// The encoding is injective: the source is length-prefixed, so
// Key("a:b", "c") and Key("a", "b:c") differ. A short key reads
// "<len(source)>:<source>:<id>", for example "6:stripe:evt_123". When that
// would exceed MaxKeyLen, the ID is replaced by the unpadded base64url
// SHA-256 of it ("6:stripe#<43 chars>"), and when even the source is too
// long the whole key is "#" followed by the SHA-256 of the long form; keys
// of different forms never collide, and neither attacker-sized IDs nor
// sources are stored raw. Key always returns a freshly allocated string, so
// a store may keep it without pinning the caller's buffer.
func Key(source, id string) string {
	prefix := strconv.Itoa(len(source))
	if len(prefix)+1+len(source)+1+len(id) <= MaxKeyLen {
		return prefix + ":" + source + ":" + id // one allocation
	}
	const hashLen = 43 // base64.RawURLEncoding.EncodedLen(sha256.Size)
	if n := len(prefix) + 1 + len(source) + 1 + hashLen; n <= MaxKeyLen {
		sum := sha256.Sum256([]byte(id))
		b := make([]byte, 0, n)
		b = append(b, prefix...)
		b = append(b, ':')
		b = append(b, source...)
		b = append(b, '#')
		b = base64.RawURLEncoding.AppendEncode(b, sum[:])
		return string(b)
	}
	h := sha256.New()
	h.Write([]byte(prefix))
	h.Write([]byte{':'})
	h.Write([]byte(source))
	h.Write([]byte{':'})
	h.Write([]byte(id))
	b := make([]byte, 0, 1+hashLen)
	b = append(b, '#')
	b = base64.RawURLEncoding.AppendEncode(b, h.Sum(nil))
	return string(b)
}
