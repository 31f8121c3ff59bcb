package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hookguard/hookguard/hmac"
)

// newFlagSet returns a FlagSet whose usage text is synopsis, a description,
// the flags and the examples.
func newFlagSet(name, synopsis, description, examples string) *flag.FlagSet {
	fs := flag.NewFlagSet("hookguard "+name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: hookguard %s %s\n\n%s\n\nFlags:\n", name, synopsis, strings.TrimSpace(description))
		fs.PrintDefaults()
		if examples != "" {
			fmt.Fprintf(w, "\nExamples:\n%s\n", strings.Trim(examples, "\n"))
		}
	}
	return fs
}

// parseFlags parses args. It returns ok=false with the exit status when the
// command should stop: -h prints the usage to stdout (status 0); a bad flag
// prints the error and a hint to stderr (status 2).
func parseFlags(fs *flag.FlagSet, e *env, args []string) (status int, ok bool) {
	var discard bytes.Buffer
	fs.SetOutput(&discard)
	err := fs.Parse(args)
	switch {
	case err == nil:
		fs.SetOutput(e.stderr)
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(e.stdout)
		fs.Usage()
		return exitOK, false
	default:
		fmt.Fprintf(e.stderr, "%s: %v\nRun '%s -h' for usage.\n", fs.Name(), err, fs.Name())
		return exitUsage, false
	}
}

// usageError prints msg and a hint to stderr and returns exitUsage.
func usageError(fs *flag.FlagSet, e *env, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s\nRun '%s -h' for usage.\n", fs.Name(), fmt.Sprintf(format, a...), fs.Name())
	return exitUsage
}

// failf prints an error to stderr and returns exitFail.
func failf(fs *flag.FlagSet, e *env, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s\n", fs.Name(), fmt.Sprintf(format, a...))
	return exitFail
}

// presets are the schemes the CLI knows, by Name.
func presets() []hmac.Scheme {
	return []hmac.Scheme{
		hmac.StandardWebhooks, hmac.Svix, hmac.Stripe, hmac.GitHub,
		hmac.Slack, hmac.Shopify, hmac.Paddle, hmac.GitLab,
	}
}

func schemeNames() string {
	var names []string
	for _, s := range presets() {
		names = append(names, s.Name())
	}
	return strings.Join(names, ", ")
}

// lookupScheme finds a preset by name, case-insensitively.
func lookupScheme(name string) (hmac.Scheme, error) {
	for _, s := range presets() {
		if strings.EqualFold(s.Name(), name) {
			return s, nil
		}
	}
	return hmac.Scheme{}, fmt.Errorf("unknown scheme %q (want one of: %s)", name, schemeNames())
}

// secretSource names where one secret comes from: an environment variable
// or a file, optionally labelled "ID=" (the ID reported as the secret that
// matched; default: the variable's name or the file's base name).
type secretSource struct {
	id   string
	env  string
	file string
}

// secretFlags collects -secret-env and -secret-file values in order; the
// last one given is the newest secret, the one single-signature schemes
// sign with.
type secretFlags struct{ list []secretSource }

type secretFlag struct {
	s    *secretFlags
	file bool
}

func (f secretFlag) String() string { return "" }

func (f secretFlag) Set(v string) error {
	id, name, labelled := strings.Cut(v, "=")
	if !labelled {
		id, name = "", v
	}
	if name == "" || (labelled && id == "") {
		return errors.New("want NAME or ID=NAME")
	}
	src := secretSource{id: id}
	if f.file {
		src.file = name
		if src.id == "" {
			src.id = filepath.Base(name)
		}
	} else {
		src.env = name
		if src.id == "" {
			src.id = name
		}
	}
	f.s.list = append(f.s.list, src)
	return nil
}

// register adds -secret-env and -secret-file to fs.
func (s *secretFlags) register(fs *flag.FlagSet) {
	fs.Var(secretFlag{s: s}, "secret-env", "read a secret from environment variable `[ID=]NAME` (repeatable: the last is the newest)")
	fs.Var(secretFlag{s: s, file: true}, "secret-file", "read a secret from file `[ID=]PATH` (repeatable: the last is the newest)")
}

// keyring loads every secret, parses it for scheme (whsec_ base64 for
// Standard Webhooks and Svix, verbatim otherwise) and builds a keyring.
// Errors name the variable or file, never the secret.
func (s *secretFlags) keyring(e *env, scheme hmac.Scheme) (*hmac.Keyring, error) {
	if len(s.list) == 0 {
		return nil, errors.New("no secret: give -secret-env NAME or -secret-file PATH")
	}
	var secrets []hmac.Secret
	for _, src := range s.list {
		var raw, where string
		if src.file != "" {
			where = "file " + src.file
			b, err := os.ReadFile(src.file)
			if err != nil {
				return nil, fmt.Errorf("secret %s: %w", where, err)
			}
			raw = string(b)
		} else {
			where = "environment variable " + src.env
			raw = e.getenv(src.env)
		}
		raw = strings.TrimSpace(raw)
		if raw == "" {
			return nil, fmt.Errorf("secret %s is empty or unset", where)
		}
		key, err := scheme.ParseKey(raw)
		if err != nil {
			return nil, fmt.Errorf("secret %s is not a valid %s secret", where, scheme.Name())
		}
		secrets = append(secrets, hmac.Secret{ID: src.id, Key: key})
	}
	k, err := hmac.NewKeyring(secrets...)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return k, nil
}

// readInput reads the file named by the first argument, or stdin when there
// is none or it is "-". It returns the bytes and the file name ("" for stdin).
func readInput(e *env, args []string) ([]byte, string, error) {
	if len(args) == 0 || args[0] == "-" {
		b, err := io.ReadAll(e.stdin)
		return b, "", err
	}
	b, err := os.ReadFile(args[0])
	return b, args[0], err
}

// newEventID returns a random event ID in the msg_ style of Standard Webhooks.
func newEventID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "msg_" + hex.EncodeToString(b[:])
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
