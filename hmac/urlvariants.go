package hmac

import "strings"

// urlVariant is a URL written as pieces that concatenate to it, so a
// variant can be MACed without building a new string.
type urlVariant struct {
	parts [3]string
	ok    bool
}

// portVariant returns the other spelling of an http or https URL with
// respect to its default port: "https://h/p" becomes "https://h:443/p" and
// "https://h:443/p" becomes "https://h/p" (80 for http). Any other URL has
// no variant. Twilio's SDKs accept both spellings, since what a proxy or
// framework reports for the host may or may not include the port.
func portVariant(u string) urlVariant {
	var def string
	rest, ok := strings.CutPrefix(u, "https://")
	if ok {
		def = ":443"
	} else if rest, ok = strings.CutPrefix(u, "http://"); ok {
		def = ":80"
	} else {
		return urlVariant{}
	}
	hostEnd := strings.IndexAny(rest, "/?#")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	host := rest[:hostEnd]
	if strings.ContainsRune(host, '@') {
		return urlVariant{} // user information: not a URL a provider signs
	}
	split := len(u) - len(rest) + hostEnd
	name, port := host, ""
	if colon := strings.LastIndexByte(host, ':'); colon >= 0 && !strings.Contains(host[colon:], "]") {
		name, port = host[:colon], host[colon:]
	}
	bracketed := strings.HasPrefix(name, "[") && strings.HasSuffix(name, "]")
	if name == "" || (strings.ContainsRune(name, ':') && !bracketed) {
		return urlVariant{} // not a host[:port] a provider signs
	}
	switch port {
	case def: // remove the default port
		return urlVariant{parts: [3]string{u[:split-len(def)], "", u[split:]}, ok: true}
	case "": // add it
		return urlVariant{parts: [3]string{u[:split], def, u[split:]}, ok: true}
	}
	return urlVariant{} // another port, or none after the colon
}

// hubspotDecodeURL decodes the percent escapes HubSpot's v3 signature
// documentation lists (%3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 ' %28 (
// %29 ) %2A * %2C , %3B ;, either case) and leaves every other escape as
// it is. A URL without '%' is returned unchanged, without allocating.
func hubspotDecodeURL(u string) string {
	i := strings.IndexByte(u, '%')
	if i < 0 {
		return u
	}
	var b strings.Builder
	b.Grow(len(u))
	b.WriteString(u[:i])
	for ; i < len(u); i++ {
		if u[i] == '%' && i+2 < len(u) {
			if c, ok := hubspotEscape(u[i+1], u[i+2]); ok {
				b.WriteByte(c)
				i += 2
				continue
			}
		}
		b.WriteByte(u[i])
	}
	return b.String()
}

func hubspotEscape(h, l byte) (byte, bool) {
	hi, ok1 := unhex(h)
	lo, ok2 := unhex(l)
	if !ok1 || !ok2 {
		return 0, false
	}
	c := hi<<4 | lo
	return c, strings.IndexByte(":/?@!$'()*,;", c) >= 0
}
