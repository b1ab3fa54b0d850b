package ipfmt

import (
	"net/netip"
	"strconv"

	"github.com/nsnet/nsnet/internal/fmt"
)

// names is a two-way table of numbers and the words ip uses for them
// (/etc/iproute2/rt_* without the files: nsnet runs where they are absent).
type Names []struct {
	n    uint32
	name string
}

func (t Names) Name(n uint32) string {
	for _, e := range t {
		if e.n == n {
			return e.name
		}
	}
	return strconv.FormatUint(uint64(n), 10)
}

// parse accepts a name or a number up to max.
func (t Names) Parse(s string, max uint64) (uint32, error) {
	if n, ok := t.Lookup(s); ok {
		return n, nil
	}
	n, err := strconv.ParseUint(s, 0, 32)
	if err != nil || n > max {
		return 0, fmt.Errorf("%q is neither a known name nor a number up to %d", s, max)
	}
	return uint32(n), nil
}

// Lookup is the number of a name in t.
func (t Names) Lookup(s string) (uint32, bool) {
	for _, e := range t {
		if e.name == s {
			return e.n, true
		}
	}
	return 0, false
}

// Scopes: RT_SCOPE_* (linux/rtnetlink.h). ip calls 0 "global" for
// addresses and "universe" for routes.
var Scopes = Names{{0, "global"}, {200, "site"}, {253, "link"}, {254, "host"}, {255, "nowhere"}}

var RouteScopes = Names{{0, "universe"}, {200, "site"}, {253, "link"}, {254, "host"}, {255, "nowhere"}}

// Protocols: RTPROT_*.
var Protocols = Names{{0, "unspec"}, {1, "redirect"}, {2, "kernel"}, {3, "boot"}, {4, "static"},
	{8, "gated"}, {9, "ra"}, {10, "mrt"}, {11, "zebra"}, {12, "bird"}, {13, "dnrouted"}, {14, "xorp"},
	{15, "ntk"}, {16, "dhcp"}, {186, "bgp"}, {187, "isis"}, {188, "ospf"}, {189, "rip"}, {192, "eigrp"}}

// Tables: RT_TABLE_*.
var Tables = Names{{0, "unspec"}, {253, "default"}, {254, "main"}, {255, "local"}}

// Route types: RTN_*.
var RouteTypes = Names{{0, "unspec"}, {1, "unicast"}, {2, "local"}, {3, "broadcast"}, {4, "anycast"},
	{5, "multicast"}, {6, "blackhole"}, {7, "unreachable"}, {8, "prohibit"}, {9, "throw"}, {10, "nat"}}

// IPv6 router preferences: ICMPV6_ROUTER_PREF_* (linux/icmpv6.h).
var RouterPrefs = Names{{0, "medium"}, {1, "high"}, {3, "low"}}

// Neighbour states: NUD_* bits.
var NudStates = Names{{0x01, "INCOMPLETE"}, {0x02, "REACHABLE"}, {0x04, "STALE"}, {0x08, "DELAY"},
	{0x10, "PROBE"}, {0x20, "FAILED"}, {0x40, "NOARP"}, {0x80, "PERMANENT"}}

// inetName is the word ip uses for an address's family.
func inetName(a netip.Addr) string {
	if a.Is4() {
		return "inet"
	}
	return "inet6"
}
