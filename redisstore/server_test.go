package redisstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// installHint is what a developer without redis-server reads. The tests fail
// (never skip) when the binary is missing: a skipped suite is not a pass.
const installHint = `redis-server is required for the redisstore tests and was not found.
Install it (Debian/Ubuntu: sudo apt-get install redis-server; make test does
this when run as root), or point REDIS_SERVER at a redis-server binary:
    REDIS_SERVER=/path/to/redis-server go test ./...`

// shared is the redis-server every test but the fault test uses; TestMain
// starts it on a free loopback port and kills it at the end.
var shared *redisServer

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	redis.SetLogger(quietLogger{}) // the fault tests dial dead servers on purpose
	bin, err := redisBinary()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: "+installHint+"\n("+err.Error()+")")
		return 1
	}
	shared, err = newRedisServer(bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: starting redis-server:", err)
		return 1
	}
	defer shared.close()
	return m.Run()
}

// redisBinary returns $REDIS_SERVER or redis-server from PATH.
func redisBinary() (string, error) {
	if p := os.Getenv("REDIS_SERVER"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("REDIS_SERVER=%s: %w", p, err)
		}
		return p, nil
	}
	return exec.LookPath("redis-server")
}

// redisServer is a redis-server process this test binary owns, on a fixed
// loopback port in its own temporary directory, without persistence.
type redisServer struct {
	bin, dir string
	port     int
	extra    []string // more redis-server arguments
	cmd      *exec.Cmd
	exited   chan struct{}
}

// newRedisServer starts a server on a free port, trying a few ports in case
// another process takes the one we picked first.
func newRedisServer(bin string, extra ...string) (*redisServer, error) {
	dir, err := os.MkdirTemp("", "redisstore-test-")
	if err != nil {
		return nil, err
	}
	var errs []error
	for range 5 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s := &redisServer{bin: bin, dir: dir, port: port, extra: extra}
		if err := s.start(); err != nil {
			errs = append(errs, err)
			continue
		}
		return s, nil
	}
	os.RemoveAll(dir)
	return nil, errors.Join(errs...)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Addr is the server's host:port.
func (s *redisServer) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// start runs redis-server on s.port and waits (10 s at most) until it
// answers PING.
func (s *redisServer) start() error {
	args := []string{
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--daemonize", "no", "--logfile", "", "--loglevel", "warning",
	}
	cmd := exec.Command(s.bin, append(args, s.extra...)...)
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-exited:
			return fmt.Errorf("redis-server on port %d exited: %s", s.port, out.String())
		default:
		}
		if ping(s.Addr()) == nil {
			s.cmd, s.exited = cmd, exited
			return nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server on port %d did not answer PING within 10s: %s", s.port, out.String())
		}
		time.Sleep(10 * time.Millisecond) // polling for the server to come up
	}
}

// stop kills the server (data is lost: no persistence) and waits for it.
func (s *redisServer) stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// close stops the server and removes its directory.
func (s *redisServer) close() {
	s.stop()
	os.RemoveAll(s.dir)
}

// ping sends PING over a raw connection and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// newClient returns a client of s with timeouts short enough for tests,
// closed at the end of the test.
func newClient(t testing.TB, s *redisServer) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:         s.Addr(),
		DialTimeout:  time.Second,
		ReadTimeout:  2 * time.Second,
		WriteTimeout: 2 * time.Second,
		PoolSize:     32,
		Protocol:     2,
	})
	t.Cleanup(func() { c.Close() })
	return c
}

var prefixSeq atomic.Int64

// uniquePrefix returns a key prefix no other test of this run uses.
func uniquePrefix(name string) string {
	return fmt.Sprintf("test:%s:%d:", name, prefixSeq.Add(1))
}

// keysUnder returns every key starting with prefix.
func keysUnder(t testing.TB, c *redis.Client, prefix string) []string {
	t.Helper()
	var keys []string
	iter := c.Scan(context.Background(), 0, prefix+"*", 1000).Iterator()
	for iter.Next(context.Background()) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("SCAN %s*: %v", prefix, err)
	}
	return keys
}

// shiftTTL moves a key's expiry d closer (deleting it when that is now or
// earlier), as if d had passed on the server.
var shiftTTL = redis.NewScript(`
local pttl = redis.call('PTTL', KEYS[1])
if pttl < 0 then
  return 0
end
local left = pttl - tonumber(ARGV[1])
if left <= 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], left)
end
return 1
`)

// advanceTTLs shifts the TTL of every key under prefix by d.
func advanceTTLs(t testing.TB, c *redis.Client, prefix string, d time.Duration) {
	t.Helper()
	for _, k := range keysUnder(t, c, prefix) {
		if err := shiftTTL.Run(context.Background(), c, []string{k}, d.Milliseconds()).Err(); err != nil {
			t.Fatalf("advance %s: %v", k, err)
		}
	}
}

// deadClient returns a client of a loopback port nothing listens on.
func deadClient(t testing.TB) *redis.Client {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{
		Addr:        net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		DialTimeout: 100 * time.Millisecond, MaxRetries: -1,
		DialerRetries: 1, DialerRetryTimeout: time.Millisecond,
	})
	t.Cleanup(func() { c.Close() })
	return c
}

// quietLogger drops go-redis's internal log lines.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// commandCounter is a go-redis hook that counts the commands a client sends
// (each one a round trip; EVALSHA and a NOSCRIPT fallback EVAL count twice)
// and the pipelines.
type commandCounter struct {
	n     atomic.Int64
	names sync.Map // command name -> *atomic.Int64
}

func (h *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		v, _ := h.names.LoadOrStore(cmd.Name(), new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
		return next(ctx, cmd)
	}
}

func (h *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// count returns the round trips so far.
func (h *commandCounter) count() int64 { return h.n.Load() }

// byName returns how many commands named name were sent.
func (h *commandCounter) byName(name string) int64 {
	v, ok := h.names.Load(name)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}
