package pubkey_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/hookguard/hookguard/pubkey"
)

// BenchmarkRatio measures each verifier against its floor, the standard
// library's verify function over the same pre-assembled signed bytes
// (ed25519.Verify; sha256.Sum256 plus ecdsa.VerifyASN1), interleaved in
// blocks within one loop so that machine load hits both alike. It reports
// verify-ns/op, floor-ns/op and their ratio ("x-floor"); target <= 1.1
// with no allocation beyond the floor's.
func BenchmarkRatio(b *testing.B) {
	for _, name := range []string{"discord/constructed-rfc8032-key", "standard-webhooks-v1a/constructed-rfc8032-key", "sendgrid/sendgrid-go-eventwebhook-test"} {
		v := vectorNamed(b, name)
		b.Run(v.Scheme, func(b *testing.B) {
			s, k := v.setup(b)
			ver := pubkey.NewVerifier(s, k)
			h, body := v.header(), []byte(v.Body)
			pub, _ := s.ParsePublicKey(v.PublicKey)
			signed, sig := floorInputs(b, s, v)
			var floor func()
			switch p := pub.(type) {
			case ed25519.PublicKey:
				floor = func() {
					if !ed25519.Verify(p, signed, sig) {
						b.Fatal("floor mismatch")
					}
				}
			case *ecdsa.PublicKey:
				floor = func() {
					d := sha256.Sum256(signed)
					if !ecdsa.VerifyASN1(p, d[:], sig) {
						b.Fatal("floor mismatch")
					}
				}
			}
			verify := func() {
				if _, err := ver.Verify(h, body); err != nil {
					b.Fatal(err)
				}
			}
			const block = 8
			var tv, tf time.Duration
			n := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				for range block {
					floor()
				}
				t1 := time.Now()
				for range block {
					verify()
				}
				t2 := time.Now()
				tf, tv = tf+t1.Sub(t0), tv+t2.Sub(t1)
				n += block
			}
			b.ReportMetric(float64(tv.Nanoseconds())/float64(n), "verify-ns/op")
			b.ReportMetric(float64(tf.Nanoseconds())/float64(n), "floor-ns/op")
			b.ReportMetric(float64(tv)/float64(tf), "x-floor")
		})
	}
}

// BenchmarkVerify and BenchmarkFloor report allocations separately.
func BenchmarkVerify(b *testing.B) {
	for _, name := range []string{"discord/constructed-rfc8032-key", "sendgrid/sendgrid-go-eventwebhook-test"} {
		v := vectorNamed(b, name)
		s, k := v.setup(b)
		ver := pubkey.NewVerifier(s, k)
		h, body := v.header(), []byte(v.Body)
		pub, _ := s.ParsePublicKey(v.PublicKey)
		signed, sig := floorInputs(b, s, v)
		b.Run(v.Scheme+"/floor", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ok := false
				switch p := pub.(type) {
				case ed25519.PublicKey:
					ok = ed25519.Verify(p, signed, sig)
				case *ecdsa.PublicKey:
					d := sha256.Sum256(signed)
					ok = ecdsa.VerifyASN1(p, d[:], sig)
				}
				if !ok {
					b.Fatal("floor refused the vector")
				}
			}
		})
		b.Run(v.Scheme+"/verify", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ver.Verify(h, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// floorInputs returns the signed bytes and raw signature of a vector.
func floorInputs(b *testing.B, s pubkey.Scheme, v vector) (signed, sig []byte) {
	info := s.Info()
	ts := v.Headers[keyOf(v.Headers, info.TimestampHeader)]
	raw := v.Headers[keyOf(v.Headers, info.SignatureHeader)]
	if info.SignsID {
		signed = []byte(v.WantID + "." + ts + "." + v.Body)
	} else {
		signed = []byte(ts + v.Body)
	}
	var err error
	switch s.Name() {
	case pubkey.Discord.Name():
		sig, err = decodeHex(raw)
	case pubkey.SendGrid.Name():
		sig, err = decodeB64(raw)
	default:
		sig, err = decodeB64(raw[len("v1a,"):])
	}
	if err != nil {
		b.Fatal(err)
	}
	return signed, sig
}
