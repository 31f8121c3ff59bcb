package main

import (
	"fmt"
	"strconv"

	"github.com/hookguard/hookguard/benchmarks"
)

// Panels turns the figures into chart panels: verification as a multiple of
// the floor per size, IP lookup and rate limiting in ns/op, and the load
// test in requests/s.
func (in *Input) Panels() []Panel {
	var out []Panel
	for _, size := range benchmarks.Sizes {
		p := Panel{Title: "Signature verify, " + benchmarks.SizeName(size) + " body: time as a multiple of the floor (lower is better)",
			Note: "hookguard bars: the paired (interleaved) ratio; peers: ratio of separate runs",
			Mark: target1KiB, MarkLabel: fmt.Sprintf("target %.2f×", target1KiB), Cap: 5}
		if size != 1<<10 {
			p.Mark, p.MarkLabel = targetLarger, fmt.Sprintf("target %.2f×", targetLarger)
		}
		for _, s := range benchmarks.Schemes {
			fl, okF := in.Stats[verifyKey(s, size, "floor")]
			for _, v := range benchmarks.Verifiers(s) {
				if v.Kind == benchmarks.KindFloor {
					continue
				}
				st, ok := in.Stats[verifyKey(s, size, v.Key)]
				if !ok || !okF {
					continue
				}
				r := st.NsOp / fl.NsOp
				text := fmt.Sprintf("%.2f× (%s ns)", r, fmtNs(st.NsOp))
				if pr, okP := in.paired(s, size); okP && v.Kind == benchmarks.KindHookguard {
					r = pr.Metrics["x-floor"]
					text = fmt.Sprintf("%.2f× paired (%s ns)", r, fmtNs(pr.Metrics["hookguard-ns/op"]))
				}
				p.Bars = append(p.Bars, Bar{Label: string(s) + " · " + v.Key, Value: r, Text: text, Kind: kindIndex(v.Kind)})
			}
		}
		if len(p.Bars) > 0 {
			p.Bars = append(p.Bars, Bar{Label: "floor (any format)", Value: 1, Text: "1.00×", Kind: 2})
			out = append(out, p)
		}
	}

	ip := Panel{Title: "IP allow-list lookup: ns/op (log scale, lower is better)", Log: true}
	for _, n := range benchmarks.PrefixCounts {
		for _, m := range benchmarks.IPMatchers() {
			if st, ok := in.Stats["IPLookup/"+strconv.Itoa(n)+"/"+m.Key]; ok {
				ip.Bars = append(ip.Bars, Bar{Label: fmtInt(n) + " prefixes · " + m.Key, Value: st.NsOp,
					Text: fmtNs(st.NsOp) + " ns", Kind: kindIndex(m.Kind)})
			}
		}
	}
	if len(ip.Bars) > 0 {
		out = append(out, ip)
	}

	rl := Panel{Title: "Rate limit, one take: ns/op (lower is better)"}
	for _, n := range benchmarks.KeyCounts {
		for _, mode := range []string{"serial", "parallel"} {
			for _, l := range benchmarks.RateLimiters() {
				if st, ok := in.Stats["RateLimit/"+strconv.Itoa(n)+"/"+mode+"/"+l.Key]; ok {
					rl.Bars = append(rl.Bars, Bar{Label: fmtInt(n) + " keys " + mode + " · " + l.Key, Value: st.NsOp,
						Text: fmtNs(st.NsOp) + " ns", Kind: kindIndex(l.Kind)})
				}
			}
		}
	}
	if len(rl.Bars) > 0 {
		out = append(out, rl)
	}

	if in.Load != nil && in.Load.Bare.RPS > 0 {
		out = append(out, Panel{Title: "Loopback HTTP load test: requests/s (higher is better)",
			Mark: targetLoad * in.Load.Bare.RPS, MarkLabel: "90 % of bare",
			Bars: []Bar{
				{Label: "bare handler", Value: in.Load.Bare.RPS, Text: fmtInt(int(in.Load.Bare.RPS)) + " req/s", Kind: 2},
				{Label: "full Guard", Value: in.Load.Guard.RPS, Text: fmt.Sprintf("%s req/s (%.1f %%)", fmtInt(int(in.Load.Guard.RPS)), 100*in.Load.GuardShare()), Kind: 0},
			}})
	}
	return out
}

func kindIndex(k benchmarks.Kind) int {
	switch k {
	case benchmarks.KindHookguard:
		return 0
	case benchmarks.KindPeer:
		return 1
	}
	return 2
}
