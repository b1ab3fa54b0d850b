package rtnl

import (
	"encoding/hex"
	"testing"

	"github.com/nsnet/nsnet/netaddr"

	"golang.org/x/sys/unix"
)

// Request payloads (after struct nlmsghdr) that iproute2 6.1 sends,
// captured with strace -e write=FD in a sandbox where v0 is ifindex 3.
// Host byte order (little-endian here) except addresses.
var goldens = []struct {
	cmd, hex string
	encode   func() ([]byte, error)
}{
	{"ip link add v0 type veth peer name v1",
		// ifinfomsg (16 zero bytes); IFLA_IFNAME "v0\0"; IFLA_LINKINFO { IFLA_INFO_KIND "veth"
		// (no NUL); IFLA_INFO_DATA { VETH_INFO_PEER { ifinfomsg; IFLA_IFNAME "v1\0" } } }
		"0000000000000000000000000000000007000300763000002c0012000800010076657468200002001c000100000000000000000000000000000000000700030076310000",
		func() ([]byte, error) { return encodeLink(&Link{Name: "v0", Info: &Veth{Peer: Link{Name: "v1"}}}) }},
	{"ip link set dev v0 up",
		// ifinfomsg: index 3, flags IFF_UP, change IFF_UP
		"00000000030000000100000001000000",
		func() ([]byte, error) { return encodeLink(&Link{Index: 3, Flags: unix.IFF_UP, Change: unix.IFF_UP}) }},
	{"ip link set v0 mtu 1400",
		"000000000300000000000000000000000800040078050000",
		func() ([]byte, error) { return encodeLink(&Link{Index: 3, MTU: 1400}) }},
	{"ip link del v0",
		"00000000030000000000000000000000",
		func() ([]byte, error) { return encodeLink(&Link{Index: 3}) }},
	{"ip addr add 10.0.0.1/24 dev v0",
		// ifaddrmsg: AF_INET, /24, flags 0, scope 0, index 3; IFA_LOCAL; IFA_ADDRESS
		"0218000003000000080002000a000001080001000a000001",
		func() ([]byte, error) {
			return encodeAddr(&Addr{Prefix: netaddr.MustParsePrefix("10.0.0.1/24"), Index: 3})
		}},
	{"ip route add 10.1.0.0/16 via 10.0.0.254 dev v0 metric 7",
		// rtmsg: AF_INET, dst_len 16, src_len 0, tos 0, table main, proto boot, scope universe,
		// type unicast, flags 0; RTA_DST; RTA_GATEWAY; RTA_PRIORITY 7; RTA_OIF 3
		"02100000fe03000100000000080001000a010000080005000a0000fe08000600070000000800040003000000",
		func() ([]byte, error) {
			// Only what ip was given: the defaults fill the rest as ip does.
			return encodeRoute(routeDefaults(&Route{Dst: netaddr.MustParsePrefix("10.1.0.0/16"), Gateway: netaddr.MustParseAddr("10.0.0.254"),
				OIF: 3, Priority: 7}, false))
		}},
	{"ip route del 10.1.0.0/16 via 10.0.0.254 dev v0",
		// rtmsg: table main, protocol 0, scope RT_SCOPE_NOWHERE (matches any), type 0
		"02100000fe00ff0000000000080001000a010000080005000a0000fe0800040003000000",
		func() ([]byte, error) {
			return encodeRoute(routeDefaults(&Route{Dst: netaddr.MustParsePrefix("10.1.0.0/16"), Gateway: netaddr.MustParseAddr("10.0.0.254"),
				OIF: 3}, true))
		}},
	{"ip -6 route add 2001:db8::/64 dev v0 table 1000",
		// rtmsg: AF_INET6, /64, table RT_TABLE_UNSPEC (the number is in RTA_TABLE), boot,
		// universe, unicast; RTA_DST; RTA_TABLE 1000; RTA_OIF 3
		"0a40000000030001000000001400010020010db800000000000000000000000008000f00e80300000800040003000000",
		func() ([]byte, error) {
			return encodeRoute(routeDefaults(&Route{Dst: netaddr.MustParsePrefix("2001:db8::/64"), OIF: 3, Table: 1000}, false))
		}},
	{"ip addr del 10.0.0.1/24 dev v0",
		"0218000003000000080002000a000001080001000a000001",
		func() ([]byte, error) {
			return encodeAddr(&Addr{Prefix: netaddr.MustParsePrefix("10.0.0.1/24"), Index: 3})
		}},
	{"ip neigh del 10.0.0.9 dev v0",
		// ip sends NUD_PERMANENT, its default, even to delete
		"020000000300000080000000080001000a000009",
		func() ([]byte, error) {
			return encodeNeigh(&Neigh{IP: netaddr.MustParseAddr("10.0.0.9"), Index: 3, State: unix.NUD_PERMANENT})
		}},
	{"ip route get 10.0.0.9",
		// rtmsg: AF_INET, dst_len 32, everything else 0 but rtm_flags RTM_F_LOOKUP_TABLE; RTA_DST
		"022000000000000000100000080001000a000009",
		func() ([]byte, error) {
			return encodeRoute(&Route{Dst: netaddr.MustParsePrefix("10.0.0.9/32"), Flags: unix.RTM_F_LOOKUP_TABLE})
		}},
	{"ip netns set other 5 (the namespace open as fd 6)",
		// rtgenmsg AF_UNSPEC padded to 4; NETNSA_FD 6; NETNSA_NSID 5
		"0000000008000300060000000800010005000000",
		func() ([]byte, error) { return encodeSetNSID(6, 5) }},
	{"ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0",
		// ndmsg: AF_INET, pads, index 3, state NUD_PERMANENT, flags 0, type 0; NDA_DST; NDA_LLADDR
		"020000000300000080000000080001000a0000090a0002000200000000090000",
		func() ([]byte, error) {
			return encodeNeigh(&Neigh{IP: netaddr.MustParseAddr("10.0.0.9"), LLAddr: HardwareAddr{2, 0, 0, 0, 0, 9}, Index: 3, State: unix.NUD_PERMANENT})
		}},
}

func TestGoldenRequests(t *testing.T) {
	for _, g := range goldens {
		b, err := g.encode()
		if err != nil {
			t.Errorf("%s: %v", g.cmd, err)
			continue
		}
		if got := hex.EncodeToString(b); got != g.hex {
			t.Errorf("%s:\ngot  %s\nwant %s", g.cmd, got, g.hex)
		}
	}
}
