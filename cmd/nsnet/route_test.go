package main

import (
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/rtnl"
)

// The CLI fills the rtmsg fields iproute2 fills (see rtnl's goldens for
// the bytes).
func TestRouteDefaultsLikeIP(t *testing.T) {
	cases := []struct {
		args string
		del  bool
		want rtnl.Route
	}{
		{"10.1.0.0/16 via 10.0.0.254", false, rtnl.Route{Table: unix.RT_TABLE_MAIN, Protocol: unix.RTPROT_BOOT, Type: unix.RTN_UNICAST, Scope: unix.RT_SCOPE_UNIVERSE}},
		{"10.1.0.0/16", false, rtnl.Route{Table: unix.RT_TABLE_MAIN, Protocol: unix.RTPROT_BOOT, Type: unix.RTN_UNICAST, Scope: unix.RT_SCOPE_LINK}},
		{"2001:db8::/64 table 1000", false, rtnl.Route{Table: 1000, Protocol: unix.RTPROT_BOOT, Type: unix.RTN_UNICAST, Scope: unix.RT_SCOPE_UNIVERSE}},
		{"local 10.9.9.9", false, rtnl.Route{Table: unix.RT_TABLE_LOCAL, Protocol: unix.RTPROT_BOOT, Type: unix.RTN_LOCAL, Scope: unix.RT_SCOPE_HOST}},
		{"10.1.0.0/16 via 10.0.0.254", true, rtnl.Route{Table: unix.RT_TABLE_MAIN, Scope: unix.RT_SCOPE_NOWHERE}},
		{"default via 10.0.0.1 table main proto static metric 5", false, rtnl.Route{Table: unix.RT_TABLE_MAIN, Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST, Priority: 5}},
	}
	for _, c := range cases {
		q, err := parseRoute(&words{args: strings.Fields(c.args), cmd: "route"}, c.del)
		if err != nil {
			t.Fatalf("%s: %v", c.args, err)
		}
		r := q.r
		r.Dst, r.Gateway = netip.Prefix{}, netip.Addr{}
		if r.Table != c.want.Table || r.Protocol != c.want.Protocol || r.Type != c.want.Type || r.Scope != c.want.Scope || r.Priority != c.want.Priority {
			t.Errorf("%q (del %v): got table %d proto %d type %d scope %d metric %d, want %+v", c.args, c.del, r.Table, r.Protocol, r.Type, r.Scope, r.Priority, c.want)
		}
	}
}
