package main

import (
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// roundRobin is a TCP proxy that hands each connection to the next of its
// backends: one address in front of several serve processes.
type roundRobin struct {
	l        net.Listener
	backends []string
	n        atomic.Uint64
}

func newRoundRobin(t *testing.T, backends []string) *roundRobin {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rr := &roundRobin{l: l, backends: backends}
	go rr.accept()
	t.Cleanup(func() { l.Close() })
	return rr
}

func (rr *roundRobin) accept() {
	for {
		c, err := rr.l.Accept()
		if err != nil {
			return
		}
		backend := rr.backends[rr.n.Add(1)%uint64(len(rr.backends))]
		go func() {
			defer c.Close()
			b, err := net.Dial("tcp", backend)
			if err != nil {
				return
			}
			defer b.Close()
			go func() { _, _ = io.Copy(b, c); b.(*net.TCPConn).CloseWrite() }()
			_, _ = io.Copy(c, b)
		}()
	}
}

// TestBinaryInboxReplicas: four serve -inbox processes on one Postgres
// behind one address receive 1 000 deliveries, 30 % of them duplicates of
// others, from 32 concurrent senders. Exactly the 700 distinct events are
// accepted and forwarded, each answered 2xx by the upstream once; an event
// is forwarded a second time only after the upstream failed its first
// forward (it fails the first forward of one event in twenty), and those
// repeats are counted.
func TestBinaryInboxReplicas(t *testing.T) {
	const (
		events  = 700
		total   = 1000
		senders = 32
	)
	db := newDatabase(t, sharedPostgres(t))
	up := newEventUpstream()
	up.failFirst = func(id string) bool {
		h := fnv.New32a()
		h.Write([]byte(id))
		return h.Sum32()%20 == 0
	}
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()

	var backends []string
	for range 4 {
		p := startBinary(t, serveEnv(), inboxServeArgs(db, upSrv.URL, "-inbox-backoff-max", "100ms")...)
		backends = append(backends, p.waitFor(t, `serve: listening" addr=(\S+)`)[1])
	}
	url := "http://" + newRoundRobin(t, backends).l.Addr().String() + "/hooks"

	ids := eventIDs("msg_replica", events)
	sends := append([]string(nil), ids...)
	rng := rand.New(rand.NewPCG(1, 2))
	for len(sends) < total {
		sends = append(sends, ids[rng.IntN(events)])
	}
	rng.Shuffle(len(sends), func(i, j int) { sends[i], sends[j] = sends[j], sends[i] })

	start := time.Now()
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var mu sync.Mutex
	answers := map[string]int{}
	work := make(chan string)
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for id := range work {
				status, word, _ := sendSigned(t, client, url, id)
				mu.Lock()
				answers[word]++
				if status != 200 {
					answers["status!=200"]++
				}
				mu.Unlock()
			}
		})
	}
	for _, id := range sends {
		work <- id
	}
	close(work)
	wg.Wait()
	acked := time.Since(start)
	if answers["accepted"] != events || answers["duplicate"] != total-events || len(answers) != 2 {
		t.Fatalf("answers %v, want %d accepted and %d duplicate", answers, events, total-events)
	}
	took := up.waitAll(t, ids, 30*time.Second)

	up.mu.Lock()
	defer up.mu.Unlock()
	repeats := 0
	for _, id := range ids {
		if up.ok[id] != 1 {
			t.Errorf("%s answered 2xx %d times", id, up.ok[id])
		}
		if up.failed[id] > 0 {
			repeats++
			if a := up.attempts[id]; len(a) != 1 || a[0] != 2 {
				t.Errorf("%s: Hookguard-Attempt of the 2xx forward %v, want [2] after one failure", id, a)
			}
		}
	}
	forwards := 0
	for _, id := range ids {
		forwards += up.ok[id] + up.failed[id]
	}
	if repeats == 0 {
		t.Error("the upstream failed no forward: the retry path was not exercised")
	}
	t.Logf("%d deliveries (%d events) acknowledged in %v through 4 replicas; all forwarded %v later: %d forwards, %d repeats, each after an upstream failure",
		total, events, acked.Round(time.Millisecond), took.Round(time.Millisecond), forwards, repeats)
	if forwards != events+repeats {
		t.Errorf("%d forwards for %d events and %d failures", forwards, events, repeats)
	}
}
