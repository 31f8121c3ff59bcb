package guardtest

import (
	"os/exec"
	"strings"
	"testing"
)

// CheckDeps fails t if the package in the current directory (what a user's
// binary links) or the module graph of its module (what `go get` pulls)
// names a path under any of the forbidden prefixes, such as another web
// framework, or if either list lacks a path under want (the adapter's own
// framework: proof the listing is real). It runs the go command on PATH.
func CheckDeps(t *testing.T, want string, forbidden ...string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	for _, args := range [][]string{
		{"list", "-deps", "."},
		{"list", "-m", "all"},
	} {
		out, err := exec.Command(goTool, args...).Output()
		if err != nil {
			t.Fatalf("go %s: %v", strings.Join(args, " "), err)
		}
		found := false
		for _, line := range strings.Split(string(out), "\n") {
			found = found || strings.HasPrefix(line, want)
			for _, f := range forbidden {
				if strings.HasPrefix(line, f) {
					t.Errorf("go %s lists %s", strings.Join(args, " "), line)
				}
			}
		}
		if !found {
			t.Errorf("go %s does not list %s: %q", strings.Join(args, " "), want, out)
		}
	}
}
