package nft_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
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

// ruleset is `nft -j list ruleset` in h, decoded.
func ruleset(t *testing.T, h *ns.Handle) []map[string]any {
	t.Helper()
	var v struct {
		Nftables []map[string]any `json:"nftables"`
	}
	if err := json.Unmarshal([]byte(testns.Run(t, h, "nft", "-j", "list", "ruleset")), &v); err != nil {
		t.Fatal(err)
	}
	return v.Nftables
}

func tables(t *testing.T, h *ns.Handle) []string {
	var names []string
	for _, o := range ruleset(t, h) {
		if tb, ok := o["table"].(map[string]any); ok {
			names = append(names, tb["family"].(string)+" "+tb["name"].(string))
		}
	}
	return names
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
	if ts := tables(t, h); len(ts) != 0 {
		t.Fatalf("the table of a failed batch exists: %v", ts)
	}
	// The same batch without the bad rule commits: no error before the barrier.
	b = &nft.Batch{}
	b.AddTable(nft.FamilyIP, "nsnet")
	if err := c.Commit(b); err != nil {
		t.Fatal(err)
	}
	if ts := tables(t, h); len(ts) != 1 || ts[0] != "ip nsnet" {
		t.Fatalf("tables after commit: %v", ts)
	}
}

// Rules made by nsnet read by nft as clean NAT statements.
func TestNsnetRulesReadByNft(t *testing.T) {
	c, h := dial(t)
	m := nft.Masquerade{Prefix: netip.MustParsePrefix("192.168.15.0/24"), OIF: "eth0"}
	f := nft.Forward{Proto: unix.IPPROTO_TCP, Port: 8080, To: netip.MustParseAddrPort("192.168.15.2:80"), Hairpin: netip.MustParsePrefix("192.168.15.0/24")}
	for _, rules := range [][]*nft.Rule{m.Rules(), f.Rules()} {
		if err := c.AddNAT(rules); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.AddNAT(m.Rules()); !errors.Is(err, fs.ErrExist) {
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
	for _, o := range ruleset(t, h) {
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
	if err := c.DeleteNAT(nft.FamilyIP, f.Comment()); err != nil {
		t.Fatal(err)
	}
	if text := testns.Run(t, h, "nft", "list", "ruleset"); strings.Contains(text, "dnat") || !strings.Contains(text, "masquerade") {
		t.Fatalf("after deleting the forward:\n%s", text)
	}
	if err := c.DeleteNAT(nft.FamilyIP, f.Comment()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("second delete: want ErrNotExist, got %v", err)
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
		rs, err := c.Rules(fam, nft.Table)
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

func TestFlushLeavesForeignTables(t *testing.T) {
	c, h := dial(t)
	if out, err := testns.TryStdin(h, "table ip foreign { chain c { type filter hook input priority 0; }; }", "nft", "-f", "-"); err != nil {
		t.Fatalf("nft -f: %v %s", err, out)
	}
	if err := c.AddNAT(nft.Masquerade{Prefix: netip.MustParsePrefix("fd00::/64")}.Rules()); err != nil {
		t.Fatal(err)
	}
	if err := c.AddNAT(nft.Masquerade{Prefix: netip.MustParsePrefix("10.0.0.0/8")}.Rules()); err != nil {
		t.Fatal(err)
	}
	had, err := c.Flush()
	if err != nil || len(had) != 2 {
		t.Fatalf("flush: %v %v", had, err)
	}
	if ts := tables(t, h); len(ts) != 1 || ts[0] != "ip foreign" {
		t.Fatalf("after flush: %v", ts)
	}
	if had, err := c.Flush(); err != nil || len(had) != 0 {
		t.Fatalf("second flush: %v %v", had, err)
	}
}

// The kernel accepts the range expressions, and nft reads them back as
// ranges.
func TestRangesAccepted(t *testing.T) {
	c, h := dial(t)
	b := &nft.Batch{}
	b.AddTable(nft.FamilyIP, nft.Table)
	b.AddChain(nft.FamilyIP, nft.Table, nft.Chain{Name: "postrouting", Type: "nat", Hook: unix.NF_INET_POST_ROUTING, Priority: 100})
	tcp := []nft.Expr{&nft.Meta{Key: unix.NFT_META_L4PROTO, Register: 1}, &nft.Cmp{Register: 1, Data: []byte{unix.IPPROTO_TCP}}}
	b.AddRule(&nft.Rule{Family: nft.FamilyIP, Table: nft.Table, Chain: "postrouting",
		Exprs: append(tcp, nft.SNAT(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.5"), 1000, 2000)...)})
	b.AddRule(&nft.Rule{Family: nft.FamilyIP, Table: nft.Table, Chain: "postrouting", Exprs: append(tcp, nft.MasqPorts(1024, 2048)...)})
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
