package rtnl

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestAttrNameFindsNestedKind(t *testing.T) {
	b, err := encodeLink(&Link{Name: "x", MTU: 1400, Info: &GenericInfo{KindName: "nosuch"}})
	if err != nil {
		t.Fatal(err)
	}
	// ifinfomsg 16, IFLA_IFNAME 8 (16..24), IFLA_MTU 8 (24..32),
	// IFLA_LINKINFO at 32: its IFLA_INFO_KIND at 36.
	cases := map[int]string{16: "IFLA_IFNAME", 26: "IFLA_MTU", 36: "IFLA_LINKINFO/IFLA_INFO_KIND", 2: "", 400: ""}
	for off, want := range cases {
		if got := attrName(unix.RTM_NEWLINK, b, off); got != want {
			t.Errorf("offset %d: got %q, want %q", off, got, want)
		}
	}
	// Attribute type 3 after each request's header.
	for _, c := range []struct {
		msgType   uint16
		headerLen int
		want      string
	}{
		{unix.RTM_NEWADDR, unix.SizeofIfAddrmsg, "IFA_LABEL"},
		{unix.RTM_DELROUTE, unix.SizeofRtMsg, "RTA_IIF"},
		{unix.RTM_GETNEIGH, unix.SizeofNdMsg, "NDA_CACHEINFO"},
		{unix.RTM_NEWRULE, unix.SizeofRtMsg, "FRA_IIFNAME"},
		{unix.RTM_NEWNSID, 4, "NETNSA_FD"},
		{unix.RTM_NEWNEXTHOP, 8, "NHA_GROUP_TYPE"},
		{unix.RTM_NEWTUNNEL, 8, ""},
	} {
		b := append(make([]byte, c.headerLen), 8, 0, 3, 0, 0, 0, 0, 0)
		if got := attrName(c.msgType, b, c.headerLen+4); got != c.want {
			t.Errorf("message %d: got %q, want %q", c.msgType, got, c.want)
		}
	}
}

// When a kernel lacks a kind, the hint names its module, which is not
// always the kind's name (vlan's is 8021q, bond's bonding).
func TestLinkHintNamesModule(t *testing.T) {
	for kind, module := range map[string]string{"vlan": "8021q", "bond": "bonding", "vxlan": "vxlan", "ip6tnl": "ip6_tunnel", "vti6": "ip6_vti", "vti": "ip_vti", "gre": "ip_gre"} {
		got := linkHint(unix.NLM_F_CREATE, &Link{Info: &GenericInfo{KindName: kind}}, unix.EOPNOTSUPP)
		if want := "no " + kind + " links: module " + module + " is"; !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q in it", kind, got, want)
		}
	}
}
