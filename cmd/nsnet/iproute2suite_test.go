package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
)

// suiteStep is one command of a scenario of iproute2's own test suite
// (testsuite/tests/ip in iproute2 6.1), run with nsnet instead of ip:
// it must succeed and, where want is given, print a line matching it
// and as many lines as lines.
type suiteStep struct {
	args  string
	want  string // a regular expression, as the suite's test_on
	lines int    // the suite's test_lines_count; 0: not counted
}

// iproute2Suite holds the suite's scenarios that this kernel can run: the
// dummy links they add are ifb links here (no dummy module), and the
// namespaces and batch file are the test's own.
var iproute2Suite = map[string][]suiteStep{
	"link/new_link": {
		{args: "link add dev sd0 type ifb"},
		{args: "link show dev sd0", want: "sd0", lines: 2},
		{args: "link del dev sd0"},
	},
	"route/add_default_route": {
		{args: "link add sd0 type ifb"}, {args: "link set up dev sd0"},
		{args: "addr add 1.1.1.1/24 dev sd0"}, {args: "route add default via 1.1.1.2"},
		{args: "-4 route show default", want: "default via 1.1.1.2 dev sd0", lines: 1},
		{args: "-4 route add 2.2.2.0/24 dev sd0"},
		{args: "-4 route show default", want: "default via 1.1.1.2 dev sd0", lines: 1},
		{args: "-6 addr add dead:beef::1/64 dev sd0"}, {args: "route add default via dead:beef::2"},
		{args: "-6 route show default", want: "default via dead:beef::2 dev sd0", lines: 1},
		{args: "-6 route add cafe:babe::/64 dev sd0"},
		{args: "-6 route show default", want: "default via dead:beef::2 dev sd0", lines: 1},
		{args: "link del dev sd0"},
	},
	"rule/dsfield": {
		{args: "-4 rule add dsfield 0x10"}, {args: "-4 rule show dsfield 0x10", want: "tos 0x10", lines: 1}, {args: "-4 rule del dsfield 0x10"},
		{args: "-4 rule add tos 0x10"}, {args: "-4 rule show tos 0x10", want: "tos 0x10", lines: 1}, {args: "-4 rule del tos 0x10"},
		{args: "-6 rule add dsfield 0x10"}, {args: "-6 rule show dsfield 0x10", want: "tos 0x10", lines: 1}, {args: "-6 rule del dsfield 0x10"},
		{args: "-6 rule add tos 0x10"}, {args: "-6 rule show tos 0x10", want: "tos 0x10", lines: 1}, {args: "-6 rule del tos 0x10"},
	},
}

// TestIproute2Suite runs the scenarios of iproute2's own test suite that
// this kernel can run (new_link, add_default_route, dsfield, set_nsid,
// set_nsid_batch), with nsnet in ip's place.
func TestIproute2Suite(t *testing.T) {
	for name, steps := range iproute2Suite {
		t.Run(name, func(t *testing.T) {
			n := nsArg(testns.New(t))
			for _, s := range steps {
				suiteRun(t, append([]string{"-n", n}, strings.Fields(s.args)...), s)
			}
		})
	}
	// The nsids are set and listed as a throwaway namespace sees them (-n),
	// not as the host's does, whose table no test may change.
	t.Run("netns/set_nsid", func(t *testing.T) {
		testns.DefaultNetnsDir(t)
		n := nsArg(testns.New(t))
		mustCLI(t, "netns", "add", "testnsid")
		defer cli(t, "netns", "del", "testnsid")
		for _, s := range []suiteStep{
			{args: "netns set testnsid 99"},
			{args: "netns list", want: `testnsid \(id: 99\)`}, {args: "netns", want: `testnsid \(id: 99\)`},
			{args: "netns list-id", want: `99 \(iproute2 netns name: testnsid\)`},
		} {
			suiteRun(t, append([]string{"-n", n}, strings.Fields(s.args)...), s)
		}
	})
	t.Run("netns/set_nsid_batch", func(t *testing.T) {
		testns.DefaultNetnsDir(t)
		n := nsArg(testns.New(t))
		defer cli(t, "netns", "del", "testnsid")
		file := filepath.Join(t.TempDir(), "batch")
		must(t, os.WriteFile(file, []byte("netns add testnsid\nnetns set testnsid 99\nnetns list-id\n"), 0o644))
		suiteRun(t, []string{"-n", n, "-b", file}, suiteStep{want: `nsid 99 \(iproute2 netns name: testnsid\)`})
	})
}

func suiteRun(t *testing.T, args []string, s suiteStep) {
	t.Helper()
	out, errs, code := cli(t, args...)
	if code != 0 {
		t.Fatalf("nsnet %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	if s.want != "" && !regexp.MustCompile(s.want).MatchString(out) {
		t.Errorf("nsnet %s: no line matches %q:\n%s", strings.Join(args, " "), s.want, out)
	}
	if got := strings.Count(out, "\n"); s.lines != 0 && got != s.lines {
		t.Errorf("nsnet %s: %d lines, want %d:\n%s", strings.Join(args, " "), got, s.lines, out)
	}
}
