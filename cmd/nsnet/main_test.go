package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// cliEnv makes the test binary behave as nsnet itself, for tests that must
// run it as a separate process (netns exec re-executes /proc/self/exe).
const cliEnv = "NSNET_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(cliEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testns.Main(m)
}

// cli runs nsnet in this process and returns its output and exit status.
func cli(t testing.TB, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	// internal/fmt prints %!VERB(...) for an operand it cannot format.
	if strings.Contains(out.String()+errb.String(), "%!") {
		t.Errorf("nsnet %s: a formatting mistake in the output:\n%s%s", strings.Join(args, " "), &out, &errb)
	}
	return out.String(), errb.String(), code
}

// cliIn is cli with stdin.
func cliIn(t testing.TB, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// mustCLI runs nsnet and fails t unless it exits 0.
func mustCLI(t testing.TB, args ...string) string {
	t.Helper()
	out, errs, code := cli(t, args...)
	if code != 0 {
		t.Fatalf("nsnet %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// nsArg is a -n argument that names the namespace of h: a path, which nsnet
// accepts wherever it takes a namespace name.
func nsArg(h *ns.Handle) string { return fmt.Sprintf("/proc/self/fd/%d", h.FD()) }

func TestUnknownObjectIsUsageError(t *testing.T) {
	_, errs, code := cli(t, "frobnicate")
	if code != 2 || !strings.Contains(errs, `"frobnicate"`) {
		t.Fatalf("want exit 2 naming the object, got %d: %q", code, errs)
	}
}

func TestAbbreviations(t *testing.T) {
	cases := map[string]string{"a": "address", "r": "route", "n": "neighbour", "l": "link", "netns": "netns", "li": "link", "m": "monitor"}
	for word, want := range cases {
		var got string
		for _, o := range objects {
			if matches(word, o.name) {
				got = o.name
				break
			}
		}
		if got != want {
			t.Errorf("%q: want %s, got %s", word, want, got)
		}
	}
}

var _ = testns.Require
