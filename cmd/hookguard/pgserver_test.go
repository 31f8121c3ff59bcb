package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// A throwaway PostgreSQL server for the inbox tests: initdb into a temporary
// directory, a free loopback port, removed when the tests end. The inbox
// module's tests have the same helper (inbox/internal/pgtest), which an
// internal path keeps out of this module's reach; this is the part these
// tests need. It uses Debian's binaries (/usr/lib/postgresql/*/bin), those
// in $HOOKGUARD_PG_BIN or on PATH, and runs them as the postgres user when
// the tests run as root (Postgres refuses root). A missing Postgres fails
// the tests (make test installs it: scripts/ensure-postgres.sh); it never
// skips them.

// pgServer is a running throwaway Postgres server.
type pgServer struct {
	bin, dir string
	port     int
	run      []string // runuser -u postgres -- when root
	mu       sync.Mutex
	dbs      int
}

var (
	sharedPG     *pgServer
	sharedPGErr  error
	sharedPGOnce sync.Once
)

// sharedPostgres is one server for the tests that only need databases,
// started at first use and stopped by TestMain.
func sharedPostgres(t *testing.T) *pgServer {
	t.Helper()
	sharedPGOnce.Do(func() { sharedPG, sharedPGErr = startPostgres() })
	if sharedPGErr != nil {
		t.Fatalf("starting Postgres: %v", sharedPGErr)
	}
	return sharedPG
}

// ownPostgres is a server of t's own (to stop and start), removed after t.
func ownPostgres(t *testing.T) *pgServer {
	t.Helper()
	s, err := startPostgres()
	if err != nil {
		t.Fatalf("starting Postgres: %v", err)
	}
	t.Cleanup(s.remove)
	return s
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedPG != nil {
		sharedPG.remove()
	}
	os.Exit(code)
}

func pgBinDir() (string, error) {
	if d := os.Getenv("HOOKGUARD_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		b, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return a > b
	})
	if len(dirs) > 0 {
		return dirs[0], nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql, or set HOOKGUARD_PG_BIN (make test installs them)")
}

func startPostgres() (*pgServer, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "hookguard-cli-pg-")
	if err != nil {
		return nil, err
	}
	s := &pgServer{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s.run = []string{"runuser", "-u", "postgres", "--"}
	}
	if out, err := s.cmd("initdb", "-D", s.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	for range 5 { // another process may take the free port first
		l, lerr := net.Listen("tcp", "127.0.0.1:0")
		if lerr != nil {
			err = lerr
			break
		}
		s.port = l.Addr().(*net.TCPAddr).Port
		l.Close()
		if err = s.start(); err == nil {
			return s, nil
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

func (s *pgServer) cmd(name string, args ...string) *exec.Cmd {
	argv := append(append(append([]string(nil), s.run...), filepath.Join(s.bin, name)), args...)
	c := exec.Command(argv[0], argv[1:]...)
	c.Dir = s.dir
	return c
}

func (s *pgServer) data() string { return filepath.Join(s.dir, "data") }

// start starts the server (again) on its port and waits until it accepts
// connections.
func (s *pgServer) start() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=300", s.port, s.dir)
	if out, err := s.cmd("pg_ctl", "-D", s.data(), "-o", opts, "-l", filepath.Join(s.dir, "log"), "-w", "-t", "30", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pg_ctl start: %w: %s\n%s", err, out, log)
	}
	return nil
}

// stop stops the server at once, like a crash, keeping its data.
func (s *pgServer) stop() error {
	if out, err := s.cmd("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, out)
	}
	return nil
}

func (s *pgServer) remove() {
	_ = s.stop()
	os.RemoveAll(s.dir)
}

// newDatabase creates an empty database and returns its URL.
func (s *pgServer) newDatabase(t *testing.T) string {
	t.Helper()
	s.mu.Lock()
	s.dbs++
	name := fmt.Sprintf("cli_%d_%d", os.Getpid(), s.dbs)
	s.mu.Unlock()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	return s.url(name)
}

func (s *pgServer) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}
