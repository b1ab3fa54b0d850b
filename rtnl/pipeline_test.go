package rtnl_test

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/rtnl"
)

// A refused request in the middle of a pipeline leaves what sending one
// by one and stopping there leaves: the adds before it applied, those after
// it (sent in the same write, and applied by the kernel) deleted again.
// With Force, everything else is applied and each refusal reported.
//
// Parts of 1024 (all 101 requests in one write), 16 and 7 (the refusal in
// the middle of a part sent while the next is queued).
func TestPipelineStopsAtRefusal(t *testing.T) {
	for _, part := range []int{0, 16, 7} {
		for _, force := range []bool{false, true} {
			testPipelineStopsAtRefusal(t, part, force)
		}
	}
}

func testPipelineStopsAtRefusal(t *testing.T, part int, force bool) {
	{
		h := testns.New(t)
		c := dial(t, h)
		lo, err := c.LinkByName("lo")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.LinkSetUp(lo.Index); err != nil {
			t.Fatal(err)
		}
		route := func(i int) *rtnl.Route {
			return &rtnl.Route{Dst: netaddr.PrefixFrom(netaddr.AddrFrom4([4]byte{10, 60, byte(i >> 8), byte(i)}), 32), OIF: lo.Index}
		}
		for _, i := range []int{50, 80} { // makes these adds refused: they exist
			if err := c.RouteAdd(route(i)); err != nil {
				t.Fatal(err)
			}
		}
		p := c.NewPipeline()
		p.Force, p.Part = force, part
		for i := range 100 {
			if err := p.RouteAdd(route(i), i); err != nil {
				t.Fatal(err)
			}
		}
		a := &rtnl.Addr{Prefix: netaddr.MustParsePrefix("10.61.0.1/32"), Index: lo.Index}
		if err := p.AddrAdd(a, 100); err != nil {
			t.Fatal(err)
		}
		errs := p.Flush()
		wantRefused := 1
		if force {
			wantRefused = 2 // and the second is 80
		}
		if len(errs) != wantRefused || errs[0].Tag != 50 || !errors.Is(errs[0], unix.EEXIST) || force && errs[1].Tag != 80 {
			t.Fatalf("part=%d force=%v: refusals %v, want %d: request 50 (then 80), EEXIST", part, force, errs, wantRefused)
		}
		if want := "rtnl: add route 10.60.0.50/32: file exists"; errs[0].Error() != want {
			t.Errorf("error %q, want %q", errs[0], want)
		}
		routes, err := c.Routes(rtnl.RouteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range routes {
			if netaddr.MustParsePrefix("10.60.0.0/16").Contains(r.Dst.Addr()) {
				n++
			}
		}
		addrs, err := c.Addrs(rtnl.AddrFilter{Index: lo.Index})
		if err != nil {
			t.Fatal(err)
		}
		hasAddr := false
		for _, x := range addrs {
			hasAddr = hasAddr || x.Prefix == a.Prefix
		}
		// 0..49 and the two made before; with force also the others and the address.
		wantRoutes, wantAddr := 52, false
		if force {
			wantRoutes, wantAddr = 100, true
		}
		if n != wantRoutes || hasAddr != wantAddr {
			t.Errorf("part=%d force=%v: %d routes and address %v after the pipeline, want %d and %v", part, force, n, hasAddr, wantRoutes, wantAddr)
		}
	}
}
