package redisstore

import (
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hookguard/hookguard/hmac"
)

// shortTimeouts makes a client give up fast on a dead server.
func shortTimeouts(o *redis.Options) {
	o.DialTimeout = 100 * time.Millisecond
	o.ReadTimeout = 250 * time.Millisecond
	o.WriteTimeout = 250 * time.Millisecond
	o.PoolTimeout = 250 * time.Millisecond
	o.MaxRetries = -1
	o.DialerRetries = 1
	o.DialerRetryTimeout = time.Millisecond
	o.PoolSize = 8
}

// TestFaultRedisDown stops redis-server in the middle of a run of deliveries
// and starts it again on the same port. While it is down the fail-closed
// Guards answer 503 with Retry-After and run no handler, a fail-open Guard
// lets deliveries through; nothing panics. Once it is back the same Guards
// (same clients, no restart) process every refused delivery when the sender
// retries it: nothing is lost, nothing runs twice. At the end no goroutine
// is left behind.
func TestFaultRedisDown(t *testing.T) {
	baseline := runtime.NumGoroutine()
	bin, err := redisBinary()
	if err != nil {
		t.Fatal(installHint + "\n(" + err.Error() + ")")
	}
	srv, err := newRedisServer(bin) // our own: the other tests keep the shared one
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()

	const deliveries, killAfter, workers = 300, 100, 8
	storePrefix, rlPrefix := uniquePrefix("fault"), uniquePrefix("fault-rl")
	p := newProcessed()
	var closed [2]*replica
	for i := range closed {
		closed[i] = newReplica(t, replicaConfig{
			server: srv, storePrefix: storePrefix, rlPrefix: rlPrefix,
			rate: 1e6, burst: 1_000_000, handler: p.handler(),
			clientOpts: shortTimeouts, guardRetryIn: 2 * time.Second,
		})
	}
	pOpen := newProcessed()
	open := newReplica(t, replicaConfig{
		server: srv, storePrefix: uniquePrefix("fault-open"), rlPrefix: rlPrefix,
		rate: 1e6, burst: 1_000_000, handler: pOpen.handler(),
		clientOpts: shortTimeouts, failOpen: true,
	})

	signer := hmac.NewSigner(hmac.StandardWebhooks, guardKeyring(t))
	list := make([]delivery, deliveries)
	for i := range list {
		list[i] = newDelivery(t, signer, fmt.Sprintf("fault_%04d", i))
	}

	// Phase 1: deliveries from 8 senders; the sender whose delivery is the
	// 100th success kills redis-server while the others keep sending.
	var (
		next, ok2xx atomic.Int64
		killOnce    sync.Once
		mu          sync.Mutex
		refused     []delivery
		wg          sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(list) {
					return
				}
				w := list[i].send(closed[i%2].handler)
				switch {
				case w.Code/100 == 2:
					if ok2xx.Add(1) == killAfter {
						killOnce.Do(srv.stop)
					}
				case w.Code == http.StatusServiceUnavailable:
					if got := w.Header().Get("Retry-After"); got != "2" {
						t.Errorf("503 with Retry-After %q, want \"2\"", got)
					}
					mu.Lock()
					refused = append(refused, list[i])
					mu.Unlock()
				default:
					t.Errorf("%s: status %d %s", list[i].id, w.Code, w.Body)
				}
			}
		})
	}
	wg.Wait()
	killOnce.Do(srv.stop) // in case fewer than killAfter succeeded
	if len(refused) == 0 {
		t.Fatal("no delivery was refused while redis-server was down")
	}
	for _, d := range refused {
		if n := p.count(d.id); n != 0 {
			t.Errorf("refused delivery %s ran its handler %d times", d.id, n)
		}
	}
	t.Logf("phase 1: %d accepted, %d refused with 503 after redis-server was killed", ok2xx.Load(), len(refused))

	// While it is down: fail closed answers 503 + Retry-After, fail open
	// runs the handler without deduplication or limit.
	probe := newDelivery(t, signer, "fault_probe")
	if w := probe.send(closed[0].handler); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("fail-closed Guard with Redis down: %d, Retry-After %q; want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	if w := probe.send(open.handler); w.Code/100 != 2 || pOpen.count("fault_probe") != 1 {
		t.Errorf("fail-open Guard with Redis down: %d, handler runs %d; want 2xx and one run", w.Code, pOpen.count("fault_probe"))
	}

	// Phase 2: the same server comes back on the same port (empty: it had
	// no persistence). The sender retries every refused delivery, polling
	// with a deadline: a client whose dials failed probes again once a
	// second.
	if err := srv.start(); err != nil {
		t.Fatalf("restarting redis-server on port %d: %v", srv.port, err)
	}
	restarted := time.Now()
	deadline := restarted.Add(15 * time.Second)
	retries := 0
	for i, d := range append(refused, probe) {
		for {
			w := d.send(closed[i%2].handler)
			if w.Code/100 == 2 {
				break
			}
			if w.Code != http.StatusServiceUnavailable {
				t.Fatalf("retry of %s: status %d %s", d.id, w.Code, w.Body)
			}
			if time.Now().After(deadline) {
				t.Fatalf("retry of %s still refused 15s after the restart", d.id)
			}
			retries++
			time.Sleep(10 * time.Millisecond) // polling for the clients to reconnect
		}
	}
	t.Logf("phase 2: every refused delivery processed on retry; %d retries answered 503, recovered %v after the restart", retries, time.Since(restarted).Round(time.Millisecond))
	for _, d := range list {
		if n := p.count(d.id); n != 1 {
			t.Errorf("event %s processed %d times, want exactly once", d.id, n)
		}
	}
	if n := p.count("fault_probe"); n != 1 {
		t.Errorf("probe processed %d times by the fail-closed Guards, want once", n)
	}

	// No goroutine outlives the clients: close them, stop the server, and
	// poll (go-redis's dial prober wakes once a second to notice).
	for _, r := range append(closed[:], open) {
		if err := r.client.Close(); err != nil {
			t.Fatal(err)
		}
	}
	srv.close()
	leakDeadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(leakDeadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after closing everything, %d before the test:\n%s",
				runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond) // polling for goroutines to exit
	}
}
