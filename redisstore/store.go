package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hookguard/hookguard/replay"
)

// DefaultStorePrefix is the key prefix of a Store whose StoreOptions.Prefix
// is empty.
const DefaultStorePrefix = "hookguard:replay:"

// DefaultMaxClaims is the number of claims one Store tracks at once when
// StoreOptions.MaxClaims is zero.
const DefaultMaxClaims = 100_000

// ErrTooManyClaims is returned (wrapped) by Claim when the Store already
// tracks StoreOptions.MaxClaims live claims. Nothing was written to Redis; the
// Guard answers 503 and the sender retries.
var ErrTooManyClaims = errors.New("redisstore: too many claims in flight")

// StoreOptions configures NewStore. The zero value is valid: every zero field
// means its documented default.
type StoreOptions struct {
	// Prefix starts every key the Store writes, so several stores (or
	// other applications) can share one database. The replay key follows
	// inside a hash tag: "<Prefix>{<key>}". Empty means DefaultStorePrefix.
	// It must not contain '{' or '}' (the hash tag must be the key's).
	Prefix string

	// MaxClaims bounds the claims this Store remembers at once (the token
	// of each claim it answered Fresh for, until Complete, Release or the
	// end of the lease). At the bound Claim fails with ErrTooManyClaims
	// before touching Redis. Each entry costs about 100 bytes plus the key.
	// 0 means DefaultMaxClaims; negative is an error.
	MaxClaims int
}

// Store is a replay.Store on Redis: many replicas that share one Redis
// share one record of which event IDs are in flight and which are done.
//
// A key is a Redis string "<Prefix>{<key>}" holding either the token of the
// claim that owns it (with the lease as its TTL) or the done marker "d"
// (with keep as its TTL), so Redis expires it on its own: nothing to sweep.
// Every method is one Lua script, atomic on the server, run with EVALSHA
// (falling back to EVAL once after the script cache was flushed).
//
// # Claim ownership
//
// Each claim that Claim answers Fresh for writes a token unique to this
// claim; the Store remembers it in process until Complete or Release. Release
// deletes the key only if it still holds that token, and Complete never
// overwrites a key that holds another claim's token, so a replica whose lease
// expired mid-handler (and whose key was meanwhile claimed by another
// replica) cannot free or complete the other replica's claim. Complete still
// records the key as done when it expired unclaimed or was never claimed: the
// work was done, and a later duplicate must not run again (the replay.Store
// contract).
//
// Ownership is per Store value, not per caller: the replay.Store interface
// names a key, not a claim. Two claims of one key through the same Store can
// only overlap when the first outlived its lease; the second then owns the
// key, and a late Complete or Release of the first acts on the second's
// behalf. Give each process its own Store (the normal setup).
//
// A Store is safe for concurrent use. Its zero value is not usable; use
// NewStore.
type Store struct {
	c      redis.Scripter
	prefix string
	tokens tokenTable
	salt   string // random per Store: tokens of two Stores never collide
	seq    atomic.Uint64

	superseded atomic.Uint64
}

var _ replay.Store = (*Store)(nil)

// NewStore returns a Store that keeps its keys in c: a *redis.Client,
// *redis.ClusterClient, *redis.Ring or anything else that runs scripts. It
// fails only on invalid options.
func NewStore(c redis.Scripter, o StoreOptions) (*Store, error) {
	if c == nil {
		return nil, errors.New("redisstore: NewStore: nil client")
	}
	prefix, err := checkPrefix(o.Prefix, DefaultStorePrefix)
	if err != nil {
		return nil, fmt.Errorf("redisstore: NewStore: %w", err)
	}
	if o.MaxClaims < 0 {
		return nil, fmt.Errorf("redisstore: NewStore: MaxClaims %d is negative", o.MaxClaims)
	}
	if o.MaxClaims == 0 {
		o.MaxClaims = DefaultMaxClaims
	}
	var salt [9]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return nil, fmt.Errorf("redisstore: NewStore: %w", err)
	}
	s := &Store{c: c, prefix: prefix, salt: "c" + base64.RawURLEncoding.EncodeToString(salt[:]) + "."}
	s.tokens.init(o.MaxClaims)
	return s, nil
}

// Claim atomically claims key for lease (<= 0: replay.DefaultLease) and
// answers replay.Fresh, or reports replay.InFlight or replay.Done without
// changing the key. One round trip. Any error (Redis unreachable, a timeout,
// a cancelled ctx, ErrTooManyClaims) means the state is unknown: fail closed.
//
// A Claim that fails after Redis executed it (a reply lost to a timeout)
// leaves the key in flight until the lease ends; the sender's retries get
// InFlight until then, and are processed afterwards.
func (s *Store) Claim(ctx context.Context, key string, lease time.Duration) (replay.State, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("redisstore: claim: %w", err)
	}
	if lease <= 0 {
		lease = replay.DefaultLease
	}
	if !s.tokens.room(key, time.Now().UnixNano()) {
		return 0, fmt.Errorf("redisstore: claim: %w", ErrTooManyClaims)
	}
	token := s.salt + strconv.FormatUint(s.seq.Add(1), 36)
	n, err := claimScript.Run(ctx, s.c, []string{s.key(key)}, token, millis(lease)).Int64()
	if err != nil {
		return 0, fmt.Errorf("redisstore: claim: %w", err)
	}
	switch n {
	case claimFresh:
		// The local deadline is taken after the reply, so it never ends
		// before the key's TTL does: a live claim is never swept.
		s.tokens.put(key, token, deadline(lease))
		return replay.Fresh, nil
	case claimInFlight:
		return replay.InFlight, nil
	case claimDone:
		return replay.Done, nil
	}
	return 0, fmt.Errorf("redisstore: claim: unexpected script reply %d", n)
}

// Complete records key as done for keep (<= 0: replay.DefaultKeep) when it
// still holds this Store's claim, when it expired or was never claimed, or
// when it is already done (its keep restarts). A key that another claim owns
// now (this claim's lease ended and someone else claimed it) is left alone:
// that claim decides. One round trip.
func (s *Store) Complete(ctx context.Context, key string, keep time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: complete: %w", err)
	}
	if keep <= 0 {
		keep = replay.DefaultKeep
	}
	e := s.tokens.take(key)
	n, err := completeScript.Run(ctx, s.c, []string{s.key(key)}, e.token, millis(keep)).Int64()
	if err != nil {
		s.tokens.restore(key, e)
		return fmt.Errorf("redisstore: complete: %w", err)
	}
	if n == 0 {
		s.superseded.Add(1)
	}
	return nil
}

// Release forgets key's claim so the sender's retry is processed, only if
// the key still holds this Store's claim: a done key, an expired key and
// another claim's key are left alone. One round trip when this Store holds
// a claim on key, none otherwise.
func (s *Store) Release(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	e := s.tokens.take(key)
	if e.token == "" {
		return nil // not ours: nothing this Store may free
	}
	n, err := releaseScript.Run(ctx, s.c, []string{s.key(key)}, e.token).Int64()
	if err != nil {
		s.tokens.restore(key, e)
		return fmt.Errorf("redisstore: release: %w", err)
	}
	if n == 0 {
		s.superseded.Add(1)
	}
	return nil
}

// StoreStats are counters of a Store since it was made.
type StoreStats struct {
	// Tracked is the number of claims the Store remembers right now
	// (including expired ones not yet swept).
	Tracked int
	// Superseded counts Complete and Release calls that found the key
	// owned by another claim or (for Release) already done or expired:
	// a handler outlived its lease. Non-zero means Lease is too short
	// for the handler.
	Superseded uint64
}

// Stats returns the Store's counters.
func (s *Store) Stats() StoreStats {
	return StoreStats{Tracked: s.tokens.len(), Superseded: s.superseded.Load()}
}

// Key returns the Redis key under which the Store keeps key:
// "<Prefix>{<key>}".
func (s *Store) Key(key string) string { return s.key(key) }

func (s *Store) key(key string) string { return hashTagged(s.prefix, key) }
