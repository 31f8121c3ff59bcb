package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // the SQLite driver the inbox uses, registered as "sqlite"
	"riverqueue.com/riverui"

	"github.com/hookguard/hookguard/inbox"
)

// minAdminKey is the shortest admin key -ui accepts, in bytes.
const minAdminKey = 16

// uiFlags are serve's -ui flags: River's web UI over the inbox.
type uiFlags struct {
	addr   string
	keyEnv string
}

// register adds -ui and -admin-key-env to fs.
func (u *uiFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&u.addr, "ui", "", "serve River's web UI over the -inbox on its own listener `ADDR` (default: off); every request needs the admin key")
	fs.StringVar(&u.keyEnv, "admin-key-env", "", "environment variable `NAME` holding the -ui admin key (at least 16 bytes): the HTTP Basic password, or Authorization: Bearer KEY")
}

// key checks the -ui flags and returns the admin key: -ui needs -inbox and
// a key of at least minAdminKey bytes. The key is never shown.
func (u *uiFlags) key(e *env, database string) ([]byte, error) {
	if u.addr == "" {
		if u.keyEnv != "" {
			return nil, errors.New("-admin-key-env is for -ui")
		}
		return nil, nil
	}
	if database == "" {
		return nil, errors.New("-ui shows the -inbox: give -inbox too")
	}
	if u.keyEnv == "" {
		return nil, errors.New("-ui needs an admin key: give -admin-key-env NAME (the UI shows and retries deliveries, bodies included)")
	}
	if !validEnvName(u.keyEnv) || !showable(u.keyEnv) {
		return nil, errors.New("-admin-key-env: not an environment variable name (the value is not shown: give the variable's name, not the key)")
	}
	k := strings.TrimSpace(e.getenv(u.keyEnv))
	if len(k) < minAdminKey {
		return nil, fmt.Errorf("-admin-key-env %s: the key is unset or shorter than %d bytes", u.keyEnv, minAdminKey)
	}
	return []byte(k), nil
}

// newUI returns River's web UI over the inbox's database, behind the admin
// key, and a func that releases what it opened. River's UI supports both
// of the inbox's drivers (riverpgxv5 for Postgres, riversqlite for SQLite,
// since riverui v0.21). It runs its own River client, which inserts and
// works nothing: the inbox's workers do the work.
func newUI(ctx context.Context, database string, ib *inbox.Inbox, key []byte, logger *slog.Logger) (http.Handler, func(), error) {
	closeDB := func() {}
	opts := &riverui.HandlerOpts{Logger: logger, JobListHideArgsByDefault: true}
	if path, ok := strings.CutPrefix(database, "sqlite:"); ok {
		// A second connection to the file: WAL lets it read while the
		// inbox writes; busy_timeout covers the UI's own writes (retry,
		// cancel).
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate")
		if err != nil {
			return nil, nil, err
		}
		db.SetMaxOpenConns(1)
		closeDB = func() { _ = db.Close() }
		client, err := river.NewClient(riversqlite.New(db), &river.Config{Logger: logger})
		if err != nil {
			closeDB()
			return nil, nil, err
		}
		opts.Endpoints = riverui.NewEndpoints(client, nil)
	} else {
		client, err := river.NewClient(riverpgxv5.New(ib.Pool()), &river.Config{Logger: logger})
		if err != nil {
			return nil, nil, err
		}
		opts.Endpoints = riverui.NewEndpoints(client, nil)
	}
	ui, err := riverui.NewHandler(opts)
	if err != nil {
		closeDB()
		return nil, nil, fmt.Errorf("-ui: %w", err)
	}
	uiCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	if err := ui.Start(uiCtx); err != nil {
		stop()
		closeDB()
		return nil, nil, fmt.Errorf("-ui: %w", err)
	}
	h := http.NewCrossOriginProtection().Handler(ui)
	return newAdminAuth(key, h), func() { stop(); closeDB() }, nil
}

// adminAuth lets a request through only with the admin key, as the HTTP
// Basic password (any user name) or as "Authorization: Bearer KEY". The
// key is compared in constant time, as a SHA-256 digest so that its
// length does not show either.
type adminAuth struct {
	sum  [sha256.Size]byte
	next http.Handler
}

func newAdminAuth(key []byte, next http.Handler) *adminAuth {
	return &adminAuth{sum: sha256.Sum256(key), next: next}
}

func (a *adminAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if !a.allowed(r) {
		h.Set("WWW-Authenticate", `Basic realm="hookguard inbox", charset="UTF-8"`)
		h.Set("Cache-Control", "no-store")
		http.Error(w, "admin key required", http.StatusUnauthorized)
		return
	}
	a.next.ServeHTTP(w, r)
}

// allowed reports whether r carries the admin key.
func (a *adminAuth) allowed(r *http.Request) bool {
	given, ok := "", false
	if _, pw, basic := r.BasicAuth(); basic {
		given, ok = pw, true
	} else if tok, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); bearer {
		given, ok = tok, true
	}
	sum := sha256.Sum256([]byte(given))
	return subtle.ConstantTimeCompare(sum[:], a.sum[:]) == 1 && ok
}
