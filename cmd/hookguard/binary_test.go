package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
)

// These tests run a built hookguard binary on loopback, as a user does.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// hookguardBinary builds the command once per test process.
func hookguardBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hookguard-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "hookguard")
		gobin, err := exec.LookPath("go") // go test puts its own go first on PATH
		if err != nil {
			binErr = err
			return
		}
		out, err := exec.Command(gobin, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = &buildError{err, string(out)}
		}
	})
	if binErr != nil {
		t.Fatalf("building hookguard: %v", binErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// process is a running hookguard binary whose stderr lines are watched.
// Every line is kept (a chatty process is never blocked on its stderr);
// waitFor scans them from where its last match ended.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once stderr reached its end
	mu     sync.Mutex
	lines  []string
	next   int           // waitFor's cursor in lines
	notify chan struct{} // closed (and replaced) at each new line
}

func startBinary(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(hookguardBinary(t), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{}), notify: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			close(p.notify)
			p.notify = make(chan struct{})
			p.mu.Unlock()
		}
		close(p.exited)
	}()
	t.Cleanup(func() { p.kill() })
	return p
}

// kill ends the process with SIGKILL (kill -9) and reaps it.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// waitFor returns the first stderr line after the last match that matches
// re, failing after 20 s.
func (p *process) waitFor(t *testing.T, re string) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	timeout := time.After(20 * time.Second)
	for {
		p.mu.Lock()
		for ; p.next < len(p.lines); p.next++ {
			if m := rx.FindStringSubmatch(p.lines[p.next]); m != nil {
				p.next++
				p.mu.Unlock()
				return m
			}
		}
		notify := p.notify
		p.mu.Unlock()
		select {
		case <-notify:
		case <-p.exited:
			if p.scanned() {
				t.Fatalf("hookguard exited before logging %q:\n%s", re, p.stderr())
			}
		case <-timeout:
			t.Fatalf("no log line %q within 20 s:\n%s", re, p.stderr())
		}
	}
}

// scanned reports whether waitFor's cursor reached the last line.
func (p *process) scanned() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.next == len(p.lines)
}

// matching returns the submatches of re in every stderr line so far.
func (p *process) matching(re *regexp.Regexp) [][]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][]string
	for _, l := range p.lines {
		if m := re.FindStringSubmatch(l); m != nil {
			out = append(out, m)
		}
	}
	return out
}

func (p *process) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n") + "\n"
}

// signedDelivery builds a Standard Webhooks delivery to url.
func signedDelivery(t *testing.T, ctx context.Context, url, id, body string) *http.Request {
	t.Helper()
	k, err := hmac.NewKeyring(hmac.Secret{Key: serveNewKey})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := hmac.NewSigner(hmac.StandardWebhooks, k).Sign(req.Header, id, time.Now(), []byte(body)); err != nil {
		t.Fatal(err)
	}
	return req
}

func serveEnv() []string {
	return []string{"HG_NEW=" + hmac.StandardWebhooks.FormatKey(serveNewKey)}
}

// TestBinaryServeSenderHangsUp: a provider that times out and disconnects
// while the upstream works does not cancel the upstream; its 2xx completes
// the event, and the provider's retry is a duplicate, not a second run.
func TestBinaryServeSenderHangsUp(t *testing.T) {
	var calls atomic.Int32
	got, release := make(chan struct{}, 1), make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		got <- struct{}{}
		<-release
		io.WriteString(w, "ok")
	}))
	defer up.Close()
	defer close(release)

	p := startBinary(t, serveEnv(), "serve", "-listen", "127.0.0.1:0", "-upstream", up.URL,
		"-secret-env", "HG_NEW", "-log-level", "debug", "-upstream-timeout", "10s", "-lease", "20s")
	addr := p.waitFor(t, `serve: listening" addr=(\S+)`)[1]
	url := "http://" + addr + "/hook"

	ctx, cancel := context.WithCancel(context.Background())
	first := signedDelivery(t, ctx, url, "msg_hangup", `{"n":1}`)
	retry := first.Clone(context.Background())
	retry.Body = io.NopCloser(strings.NewReader(`{"n":1}`))
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(first)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-got    // the upstream works on the delivery
	cancel() // the provider gives up and hangs up
	if err := <-errc; err == nil {
		t.Fatal("the sender's request should have been cancelled")
	}
	release <- struct{}{} // the upstream finishes with 200
	p.waitFor(t, `delivery handled.*outcome=completed`)

	resp, err := http.DefaultClient.Do(retry)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(b)) != `{"status":"duplicate"}` {
		t.Fatalf("retry: %d %s", resp.StatusCode, b)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("the upstream ran the event %d times", n)
	}
}

// TestBinaryServeDropsForgedHeaders: inbound headers that name, with '_'
// for '-' or in any case, a header serve sets never reach the upstream.
func TestBinaryServeDropsForgedHeaders(t *testing.T) {
	headers := make(chan http.Header, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		headers <- r.Header.Clone()
	}))
	defer up.Close()
	p := startBinary(t, serveEnv(), "serve", "-listen", "127.0.0.1:0", "-upstream", up.URL, "-secret-env", "HG_NEW")
	addr := p.waitFor(t, `serve: listening" addr=(\S+)`)[1]

	req := signedDelivery(t, context.Background(), "http://"+addr+"/hook", "msg_forge", `{}`)
	for _, name := range []string{"Hookguard_Event_Id", "hookguard_client_ip", "HOOKGUARD-SCHEME", "Hookguard_Secret-Id",
		"X-Real-Ip", "X_Real_IP", "X_Forwarded_For", "x_forwarded_proto", "X-Forwarded-Host", "Forwarded", "Hookguard-Attempt"} {
		req.Header[name] = []string{"forged"}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	h := <-headers
	for name, vs := range h {
		for _, v := range vs {
			if v == "forged" {
				t.Errorf("the upstream got the forged header %s", name)
			}
		}
	}
	if got := h.Get(headerEventID); got != "msg_forge" {
		t.Errorf("%s = %q", headerEventID, got)
	}
	if got := h.Get(headerClientIP); got != "127.0.0.1" {
		t.Errorf("%s = %q", headerClientIP, got)
	}
}

// TestBinarySendFollowsNoRedirect: a redirect to another host is not
// followed, so a shared token is not sent there, and send fails.
func TestBinarySendFollowsNoRedirect(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
	}))
	defer other.Close()
	target := strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/steal"
	redirect := httptest.NewServer(http.RedirectHandler(target, http.StatusTemporaryRedirect))
	defer redirect.Close()

	cmd := exec.Command(hookguardBinary(t), "send", "-scheme", "gitlab", "-secret-env", "TOKEN", redirect.URL+"/hook")
	cmd.Env = []string{"TOKEN=a-shared-gitlab-token-0123456789"}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("send succeeded on a redirect:\n%s", out)
	}
	if leaked.Load() != 0 {
		t.Fatal("the redirect was followed: the token reached another host")
	}
	if !strings.Contains(string(out), "redirect") || strings.Contains(string(out), "a-shared-gitlab-token") {
		t.Fatalf("output:\n%s", out)
	}
}
