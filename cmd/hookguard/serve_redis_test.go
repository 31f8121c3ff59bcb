package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"
)

// startRedis runs a throwaway redis-server (no persistence) on a free
// loopback port until the test ends and returns its URL. make test
// installs redis-server (scripts/ensure-redis.sh); without it the test
// fails, never skips.
func startRedis(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("REDIS_SERVER")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("redis-server"); err != nil {
			t.Fatal("redis-server not found: apt-get install redis-server, or set REDIS_SERVER (make test installs it)")
		}
	}
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return "redis://" + addr + "/0"
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond) // a real server starting: polled
	}
}

// TestBinaryServeRedis: two serve processes sharing one Redis (-redis)
// forward an event once between them and share one rate limit per client.
func TestBinaryServeRedis(t *testing.T) {
	redisURL := startRedis(t)
	up := newEventUpstream()
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()
	var urls []string
	for range 2 {
		p := startBinary(t, serveEnv(), "serve", "-listen", "127.0.0.1:0", "-upstream", upSrv.URL,
			"-secret-env", "HG_NEW", "-redis", redisURL, "-rate", "0.001", "-burst", "3")
		urls = append(urls, "http://"+p.waitFor(t, `serve: listening" addr=(\S+)`)[1]+"/hooks")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for i, c := range []struct {
		url    int
		id     string
		status int
		word   string
	}{
		{0, "msg_redis_1", 200, ""},
		{1, "msg_redis_1", 200, "duplicate"}, // the other replica knows it
		{1, "msg_redis_2", 200, ""},
		{0, "msg_redis_3", 429, "rate_limited"}, // the burst of 3 is shared
	} {
		if status, word, _ := sendSigned(t, client, urls[c.url], c.id); status != c.status || word != c.word {
			t.Fatalf("delivery %d (%s to replica %d): %d %q, want %d %q", i+1, c.id, c.url, status, word, c.status, c.word)
		}
	}
	up.mu.Lock()
	defer up.mu.Unlock()
	if up.ok["msg_redis_1"] != 1 || up.ok["msg_redis_2"] != 1 || len(up.ok) != 2 {
		t.Fatalf("forwards %v, want each event once", up.ok)
	}
}
