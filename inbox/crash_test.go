package inbox

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// The crash child is this test binary re-executed with crashChildEnv set to
// a database: it serves a Guard and inbox on loopback, prints "ADDR
// host:port", and its Process prints "RUNNING event" and then hangs, so
// the parent can kill -9 it with deliveries acknowledged, some running.
const crashChildEnv = "HOOKGUARD_INBOX_CRASH_CHILD"

func crashChild() int {
	db := os.Getenv(crashChildEnv)
	var mu sync.Mutex
	c := testConfig(db, func(ctx context.Context, d Delivery) error {
		mu.Lock()
		fmt.Printf("RUNNING %s\n", d.EventID)
		mu.Unlock()
		select {} // hang until killed: the job stays running in the database
	})
	c.Workers = 2
	c.JobTimeout = time.Hour
	c.RescueAfter = 2 * time.Hour
	ib, err := Open(context.Background(), c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		return 1
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: listen:", err)
		return 1
	}
	mu.Lock()
	fmt.Printf("ADDR %s\n", l.Addr())
	mu.Unlock()
	h, err := guardFor(ib)
	if err == nil {
		err = http.Serve(l, h)
	}
	fmt.Fprintln(os.Stderr, "child:", err)
	return 1
}

// TestCrashRecovery: a process that acknowledged deliveries is killed -9
// while two of them are running; a new instance on the same database
// finishes every acknowledged delivery within 30 s (the stuck ones through
// River's rescuer, after RescueAfter).
func TestCrashRecovery(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			db := b.database(t)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+db)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			killed := false
			defer func() {
				if !killed {
					cmd.Process.Kill()
					cmd.Wait()
				}
			}()
			lines := make(chan string, 100)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			addr := strings.TrimPrefix(waitLine(t, lines, "ADDR "), "ADDR ")

			const n = 20
			acked := map[string]bool{}
			for i := range n {
				s := newSigned(t, fmt.Sprintf("evt_crash_%d", i))
				req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/hook", bytes.NewReader(s.body))
				req.Header = s.header.Clone()
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", s.id, resp.StatusCode)
				}
				acked[s.id] = true
			}
			waitLine(t, lines, "RUNNING ")
			waitLine(t, lines, "RUNNING ")
			if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup, no leader resignation
				t.Fatal(err)
			}
			cmd.Wait()
			killed = true

			start := time.Now()
			rec := newRecorder()
			c := testConfig(db, rec.process)
			c.JobTimeout, c.RescueAfter = 2*time.Second, 3*time.Second
			ib := open(t, c)
			done := map[string]bool{}
			for len(done) < n {
				select {
				case d := <-rec.ch:
					if !acked[d.EventID] {
						t.Fatalf("processed %q, never acknowledged", d.EventID)
					}
					done[d.EventID] = true
				case <-time.After(30*time.Second - time.Since(start)):
					t.Fatalf("after 30s, %d of %d acknowledged deliveries processed", len(done), n)
				}
			}
			t.Logf("%s: all %d acknowledged deliveries processed %v after the restart", b.name, n, time.Since(start).Round(time.Millisecond))
			page, err := ib.List(context.Background(), ListOptions{Limit: 100})
			if err != nil || len(page.Records) != n {
				t.Fatalf("%d jobs, %v", len(page.Records), err)
			}
			rescued := 0
			for _, r := range page.Records {
				got := waitState(t, ib, r.ID, rivertype.JobStateCompleted)
				if len(got.Errors) > 0 {
					rescued++
				}
			}
			if rescued != 2 {
				t.Errorf("%d deliveries carry a rescue in their trail, want the 2 that were running", rescued)
			}
		})
	}
}

// waitLine returns the next line from the child starting with prefix.
func waitLine(t *testing.T, lines <-chan string, prefix string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("child exited before %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			t.Fatalf("no %q from the child within 30s", prefix)
		}
	}
}
