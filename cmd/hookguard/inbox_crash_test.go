package main

import (
	"net"
	"net/http"
	"regexp"
	"testing"
	"time"
)

// TestBinaryInboxCrash: serve -inbox acknowledges deliveries while the
// upstream is down (refusing connections), then while it hangs (forwards
// running, none answered); the process is killed -9 in the middle of them.
// A new process on the same database, once the upstream is up, forwards
// every acknowledged delivery within 30 s, each once, after at least one
// failed attempt (Hookguard-Attempt ≥ 2): the ones the dead process was
// running are rescued after -inbox-rescue-after, not River's hour. The new
// process still answers duplicates of them as duplicates.
func TestBinaryInboxCrash(t *testing.T) {
	for _, b := range inboxBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			db := b.database(t)
			upAddr := freeAddr(t) // nothing listens: the upstream is down
			args := inboxServeArgs(db, "http://"+upAddr, "-inbox-workers", "4")
			first, url := startInboxServe(t, args)
			client := &http.Client{Timeout: 10 * time.Second}

			ids := eventIDs("msg_crash_"+b.name, 20)
			for _, id := range ids {
				if status, word, _ := sendSigned(t, client, url, id); status != 200 || word != "accepted" {
					t.Fatalf("%s: %d %s", id, status, word)
				}
			}
			// Every delivery failed at least once against the closed port.
			failedRx := regexp.MustCompile(`forward failed.* event_id=(\S+) attempt=1 `)
			deadline := time.After(20 * time.Second)
			for seen := map[string]bool{}; len(seen) < len(ids); {
				for _, m := range first.matching(failedRx) {
					seen[m[1]] = true
				}
				if len(seen) < len(ids) {
					first.waitFor(t, `forward failed`)
				}
				select {
				case <-deadline:
					t.Fatalf("only %d of %d deliveries were attempted", len(seen), len(ids))
				default:
				}
			}

			// The upstream comes back hanging: forwards run and time out.
			up := newEventUpstream()
			up.hang.Store(true)
			l, err := net.Listen("tcp", upAddr)
			if err != nil {
				t.Fatalf("the upstream's port was taken meanwhile: %v", err)
			}
			serveUpstream(t, l, up)
			for range 2 {
				select {
				case <-up.hung:
				case <-time.After(20 * time.Second):
					t.Fatal("no forward reached the hanging upstream")
				}
			}
			first.kill() // kill -9, forwards running

			_, url = startInboxServe(t, args)
			up.hang.Store(false)
			for _, id := range ids[:5] {
				if status, word, _ := sendSigned(t, client, url, id); status != 200 || word != "duplicate" {
					t.Fatalf("duplicate of %s after the restart: %d %s", id, status, word)
				}
			}
			took := up.waitAll(t, ids, 30*time.Second)
			t.Logf("%s: killed with forwards hanging; all %d deliveries forwarded %v after the upstream came up",
				b.name, len(ids), took.Round(100*time.Millisecond))

			up.mu.Lock()
			defer up.mu.Unlock()
			for _, id := range ids {
				if up.ok[id] != 1 {
					t.Errorf("%s forwarded %d times", id, up.ok[id])
				}
				if a := up.attempts[id]; len(a) == 0 || a[0] < 2 {
					t.Errorf("%s: Hookguard-Attempt %v, want ≥ 2 (it failed before)", id, a)
				}
			}
		})
	}
}
