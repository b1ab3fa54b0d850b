package nat_test

import (
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// The Examples run here, inside the sandbox, and ip and nft check what
// they did: they cannot rot.
func TestExamplesRun(t *testing.T) {
	testns.LookPath(t, "ip")
	testns.LookPath(t, "nft")
	testns.DefaultNetnsDir(t)
	Example_seedTopology()
	defer ns.Delete(ns.DefaultDir, "red")
	defer ns.Delete(ns.DefaultDir, "blue")
	red, err := ns.Open(ns.DefaultDir, "red")
	check(err)
	defer red.Close()
	blue, err := ns.Open(ns.DefaultDir, "blue")
	check(err)
	defer blue.Close()
	if out := testns.Run(t, red, "ip", "route", "show", "default"); !strings.HasPrefix(out, "default via 192.168.15.2 dev veth-red") {
		t.Fatalf("red's default route: %q", out)
	}
	if out := testns.Run(t, blue, "nft", "list", "ruleset"); !strings.Contains(out, "ip saddr 192.168.15.0/24 masquerade") {
		t.Fatalf("blue's rules:\n%s", out)
	}
	if v, err := ns.Sysctl(blue, "net.ipv4.ip_forward"); err != nil || v != "1" {
		t.Fatalf("blue's forwarding: %q %v", v, err)
	}
	h := testns.New(t)
	check(ns.Do(h, func() error { ExampleAdd_forward(); return nil }))
	if out := testns.Run(t, h, "nft", "list", "ruleset"); !strings.Contains(out, "tcp dport 8080 dnat to 192.168.15.2:80") {
		t.Fatalf("ExampleAdd_forward left:\n%s", out)
	}
}
