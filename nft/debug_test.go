package nft_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/nft"
)

// Every expression kind nsnet decodes, written by nft, read back by nsnet
// and shown as `nft --debug=netlink` shows it: the two listings must be
// the same, rule for rule.
func TestDebugMatchesNft(t *testing.T) {
	c, h := dial(t)
	rules := `table ip nsnet {
		chain postrouting { type nat hook postrouting priority srcnat;
			ip saddr 10.1.0.0/16 oifname "up0" counter masquerade
			ip saddr 10.0.0.0/12 meta l4proto tcp masquerade to :1000-2000
			meta l4proto udp snat to 1.2.3.4-1.2.3.9:100-200
			ip daddr 10.9.0.0/16 masquerade random,persistent
		}
		chain prerouting { type nat hook prerouting priority dstnat;
			iifname "wan" udp dport 53 dnat to 10.1.0.53:5353
			fib daddr type local tcp dport 8080 dnat to 10.1.0.8
			ct state established,related counter
			ct status dnat tcp dport 22 redirect to :2222
			meta mark 0x10 fib saddr . iif oif exists counter
		}
	}
	table ip6 nsnet {
		chain postrouting { type nat hook postrouting priority srcnat; ip6 saddr fd00:1::/64 masquerade; }
		chain prerouting { type nat hook prerouting priority dstnat; tcp dport 80 dnat to [fd00:1::8]:8080; }
	}`
	if out, err := testns.TryStdin(h, rules, "nft", "-f", "-"); err != nil {
		t.Fatalf("nft -f: %v %s", err, out)
	}
	for _, fam := range []uint8{nft.FamilyIP, nft.FamilyIP6} {
		want := nftDebugRules(testns.Run(t, h, "nft", "--debug=netlink", "list", "table", nft.FamilyName(fam), "nsnet"))
		rs, err := c.Rules(fam, "nsnet")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rs {
			got = append(got, r.Debug())
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || len(got) == 0 {
			t.Errorf("%s: nsnet shows\n%s\nnft shows\n%s", nft.FamilyName(fam), strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// nftDebugRules cuts nft --debug=netlink output into rules: the bracketed
// expression lines under each "FAMILY TABLE CHAIN HANDLE" header.
func nftDebugRules(out string) []string {
	var rules []string
	var cur *strings.Builder
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "  [ "):
			if cur != nil {
				cur.WriteString(strings.TrimPrefix(line, "  ") + "\n")
			}
		case strings.HasPrefix(line, "ip nsnet ") || strings.HasPrefix(line, "ip6 nsnet "):
			if cur != nil {
				rules = append(rules, cur.String())
			}
			cur = &strings.Builder{}
		case line == "" || strings.HasPrefix(line, "table "):
			if cur != nil {
				rules = append(rules, cur.String())
			}
			cur = nil
		}
	}
	return rules
}
