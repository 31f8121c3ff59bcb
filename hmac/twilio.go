package hmac

import (
	"crypto/sha256"
	"fmt"
	"strings"

	stdhmac "crypto/hmac"

	"github.com/hookguard/hookguard/rotation"
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

// verifyTwilio tries every valid secret over URL ‖ params and, as the
// Twilio SDKs do, over the URL with its default port added or removed.
func (v *Verifier) verifyTwilio(res Result, set *sigSet, m *signature.Message, c *rotation.Clock) (Result, error) {
	b, _ := v.forms.Get().(*formBuf)
	if b == nil {
		b = new(formBuf)
	}
	defer func() {
		if cap(b.dec) <= maxPooledForm && cap(b.out) <= maxPooledForm {
			v.forms.Put(b)
		}
	}()
	params, err := twilioSigned(b, m.Method, m.URL, m.Body)
	if err != nil {
		return Result{}, err
	}
	alt := portVariant(m.URL)
	keys := v.keys.entries()
	tried := false
	for i := range keys {
		e := &keys[i]
		if !e.Usable(c) {
			continue
		}
		tried = true
		st := e.Value.get(hashSHA1)
		ok, err := twilioMatch(st, set, params, m.URL)
		if err == nil && !ok && alt.ok {
			ok, err = twilioMatch(st, set, params, alt.parts[:]...)
		}
		e.Value.put(hashSHA1, st)
		if err != nil {
			return Result{}, err
		}
		if ok {
			res.SecretID = e.ID
			return res, nil
		}
	}
	return Result{}, mismatch(tried, m.URL)
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
