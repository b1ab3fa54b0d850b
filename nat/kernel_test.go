package nat_test

import (
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/nat"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nft"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

// gateway is a namespace with 192.168.15.1/24 on an up veth: a server at
// .2 is then on its own subnet, and forwards to it get hairpin NAT.
func gateway(t *testing.T) *ns.Handle {
	t.Helper()
	testns.LookPath(t, "nft")
	h := testns.New(t)
	c, err := rtnl.Dial(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	l, err := c.LinkAdd(&rtnl.Link{Name: "v0", Info: &rtnl.Veth{Peer: rtnl.Link{Name: "v1"}}})
	if err == nil {
		err = errors.Join(c.AddrAdd(&rtnl.Addr{Prefix: netaddr.MustParsePrefix("192.168.15.1/24"), Index: l.Index}), c.LinkSetUp(l.Index))
	}
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The rules Add makes, read by nft as clean NAT statements; Delete
// removes exactly them.
func TestRulesReadByNft(t *testing.T) {
	h := gateway(t)
	m := nat.Masquerade{Prefix: netaddr.MustParsePrefix("192.168.15.0/24"), OIF: "eth0"}
	f := nat.Forward{Proto: nat.TCP, Port: 8080, To: netaddr.MustParseAddrPort("192.168.15.2:80")}
	for _, n := range []nat.NAT{m, f} {
		if _, err := nat.Add(h, n, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := nat.Add(h, m, nil); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second add: want ErrExist, got %v", err)
	}
	text := testns.Run(t, h, "nft", "list", "ruleset")
	for _, want := range []string{
		`ip saddr 192.168.15.0/24 oifname "eth0" masquerade`,
		`fib daddr type local tcp dport 8080 dnat to 192.168.15.2:80`,
		`ct status dnat ip saddr 192.168.15.0/24 ip daddr 192.168.15.2 tcp dport 80 masquerade`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("nft list ruleset lacks %q:\n%s", want, text)
		}
	}
	var dnats, masqs int
	for _, o := range testns.NftRuleset(t, h) {
		r, ok := o["rule"].(map[string]any)
		if !ok {
			continue
		}
		for _, x := range r["expr"].([]any) {
			if d, ok := x.(map[string]any)["dnat"].(map[string]any); ok && d["addr"] == "192.168.15.2" && d["port"] == float64(80) {
				dnats++
			}
			if _, ok := x.(map[string]any)["masquerade"]; ok {
				masqs++
			}
		}
	}
	if dnats != 2 || masqs != 2 {
		t.Fatalf("nft -j: %d dnat statements (want 2: prerouting, output), %d masquerade (want 2)", dnats, masqs)
	}
	if err := nat.Delete(h, f, nil); err != nil {
		t.Fatal(err)
	}
	if text := testns.Run(t, h, "nft", "list", "ruleset"); strings.Contains(text, "dnat") || !strings.Contains(text, "masquerade") {
		t.Fatalf("after deleting the forward:\n%s", text)
	}
	if err := nat.Delete(h, f, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("second delete: want ErrNotExist, got %v", err)
	}
}

func TestFlushLeavesForeignTables(t *testing.T) {
	h := gateway(t)
	if out, err := testns.TryStdin(h, "table ip foreign { chain c { type filter hook input priority 0; }; }", "nft", "-f", "-"); err != nil {
		t.Fatalf("nft -f: %v %s", err, out)
	}
	for _, p := range []string{"fd00::/64", "10.0.0.0/8"} {
		if _, err := nat.Add(h, nat.Masquerade{Prefix: netaddr.MustParsePrefix(p)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := nat.Flush(h, nil); err != nil {
		t.Fatal(err)
	}
	if ts := testns.NftTables(t, h); len(ts) != 1 || ts[0] != "ip foreign" {
		t.Fatalf("after flush: %v", ts)
	}
	if err := nat.Flush(h, nil); err != nil {
		t.Fatalf("second flush: %v", err)
	}
}

// Identical NAT adds racing in 16 goroutines (each its own sockets, as 16
// processes would be) install exactly one copy; the others are told it
// exists.
func TestConcurrentAddInstallsOneCopy(t *testing.T) {
	h := gateway(t)
	f := nat.Forward{Proto: nat.TCP, Port: 8080, To: netaddr.MustParseAddrPort("10.9.0.2:80")}
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 16)
		for i := range errs {
			wg.Go(func() { _, errs[i] = nat.Add(h, f, nil) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, fs.ErrExist):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		rules, err := nat.List(h, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ok != 1 || len(rules) != 2 {
			t.Fatalf("round %d: %d adds succeeded, %d rules installed; want 1 and 2", round, ok, len(rules))
		}
		if err := nat.Flush(h, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// A rule nsnet does not fully decode (written by nft into table nsnet)
// does not break listing or adding: it renders as unknown.
func TestUnknownExpressionListed(t *testing.T) {
	h := gateway(t)
	rules := "table ip nsnet {\nchain postrouting {\ntype nat hook postrouting priority 100\nmeta mark 1-10\n}\n}\n"
	if out, err := testns.TryStdin(h, rules, "nft", "-f", "-"); err != nil {
		t.Fatalf("nft -f: %v: %s", err, out)
	}
	got, err := nat.List(h, nil)
	// range and byteorder are built into nf_tables; nsnet decodes neither.
	if err != nil || len(got) != 1 || !strings.Contains(got[0].String(), `unknown "`) {
		t.Fatalf("rules: %+v %v", got, err)
	}
	if _, err := nat.Add(h, nat.Masquerade{Prefix: netaddr.MustParsePrefix("10.1.0.0/16")}, nil); err != nil {
		t.Fatal(err)
	}
}

// Add reports the forwarding it turned on, and turns it on again when
// the rules exist already (a run killed between the two steps).
func TestForwardingReported(t *testing.T) {
	h := gateway(t)
	m := nat.Masquerade{Prefix: netaddr.MustParsePrefix("10.7.0.0/16")}
	if res, err := nat.Add(h, m, nil); err != nil || res.Forwarding != "net.ipv4.ip_forward" {
		t.Fatalf("first add: %+v %v", res, err)
	}
	if err := ns.SetSysctl(h, "net.ipv4.ip_forward", "0"); err != nil {
		t.Fatal(err)
	}
	if _, err := nat.Add(h, m, nil); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second add: %v", err)
	}
	if v, err := ns.Sysctl(h, "net.ipv4.ip_forward"); err != nil || v != "1" {
		t.Fatalf("forwarding after the second add: %q %v", v, err)
	}
}

// A thousand forwards go in one transaction (the ruleset's generation
// moves by one), though the batch is larger than a socket's default send
// buffer; a repeated one is fs.ErrExist and the rest still goes in.
func TestAddAllOneTransaction(t *testing.T) {
	h := gateway(t)
	var nats []nat.NAT
	for i := range 1000 {
		nats = append(nats, nat.Forward{Proto: nat.TCP, Port: uint16(20000 + i), To: netaddr.MustParseAddrPort("192.168.15.2:80")})
	}
	nats = append(nats, nats[7])
	c, err := nft.Dial(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	before, err := c.GenID()
	if err != nil {
		t.Fatal(err)
	}
	_, errs := nat.AddAll(h, nats, true, nil)
	after, err := c.GenID()
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if (err != nil) != (i == 1000) || i == 1000 && !errors.Is(err, fs.ErrExist) {
			t.Fatalf("NAT %d: %v", i, err)
		}
	}
	if after != before+1 {
		t.Errorf("the ruleset generation went from %d to %d: not one transaction", before, after)
	}
	rules, err := nat.List(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 3000 { // prerouting, output, hairpin masquerade
		t.Errorf("%d rules, want 3000", len(rules))
	}
}
