package ratelimit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
)

// Default prefix lengths for IPKey.
const (
	DefaultIPv4Bits = 32 // one bucket per IPv4 address
	DefaultIPv6Bits = 64 // one bucket per /64: a single host commonly owns a whole /64
)

// IPKey returns the rate-limit key of a client address: the address masked to
// v4Bits (IPv4) or v6Bits (IPv6) leading bits, in netip text form — the bare
// address when the length is the full 32 or 128 bits, else "addr/bits", for
// example "192.0.2.7" and "2001:db8:1:2::/64". Zero means the defaults,
// DefaultIPv4Bits and DefaultIPv6Bits; lengths beyond the address size are
// clamped to it and negative lengths mean the defaults too.
//
// An IPv4-mapped IPv6 address (::ffff:192.0.2.7) is unmapped and keyed as the
// IPv4 address it is, so one client cannot hold two buckets; an IPv6 zone is
// ignored. The invalid zero netip.Addr yields "" (the caller decides whether
// that is one shared bucket or a refusal).
func IPKey(addr netip.Addr, v4Bits, v6Bits int) string {
	if !addr.IsValid() {
		return ""
	}
	addr = addr.Unmap().WithZone("")
	bits := v6Bits
	if addr.Is4() {
		bits = v4Bits
		if bits <= 0 {
			bits = DefaultIPv4Bits
		}
	} else if bits <= 0 {
		bits = DefaultIPv6Bits
	}
	if bits > addr.BitLen() {
		bits = addr.BitLen()
	}
	var buf [64]byte
	p, _ := addr.Prefix(bits) // cannot fail: bits is in range, zone removed
	b := p.Addr().AppendTo(buf[:0])
	if bits < addr.BitLen() {
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(bits), 10)
	}
	return string(b)
}

// HeaderKey returns the rate-limit key for the first value of the request
// header name in h, for example "header:X-Shop-Domain:shop.example", or ""
// when the header is absent or empty. The header name is part of the key, so
// values of different headers never share a bucket, and the prefix keeps
// header keys apart from IPKey's. A header is whatever the client sent: use a
// header key after the signature is verified, or together with an IP key, so
// an unauthenticated client cannot pick its bucket. Values that identify
// people should go through a Hasher.
func HeaderKey(h http.Header, name string) string {
	v := h.Get(name)
	if v == "" {
		return ""
	}
	return "header:" + http.CanonicalHeaderKey(name) + ":" + v
}

// FixedKey returns the key of one bucket shared by every request it is used
// for, for example FixedKey("stripe") = "fixed:stripe": a single budget for a
// whole provider or endpoint, whatever its source addresses.
func FixedKey(name string) string {
	return "fixed:" + name
}

// A Hasher turns keys that carry personal data (an e-mail address, an
// account id, an IP address where logs and a shared store must not hold it)
// into opaque keys: "h:" followed by 32 hex digits of HMAC-SHA-256 under the
// Hasher's secret salt (128 bits, ample against collisions between keys).
// The same key under the same salt always maps to the same hashed key, so
// limiting is unchanged; without the salt the original cannot be recovered
// by guessing, which plain hashing would allow for small spaces such as IPv4.
// A Hasher is safe for concurrent use.
type Hasher struct {
	pool sync.Pool // of hash.Hash keyed with the salt
}

// NewHasher returns a Hasher keyed with salt. Instances that share a store
// (several processes on one Redis) must share the salt; keep it secret, and
// at least 16 random bytes long. A nil or empty salt draws a random
// per-Hasher salt: hashed keys then differ between Hashers and processes.
func NewHasher(salt []byte) *Hasher {
	if len(salt) == 0 {
		salt = make([]byte, 32)
		rand.Read(salt) // never fails (crypto/rand panics rather)
	} else {
		salt = append([]byte(nil), salt...)
	}
	h := &Hasher{}
	h.pool.New = func() any { return hmac.New(sha256.New, salt) }
	return h
}

// Key returns the hashed form of key; "" stays "" (no key is no key).
func (h *Hasher) Key(key string) string {
	if key == "" {
		return ""
	}
	m := h.pool.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(key))
	var sum [sha256.Size]byte
	m.Sum(sum[:0])
	h.pool.Put(m)
	var out [2 + 32]byte
	out[0], out[1] = 'h', ':'
	hex.Encode(out[2:], sum[:16])
	return string(out[:])
}

var processHasher = sync.OnceValue(func() *Hasher { return NewHasher(nil) })

// HashKey hashes key with a Hasher whose salt is drawn at random once per
// process: right for a Memory limiter, whose buckets live no longer than the
// process. Limiters shared between processes need a Hasher with a configured
// salt (NewHasher) so that every process maps a key alike.
func HashKey(key string) string {
	return processHasher().Key(key)
}
