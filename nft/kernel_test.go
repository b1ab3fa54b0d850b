package nft_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nft"
	"github.com/nsnet/nsnet/ns"
)

func dial(t *testing.T) (*nft.Conn, *ns.Handle) {
	t.Helper()
	testns.LookPath(t, "nft")
	h := testns.New(t)
	c, err := nft.Dial(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, h
}

// One bad message aborts the whole batch, and the error names it.
func TestCommitIsAtomic(t *testing.T) {
	c, h := dial(t)
	b := &nft.Batch{}
	b.AddTable(nft.FamilyIP, "nsnet")
	b.AddRule(&nft.Rule{Family: nft.FamilyIP, Table: "nsnet", Chain: "no-such-chain", Exprs: []nft.Expr{&nft.Masq{}}})
	err := c.Commit(b)
	if !errors.Is(err, unix.ENOENT) || !strings.Contains(err.Error(), "add rule to nsnet/no-such-chain (message 2 of the batch)") {
		t.Fatalf("want ENOENT naming message 2, got %v", err)
	}
	if !strings.Contains(err.Error(), "NFTA_RULE_CHAIN") || strings.Contains(err.Error(), "module") {
		t.Fatalf("the error does not name the attribute the kernel pointed at: %v", err)
	}
	if ts := testns.NftTables(t, h); len(ts) != 0 {
		t.Fatalf("the table of a failed batch exists: %v", ts)
	}
	// The same batch without the bad rule commits: no error before the barrier.
	b = &nft.Batch{}
	b.AddTable(nft.FamilyIP, "nsnet")
	if err := c.Commit(b); err != nil {
		t.Fatal(err)
	}
	if ts := testns.NftTables(t, h); len(ts) != 1 || ts[0] != "ip nsnet" {
		t.Fatalf("tables after commit: %v", ts)
	}
}

// Rules made by nft in nsnet's table read back by nsnet.
func TestNftRulesReadByNsnet(t *testing.T) {
	c, h := dial(t)
	rules := `table ip nsnet {
		chain postrouting { type nat hook postrouting priority srcnat; ip saddr 10.1.0.0/16 oifname "up0" masquerade; }
		chain prerouting { type nat hook prerouting priority dstnat; iifname "wan" udp dport 53 dnat to 10.1.0.53:5353; }
	}
	table ip6 nsnet {
		chain postrouting { type nat hook postrouting priority srcnat; ip6 saddr fd00:1::/64 masquerade; }
	}`
	if out, err := testns.TryStdin(h, rules, "nft", "-f", "-"); err != nil {
		t.Fatalf("nft -f: %v %s", err, out)
	}
	got := map[string]bool{}
	for _, fam := range []uint8{nft.FamilyIP, nft.FamilyIP6} {
		rs, err := c.Rules(fam, "nsnet")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			got[nft.FamilyName(fam)+" "+r.Chain+": "+r.String()] = true
		}
	}
	for _, want := range []string{
		`ip postrouting: ip saddr 10.1.0.0/16 oifname "up0" masquerade`,
		`ip prerouting: iifname "wan" udp dport 53 dnat to 10.1.0.53:5353`,
		`ip6 postrouting: ip6 saddr fd00:1::/64 masquerade`,
	} {
		if !got[want] {
			t.Errorf("nsnet did not read %q; it read %v", want, got)
		}
	}
}

// The kernel accepts the range expressions, and nft reads them back as
// ranges.
func TestRangesAccepted(t *testing.T) {
	c, h := dial(t)
	b := &nft.Batch{}
	b.AddTable(nft.FamilyIP, "nsnet")
	b.AddChain(nft.FamilyIP, "nsnet", nft.Chain{Name: "postrouting", Type: "nat", Hook: unix.NF_INET_POST_ROUTING, Priority: 100})
	tcp := []nft.Expr{&nft.Meta{Key: unix.NFT_META_L4PROTO, Register: 1}, &nft.Cmp{Register: 1, Data: []byte{unix.IPPROTO_TCP}}}
	b.AddRule(&nft.Rule{Family: nft.FamilyIP, Table: "nsnet", Chain: "postrouting",
		Exprs: append(tcp, nft.SNAT(netaddr.MustParseAddr("10.0.0.1"), netaddr.MustParseAddr("10.0.0.5"), 1000, 2000)...)})
	b.AddRule(&nft.Rule{Family: nft.FamilyIP, Table: "nsnet", Chain: "postrouting", Exprs: append(tcp, nft.MasqPorts(1024, 2048)...)})
	if err := c.Commit(b); err != nil {
		t.Fatal(err)
	}
	text := testns.Run(t, h, "nft", "list", "ruleset")
	for _, want := range []string{"tcp snat to 10.0.0.1-10.0.0.5:1000-2000", "tcp masquerade to :1024-2048"} {
		if !strings.Contains(text, want) {
			t.Errorf("nft lacks %q:\n%s", want, text)
		}
	}
}
