package hmac

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"

	stdhmac "crypto/hmac"

	"github.com/hookguard/hookguard/signature"
)

// twilioSigned returns what Twilio signs after the URL: the sorted form
// parameters of body, or nothing when the URL carries a bodySHA256 query
// parameter (JSON bodies), in which case the body must hash to it.
func twilioSigned(b *formBuf, method, url string, body []byte) ([]byte, error) {
	want, ok, err := bodySHA256(url)
	if err != nil {
		return nil, err
	}
	if ok {
		got := sha256.Sum256(body)
		if !stdhmac.Equal(got[:], want[:]) {
			return nil, fmt.Errorf("%w: body does not match the bodySHA256 query parameter", ErrMismatch)
		}
		return nil, nil
	}
	if method == "GET" || len(body) == 0 {
		return nil, nil
	}
	if err := b.parseForm(body); err != nil {
		return nil, err
	}
	return b.out, nil
}

// bodySHA256 finds the bodySHA256 query parameter of url: 64 hex digits.
func bodySHA256(url string) (sum [sha256.Size]byte, ok bool, err error) {
	_, query, _ := strings.Cut(url, "?")
	for query != "" {
		var item string
		item, query, _ = strings.Cut(query, "&")
		v, found := strings.CutPrefix(item, "bodySHA256=")
		if !found {
			continue
		}
		if ok {
			return sum, false, fmt.Errorf("%w: bodySHA256 query parameter repeated", ErrMalformed)
		}
		if err := decodeMAC(sum[:], v, Hex); err != nil {
			return sum, false, fmt.Errorf("%w: bodySHA256 is not 64 hex digits", ErrMalformed)
		}
		ok = true
	}
	return sum, ok, nil
}

// twilioState is what a Twilio verification prepares once for all
// secrets: the signed parameters and the URL's default-port variant.
type twilioState struct {
	b      *formBuf
	params []byte
	alt    urlVariant
}

// newTwilioState parses m's parameters (or checks its bodySHA256) into a
// pooled state that release returns to pool.
func newTwilioState(pool *sync.Pool, m *signature.Message) (*twilioState, error) {
	t, _ := pool.Get().(*twilioState)
	if t == nil {
		t = &twilioState{b: new(formBuf)}
	}
	var err error
	if t.params, err = twilioSigned(t.b, m.Method, m.URL, m.Body); err != nil {
		t.release(pool)
		return nil, err
	}
	t.alt = portVariant(m.URL)
	return t, nil
}

func (t *twilioState) release(pool *sync.Pool) {
	if cap(t.b.dec) <= maxPooledForm && cap(t.b.out) <= maxPooledForm {
		t.params, t.alt = nil, urlVariant{}
		pool.Put(t)
	}
}

// match MACs URL ‖ params with the secret of mat and, as the Twilio SDKs
// do, the URL with its default port added or removed.
func (t *twilioState) match(mat *material, set *sigSet, url string) (bool, error) {
	st := mat.get(hashSHA1)
	defer mat.put(hashSHA1, st)
	ok, err := twilioMatch(st, set, t.params, url)
	if err == nil && !ok && t.alt.ok {
		ok, err = twilioMatch(st, set, t.params, t.alt.parts[:]...)
	}
	return ok, err
}

// twilioMatch MACs the URL (given in pieces) and params with st.
func twilioMatch(st *macState, set *sigSet, params []byte, url ...string) (bool, error) {
	st.h.Reset()
	buf := st.scratch[:0]
	for _, u := range url {
		buf = gather(st.h, st.scratch[:], buf, u)
	}
	if len(buf) > 0 {
		st.h.Write(buf)
	}
	st.h.Write(params)
	return set.match(st.h.Sum(st.sum[:0]))
}
