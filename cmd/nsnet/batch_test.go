package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
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
// link command forgets them: a renamed link's old name may name another.
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
`), 0o644)
	mustCLI(t, "-netns-dir", dir, "-batch", file)
	for dev, want := range map[string]string{"a0": "10.2.0.1/24", "b0": "10.1.0.1/24 10.3.0.1/24"} {
		out := mustCLI(t, "-netns-dir", dir, "-n", "c1", "-4", "-br", "addr", "show", dev)
		if got := strings.Join(strings.Fields(out)[2:], " "); got != want {
			t.Errorf("%s: addresses %q, want %q", dev, got, want)
		}
	}
}
