// Package pgtest runs throwaway PostgreSQL servers for the tests of the
// inbox and the CLI and for the inbox's load test: initdb into a temporary
// directory, a free loopback port, removed at Close. It uses Debian's
// postgresql binaries (/usr/lib/postgresql/*/bin) or those in
// $HOOKGUARD_PG_BIN or on PATH, and runs the server as the postgres user
// (runuser) when the caller is root, since Postgres refuses to run as root.
//
// It drives the server with its own tools (initdb, pg_ctl, createdb) and
// needs nothing beyond the standard library, so it lives in the root module
// where the tests of every module can import it; it is exercised by those
// tests (the inbox's outage and replica tests stop and restart servers).
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
)

// InstallHint is what a developer without Postgres reads. Tests fail (never
// skip) when the binaries are missing: a skipped suite is not a pass.
const InstallHint = `PostgreSQL server binaries (initdb, pg_ctl, createdb) are required for the
Postgres tests of the inbox and the CLI and were not found. Install them, then run the tests again:
    sudo apt-get install postgresql        (Debian/Ubuntu; make test does this as root)
or point HOOKGUARD_PG_BIN at the directory holding initdb and pg_ctl:
    HOOKGUARD_PG_BIN=/usr/lib/postgresql/17/bin make test`

// Server is a running throwaway Postgres server.
type Server struct {
	bin  string // directory of initdb, pg_ctl
	dir  string // temporary directory: data/, the socket, the log
	port int
	run  []string // command prefix: runuser -u postgres -- when root
	dbs  atomic.Int64
}

// BinDir finds the directory of the Postgres server binaries.
func BinDir() (string, error) {
	if d := os.Getenv("HOOKGUARD_PG_BIN"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err != nil {
			return "", fmt.Errorf("HOOKGUARD_PG_BIN=%s: %w", d, err)
		}
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		return filepath.Dir(p), nil
	}
	return "", errors.New(InstallHint)
}

// version is the major version in /usr/lib/postgresql/<v>/bin.
func version(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

// Start initialises and starts a server. fsync stays on: commits are as
// durable as in production.
func Start() (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "hookguard-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs the postgres user (created by the Debian package): %w\n%s", err, InstallHint)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s.run = []string{"runuser", "-u", "postgres", "--"}
	}
	if out, err := s.cmd("initdb", "-D", s.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	var errs []error
	for range 5 { // another process may take the free port first
		if s.port, err = freePort(); err != nil {
			break
		}
		if err = s.Restart(); err == nil {
			return s, nil
		}
		errs = append(errs, err)
	}
	os.RemoveAll(dir)
	return nil, errors.Join(append(errs, err)...)
}

// cmd is the named binary run as the server's user.
func (s *Server) cmd(name string, args ...string) *exec.Cmd {
	argv := append(append(append([]string(nil), s.run...), filepath.Join(s.bin, name)), args...)
	c := exec.Command(argv[0], argv[1:]...)
	c.Dir = s.dir
	return c
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// Restart starts the server (again, after Stop) on its port and waits until
// it accepts connections.
func (s *Server) Restart() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=300", s.port, s.dir)
	out, err := s.cmd("pg_ctl", "-D", s.data(), "-o", opts, "-l", filepath.Join(s.dir, "log"), "-w", "-t", "30", "start").CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pg_ctl start on port %d: %w: %s\n%s", s.port, err, out, tail(log))
	}
	return nil
}

// Stop stops the server at once (immediate mode: like a crash, recovery runs
// at the next start), keeping its data.
func (s *Server) Stop() error {
	out, err := s.cmd("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, out)
	}
	return nil
}

// Close stops the server and removes its directory.
func (s *Server) Close() {
	_ = s.Stop()
	os.RemoveAll(s.dir)
}

// URL is the connection URL of database db.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// NewDatabase creates an empty database and returns its URL.
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	return CreateDatabase(ctx, s.URL("postgres"), fmt.Sprintf("t%d_%d", os.Getpid(), s.dbs.Add(1)))
}

// CreateDatabase creates database name on the server at adminURL (which
// names an existing database) with createdb, and returns the new
// database's URL.
func CreateDatabase(ctx context.Context, adminURL, name string) (string, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	bin, err := BinDir()
	if err != nil {
		return "", err
	}
	c := exec.CommandContext(ctx, filepath.Join(bin, "createdb"), "--maintenance-db="+adminURL, "--", name)
	if out, err := c.CombinedOutput(); err != nil {
		return "", fmt.Errorf("createdb %s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	u.Path = "/" + name
	return u.String(), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail is the end of a server log, for an error message.
func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return s
}
