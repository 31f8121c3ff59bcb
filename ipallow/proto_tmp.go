package ipallow

import "strings"

// ForwardedProto is an interim version; replaced by the stores branch.
func (r Resolver) ForwardedProto(remoteAddr string, h HeaderValues) (string, error) {
	peer, err := ParsePeer(remoteAddr)
	if err != nil || h == nil || !r.Trusted.Contains(peer) {
		return "", nil
	}
	if _, kind := r.header(); kind == kindForwarded {
		vs := h.Values("Forwarded")
		if len(vs) == 0 {
			return "", nil
		}
		last := vs[len(vs)-1]
		if i := strings.LastIndexByte(last, ','); i >= 0 {
			last = last[i+1:]
		}
		for pair := range strings.SplitSeq(last, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if ok && strings.EqualFold(k, "proto") {
				return strings.Trim(v, `"`), nil
			}
		}
		return "", nil
	}
	vs := h.Values("X-Forwarded-Proto")
	if len(vs) == 0 {
		return "", nil
	}
	last := vs[len(vs)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.TrimSpace(last), nil
}

// Load is interim; replaced by the stores branch.
func (l *List) Load() *List { return l }
