package nat

import (
	"strings"
	"testing"

	"github.com/nsnet/nsnet/netaddr"
)

// The rules of each NAT, as nft would print them (nft's goldens check the
// bytes of the same expressions).
func TestRules(t *testing.T) {
	hairpin := netaddr.MustParsePrefix("192.168.15.0/24")
	cases := []struct {
		n    NAT
		want []string
	}{
		{Masquerade{Prefix: netaddr.MustParsePrefix("10.0.0.7/12"), OIF: "eth0"},
			[]string{`postrouting: ip saddr 10.0.0.0/12 oifname "eth0" masquerade # nsnet masquerade 10.0.0.0/12 oif eth0`}},
		{Forward{Proto: TCP, Port: 8080, To: netaddr.MustParseAddrPort("192.168.15.2:80"), IIF: "wan"}, []string{
			`prerouting: iifname "wan" fib daddr type local tcp dport 8080 dnat to 192.168.15.2:80 # nsnet forward tcp 8080 to 192.168.15.2:80 iif wan`,
			`output: fib daddr type local tcp dport 8080 dnat to 192.168.15.2:80 # nsnet forward tcp 8080 to 192.168.15.2:80 iif wan`,
			`postrouting: ct status dnat ip saddr 192.168.15.0/24 ip daddr 192.168.15.2 tcp dport 80 masquerade # nsnet forward tcp 8080 to 192.168.15.2:80 iif wan`,
		}},
		{Forward{Proto: UDP, Port: 53, To: netaddr.MustParseAddrPort("[fd00::2]:5353")}, []string{
			`prerouting: fib daddr type local udp dport 53 dnat to [fd00::2]:5353 # nsnet forward udp 53 to [fd00::2]:5353`,
			`output: fib daddr type local udp dport 53 dnat to [fd00::2]:5353 # nsnet forward udp 53 to [fd00::2]:5353`,
		}},
	}
	for _, c := range cases {
		hp := hairpin
		if c.n.family() != 2 {
			hp = netaddr.Prefix{}
		}
		var got []string
		for _, r := range c.n.rules(hp) {
			got = append(got, r.Chain+": "+r.String()+" # "+r.Comment)
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s:\ngot  %s\nwant %s", c.n.Comment(), strings.Join(got, "\n     "), strings.Join(c.want, "\n     "))
		}
	}
}
