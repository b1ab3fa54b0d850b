package rtnl_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

func dial(t *testing.T, h *ns.Handle) *rtnl.Conn {
	t.Helper()
	c, err := rtnl.Dial(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ipJSON(t *testing.T, h *ns.Handle, args ...string) []map[string]any {
	t.Helper()
	var v []map[string]any
	if err := json.Unmarshal([]byte(testns.Run(t, h, "ip", append([]string{"-j"}, args...)...)), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// `ip link add a type veth peer name b netns NS`: the peer is born in the
// other namespace, never visible here.
func TestVethPeerInAnotherNamespace(t *testing.T) {
	testns.LookPath(t, "ip")
	here, there := testns.New(t), testns.New(t)
	c := dial(t, here)
	added, err := c.LinkAdd(&rtnl.Link{Name: "a", MTU: 1400, Info: &rtnl.Veth{Peer: rtnl.Link{Name: "b", NetNS: there}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.LinkByName("b"); !errors.Is(err, rtnl.ErrNoLink) || !strings.Contains(err.Error(), `"b"`) {
		t.Fatalf("peer visible here, or error without its name: %v", err)
	}
	peer := ipJSON(t, there, "-d", "link", "show", "b")
	if len(peer) != 1 || peer[0]["linkinfo"].(map[string]any)["info_kind"] != "veth" {
		t.Fatalf("ip in the other namespace sees %v", peer)
	}
	a, err := c.LinkByName("a")
	if err != nil || added == nil || added.Index != a.Index || added.Name != "a" {
		t.Fatalf("LinkAdd returned %+v; the link is %+v (%v)", added, a, err)
	}
	if a.MTU != 1400 || a.Kind() != "veth" || a.LinkNetNSID < 0 || a.ParentIndex != int32(peer[0]["ifindex"].(float64)) {
		t.Fatalf("a: %+v %v", a, err)
	}
}

func TestLinksFilteredInKernel(t *testing.T) {
	h := testns.New(t)
	c := dial(t, h)
	mustAdd(t)(c.LinkAdd(&rtnl.Link{Name: "br0", Info: &rtnl.Bridge{}}))
	mustAdd(t)(c.LinkAdd(&rtnl.Link{Name: "v0", Info: &rtnl.Veth{Peer: rtnl.Link{Name: "v1"}}}))
	br, err := c.LinkByName("br0")
	must(t, err)
	v0, err := c.LinkByName("v0")
	must(t, err)
	must(t, c.LinkSet(&rtnl.Link{Index: v0.Index, Master: br.Index}))
	ports, err := c.Links(rtnl.LinkFilter{Master: br.Index})
	if err != nil || len(ports) != 1 || ports[0].Name != "v0" {
		t.Fatalf("master filter: %v %v", ports, err)
	}
	veths, err := c.Links(rtnl.LinkFilter{Kind: "veth"})
	if err != nil || len(veths) != 2 {
		t.Fatalf("kind filter: %v %v", veths, err)
	}
	must(t, c.LinkSet(&rtnl.Link{Index: v0.Index, NoMaster: true}))
	if l, _ := c.LinkByIndex(v0.Index); l.Master != 0 {
		t.Fatalf("nomaster left master %d", l.Master)
	}
	must(t, c.LinkDel(v0.Index))
	if _, err := c.LinkByName("v1"); !errors.Is(err, unix.ENODEV) {
		t.Fatalf("deleting one end of a veth pair must delete both: %v", err)
	}
}

func TestAddrRouteNeighLifecycle(t *testing.T) {
	testns.LookPath(t, "ip")
	h := testns.New(t)
	c := dial(t, h)
	mustAdd(t)(c.LinkAdd(&rtnl.Link{Name: "v0", Info: &rtnl.Veth{Peer: rtnl.Link{Name: "v1"}}}))
	v0, err := c.LinkByName("v0")
	must(t, err)
	must(t, c.LinkSetUp(v0.Index))
	a := &rtnl.Addr{Prefix: netaddr.MustParsePrefix("10.7.0.1/24"), Index: v0.Index, Label: "v0:x"}
	must(t, c.AddrAdd(a))
	if err := c.AddrAdd(a); !errors.Is(err, unix.EEXIST) {
		t.Fatalf("second add: %v", err)
	}
	addrs, err := c.Addrs(rtnl.AddrFilter{Family: unix.AF_INET, Index: v0.Index})
	if err != nil || len(addrs) != 1 || addrs[0].Prefix != a.Prefix || addrs[0].Label != "v0:x" {
		t.Fatalf("addrs: %+v %v", addrs, err)
	}
	r := &rtnl.Route{Dst: netaddr.MustParsePrefix("10.8.0.0/16"), Gateway: netaddr.MustParseAddr("10.7.0.254"), OIF: v0.Index,
		Table: 100, Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST, Priority: 9}
	must(t, c.RouteAdd(r))
	ipr := ipJSON(t, h, "route", "show", "table", "100")
	if len(ipr) != 1 || ipr[0]["dst"] != "10.8.0.0/16" || ipr[0]["gateway"] != "10.7.0.254" || ipr[0]["metric"] != float64(9) || ipr[0]["protocol"] != "static" {
		t.Fatalf("ip sees %v", ipr)
	}
	routes, err := c.Routes(rtnl.RouteFilter{Family: unix.AF_INET, Table: 100})
	if err != nil || len(routes) != 1 || routes[0].Priority != 9 {
		t.Fatalf("routes in table 100: %+v %v", routes, err)
	}
	must(t, c.RouteDel(r))
	if routes, _ := c.Routes(rtnl.RouteFilter{Family: unix.AF_INET, Table: 100}); len(routes) != 0 {
		t.Fatalf("route survived delete: %+v", routes)
	}
	n := &rtnl.Neigh{IP: netaddr.MustParseAddr("10.7.0.9"), LLAddr: []byte{2, 0, 0, 0, 0, 9}, Index: v0.Index, State: unix.NUD_PERMANENT}
	must(t, c.NeighAdd(n))
	ns4, err := c.Neighs(rtnl.NeighFilter{Family: unix.AF_INET, Index: v0.Index})
	if err != nil || len(ns4) != 1 || ns4[0].LLAddr.String() != "02:00:00:00:00:09" {
		t.Fatalf("neighbours: %+v %v", ns4, err)
	}
	got, err := c.RouteGet(netaddr.MustParseAddr("10.7.0.9"))
	if err != nil || got.OIF != v0.Index || got.PrefSrc != netaddr.MustParseAddr("10.7.0.1") {
		t.Fatalf("route get: %+v %v", got, err)
	}
	must(t, c.AddrDel(a))
}

func TestNSID(t *testing.T) {
	here, there := testns.New(t), testns.New(t)
	c := dial(t, here)
	if id, err := c.NSID(there.FD()); err != nil || id != -1 {
		t.Fatalf("unassigned nsid: %d %v", id, err)
	}
	must(t, c.SetNSID(there.FD(), 42))
	if id, err := c.NSID(there.FD()); err != nil || id != 42 {
		t.Fatalf("nsid: %d %v", id, err)
	}
	if ids, err := c.NSIDs(); err != nil || len(ids) != 1 || ids[0] != 42 {
		t.Fatalf("nsids: %v %v", ids, err)
	}
}

// mustAdd fails t unless a LinkAdd succeeded and returned the link:
// mustAdd(t)(c.LinkAdd(l)).
func mustAdd(t *testing.T) func(*rtnl.Link, error) {
	return func(l *rtnl.Link, err error) {
		t.Helper()
		if err != nil || l == nil || l.Index == 0 {
			t.Fatalf("add link: %+v, %v", l, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A socket opened in a namespace stays there: used from many goroutines
// (on many threads), it still sees only that namespace's links.
func TestConnUsableFromAnyGoroutine(t *testing.T) {
	h := testns.New(t)
	c := dial(t, h)
	mustAdd(t)(c.LinkAdd(&rtnl.Link{Name: "only-here", Info: &rtnl.Bridge{}}))
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			links, err := c.Links(rtnl.LinkFilter{})
			if err == nil && (len(links) != 2 || links[1].Name != "only-here") {
				err = errors.New("saw links of another namespace")
			}
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// A link created straight into another namespace is created, and LinkAdd
// says so without looking for it here.
func TestLinkAddIntoAnotherNamespace(t *testing.T) {
	testns.LookPath(t, "ip")
	here, there := testns.New(t), testns.New(t)
	c := dial(t, here)
	if _, err := c.LinkAdd(&rtnl.Link{Name: "br-there", NetNS: there, Info: &rtnl.Bridge{}}); err != nil {
		t.Fatalf("add into another namespace: %v", err)
	}
	if out := testns.Run(t, there, "ip", "-br", "link", "show", "br-there"); !strings.HasPrefix(out, "br-there") {
		t.Fatalf("ip in the other namespace: %q", out)
	}
}

// ValidLinkName refuses what the kernel's dev_valid_name refuses, byte for
// byte: checked against the kernel itself through ip (which sends any
// name). Only '%' is refused beyond it, by design.
func TestValidLinkNameAsKernel(t *testing.T) {
	testns.LookPath(t, "ip")
	h := testns.New(t)
	for _, name := range []string{"ok0", "a b", "a\tb", "a\vb", "a\rb", "a/b", "a:b", ".", "..", "a\u00e0", "a\u0085",
		"a\u00e9", "fifteen-bytes-x", "sixteen-bytes-xx", "\u00e0"} {
		_, kernelErr := testns.Try(h, "ip", "link", "add", name, "type", "bridge")
		if err := rtnl.ValidLinkName(name); (err == nil) != (kernelErr == nil) {
			t.Errorf("ValidLinkName(%q): %v; the kernel: %v", name, err, kernelErr)
		}
	}
}
