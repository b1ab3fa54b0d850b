package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

func TestBatchFile(t *testing.T) {
	dir := testns.NetnsDir(t)
	file := filepath.Join(t.TempDir(), "setup")
	os.WriteFile(file, []byte(`# a comment line
netns add b1
-n b1 link set lo up   # -n at the start of a line, which ip does not allow
-n b1 link add x0 type veth peer name x1

-n b1 addr add 10.9.0.1/24 dev x0
`), 0o644)
	mustCLI(t, "-netns-dir", dir, "-batch", file)
	if out := mustCLI(t, "-netns-dir", dir, "-n", "b1", "-br", "addr", "show", "x0"); !strings.Contains(out, "10.9.0.1/24") {
		t.Fatalf("batch did not apply: %q", out)
	}
	os.WriteFile(file, []byte("-n b1 link set x0 up\n-n b1 link set nosuch up\n-n b1 link set x1 up\n"), 0o644)
	_, errs, code := cli(t, "-netns-dir", dir, "-batch", file)
	if code != 1 || !strings.Contains(errs, file+":2:") || !strings.Contains(errs, `"nosuch"`) {
		t.Fatalf("want exit 1 naming %s:2 and the device, got %d %q", file, code, errs)
	}
	if out := mustCLI(t, "-netns-dir", dir, "-n", "b1", "-br", "link", "show", "x1"); strings.Contains(out, "UP ") {
		t.Fatalf("the line after the failing one ran: %q", out)
	}
}

func TestListAllShowsNamedNamespaces(t *testing.T) {
	dir := testns.NetnsDir(t)
	mustCLI(t, "-netns-dir", dir, "netns", "add", "la")
	out := mustCLI(t, "-netns-dir", dir, "netns", "list", "--all")
	if !strings.Contains(out, filepath.Join(dir, "la")) || !strings.HasPrefix(out, "NS ") {
		t.Fatalf("list --all:\n%s", out)
	}
	var all []map[string]any
	all = nsnetJSON(t, "-netns-dir", dir, "netns", "list", "--all")
	found := false
	for _, n := range all {
		for _, f := range n["files"].([]any) {
			found = found || f == filepath.Join(dir, "la")
		}
	}
	if !found {
		t.Fatalf("list --all -j misses the named namespace: %v", all)
	}
}

func TestLinkNameChecksComeFirst(t *testing.T) {
	for _, args := range [][]string{
		{"link", "add", "this-name-is-too-long", "type", "bridge"},
		{"link", "add", "br%d", "type", "bridge"},
		{"link", "add", "a/b", "type", "bridge"},
		{"link", "add", "a b", "type", "bridge"},
		{"link", "set", "..", "up"},
		{"link", "add", "v0", "type", "veth", "peer", "name", "x:y"},
		{"addr", "add", "10.0.0.1/33", "dev", "lo"},
		{"route", "add", "10.0.0.0/8", "via", "nonsense"},
		{"neigh", "add", "10.0.0.1", "lladdr", "zz", "dev", "lo"},
	} {
		// A namespace that does not exist: a usage error is found before
		// anything is opened.
		if _, errs, code := cli(t, append([]string{"-n", "no-such-ns"}, args...)...); code != 2 {
			t.Errorf("%v: want exit 2, got %d: %s", args, code, errs)
		}
	}
}

func TestAbsentKindReportsKernelText(t *testing.T) {
	h := testns.New(t)
	// A kind no kernel has, so that the test does not depend on which
	// modules this one lacks.
	_, errs, code := cli(t, "-n", nsArg(h), "link", "add", "d0", "type", "nosuchkind")
	if code != 1 || !strings.Contains(errs, `add link "d0"`) || !strings.Contains(errs, "kernel: Unknown device type") ||
		!strings.Contains(errs, "module nosuchkind is not loaded") {
		t.Fatalf("want exit 1 with the kernel's text and the module, got %d %q", code, errs)
	}
}

// Within a batch, link names are looked up once and remembered, but a
// link command that renames, moves or deletes forgets them: a renamed or
// deleted link's name may name another.
func TestBatchForgetsNamesAfterLinkCommands(t *testing.T) {
	dir := testns.NetnsDir(t)
	file := filepath.Join(t.TempDir(), "rename")
	os.WriteFile(file, []byte(`netns add c1
-n c1 link add a0 type veth peer name a1
-n c1 addr add 10.1.0.1/24 dev a0
-n c1 link set a0 name b0
-n c1 link add a0 type bridge
-n c1 addr add 10.2.0.1/24 dev a0
-n c1 addr add 10.3.0.1/24 dev b0
-n c1 addr add 10.4.0.1/24 dev a1
-n c1 link set b0 up
-n c1 link del b0
-n c1 link add a1 type bridge
-n c1 addr add 10.5.0.1/24 dev a1
`), 0o644)
	mustCLI(t, "-netns-dir", dir, "-batch", file)
	// b0's deletion took its peer a1 along; the a1 added after it is another link.
	for dev, want := range map[string]string{"a0": "10.2.0.1/24", "a1": "10.5.0.1/24"} {
		out := mustCLI(t, "-netns-dir", dir, "-n", "c1", "-4", "-br", "addr", "show", dev)
		if got := strings.Join(strings.Fields(out)[2:], " "); got != want {
			t.Errorf("%s: addresses %q, want %q", dev, got, want)
		}
	}
}

// Pipelined lines end as ip's one-by-one batch ends: line 1504 repeats a
// route and is refused; without -force, lines 1-1503 are applied and none
// after (though some went to the kernel in the same write, and the next
// part was being queued); with -force, everything else is applied and
// line 1504 named. ip runs the same file in
// a namespace of its own, and the two are compared.
func TestBatchPipelineStopsLikeIP(t *testing.T) {
	testns.LookPath(t, "ip")
	dir := testns.NetnsDir(t)
	var b strings.Builder
	b.WriteString("link add v0 type veth peer name v1\nlink set v0 up\naddr add 10.70.0.1/16 dev v0\n") // lines 1-3
	// Lines 4-3003, and 1504 repeats 4: refused in the second part of 1,024
	// (rtnl.Pipeline), sent while the third is being queued.
	for i := range 3000 {
		if i == 1500 {
			b.WriteString("route add 10.71.0.0/32 via 10.70.0.2\n")
		}
		fmt.Fprintf(&b, "route add 10.71.%d.%d/32 via 10.70.0.2\n", i/256, i%256)
	}
	b.WriteString("addr add 10.72.0.1/32 dev v0\nneigh add 10.70.0.9 lladdr 02:00:00:00:00:09 dev v0\n")
	file := filepath.Join(t.TempDir(), "routes")
	os.WriteFile(file, []byte(b.String()), 0o644)
	state := func(h *ns.Handle) string {
		return testns.Run(t, h, "ip", "-4", "route", "show", "table", "main") + testns.Run(t, h, "ip", "-4", "addr", "show", "dev", "v0") +
			testns.Run(t, h, "ip", "neigh", "show", "dev", "v0", "nud", "permanent")
	}
	for _, force := range []bool{false, true} {
		var opt []string
		if force {
			opt = []string{"-force"}
		}
		for _, n := range []string{"bn", "bi"} {
			mustCLI(t, "-netns-dir", dir, "netns", "add", n)
		}
		_, errs, code := cli(t, append([]string{"-netns-dir", dir, "-n", "bn", "-batch", file}, opt...)...)
		if code != 1 || !strings.Contains(errs, file+":1504: rtnl: add route 10.71.0.0/32: file exists") {
			t.Fatalf("force=%v: exit %d, %q; want 1 naming line 1504", force, code, errs)
		}
		bn, err := ns.Open(dir, "bn")
		must(t, err)
		bi, err := ns.Open(dir, "bi")
		must(t, err)
		testns.Try(bi, "ip", append(opt, "-batch", file)...) // fails at line 1504 too
		got, want := settled(state(bn)), settled(state(bi))
		if got != want {
			t.Errorf("force=%v: after the batch nsnet left\n%s\nip left\n%s", force, got, want)
		}
		routes, addr := strings.Count(got, "10.71."), strings.Contains(got, "10.72.0.1")
		if !force && (routes != 1500 || addr) || force && (routes != 3000 || !addr) {
			t.Errorf("force=%v: %d routes, address added: %v", force, routes, addr)
		}
		bn.Close()
		bi.Close()
		for _, n := range []string{"bn", "bi"} {
			mustCLI(t, "-netns-dir", dir, "netns", "del", n)
		}
	}
}
