package rtnl_test

import (
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// The Examples that need a kernel run here, inside the sandbox, and what
// they did is checked with ip: they cannot rot.
func TestExamplesRun(t *testing.T) {
	testns.LookPath(t, "ip")
	testns.DefaultNetnsDir(t)
	h := testns.New(t)
	must(t, ns.Do(h, func() error { Example(); return nil }))
	if out := testns.Run(t, h, "ip", "route", "show", "default"); !strings.HasPrefix(out, "default via 10.0.0.2 dev veth-host") {
		t.Fatalf("Example's default route: %q", out)
	}
	red, err := ns.Open(ns.DefaultDir, "red")
	must(t, err)
	defer red.Close()
	if out := testns.Run(t, red, "ip", "-br", "link", "show", "veth-red"); !strings.HasPrefix(out, "veth-red@") {
		t.Fatalf("Example's peer in red: %q", out)
	}
	must(t, ns.Delete(ns.DefaultDir, "red"))
	must(t, ns.Do(h, func() error { ExampleConn_Routes(); ExampleConn_AllAddrs(); return nil }))
	must(t, ns.Do(h, func() error { ExampleBridgePort(); return nil }))
	if out := testns.Run(t, h, "ip", "-d", "link", "show", "veth-c"); !strings.Contains(out, "master br0") || !strings.Contains(out, " hairpin on ") || !strings.Contains(out, " learning on ") {
		t.Fatalf("ExampleBridgePort: %q", out)
	}
	must(t, ns.Do(h, func() error { ExampleTunAdd(); return nil }))
	if out := testns.Run(t, h, "ip", "-d", "link", "show", "tap-vm"); !strings.Contains(out, "tun type tap pi off vnet_hdr off persist on user ") {
		t.Fatalf("ExampleTunAdd: %q", out)
	}
	must(t, ns.Do(h, func() error { return rtnl.TunDel("tap-vm", unix.IFF_TAP) }))
	if out := testns.Run(t, h, "ip", "link"); strings.Contains(out, "tap-vm") {
		t.Fatalf("TunDel left tap-vm: %q", out)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		ns.Do(h, func() error { ExampleNewMonitor(); return nil })
	}()
	c := dial(t, h)
	for {
		// Until the monitor sees it: it may subscribe after an add.
		mustAdd(t)(c.LinkAdd(&rtnl.Link{Name: "br-demo", Info: &rtnl.Bridge{}}))
		select {
		case <-done:
			return
		default:
		}
		l, err := c.LinkByName("br-demo")
		must(t, err)
		must(t, c.LinkDel(l.Index))
	}
}
