package hmac

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"

	stdhmac "crypto/hmac"

	"github.com/hookguard/hookguard/signature"
)

// twilioSigned sets b.out to what Twilio signs, the URL followed by the
// sorted form parameters of body (none when the URL carries a bodySHA256
// query parameter, for JSON bodies, in which case the body must hash to
// it), and returns the part after the URL.
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
		body = nil
	}
	if method == "GET" || len(body) == 0 {
		b.out = append(b.out[:0], url...)
		return nil, nil
	}
	if err := b.parseForm(url, body); err != nil {
		return nil, err
	}
	return b.out[len(url):], nil
}

// bodySHA256 finds the bodySHA256 query parameter of url: 64 hex digits.
func bodySHA256(url string) (sum [sha256.Size]byte, ok bool, err error) {
	q := strings.IndexByte(url, '?')
	if q < 0 {
		return sum, false, nil
	}
	for query := url[q+1:]; query != ""; {
		item := query
		if i := strings.IndexByte(query, '&'); i >= 0 {
			item, query = query[:i], query[i+1:]
		} else {
			query = ""
		}
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
// secrets: the signed bytes and, when first needed, the URL's
// default-port variant.
type twilioState struct {
	b      formBuf
	signed []byte // URL ‖ parameters
	params []byte // the parameters: signed[len(url):]
	url    string
	alt    urlVariant
	altSet bool
}

// newTwilioState parses m's parameters (or checks its bodySHA256) into a
// pooled state that release returns to pool.
func newTwilioState(pool *sync.Pool, m *signature.Message) (*twilioState, error) {
	t, _ := pool.Get().(*twilioState)
	if t == nil {
		t = new(twilioState)
	}
	var err error
	if t.params, err = twilioSigned(&t.b, m.Method, m.URL, m.Body); err != nil {
		t.release(pool)
		return nil, err
	}
	t.signed, t.url = t.b.out, m.URL
	return t, nil
}

func (t *twilioState) release(pool *sync.Pool) {
	if cap(t.b.out) <= maxPooledForm {
		// Drop the references to the delivery (the URL, and the variant's
		// pieces of it); the buffers stay for the next one.
		t.signed, t.params, t.url = nil, nil, ""
		if t.altSet {
			t.alt, t.altSet = urlVariant{}, false
		}
		pool.Put(t)
	}
}

// match MACs URL ‖ params with the secret of mat and, as the Twilio SDKs
// do, the URL with its default port added or removed (worked out once,
// the first time it is needed).
func (t *twilioState) match(mat *material, set *sigSet) (bool, error) {
	st := mat.get(hashSHA1)
	defer mat.put(hashSHA1, st)
	st.h.Write(t.signed)
	ok, err := set.match(st.h.Sum(st.sum[:0]))
	if err != nil || ok {
		return ok, err
	}
	if !t.altSet {
		t.alt, t.altSet = portVariant(t.url), true
	}
	if !t.alt.ok {
		return false, nil
	}
	st.h.Reset()
	buf := st.scratch[:0]
	for _, u := range t.alt.parts {
		buf = gather(st.h, st.scratch[:], buf, u)
	}
	if len(buf) > 0 {
		st.h.Write(buf)
	}
	st.h.Write(t.params)
	return set.match(st.h.Sum(st.sum[:0]))
}
