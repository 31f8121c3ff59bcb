package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// Test secrets: a Standard Webhooks whsec_ secret and a verbatim one.
const (
	testWhsec    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	testWhsecNew = "whsec_c2Vjb25kLXNlY3JldC1rZXktZm9yLXRlc3Rz"
	testPlain    = "plain-secret-of-32-bytes-length!"
)

// fixedNow is the clock of every in-process run.
var fixedNow = time.Unix(1_800_000_000, 0)

type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command in-process with the given environment and stdin.
func runCLI(t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	return runCLIContext(t, context.Background(), nil, vars, stdin, args...)
}

func runCLIContext(t *testing.T, ctx context.Context, listening func(string), vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{
		stdin:     strings.NewReader(stdin),
		stdout:    &out,
		stderr:    &errb,
		getenv:    func(k string) string { return vars[k] },
		now:       func() time.Time { return fixedNow },
		listening: listening,
	}
	code := run(ctx, e, args)
	return result{code, out.String(), errb.String()}
}

// assertNoSecret fails when any known test secret appears in r's output.
func assertNoSecret(t *testing.T, r result) {
	t.Helper()
	for _, s := range []string{testWhsec, testWhsecNew, testPlain, strings.TrimPrefix(testWhsec, "whsec_")} {
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			t.Fatalf("output leaks a secret:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
		}
	}
}

func TestUsage(t *testing.T) {
	r := runCLI(t, nil, "")
	if r.code != exitUsage || !strings.Contains(r.stderr, "Commands:") {
		t.Fatalf("no args: code %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "", "-h")
	if r.code != exitOK || !strings.Contains(r.stdout, "demo") || !strings.Contains(r.stdout, "serve") {
		t.Fatalf("-h: code %d, stdout %q", r.code, r.stdout)
	}
	r = runCLI(t, nil, "", "frobnicate")
	if r.code != exitUsage || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: code %d, stderr %q", r.code, r.stderr)
	}
}

func TestSubcommandHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, nil, "", c.name, "-h")
			if r.code != exitOK {
				t.Fatalf("code %d, stderr %q", r.code, r.stderr)
			}
			for _, want := range []string{"Usage: hookguard " + c.name, "Flags:", "Examples:"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("help lacks %q:\n%s", want, r.stdout)
				}
			}
			bad := runCLI(t, nil, "", c.name, "-no-such-flag")
			if bad.code != exitUsage || !strings.Contains(bad.stderr, "-no-such-flag") || bad.stdout != "" {
				t.Errorf("bad flag: code %d, stdout %q, stderr %q", bad.code, bad.stdout, bad.stderr)
			}
		})
	}
}
