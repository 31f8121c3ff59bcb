package ipallow

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestForwardedProto(t *testing.T) {
	type header = http.Header
	fwd := Resolver{Trusted: trustedProxies, Header: "Forwarded"}
	xff := Resolver{Trusted: trustedProxies}
	real := Resolver{Trusted: trustedProxies, Header: "x-real-ip"}
	custom := Resolver{Trusted: trustedProxies, Header: "CF-Connecting-IP"}
	for _, tc := range []struct {
		name   string
		r      Resolver
		remote string
		h      header
		want   string
		err    error
	}{
		// Forwarded: the last element's proto, quoted strings respected.
		{"quoted proto decoy before the real one", fwd, "10.0.0.2:1", header{"Forwarded": {`for=1.2.3.4;host="x;proto=https";proto=http`}}, "http", nil},
		{"quoted comma after proto", fwd, "10.0.0.2:1", header{"Forwarded": {`proto=https;host="a,b"`}}, "https", nil},
		{"rfc example", fwd, "10.0.0.2:1", header{"Forwarded": {`for=192.0.2.60;proto=http;by=203.0.113.43`}}, "http", nil},
		{"last element decides", fwd, "10.0.0.2:1", header{"Forwarded": {`for=192.0.2.1;proto=http, for=10.0.0.3;proto=https`}}, "https", nil},
		{"last line decides", fwd, "10.0.0.2:1", header{"Forwarded": {`for=192.0.2.1;proto=https`, `for=10.0.0.3;proto=http`}}, "http", nil},
		{"client prepends https", fwd, "10.0.0.2:1", header{"Forwarded": {`proto=https, for=192.0.2.1;proto=http`}}, "http", nil},
		{"quoted value and case", fwd, "10.0.0.2:1", header{"Forwarded": {`PROTO="HTTPS"`}}, "https", nil},
		{"trailing empty elements", fwd, "10.0.0.2:1", header{"Forwarded": {`for=192.0.2.1;proto=https, ,`}}, "https", nil},
		{"garbage line before", fwd, "10.0.0.2:1", header{"Forwarded": {`for="broken`, `proto=https`}}, "https", nil},
		{"last element without proto", fwd, "10.0.0.2:1", header{"Forwarded": {`proto=https, for=192.0.2.1`}}, "", nil},
		{"xfp ignored in Forwarded mode", fwd, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https"}}, "", nil},
		{"xfp ignored beside Forwarded", fwd, "10.0.0.2:1", header{"Forwarded": {`proto=http`}, "X-Forwarded-Proto": {"https"}}, "http", nil},
		{"last element does not parse", fwd, "10.0.0.2:1", header{"Forwarded": {`proto=https, for="broken`}}, "", ErrMalformed},
		{"unterminated quote swallows", fwd, "10.0.0.2:1", header{"Forwarded": {`host="a, proto=https`}}, "", ErrMalformed},
		{"proto twice", fwd, "10.0.0.2:1", header{"Forwarded": {`proto=http;proto=https`}}, "", ErrMalformed},
		{"escaped proto", fwd, "10.0.0.2:1", header{"Forwarded": {`proto="http\s"`}}, "", ErrMalformed},
		{"empty proto", fwd, "10.0.0.2:1", header{"Forwarded": {`proto=`}}, "", ErrMalformed},
		{"not a scheme", fwd, "10.0.0.2:1", header{"Forwarded": {`proto="ht tp"`}}, "", ErrMalformed},
		{"scheme starts with a digit", fwd, "10.0.0.2:1", header{"Forwarded": {`proto=1http`}}, "", ErrMalformed},

		// X-Forwarded-For family: the last element of X-Forwarded-Proto.
		{"xfp", xff, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https"}}, "https", nil},
		{"xfp last element", xff, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https, http"}}, "http", nil},
		{"xfp last line", xff, "10.0.0.2:1", header{"X-Forwarded-Proto": {"http", " HTTPS "}}, "https", nil},
		{"Forwarded ignored in xff mode", xff, "10.0.0.2:1", header{"Forwarded": {"proto=https"}}, "", nil},
		{"Forwarded ignored beside xfp", xff, "10.0.0.2:1", header{"Forwarded": {"proto=https"}, "X-Forwarded-Proto": {"http"}}, "http", nil},
		{"x-real-ip mode reads xfp", real, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https"}}, "https", nil},
		{"custom header reads xfp", custom, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https"}}, "https", nil},
		{"xfp empty last element", xff, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https,"}}, "", ErrMalformed},
		{"xfp empty last line", xff, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https", ""}}, "", ErrMalformed},
		{"xfp garbage", xff, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https;x=1"}}, "", ErrMalformed},
		{"xfp too large", Resolver{Trusted: trustedProxies, MaxHeaderBytes: 8}, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https", "https"}}, "", ErrHeaderTooLarge},

		// No belief without a trusted peer.
		{"untrusted peer", xff, "198.51.100.9:1", header{"X-Forwarded-Proto": {"https"}}, "", nil},
		{"untrusted peer Forwarded", fwd, "198.51.100.9:1", header{"Forwarded": {"proto=https"}}, "", nil},
		{"no trusted list", Resolver{}, "10.0.0.2:1", header{"X-Forwarded-Proto": {"https"}}, "", nil},
		{"trusted peer, no header", xff, "10.0.0.2:1", header{}, "", nil},
		{"nil header", xff, "10.0.0.2:1", nil, "", nil},
		{"bad peer", xff, "localhost:1", header{"X-Forwarded-Proto": {"https"}}, "", ErrBadPeer},
		{"mapped trusted peer", xff, "[::ffff:10.0.0.2]:1", header{"X-Forwarded-Proto": {"https"}}, "https", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h HeaderValues
			if tc.h != nil {
				h = tc.h
			}
			got, err := tc.r.ForwardedProto(tc.remote, h)
			require.Equal(t, tc.want, got)
			if tc.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.err)
			}
		})
	}
}

func TestForwardedProtoZeroAllocs(t *testing.T) {
	fwd := Resolver{Trusted: trustedProxies, Header: "Forwarded"}
	xff := Resolver{Trusted: trustedProxies}
	hf := http.Header{"Forwarded": {`for=192.0.2.1;proto=https;host="a,b"`}}
	hx := http.Header{"X-Forwarded-Proto": {"https"}}
	allocs := testing.AllocsPerRun(1000, func() {
		a, _ := fwd.ForwardedProto("10.0.0.2:1", hf)
		b, _ := xff.ForwardedProto("10.0.0.2:1", hx)
		if a != "https" || b != "https" {
			panic("mismatch")
		}
	})
	require.Zero(t, allocs)
}

func FuzzForwardedProto(f *testing.F) {
	for _, s := range []string{
		`for=1.2.3.4;host="x;proto=https";proto=http`, `proto=https;host="a,b"`,
		`for=192.0.2.60;proto=http;by=203.0.113.43`, "proto=https\nproto=http", `proto="HTTPS"`,
		`host="a, proto=https`, `proto=http;proto=https`, `proto="http\s"`, `proto=`, "https, http", "https,",
		` , `, `for="broken`, `proto=1http`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		lines := strings.Split(header, "\n")
		fwd := Resolver{Trusted: fuzzTrusted, Header: "Forwarded", MaxHeaderBytes: -1}
		xff := Resolver{Trusted: fuzzTrusted, MaxHeaderBytes: -1}
		for _, r := range []Resolver{fwd, xff} {
			h := http.Header{"Forwarded": lines, "X-Forwarded-Proto": lines}
			got, err := r.ForwardedProto("10.0.0.2:1", h)
			switch {
			case err != nil && (got != "" || !errors.Is(err, ErrMalformed)):
				t.Fatalf("%q: %q, %v", header, got, err)
			case err == nil && got != "" && (!isScheme(got) || got != strings.ToLower(got)):
				t.Fatalf("%q: %q is not a lower-case scheme", header, got)
			}
			// Only the configured family counts: the other header makes
			// no difference.
			other := http.Header{"Forwarded": lines}
			if r.Header == "" {
				other = http.Header{"X-Forwarded-Proto": lines}
			}
			if g2, err2 := r.ForwardedProto("10.0.0.2:1", other); g2 != got || (err2 == nil) != (err == nil) {
				t.Fatalf("%q: %q, %v with both headers, %q, %v with one", header, got, err, g2, err2)
			}
			// No belief from an untrusted peer, whatever the header.
			if g3, err3 := r.ForwardedProto("192.0.2.1:1", h); g3 != "" || err3 != nil {
				t.Fatalf("%q: untrusted peer gave %q, %v", header, g3, err3)
			}
		}
		// X-Forwarded-Proto: the reference is the last comma-separated
		// element, trimmed.
		all := strings.Split(lines[len(lines)-1], ",")
		want := strings.Trim(all[len(all)-1], " \t")
		got, err := xff.ForwardedProto("10.0.0.2:1", http.Header{"X-Forwarded-Proto": lines})
		if ok := isScheme(want); ok != (err == nil) || (ok && got != strings.ToLower(want)) {
			t.Fatalf("X-Forwarded-Proto %q: %q, %v; reference %q", header, got, err, want)
		}
		// Lines are parsed apart: a well-formed last line decides
		// whatever comes before it.
		got, err = fwd.ForwardedProto("10.0.0.2:1", http.Header{"Forwarded": append(lines, `for=192.0.2.1;proto=HTTPS`)})
		if got != "https" || err != nil {
			t.Fatalf("Forwarded %q plus a good line: %q, %v", header, got, err)
		}
	})
}

func TestTrustsAndForwardedHost(t *testing.T) {
	r := Resolver{Trusted: MustParse("10.0.0.0/8")}
	for _, peer := range []string{"10.0.0.1:443", "10.0.0.1", "[::ffff:10.0.0.1]:443"} {
		require.True(t, r.Trusts(peer), peer)
	}
	for _, peer := range []string{"192.0.2.1:443", "192.0.2.1", "", "not an address", "10.0.0.1:x"} {
		require.False(t, r.Trusts(peer), peer)
	}
	require.False(t, Resolver{}.Trusts("10.0.0.1:443"), "no trusted proxies")

	tests := []struct {
		peer    string
		lines   []string
		want    string
		wantErr error
	}{
		{"10.0.0.1:443", []string{"public.example.com"}, "public.example.com", nil},
		{"10.0.0.1", []string{"a.example, b.example"}, "b.example", nil},
		{"10.0.0.1", []string{"a.example", " c.example "}, "c.example", nil},
		{"10.0.0.1", nil, "", nil},
		{"192.0.2.1:443", []string{"evil.example"}, "", nil}, // untrusted: not believed
		{"10.0.0.1", []string{"a.example,"}, "", ErrMalformed},
		{"10.0.0.1", []string{strings.Repeat("a", 9000)}, "", ErrHeaderTooLarge},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, l := range tt.lines {
			h.Add("X-Forwarded-Host", l)
		}
		got, err := r.ForwardedHost(tt.peer, h)
		if tt.wantErr != nil {
			require.ErrorIs(t, err, tt.wantErr, "%s %q", tt.peer, tt.lines)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.want, got, "%s %q", tt.peer, tt.lines)
	}
}
