package ipallow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"time"
)

// DefaultWatchInterval is how often [WatchFile] looks at the file when
// [WatchOptions.Interval] is zero.
const DefaultWatchInterval = 10 * time.Second

// LoadFile reads and parses the allow list file at path (see [Parse] for
// the format). A parse error is a *[ParseError] wrapped with the path.
func LoadFile(path string) (*List, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ipallow: %w", err)
	}
	l, err := Parse(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// WatchOptions tunes [WatchFile]. The zero value is ready to use.
type WatchOptions struct {
	// Interval between two looks at the file; 0 means
	// DefaultWatchInterval (10 s). A change is in effect at most one
	// Interval after the file was written.
	Interval time.Duration

	// OnError is called, from the watcher's goroutine, when the file
	// cannot be read or does not parse; the previous List stays in force.
	// An error is reported once per change of the file (or of the error),
	// not on every look. nil: errors are dropped.
	OnError func(error)

	// OnReload is called, from the watcher's goroutine, after a changed
	// file was parsed and stored in the Holder. nil: no call.
	OnReload func(*List)

	// Check, if set, vets every List parsed from the file before it is
	// stored; a List it refuses is handled like a file that does not
	// parse: the first load fails, a later one keeps the previous List and
	// is reported to OnError. A consumer that refuses some lists at
	// start-up (such as one covering a whole address family, see
	// List.WholeFamily) passes the same rule here so a reload cannot
	// bring one in. nil: every List that parses is stored.
	Check func(*List) error

	// Tick, if set, replaces the interval timer: the watcher looks at the
	// file whenever a value arrives. Tests use it to drive reloads.
	Tick <-chan time.Time
}

// WatchFile keeps h in step with the allow list file at path.
//
// It loads the file once before returning: if that fails it returns the
// error, leaves h alone and starts nothing, so a missing or broken file
// fails at start-up. Otherwise it stores the List in h and starts one
// goroutine that looks at the file every Interval. A look compares the
// file's identity, modification time and size with the last look and, when
// any changed (or the time is too recent to vouch for the content), its
// content hash; only changed content is parsed. A good new
// List is stored in h (requests see it at once, atomically); a file that
// cannot be read or parsed keeps the last good List and is reported to
// OnError. Replacing the file by renaming a new one over it (the safe way
// to write it, and how Kubernetes updates mounted ConfigMaps) works.
//
// The goroutine stops when ctx is cancelled; the returned channel is
// closed once it has exited, so callers (and tests) can wait for it and
// know nothing is left running.
func WatchFile(ctx context.Context, path string, h *Holder, opts WatchOptions) (<-chan struct{}, error) {
	if h == nil {
		return nil, fmt.Errorf("ipallow: WatchFile needs a Holder")
	}
	w := &watcher{path: path, h: h, opts: opts}
	if err := w.look(true); err != nil {
		return nil, err
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultWatchInterval
	}
	done := make(chan struct{})
	tick := opts.Tick
	var t *time.Ticker
	if tick == nil {
		t = time.NewTicker(opts.Interval)
		tick = t.C
	}
	go func() {
		defer close(done)
		if t != nil {
			defer t.Stop()
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick:
				if err := w.look(false); err != nil && opts.OnError != nil {
					opts.OnError(err)
				}
			}
		}
	}()
	return done, nil
}

// modTimeSlack is how old a file's modification time must be before an
// unchanged time and size are trusted to mean unchanged content.
const modTimeSlack = 2 * time.Second

// watcher is the state of one WatchFile.
type watcher struct {
	path    string
	h       *Holder
	opts    WatchOptions
	fi      os.FileInfo // of the last look that read the file
	recheck bool        // fi was too fresh to vouch for the content
	sum     [sha256.Size]byte
	lastErr string // the last error reported; "" after a good look
}

// look checks the file once and returns an error that has not been
// reported yet. The first look returns every error.
func (w *watcher) look(first bool) error {
	fi, err := os.Stat(w.path)
	if err != nil {
		return w.fail(fmt.Errorf("ipallow: %w", err), first)
	}
	if !first && !w.recheck && w.lastErr == "" && w.fi != nil &&
		os.SameFile(fi, w.fi) && fi.ModTime().Equal(w.fi.ModTime()) && fi.Size() == w.fi.Size() {
		return nil
	}
	b, err := os.ReadFile(w.path)
	if err != nil {
		return w.fail(fmt.Errorf("ipallow: %w", err), first)
	}
	// File systems stamp modification times with a coarse clock, so a
	// second same-size write moments after this read may leave the stamp
	// unchanged: while the stamp is fresh, read again at the next look.
	w.fi = fi
	w.recheck = !fi.ModTime().Before(time.Now().Add(-modTimeSlack))
	sum := sha256.Sum256(b)
	if !first && bytes.Equal(sum[:], w.sum[:]) {
		w.lastErr = "" // content back to the last good one
		return nil
	}
	l, err := Parse(string(b))
	if err == nil && w.opts.Check != nil {
		err = w.opts.Check(l)
	}
	if err != nil {
		err = fmt.Errorf("%s: %w", w.path, err)
		if e := w.fail(err, first); e != nil {
			return e
		}
		return nil
	}
	w.sum, w.lastErr = sum, ""
	w.h.Store(l)
	if !first && w.opts.OnReload != nil {
		w.opts.OnReload(l)
	}
	return nil
}

// fail records err and returns it unless it repeats the last report.
func (w *watcher) fail(err error, first bool) error {
	msg := err.Error()
	if !first && msg == w.lastErr {
		return nil
	}
	w.lastErr = msg
	return err
}
