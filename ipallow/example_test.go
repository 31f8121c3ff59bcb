package ipallow_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/hookguard/hookguard/ipallow"
)

func ExampleParse() {
	// Pasted from a provider's documentation.
	list, err := ipallow.Parse(`
# Allow a single IP
203.0.113.42
# Allow a range
198.51.100.0/24
# Allow IPv6
2001:db8::/32
# Comma-separated, one per line, or both
203.0.113.42, 198.51.100.0/24
2001:db8::/32
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(list.Len(), "prefixes")
	fmt.Println(list)

	// A CIDR with host bits set is refused: it may be a typo.
	_, err = ipallow.Parse("10.0.0.0/8\n10.1.2.3/8 # office")
	fmt.Println(err)
	// Output:
	// 3 prefixes
	// 198.51.100.0/24
	// 203.0.113.42
	// 2001:db8::/32
	// ipallow: line 2: "10.1.2.3/8": host bits set; write the network address 10.0.0.0/8 or the single address 10.1.2.3/32
}

func ExampleList_Contains() {
	list := ipallow.MustParse("10.0.0.0/8, 2001:db8::/32")
	for _, s := range []string{"10.1.2.3", "::ffff:10.1.2.3", "2001:db8::1%eth0", "192.0.2.1"} {
		fmt.Println(s, list.Contains(netip.MustParseAddr(s)))
	}

	var none *ipallow.List // nil and empty lists allow nothing
	fmt.Println(none.Contains(netip.MustParseAddr("10.1.2.3")))
	// Output:
	// 10.1.2.3 true
	// ::ffff:10.1.2.3 true
	// 2001:db8::1%eth0 true
	// 192.0.2.1 false
	// false
}

func ExampleResolver_ClientIP() {
	r := ipallow.Resolver{Trusted: ipallow.MustParse("10.0.0.0/8")} // the load balancers

	// Through the load balancer: the client prepended a forged hop, the
	// balancer appended the address it saw.
	req := httptest.NewRequest(http.MethodPost, "/hook", nil)
	req.RemoteAddr = "10.0.0.7:51234"
	req.Header.Set("X-Forwarded-For", "1.1.1.1, 203.0.113.9")
	ip, err := r.ClientIP(req)
	fmt.Println(ip, err)

	// Straight from the internet: the header is not believed.
	req.RemoteAddr = "198.51.100.4:40000"
	ip, err = r.ClientIP(req)
	fmt.Println(ip, err)

	// Garbage where the walk needs an address fails closed.
	req.RemoteAddr = "10.0.0.7:51234"
	req.Header.Set("X-Forwarded-For", "203.0.113.9, not-an-ip")
	_, err = r.ClientIP(req)
	fmt.Println(err)

	// RFC 7239 Forwarded.
	r.Header = "Forwarded"
	req.Header.Set("Forwarded", `for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.3`)
	ip, err = r.ClientIP(req)
	fmt.Println(ip, err)
	// Output:
	// 203.0.113.9 <nil>
	// 198.51.100.4 <nil>
	// ipallow: malformed forwarding header: X-Forwarded-For hop "not-an-ip"
	// 2001:db8:cafe::17 <nil>
}

func ExampleHolder() {
	holder := ipallow.NewHolder(ipallow.MustParse("192.0.2.0/24"))
	ip := netip.MustParseAddr("198.51.100.7")
	fmt.Println(holder.Contains(ip))

	// Swap in a new list while requests are being served.
	holder.Store(ipallow.MustParse("192.0.2.0/24, 198.51.100.0/24"))
	fmt.Println(holder.Contains(ip))
	// Output:
	// false
	// true
}

func ExampleWatchFile() {
	dir, err := os.MkdirTemp("", "ipallow")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "allow.txt")
	if err := os.WriteFile(path, []byte("192.0.2.0/24\n"), 0o600); err != nil {
		panic(err)
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	holder := new(ipallow.Holder)
	done, err := ipallow.WatchFile(ctx, path, holder, ipallow.WatchOptions{
		OnError: func(err error) { fmt.Println("allow list not reloaded:", err) },
	})
	if err != nil {
		fmt.Println(err) // a missing or broken file fails at start-up
		return
	}
	fmt.Println(holder.Load())

	stop() // on shutdown
	<-done // the watcher's goroutine has exited
	// Output:
	// 192.0.2.0/24
}

func ExampleResolver_ForwardedProto() {
	// A TLS-terminating proxy at 10.0.0.2 reports the client's protocol.
	r := ipallow.Resolver{Trusted: ipallow.MustParse("10.0.0.0/8"), Header: "Forwarded"}
	h := http.Header{"Forwarded": {`for=203.0.113.9;host="shop;proto=http";proto=https`}}
	proto, err := r.ForwardedProto("10.0.0.2:41000", h)
	fmt.Println(proto, err)

	// Anyone else's word is not taken.
	proto, err = r.ForwardedProto("198.51.100.7:41000", h)
	fmt.Printf("%q %v\n", proto, err)

	// Without "Forwarded", only X-Forwarded-Proto counts: its last element.
	r.Header = ""
	h = http.Header{"X-Forwarded-Proto": {"http, https"}, "Forwarded": {"proto=http"}}
	proto, err = r.ForwardedProto("10.0.0.2:41000", h)
	fmt.Println(proto, err)
	// Output:
	// https <nil>
	// "" <nil>
	// https <nil>
}

func ExampleList_WholeFamily() {
	l := ipallow.MustParse("0.0.0.0/1, 128.0.0.0/1")
	fmt.Println(l.WholeFamily())
	fmt.Println(ipallow.Resolver{Trusted: l}.Validate())
	// Output:
	// 0.0.0.0/0 true
	// ipallow: Resolver.Trusted covers 0.0.0.0/0: every client could choose its own address
}

func ExampleSource() {
	// A fixed List and a hot-swappable Holder are both a Source.
	sources := []ipallow.Source{ipallow.MustParse("192.0.2.0/24"), ipallow.NewHolder(ipallow.MustParse("198.51.100.0/24"))}
	ip := netip.MustParseAddr("192.0.2.7")
	for _, s := range sources {
		fmt.Println(s.Load().Contains(ip))
	}
	// Output:
	// true
	// false
}
