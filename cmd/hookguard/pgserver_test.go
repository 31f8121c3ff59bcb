package main

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/hookguard/hookguard/internal/pgtest"
)

// Throwaway PostgreSQL servers for the inbox tests (internal/pgtest): a
// missing Postgres fails the tests (make test installs it:
// scripts/ensure-postgres.sh); it never skips them.

var (
	sharedPG     *pgtest.Server
	sharedPGErr  error
	sharedPGOnce sync.Once
)

// sharedPostgres is one server for the tests that only need databases,
// started at first use and stopped by TestMain.
func sharedPostgres(t *testing.T) *pgtest.Server {
	t.Helper()
	sharedPGOnce.Do(func() { sharedPG, sharedPGErr = pgtest.Start() })
	if sharedPGErr != nil {
		t.Fatalf("starting Postgres: %v", sharedPGErr)
	}
	return sharedPG
}

// ownPostgres is a server of t's own (to stop and start), removed after t.
func ownPostgres(t *testing.T) *pgtest.Server {
	t.Helper()
	s, err := pgtest.Start()
	if err != nil {
		t.Fatalf("starting Postgres: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// newDatabase creates an empty database on s and returns its URL.
func newDatabase(t *testing.T, s *pgtest.Server) string {
	t.Helper()
	u, err := s.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedPG != nil {
		sharedPG.Close()
	}
	os.Exit(code)
}
