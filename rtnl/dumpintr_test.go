package rtnl_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/rtnl"
)

// Listings never fail, and are never silently inconsistent, while another
// socket changes the set: an interrupted dump (NLM_F_DUMP_INTR) is
// restarted. Before the restart, 39 of 50 such listings failed.
func TestListingsRetryInterruptedDumps(t *testing.T) {
	h := testns.New(t)
	c, churn := dial(t, h), dial(t, h)
	lo, err := c.LinkByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	// Enough addresses that one dump spans many datagrams, so a change can
	// land in the middle of it.
	for i := range 1000 {
		a := &rtnl.Addr{Prefix: netaddr.PrefixFrom(netaddr.AddrFrom4([4]byte{10, 50, byte(i >> 8), byte(i)}), 32), Index: lo.Index}
		if err := c.AddrAdd(a); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a := &rtnl.Addr{Prefix: netaddr.MustParsePrefix("10.51.0.1/32"), Index: lo.Index}
		for {
			select {
			case <-stop:
				return
			default:
			}
			// A change every 5 ms, about the pace of `ip addr add/del` in
			// a shell loop; a dump of these 1000 addresses takes about
			// 1 ms, 2-3 ms under the race detector, so many of them see a
			// change. (A set that changes faster than it can be read has
			// no consistent listing.)
			churn.AddrAdd(a)
			time.Sleep(5 * time.Millisecond)
			churn.AddrDel(a)
			time.Sleep(5 * time.Millisecond)
		}
	}()
	failed := 0
	for range 50 {
		addrs, err := c.Addrs(rtnl.AddrFilter{})
		if err != nil {
			failed++
			t.Error(err)
			continue
		}
		// The 1000, and the churned one or not (lo is down: no 127.0.0.1).
		if n := len(addrs); n != 1000 && n != 1001 {
			t.Errorf("a listing holds %d addresses; a consistent one holds 1000 or 1001", n)
		}
	}
	close(stop)
	wg.Wait()
	if failed > 0 {
		t.Fatalf("%d of 50 listings failed", failed)
	}
}

// The streaming form yields objects as they come, can be left early (the
// rest of the dump is drained, the Conn stays usable), and says when the
// set changed under it instead of passing off an inconsistent listing.
func TestAllAddrsStreams(t *testing.T) {
	h := testns.New(t)
	c, churn := dial(t, h), dial(t, h)
	lo, err := c.LinkByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	// More than any one datagram holds (a dump is checked for changes as
	// each datagram is filled).
	for i := range 4000 {
		must(t, c.AddrAdd(&rtnl.Addr{Prefix: netaddr.PrefixFrom(netaddr.AddrFrom4([4]byte{10, 52, byte(i >> 8), byte(i)}), 32), Index: lo.Index}))
	}
	n := 0
	for a, err := range c.AllAddrs(rtnl.AddrFilter{Index: lo.Index}) {
		if err != nil || a.Index != lo.Index {
			t.Fatalf("%+v %v", a, err)
		}
		if n++; n == 10 {
			break
		}
	}
	if l, err := c.LinkByName("lo"); err != nil || l.Index != lo.Index {
		t.Fatalf("after leaving a stream early: %v", err)
	}
	// Change the set while the stream is read, between two objects.
	n, interrupted := 0, false
	for a, err := range c.AllAddrs(rtnl.AddrFilter{}) {
		if errors.Is(err, nl.ErrDumpInterrupted) {
			interrupted = true
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 1 {
			must(t, churn.AddrAdd(&rtnl.Addr{Prefix: netaddr.MustParsePrefix("10.53.0.1/32"), Index: a.Index}))
		}
	}
	if !interrupted {
		t.Fatalf("a stream that saw the set change (%d objects) did not say so", n)
	}
}
