package rtnl

import (
	"testing"

	"github.com/nsnet/nsnet/netaddr"

	"golang.org/x/sys/unix"
)

// The rtmsg fields iproute2 fills in for what its command line leaves out
// (see the goldens for whole requests).
func TestRouteDefaultsLikeIP(t *testing.T) {
	gw := netaddr.MustParseAddr("10.0.0.254")
	v4, v6 := netaddr.MustParsePrefix("10.1.0.0/16"), netaddr.MustParsePrefix("2001:db8::/64")
	cases := []struct {
		ip        string
		r         Route
		del       bool
		table     uint32
		proto     uint8
		typ, scop uint8
	}{
		{"route add 10.1.0.0/16 via 10.0.0.254", Route{Dst: v4, Gateway: gw}, false, unix.RT_TABLE_MAIN, unix.RTPROT_BOOT, unix.RTN_UNICAST, unix.RT_SCOPE_UNIVERSE},
		{"route add 10.1.0.0/16 dev v0", Route{Dst: v4, OIF: 3}, false, unix.RT_TABLE_MAIN, unix.RTPROT_BOOT, unix.RTN_UNICAST, unix.RT_SCOPE_LINK},
		{"route add 10.1.0.0/16 dev v0 scope global", Route{Dst: v4, OIF: 3, Set: SetScope}, false, unix.RT_TABLE_MAIN, unix.RTPROT_BOOT, unix.RTN_UNICAST, unix.RT_SCOPE_UNIVERSE},
		{"-6 route add 2001:db8::/64 dev v0 table 1000", Route{Dst: v6, OIF: 3, Table: 1000}, false, 1000, unix.RTPROT_BOOT, unix.RTN_UNICAST, unix.RT_SCOPE_UNIVERSE},
		{"route add local 10.9.9.9 dev lo", Route{Dst: netaddr.MustParsePrefix("10.9.9.9/32"), Type: unix.RTN_LOCAL}, false, unix.RT_TABLE_LOCAL, unix.RTPROT_BOOT, unix.RTN_LOCAL, unix.RT_SCOPE_HOST},
		{"route add broadcast 10.1.255.255 dev v0", Route{Dst: netaddr.MustParsePrefix("10.1.255.255/32"), Type: unix.RTN_BROADCAST}, false, unix.RT_TABLE_LOCAL, unix.RTPROT_BOOT, unix.RTN_BROADCAST, unix.RT_SCOPE_LINK},
		{"route del 10.1.0.0/16 via 10.0.0.254", Route{Dst: v4, Gateway: gw}, true, unix.RT_TABLE_MAIN, 0, 0, unix.RT_SCOPE_NOWHERE},
		{"route add default via 10.0.0.254 proto static metric 5", Route{Gateway: gw, Protocol: unix.RTPROT_STATIC, Priority: 5}, false, unix.RT_TABLE_MAIN, unix.RTPROT_STATIC, unix.RTN_UNICAST, unix.RT_SCOPE_UNIVERSE},
	}
	for _, c := range cases {
		q := routeDefaults(&c.r, c.del)
		if q.Table != c.table || q.Protocol != c.proto || q.Type != c.typ || q.Scope != c.scop {
			t.Errorf("ip %s: got table %d proto %d type %d scope %d, want %d %d %d %d", c.ip, q.Table, q.Protocol, q.Type, q.Scope, c.table, c.proto, c.typ, c.scop)
		}
	}
}
