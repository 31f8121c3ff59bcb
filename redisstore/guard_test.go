package redisstore

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

var guardKey = []byte("redisstore-test-key-0123456789ab")

func guardKeyring(t testing.TB) *hmac.Keyring {
	t.Helper()
	k, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: guardKey})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// delivery is one signed Standard Webhooks delivery, re-sendable.
type delivery struct {
	id     string
	header http.Header
	body   []byte
}

func newDelivery(t testing.TB, s *hmac.Signer, id string) delivery {
	t.Helper()
	body := []byte(`{"type":"test","id":"` + id + `"}`)
	h := http.Header{}
	if err := s.Sign(h, id, time.Now(), body); err != nil {
		t.Fatal(err)
	}
	h.Set("Content-Type", "application/json")
	return delivery{id: id, header: h, body: body}
}

// send serves d through h and returns the response.
func (d delivery) send(h http.Handler) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(d.body))
	r.RemoteAddr = "192.0.2.10:40000"
	for k, v := range d.header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// processed counts handler runs per event ID across every Guard.
type processed struct {
	mu    sync.Mutex
	calls map[string]int
	total atomic.Int64
}

func newProcessed() *processed { return &processed{calls: map[string]int{}} }

func (p *processed) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, ok := middleware.EventFrom(r.Context())
		if !ok {
			http.Error(w, "no event", http.StatusInternalServerError)
			return
		}
		io.Copy(io.Discard, r.Body)
		p.mu.Lock()
		p.calls[ev.ID]++
		p.mu.Unlock()
		p.total.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})
}

func (p *processed) count(id string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[id]
}

// replica is one Guard with its own client, store and limiter: a process of
// its own as far as memory goes, sharing only the Redis server.
type replica struct {
	client  *redis.Client
	store   *Store
	limiter *Limiter
	guard   *middleware.Guard
	handler http.Handler
}

type replicaConfig struct {
	server       *redisServer
	storePrefix  string
	rlPrefix     string
	rate         float64 // 0: no limiter
	burst        int
	failOpen     bool
	clientOpts   func(*redis.Options)
	handler      http.Handler
	sharedRLKey  bool // rate-limit every delivery under one key
	counterHook  *commandCounter
	lease        time.Duration
	guardRetryIn time.Duration
}

func newReplica(t testing.TB, rc replicaConfig) *replica {
	t.Helper()
	o := &redis.Options{
		Addr:         rc.server.Addr(),
		DialTimeout:  time.Second,
		ReadTimeout:  2 * time.Second,
		WriteTimeout: 2 * time.Second,
		PoolSize:     16,
		Protocol:     2,
	}
	if rc.clientOpts != nil {
		rc.clientOpts(o)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	if rc.counterHook != nil {
		c.AddHook(rc.counterHook)
	}
	s, err := NewStore(c, StoreOptions{Prefix: rc.storePrefix})
	if err != nil {
		t.Fatal(err)
	}
	cfg := middleware.Config{
		Scheme:     hmac.StandardWebhooks,
		Keyring:    guardKeyring(t),
		Replay:     s,
		FailOpen:   rc.failOpen,
		Lease:      rc.lease,
		RetryAfter: rc.guardRetryIn,
	}
	r := &replica{client: c, store: s}
	if rc.rate > 0 {
		l, err := NewLimiter(c, LimiterOptions{Rate: rate.Limit(rc.rate), Burst: rc.burst, Prefix: rc.rlPrefix})
		if err != nil {
			t.Fatal(err)
		}
		r.limiter = l
		cfg.Limiter = l
		if rc.sharedRLKey {
			cfg.RateKey = func(netip.Addr, hmac.Headers) string { return "provider" }
		}
	}
	g, err := middleware.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.guard = g
	r.handler = g.Handler(rc.handler)
	return r
}

// TestReplicasProcessOnce: four Guards with separate memory and one Redis;
// 5 000 deliveries, 30 % of them duplicates, sent concurrently round-robin.
// Each event runs exactly once in total; every delivery ends in 2xx (a 409
// for a duplicate in flight is retried, as a sender would).
func TestReplicasProcessOnce(t *testing.T) {
	const replicas, deliveries, dupShare, workers = 4, 5000, 0.3, 32
	storePrefix, rlPrefix := uniquePrefix("replica"), uniquePrefix("replica-rl")
	p := newProcessed()
	var gs [replicas]*replica
	for i := range gs {
		gs[i] = newReplica(t, replicaConfig{
			server: shared, storePrefix: storePrefix, rlPrefix: rlPrefix,
			rate: 1e6, burst: 1_000_000, handler: p.handler(),
		})
	}
	signer := hmac.NewSigner(hmac.StandardWebhooks, guardKeyring(t))
	unique := int(deliveries * (1 - dupShare))
	rng := rand.New(rand.NewPCG(1, 2))
	list := make([]delivery, 0, deliveries)
	for i := range unique {
		list = append(list, newDelivery(t, signer, fmt.Sprintf("msg_%05d", i)))
	}
	for len(list) < deliveries {
		list = append(list, list[rng.IntN(unique)]) // a duplicate, often sent at the same time as its original
	}
	rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })

	var next atomic.Int64
	var statuses sync.Map // status -> *atomic.Int64
	countStatus := func(code int) {
		v, _ := statuses.LoadOrStore(code, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	var failures atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(list) {
					return
				}
				d := list[i]
				ok := false
				for attempt := range 10_000 { // a 409 clears when the first delivery's handler returns
					w := d.send(gs[(i+attempt)%replicas].handler)
					countStatus(w.Code)
					if w.Code/100 == 2 {
						ok = true
						break
					}
					if w.Code != http.StatusConflict {
						t.Errorf("%s: status %d %s", d.id, w.Code, w.Body)
						break
					}
				}
				if !ok {
					failures.Add(1)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d deliveries never succeeded", n)
	}
	for i := range unique {
		id := fmt.Sprintf("msg_%05d", i)
		if n := p.count(id); n != 1 {
			t.Errorf("event %s processed %d times, want exactly once", id, n)
		}
	}
	if got := p.total.Load(); got != int64(unique) {
		t.Errorf("handlers ran %d times in total, want %d (one per event)", got, unique)
	}
	var summary []string
	statuses.Range(func(k, v any) bool {
		summary = append(summary, fmt.Sprintf("%d×%d", k, v.(*atomic.Int64).Load()))
		return true
	})
	t.Logf("%d deliveries (%d events) through %d Guards: responses %v", deliveries, unique, replicas, summary)
	for _, g := range gs {
		if st := g.store.Stats(); st.Tracked != 0 || st.Superseded != 0 {
			t.Errorf("store stats after the run: %+v, want nothing tracked or superseded", st)
		}
	}
}

// TestReplicasShareRateLimit: four Guards rate-limiting every delivery under
// one key in one Redis admit exactly the shared burst, not four times it.
func TestReplicasShareRateLimit(t *testing.T) {
	const replicas, burst, deliveries, workers = 4, 100, 400, 16
	storePrefix, rlPrefix := uniquePrefix("rlreplica"), uniquePrefix("rlreplica-rl")
	p := newProcessed()
	var gs [replicas]*replica
	for i := range gs {
		gs[i] = newReplica(t, replicaConfig{
			server: shared, storePrefix: storePrefix, rlPrefix: rlPrefix,
			rate: 1.0 / 3600, burst: burst, sharedRLKey: true, handler: p.handler(),
		})
	}
	signer := hmac.NewSigner(hmac.StandardWebhooks, guardKeyring(t))
	list := make([]delivery, deliveries)
	for i := range list {
		list[i] = newDelivery(t, signer, fmt.Sprintf("rl_%04d", i))
	}
	var admitted, limited atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(list) {
					return
				}
				w := list[i].send(gs[i%replicas].handler)
				switch {
				case w.Code/100 == 2:
					admitted.Add(1)
				case w.Code == http.StatusTooManyRequests:
					limited.Add(1)
					if w.Header().Get("Retry-After") == "" {
						t.Errorf("429 without Retry-After")
					}
				default:
					t.Errorf("status %d %s", w.Code, w.Body)
				}
			}
		})
	}
	wg.Wait()
	if got := admitted.Load(); got != burst {
		t.Errorf("%d Guards admitted %d deliveries, want exactly the shared budget %d", replicas, got, burst)
	}
	if got := limited.Load(); got != deliveries-burst {
		t.Errorf("%d answered 429, want %d", got, deliveries-burst)
	}
	if got := p.total.Load(); got != burst {
		t.Errorf("handlers ran %d times, want %d", got, burst)
	}
}

// GuardRoundTrips: an accepted delivery costs one Take, one Claim and one
// Complete; a duplicate one Take and one Claim.
func TestGuardRoundTrips(t *testing.T) {
	h := &commandCounter{}
	p := newProcessed()
	r := newReplica(t, replicaConfig{
		server: shared, storePrefix: uniquePrefix("grt"), rlPrefix: uniquePrefix("grt-rl"),
		rate: 1000, burst: 1000, handler: p.handler(), counterHook: h,
	})
	signer := hmac.NewSigner(hmac.StandardWebhooks, guardKeyring(t))
	for i := range 3 { // warm the script cache
		if w := newDelivery(t, signer, fmt.Sprintf("warm_%d", i)).send(r.handler); w.Code/100 != 2 {
			t.Fatalf("warm-up: %d %s", w.Code, w.Body)
		}
	}
	d := newDelivery(t, signer, "msg_rt")
	before := h.count()
	if w := d.send(r.handler); w.Code/100 != 2 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	if got := h.count() - before; got != 3 {
		t.Errorf("accepted delivery: %d round trips, want 3 (Take, Claim, Complete)", got)
	}
	before = h.count()
	if w := d.send(r.handler); w.Code != http.StatusOK {
		t.Fatalf("duplicate: status %d %s", w.Code, w.Body)
	}
	if got := h.count() - before; got != 2 {
		t.Errorf("duplicate delivery: %d round trips, want 2 (Take, Claim)", got)
	}
	t.Logf("round trips per delivery: accepted 3 (replay 2 + rate limit 1), duplicate 2")
}
