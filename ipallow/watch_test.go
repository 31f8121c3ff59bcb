package ipallow

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
)

// recorder collects the watcher's callbacks.
type recorder struct {
	mu      sync.Mutex
	errs    []error
	reloads []*List
}

func (r *recorder) opts(interval time.Duration) WatchOptions {
	return WatchOptions{
		Interval: interval,
		OnError:  func(err error) { r.mu.Lock(); r.errs = append(r.errs, err); r.mu.Unlock() },
		OnReload: func(l *List) { r.mu.Lock(); r.reloads = append(r.reloads, l); r.mu.Unlock() },
	}
}

func (r *recorder) counts() (errs, reloads int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errs), len(r.reloads)
}

func (r *recorder) lastErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.errs[len(r.errs)-1]
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	// Write then rename: the way a list file should be replaced.
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte(text), 0o600))
	require.NoError(t, os.Rename(tmp, path))
}

func TestWatchFile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "allow.txt")
		writeFile(t, path, "10.0.0.0/8\n")
		ctx, cancel := context.WithCancel(t.Context())
		var rec recorder
		h := new(Holder)
		done, err := WatchFile(ctx, path, h, rec.opts(2*time.Second))
		require.NoError(t, err)
		require.True(t, h.Load().Equal(MustParse("10.0.0.0/8")), "loaded before WatchFile returns")

		// A change is in force one interval later, not before.
		writeFile(t, path, "10.0.0.0/8\n192.0.2.0/24 # new\n")
		time.Sleep(time.Second)
		synctest.Wait()
		require.Equal(t, 1, h.Load().Len())
		time.Sleep(time.Second)
		synctest.Wait()
		require.True(t, h.Load().Equal(MustParse("10.0.0.0/8, 192.0.2.0/24")))
		errs, reloads := rec.counts()
		require.Equal(t, 0, errs)
		require.Equal(t, 1, reloads)

		// A bad file keeps the last good list and is reported once.
		good := h.Load()
		writeFile(t, path, "10.0.0.0/8\n10.1.2.3/8\n")
		time.Sleep(2 * time.Second)
		synctest.Wait()
		require.Same(t, good, h.Load())
		errs, _ = rec.counts()
		require.Equal(t, 1, errs)
		var pe *ParseError
		require.ErrorAs(t, rec.lastErr(), &pe)
		require.Equal(t, 2, pe.Line)
		require.Contains(t, rec.lastErr().Error(), path)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		errs, _ = rec.counts()
		require.Equal(t, 1, errs, "the same bad file is reported once")

		// A missing file is reported, the list stays.
		require.NoError(t, os.Remove(path))
		time.Sleep(2 * time.Second)
		synctest.Wait()
		errs, _ = rec.counts()
		require.Equal(t, 2, errs)
		require.ErrorIs(t, rec.lastErr(), fs.ErrNotExist)
		require.Same(t, good, h.Load())

		// Restoring the last good content needs no reload.
		writeFile(t, path, "10.0.0.0/8\n192.0.2.0/24 # new\n")
		time.Sleep(2 * time.Second)
		synctest.Wait()
		_, reloads = rec.counts()
		require.Equal(t, 1, reloads)
		require.Same(t, good, h.Load())

		// A fixed file is picked up.
		writeFile(t, path, "2001:db8::/32")
		time.Sleep(2 * time.Second)
		synctest.Wait()
		require.True(t, h.Load().Equal(MustParse("2001:db8::/32")))
		errs, reloads = rec.counts()
		require.Equal(t, 2, errs)
		require.Equal(t, 2, reloads)

		// Touching the file without changing it reloads nothing.
		later := time.Now().Add(time.Hour)
		require.NoError(t, os.Chtimes(path, later, later))
		time.Sleep(2 * time.Second)
		synctest.Wait()
		_, reloads = rec.counts()
		require.Equal(t, 2, reloads)

		// Same size, new content, new mtime: reloaded.
		writeFile(t, path, "2001:db9::/32")
		require.NoError(t, os.Chtimes(path, later.Add(time.Hour), later.Add(time.Hour)))
		time.Sleep(2 * time.Second)
		synctest.Wait()
		require.True(t, h.Load().Equal(MustParse("2001:db9::/32")))

		// Cancel stops the goroutine: done closes, nothing is left
		// (synctest.Test would also fail on a goroutine left in the bubble).
		cancel()
		<-done
		writeFile(t, path, "192.0.2.0/24")
		time.Sleep(time.Minute)
		synctest.Wait()
		require.True(t, h.Load().Equal(MustParse("2001:db9::/32")), "no reload after stop")
	})
}

func TestWatchFileDefaultInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "allow.txt")
		writeFile(t, path, "10.0.0.1")
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		h := new(Holder)
		_, err := WatchFile(ctx, path, h, WatchOptions{})
		require.NoError(t, err)
		writeFile(t, path, "10.0.0.2")
		time.Sleep(DefaultWatchInterval - time.Millisecond)
		synctest.Wait()
		require.True(t, h.Load().Equal(MustParse("10.0.0.1")))
		time.Sleep(time.Millisecond)
		synctest.Wait()
		require.True(t, h.Load().Equal(MustParse("10.0.0.2")))
	})
}

func TestWatchFileStartErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		keep := MustParse("10.0.0.0/8")
		h := NewHolder(keep)

		done, err := WatchFile(t.Context(), filepath.Join(dir, "missing"), nil, WatchOptions{})
		require.Error(t, err)
		require.Nil(t, done)

		done, err = WatchFile(t.Context(), filepath.Join(dir, "missing"), h, WatchOptions{})
		require.ErrorIs(t, err, fs.ErrNotExist)
		require.Nil(t, done)

		bad := filepath.Join(dir, "bad")
		writeFile(t, bad, "# ok\nnot-an-ip\n")
		done, err = WatchFile(t.Context(), bad, h, WatchOptions{})
		var pe *ParseError
		require.ErrorAs(t, err, &pe)
		require.Equal(t, 2, pe.Line)
		require.Nil(t, done)
		require.Same(t, keep, h.Load(), "a failed start leaves the Holder alone")
		// No goroutine was started: synctest.Test returns without waiting.
	})
}

func TestWatchFileInjectedTick(t *testing.T) {
	path := filepath.Join(t.TempDir(), "allow.txt")
	writeFile(t, path, "10.0.0.1")
	tick := make(chan time.Time)
	reloaded := make(chan *List, 1)
	failed := make(chan error, 1)
	ctx, cancel := context.WithCancel(t.Context())
	h := new(Holder)
	done, err := WatchFile(ctx, path, h, WatchOptions{
		Tick:     tick,
		OnReload: func(l *List) { reloaded <- l },
		OnError:  func(err error) { failed <- err },
	})
	require.NoError(t, err)

	writeFile(t, path, "10.0.0.2, 10.0.0.3")
	tick <- time.Time{}
	l := <-reloaded
	require.Same(t, l, h.Load())
	require.Equal(t, 2, l.Len())

	writeFile(t, path, "10.0.0.2, nope")
	tick <- time.Time{}
	err = <-failed
	var pe *ParseError
	require.True(t, errors.As(err, &pe))
	require.Equal(t, "nope", pe.Token)
	require.Same(t, l, h.Load())

	cancel()
	<-done
}

// TestWatchFileCheck: a List the Check refuses is handled like a parse
// error, at start-up and on reload.
func TestWatchFileCheck(t *testing.T) {
	errWhole := errors.New("covers a whole family")
	check := func(l *List) error {
		if _, whole := l.WholeFamily(); whole {
			return errWhole
		}
		return nil
	}
	path := filepath.Join(t.TempDir(), "allow.txt")
	writeFile(t, path, "0.0.0.0/1, 128.0.0.0/1")
	h := new(Holder)
	_, err := WatchFile(t.Context(), path, h, WatchOptions{Check: check})
	require.ErrorIs(t, err, errWhole)
	require.Nil(t, h.Load(), "nothing stored")

	writeFile(t, path, "10.0.0.0/8")
	tick := make(chan time.Time)
	failed := make(chan error, 1)
	ctx, cancel := context.WithCancel(t.Context())
	done, err := WatchFile(ctx, path, h, WatchOptions{Check: check, Tick: tick, OnError: func(err error) { failed <- err }})
	require.NoError(t, err)
	good := h.Load()
	require.Equal(t, 1, good.Len())

	writeFile(t, path, "::/1, 8000::/1")
	tick <- time.Time{}
	require.ErrorIs(t, <-failed, errWhole)
	require.Same(t, good, h.Load(), "the last good list stays")
	cancel()
	<-done
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "allow.txt")
	writeFile(t, path, issueSample)
	l, err := LoadFile(path)
	require.NoError(t, err)
	require.Equal(t, 3, l.Len())

	_, err = LoadFile(filepath.Join(dir, "missing"))
	require.ErrorIs(t, err, fs.ErrNotExist)

	writeFile(t, path, "10.0.0.0/8\n\n  10.1.2.3/8 # typo\n")
	_, err = LoadFile(path)
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, 3, pe.Line)
	require.Equal(t, "10.1.2.3/8", pe.Token)
	require.Contains(t, err.Error(), path)
}

func TestWatcherStatShortcut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "allow.txt")
	writeFile(t, path, "10.0.0.1")
	old := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(path, old, old))
	h := new(Holder)
	w := &watcher{path: path, h: h}
	require.NoError(t, w.look(true))
	require.False(t, w.recheck, "an old stamp vouches for the content")

	// Same inode, size and stamp: the file is not read again (shown by an
	// in-place same-size edit with the stamp put back, which goes unseen).
	require.NoError(t, os.WriteFile(path, []byte("10.0.0.2"), 0o600))
	require.NoError(t, os.Chtimes(path, old, old))
	require.NoError(t, w.look(false))
	require.True(t, h.Load().Equal(MustParse("10.0.0.1")))

	// A fresh stamp is read, and read again at the next look.
	now := time.Now()
	require.NoError(t, os.Chtimes(path, now, now))
	require.NoError(t, w.look(false))
	require.True(t, h.Load().Equal(MustParse("10.0.0.2")))
	require.True(t, w.recheck)
}
