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

// secretSource names where one secret comes from: an environment variable
// or a file, optionally labelled "ID=" (the ID reported as the secret that
// matched; default: the variable's name or the file's base name).
type secretSource struct {
	n    int    // position among the flags of its kind, from 1
	kind string // "secret" (the zero value), "public-key" or "private-key"
	id   string
	env  string
	file string
}

// secretFlags collects -secret-env and -secret-file values in order; the
// last one given is the newest secret, the one single-signature schemes
// sign with. The same type, with another kind, collects public and private
// keys (-public-key-env, -private-key-file, ...) under the same rules.
type secretFlags struct {
	list       []secretSource
	kind       string // "" for secrets, "public-key" or "private-key"
	allowShort bool   // accept HMAC secrets shorter than hmac.MinKeyLen
}

type secretFlag struct {
	s    *secretFlags
	file bool
}

func (f secretFlag) String() string { return "" }

// Set records the value as given. It never fails: the flag package would
// quote the value in its error, and a user who passed the secret itself
// instead of a variable name or path must not see it echoed. keyring
// reports bad references, without the value.
func (f secretFlag) Set(v string) error {
	src := secretSource{n: len(f.s.list) + 1, kind: f.s.kind}
	id, name, labelled := strings.Cut(v, "=")
	if labelled && validID(id) {
		src.id = id
	} else {
		name = v
	}
	if f.file {
		src.file = name
	} else {
		src.env = name
	}
	f.s.list = append(f.s.list, src)
	return nil
}

// validID reports whether s may label a secret: 1 to 64 letters, digits,
// '.', '_' or '-'.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c == '.' || c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// validEnvName reports whether s is a portable environment variable name.
func validEnvName(s string) bool {
	if s == "" || len(s) > 128 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// secretPrefixes begin the secrets and keys providers show; a reference
// that starts with one is the secret itself.
var secretPrefixes = []string{"whsec_", "whsk_", "whpk_", "sk_", "rk_", "shpss_", "xoxb-", "xoxp-", "ghp_", "glpat-", "-----BEGIN"}

// showable reports whether a variable name or path given as a secret
// reference may appear in a message. A reference that may be the secret
// itself (a known secret prefix, or a long run of letters and digits with
// none of the separators names and paths have) is never shown.
func showable(ref string) bool {
	for _, p := range secretPrefixes {
		if strings.HasPrefix(ref, p) {
			return false
		}
	}
	if len(ref) >= 16 && !strings.ContainsAny(ref, "_-./") {
		return false
	}
	return len(ref) <= 128
}

// register adds -secret-env and -secret-file to fs.
func (s *secretFlags) register(fs *flag.FlagSet) {
	s.registerKind(fs, "", "")
}

// registerKind adds -KIND-env and -KIND-file to fs (-secret-* for kind
// ""), followed in the help by note.
func (s *secretFlags) registerKind(fs *flag.FlagSet, kind, note string) {
	s.kind = kind
	src := secretSource{kind: kind}
	fs.Var(secretFlag{s: s}, src.flagName(false)[1:],
		"read a "+src.noun()+" from environment variable `[ID=]NAME` (repeatable: the last is the newest)"+note)
	fs.Var(secretFlag{s: s, file: true}, src.flagName(true)[1:],
		"read a "+src.noun()+" from file `[ID=]PATH` (repeatable: the last is the newest)"+note)
}

// keyring loads every secret, parses it for scheme (whsec_ base64 for
// Standard Webhooks and Svix, verbatim otherwise) and builds a keyring.
// Errors name the variable or file only where it cannot be the secret
// itself (see showable), and never the secret.
func (s *secretFlags) keyring(e *env, scheme hmac.Scheme) (*hmac.Keyring, error) {
	if len(s.list) == 0 {
		return nil, errors.New("no secret: give -secret-env NAME or -secret-file PATH")
	}
	secrets, err := parseEach(s, e, scheme.Name()+" secret", func(src secretSource, raw string) (hmac.Secret, error) {
		key, err := scheme.ParseKey(raw)
		return hmac.Secret{ID: src.label(), Key: key, AllowShort: s.allowShort}, err
	})
	if err != nil {
		return nil, err
	}
	k, err := hmac.NewKeyring(secrets...)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return k, nil
}

// parseEach reads every source in order and parses it. An error names the
// source (never its value) and what it should have been (want); the
// parsers' own messages carry no key material.
func parseEach[T any](s *secretFlags, e *env, want string, parse func(src secretSource, raw string) (T, error)) ([]T, error) {
	out := make([]T, 0, len(s.list))
	for _, src := range s.list {
		raw, err := src.read(e)
		if err != nil {
			return nil, err
		}
		v, err := parse(src, raw)
		if err != nil {
			return nil, fmt.Errorf("%s is not a valid %s (%v)", src, want, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// read returns the secret a reference points to, trimmed.
func (src secretSource) read(e *env) (string, error) {
	var raw string
	if src.file != "" {
		if !showable(src.file) {
			return "", fmt.Errorf("%s: not a readable file (the value is not shown: give the path of a file holding the %s, not the %[2]s)", src, src.noun())
		}
		b, err := os.ReadFile(src.file)
		if err != nil {
			return "", fmt.Errorf("%s: %w", src, err)
		}
		raw = string(b)
	} else {
		if !validEnvName(src.env) || !showable(src.env) {
			return "", fmt.Errorf("%s: not an environment variable name (the value is not shown: give the variable's name, not the %s)", src, src.noun())
		}
		raw = e.getenv(src.env)
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fmt.Errorf("%s is empty or unset", src)
	}
	return raw, nil
}

// String names the reference for messages: the flag and its position,
// and the variable or path where it may be shown.
func (src secretSource) String() string {
	flag, ref := src.flagName(false), src.env
	if src.file != "" {
		flag, ref = src.flagName(true), src.file
	}
	s := fmt.Sprintf("%s #%d", flag, src.n)
	if src.id != "" {
		s += " (" + src.id + ")"
	}
	if showable(ref) && (src.file != "" || validEnvName(ref)) {
		s += " " + ref
	}
	return s
}

// flagName is the flag that names this kind of source: -secret-env,
// -public-key-file, ...
func (src secretSource) flagName(file bool) string {
	kind := src.kind
	if kind == "" {
		kind = "secret"
	}
	if file {
		return "-" + kind + "-file"
	}
	return "-" + kind + "-env"
}

// noun is what the source holds, for messages: "secret", "public key" or
// "private key".
func (src secretSource) noun() string {
	if src.kind == "" {
		return "secret"
	}
	return strings.ReplaceAll(src.kind, "-", " ")
}

// label is the secret's ID: the one given, else the variable's name or the
// file's base name.
func (src secretSource) label() string {
	switch {
	case src.id != "":
		return src.id
	case src.file != "":
		return filepath.Base(src.file)
	default:
		return src.env
	}
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
