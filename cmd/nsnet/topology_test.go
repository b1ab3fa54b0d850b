package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// nsnetIn runs nsnet (this test binary acting as it) as a process in
// namespace h: a topology file's lines without -n change the namespace
// nsnet runs in, which must be one the test made.
func nsnetIn(t *testing.T, h *ns.Handle, args ...string) (string, string, int) {
	t.Helper()
	var out, errb strings.Builder
	err := ns.Do(h, func() error {
		cmd := exec.Command("/proc/self/exe", args...)
		cmd.Env = append(os.Environ(), cliEnv+"=1")
		cmd.Stdout, cmd.Stderr = &out, &errb
		return cmd.Run()
	})
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

// topoState is everything a topology file can change, as ip and nft see
// it: links, IPv4 addresses and routes of the host namespace and of each
// named one, and the host's nftables ruleset. Left out is what the kernel
// changes by itself a moment after a link comes up: carrier and operstate,
// IPv6 link-local addresses and their routes.
func topoState(t *testing.T, host *ns.Handle) string {
	var b strings.Builder
	show := func(h *ns.Handle) {
		b.WriteString(testns.Run(t, h, "ip", "-d", "link", "show"))
		b.WriteString(testns.Run(t, h, "ip", "-4", "addr", "show"))
		b.WriteString(testns.Run(t, h, "ip", "-4", "route", "show", "table", "all"))
	}
	show(host)
	b.WriteString(testns.Run(t, host, "nft", "list", "ruleset"))
	names, err := ns.List(ns.DefaultDir)
	must(t, err)
	for _, n := range names {
		b.WriteString("netns " + n + "\n")
		show(hostHandle(t, n))
	}
	return settled(b.String())
}

// settled is ip output without what the kernel changes by itself a
// moment after a link comes up or down: carrier, operstate, a route's
// linkdown, a bridge port's state, a bridge's running timers.
func settled(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "NO-CARRIER,", ""), " linkdown", "")
	s = operState.ReplaceAllString(s, "state -")
	return timers.ReplaceAllString(s, "${1} -")
}

var operState, timers = regexp.MustCompile(`state [A-Za-z]+`), regexp.MustCompile(`(_timer) +[0-9.]+`)

// The examples go up, up again (changing nothing) and down (leaving
// nothing), and what they build carries traffic.
func TestTopologyExamples(t *testing.T) {
	testns.LookPath(t, "ip")
	testns.LookPath(t, "nft")
	for _, file := range []string{"../../examples/veth-pair.topo", "../../examples/bridge-nat.topo"} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			testns.DefaultNetnsDir(t)
			host := testns.New(t)
			before := topoState(t, host)
			if _, errs, code := nsnetIn(t, host, "up", file); code != 0 {
				t.Fatalf("up: exit %d: %s", code, errs)
			}
			up := topoState(t, host)
			if !strings.Contains(up, "netns red") || !strings.Contains(up, "192.168.15.2/24") {
				t.Fatalf("up built nothing:\n%s", up)
			}
			reach(t, "red", "blue", "192.168.15.2", 80)
			if _, errs, code := nsnetIn(t, host, "up", file); code != 0 {
				t.Fatalf("up again: exit %d: %s", code, errs)
			}
			if again := topoState(t, host); again != up {
				t.Errorf("up again changed the topology:\n%s\nwas\n%s", again, up)
			}
			for _, run := range []string{"down", "down again"} {
				if _, errs, code := nsnetIn(t, host, "down", file); code != 0 {
					t.Fatalf("%s: exit %d: %s", run, code, errs)
				}
			}
			after := topoState(t, host)
			// NAT's table and chains stay, empty (they may hold other rules).
			after = strings.Replace(after, emptyNATTables, "", 1)
			if after != before {
				t.Errorf("down left\n%s\nbefore up there was\n%s", after, before)
			}
		})
	}
}

const emptyNATTables = `table ip nsnet {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
	}

	chain output {
		type nat hook output priority -100; policy accept;
	}

	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
	}
}
`

// A line that fails undoes what the lines before it made, and nothing
// that was there before the run.
func TestTopologyUpFailureUndoes(t *testing.T) {
	testns.LookPath(t, "ip")
	testns.LookPath(t, "nft")
	testns.DefaultNetnsDir(t)
	host := testns.New(t)
	if _, errs, code := nsnetIn(t, host, "netns", "add", "keep"); code != 0 { // there before: kept
		t.Fatal(errs)
	}
	before := topoState(t, host)
	src, err := os.ReadFile("../../examples/bridge-nat.topo")
	must(t, err)
	lines := append([]string{"netns add keep"}, strings.Split(string(src), "\n")...)
	for i, l := range lines {
		if strings.HasPrefix(l, "nat forward add") { // after the masquerade, before the end
			lines[i] = "-n blue route add 10.9.0.0/24 via 10.99.0.1\n" + l
			break
		}
	}
	file := filepath.Join(t.TempDir(), "bad.topo")
	must(t, os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644))
	bad := 0
	for i, l := range strings.Split(strings.Join(lines, "\n"), "\n") {
		if strings.Contains(l, "10.99.0.1") {
			bad = i + 1
		}
	}
	_, errs, code := nsnetIn(t, host, "up", file)
	want := file + ":" + strconv.Itoa(bad) + ": rtnl: add route 10.9.0.0/24"
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "is undone") {
		t.Fatalf("exit %d, %q; want 1 and %q", code, errs, want)
	}
	after := strings.Replace(topoState(t, host), emptyNATTables, "", 1)
	if after != before {
		t.Errorf("a failed up left\n%s\nbefore it there was\n%s", after, before)
	}
}
