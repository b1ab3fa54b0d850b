package main

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
	"golang.org/x/sys/unix"
)

// kindCases are links of kinds a kernel may lack (this machine's has
// none of them; the vmtest guest loads their modules and names them in
// NSNET_KINDS, where they must be there): each made by ip for the read
// comparison, and by ip and nsnet each in a namespace of its own for the
// write one. kindBase are the links they stand on.
var (
	kindBase  = []string{"link add kp0 type veth peer name kp1", "link add kq0 type veth peer name kq1"}
	kindCases = []struct {
		kind string
		add  []string
	}{
		{"vlan", []string{"link add link kp0 name kp0.5 type vlan id 5",
			"link add link kp0 name kvq type vlan protocol 802.1ad id 6 reorder_hdr off gvrp on mvrp on loose_binding on bridge_binding on ingress-qos-map 1:2 3:4 egress-qos-map 2:3 0x5:07",
			"link add link kp0 name kvr type vlan id 7 reorder_hdr on gvrp off", "link set kvr type vlan gvrp on egress-qos-map 1:1"}},
		{"vrf", []string{"link add kvrf type vrf table 100", "link set kp1 master kvrf", "link add kvrf2 type vrf table main"}},
		{"ipvlan", []string{"link add link kq0 name kipv type ipvlan mode l3 private", "link add link kq0 name kipv2 type ipvlan",
			"link add link kq0 name kipv3 type ipvlan mode l3s vepa", "link set kipv2 type ipvlan mode l2"}},
		{"ipvtap", []string{"link add link kq0 name kipt type ipvtap mode l2 bridge"}},
		{"bond", []string{"link add kbond type bond mode active-backup miimon 100 updelay 200 downdelay 200 peer_notify_delay 300 primary_reselect better fail_over_mac active num_grat_arp 3 all_slaves_active 1 min_links 1 resend_igmp 2 use_carrier 1",
			"link set kq1 master kbond", "link set kbond type bond primary kq1",
			"link add kbond2 type bond mode 802.3ad lacp_active on lacp_rate fast ad_select bandwidth ad_actor_sys_prio 100 ad_user_port_key 5 ad_actor_system 02:00:00:00:00:01 xmit_hash_policy layer3+4",
			"link add kbond3 type bond m balance-xor arp_i 100 arp_ip_target 10.0.0.1,10.0.0.2 ns_ip6_target fd00::1 arp_all_targets all arp_validate 1 arp_missed_max 3",
			"link add kbond4 type bond mode 5 tlb_dynamic_lb 0 lp_interval 2 num_unsol_na 2", "link set kbond4 type bond clear_active_slave",
			"link add kbond5 type bond packets_per_slave 3"}},
	}
	// kindFailures must fail alike (the kernel's refusal, or ip's).
	kindFailures = []string{"link add link kp0 name kbad type vlan id 4095", "link add link kp0 name kbad type vlan id 5 protocol 802.3",
		"link add link kq0 name kbad type ipvlan mode l4", "link add link kq0 name kbad type ipvlan private vepa",
		"link add kbad type vrf table", "link add link kp0 name kbad type vlan id 5 gvrp maybe",
		"link add kbad type bond mode nosuch", "link add kbad type bond mode 9", "link add kbad type bond lacp_act on",
		"link add kbad type bond arp_ip_target 10.0.0.1,fd00::1", "link add kbad type bond primary nosuch",
		"link add link kq0 name kbad type ipvlan mode 1"}
)

// kindsHere are the kinds of kindCases this kernel has: those whose links
// ip makes. A kind NSNET_KINDS names must be among them.
func kindsHere(t *testing.T) map[string]bool {
	h := testns.New(t)
	defer h.Close()
	for _, c := range kindBase {
		testns.Run(t, h, "ip", strings.Fields(c)...)
	}
	here := map[string]bool{}
	for _, c := range kindCases {
		if _, err := testns.Try(h, "ip", strings.Fields(c.add[0])...); err == nil {
			here[c.kind] = true
		}
	}
	var absent []string
	for _, c := range kindCases {
		if !here[c.kind] {
			absent = append(absent, c.kind)
		}
	}
	for _, k := range strings.Fields(os.Getenv("NSNET_KINDS")) {
		if !here[k] {
			t.Errorf("NSNET_KINDS names %s, but ip cannot make a link of that kind here", k)
		}
	}
	if len(absent) > 0 {
		t.Logf("kinds this kernel lacks, not compared: %s", strings.Join(absent, ", "))
	}
	return here
}

// Links of these kinds, as ip shows them (-d: their settings) and as
// ip makes them.
func TestKindsEqualIP(t *testing.T) {
	testns.LookPath(t, "ip")
	here := kindsHere(t)
	if len(here) == 0 {
		return // logged: nothing here to compare
	}
	namedNetns(t, "kinds")
	ip := func(c string) {
		if out, err := exec.Command("ip", append([]string{"-n", "kinds"}, strings.Fields(c)...)...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v %s", c, err, out)
		}
	}
	for _, c := range kindBase {
		ip(c)
	}
	var names []string
	for _, c := range kindCases {
		if !here[c.kind] {
			continue
		}
		for _, a := range c.add {
			ip(a)
			if f := strings.Fields(a); f[1] == "add" {
				names = append(names, f[slices.Index(f, "type")-1])
			}
		}
	}
	ip("link set kvq up")
	waitSettled(t, "kinds")
	cmds := []string{"-d link show", "-d -j link show", "-d -j -p link show", "-d -o link show", "link show", "-j link show",
		"-br link show", "-d addr show", "-d -j addr show"}
	for _, n := range names {
		cmds = append(cmds, "-d link show dev "+n, "-d -j link show dev "+n)
	}
	for _, c := range kindCases {
		if here[c.kind] {
			cmds = append(cmds, "-d link show type "+c.kind, "-d link show type "+c.kind+"_slave")
		}
	}
	sameAsIP(t, "kinds", cmds...)
	t.Logf("%d read commands compared (of links of kinds %v)", len(cmds), here)

	// Writes: the same lines by ip and by nsnet, each in a namespace of
	// its own, compared by what ip shows of them after.
	fresh := func() *ns.Handle {
		h := testns.New(t)
		for _, c := range kindBase {
			testns.Run(t, h, "ip", strings.Fields(c)...)
		}
		return h
	}
	var writes []string
	for _, l := range kindFailures {
		if f := strings.Fields(l); here[f[slices.Index(f, "type")+1]] {
			writes = append(writes, l)
		}
	}
	for _, c := range kindCases {
		if here[c.kind] {
			writes = append(writes, strings.Join(c.add, "; "))
		}
	}
	for _, lines := range writes {
		byIP, byNsnet := fresh(), fresh()
		ipOK, nsnetOK := true, true
		for _, l := range strings.Split(lines, "; ") {
			if _, err := testns.Try(byIP, "ip", strings.Fields(l)...); err != nil {
				ipOK = false
			}
			if _, errs, code := cli(t, append([]string{"-n", nsArg(byNsnet)}, strings.Fields(l)...)...); code != 0 {
				nsnetOK = false
				t.Logf("nsnet %s: exit %d: %s", l, code, errs)
			}
		}
		want, got := compatState(t, byIP, false), compatState(t, byNsnet, false)
		byIP.Close()
		byNsnet.Close()
		if want != got || ipOK != nsnetOK {
			t.Errorf("%s: ip ok %v, nsnet ok %v; state after:\n%s", lines, ipOK, nsnetOK, lineDiff(strings.Split(want, "\n"), strings.Split(got, "\n")))
		}
	}
	t.Logf("%d writes compared", len(writes))
}

// The same printing on this machine's kernel, which lacks the kinds:
// ip's monitor file reads netlink messages from a file, so the links
// are messages made here, and ip -d prints them as it would the
// kernel's. Every field of each kind, and a vlan that is a vrf's port.
func TestKindsFromFileEqualIP(t *testing.T) {
	testns.LookPath(t, "ip")
	var file []byte
	link := func(index int32, name string, kind string, data func(e *nl.Encoder), portKind string, port func(e *nl.Encoder)) {
		b := make([]byte, unix.SizeofNlMsghdr, 64)
		b = append(b, 0, 0, unix.ARPHRD_ETHER, 0)
		b = binary.NativeEndian.AppendUint32(b, uint32(index))
		b = binary.NativeEndian.AppendUint32(b, unix.IFF_UP|unix.IFF_BROADCAST|unix.IFF_MULTICAST|unix.IFF_LOWER_UP)
		b = binary.NativeEndian.AppendUint32(b, 0)
		e := nl.NewEncoder(b)
		e.String(unix.IFLA_IFNAME, name)
		e.Uint32(unix.IFLA_MTU, 1500)
		e.Uint8(unix.IFLA_OPERSTATE, 6) // IF_OPER_UP
		e.Bytes(unix.IFLA_ADDRESS, []byte{2, 0, 0, 0, 0, byte(index)})
		e.Bytes(unix.IFLA_BROADCAST, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
		e.Uint32(unix.IFLA_LINK, 1)
		e.Nest(unix.IFLA_LINKINFO)
		e.String(unix.IFLA_INFO_KIND, kind)
		e.Nest(unix.IFLA_INFO_DATA)
		data(e)
		e.End()
		if port != nil {
			e.String(unix.IFLA_INFO_SLAVE_KIND, portKind)
			e.Nest(unix.IFLA_INFO_SLAVE_DATA)
			port(e)
			e.End()
		}
		e.End()
		m, err := e.Encode()
		must(t, err)
		binary.NativeEndian.PutUint32(m, uint32(len(m)))
		binary.NativeEndian.PutUint16(m[4:], unix.RTM_NEWLINK)
		file = append(file, m...)
	}
	qos := func(e *nl.Encoder, typ uint16, maps ...uint32) {
		e.Nest(typ)
		for i := 0; i+1 < len(maps); i += 2 {
			e.Bytes(unix.IFLA_VLAN_QOS_MAPPING, binary.NativeEndian.AppendUint32(binary.NativeEndian.AppendUint32(nil, maps[i]), maps[i+1]))
		}
		e.End()
	}
	link(5, "kv0", "vlan", func(e *nl.Encoder) {
		e.Uint16BE(unix.IFLA_VLAN_PROTOCOL, unix.ETH_P_8021AD)
		e.Uint16(unix.IFLA_VLAN_ID, 4094)
		e.Bytes(unix.IFLA_VLAN_FLAGS, []byte{0x1f, 0, 0, 0, 0x1f, 0, 0, 0})
		qos(e, unix.IFLA_VLAN_INGRESS_QOS, 1, 2, 3, 4)
		qos(e, unix.IFLA_VLAN_EGRESS_QOS, 2, 3)
	}, "", nil)
	link(6, "kv1", "vlan", func(e *nl.Encoder) {
		e.Uint16(unix.IFLA_VLAN_ID, 7)
		e.Bytes(unix.IFLA_VLAN_FLAGS, []byte{0, 0, 0, 0, 0x1f, 0, 0, 0})
		qos(e, unix.IFLA_VLAN_EGRESS_QOS)
	}, "vrf", func(e *nl.Encoder) { e.Uint32(unix.IFLA_VRF_PORT_TABLE, 100) })
	link(7, "kvrf", "vrf", func(e *nl.Encoder) { e.Uint32(unix.IFLA_VRF_TABLE, 100) }, "", nil)
	for i, mode := range []uint16{0, 1, 2} {
		link(int32(8+i), "kipv"+strconv.Itoa(i), "ipvlan", func(e *nl.Encoder) {
			e.Uint16(unix.IFLA_IPVLAN_MODE, mode)
			e.Uint16(unix.IFLA_IPVLAN_FLAGS, uint16(i))
		}, "", nil)
	}
	link(11, "kipt", "ipvtap", func(e *nl.Encoder) { e.Uint16(unix.IFLA_IPVLAN_MODE, 1) }, "", nil)
	// Bonds: every setting, a name past an enum's (UNKNOWN), targets
	// without the first (ip's leading comma), and a port with its LACP
	// states and a state past the names (printed by number).
	targets := func(e *nl.Encoder, typ uint16, places []uint16, addrs ...string) {
		e.Nest(typ)
		for i, a := range addrs {
			e.Addr(places[i], netaddr.MustParseAddr(a))
		}
		e.End()
	}
	link(12, "kb0", "bond", func(e *nl.Encoder) {
		e.Uint8(unix.IFLA_BOND_MODE, 4)
		e.Uint32(unix.IFLA_BOND_ACTIVE_SLAVE, 5)
		for _, typ := range []uint16{unix.IFLA_BOND_MIIMON, unix.IFLA_BOND_UPDELAY, unix.IFLA_BOND_DOWNDELAY, unix.IFLA_BOND_PEER_NOTIF_DELAY,
			unix.IFLA_BOND_ARP_INTERVAL, unix.IFLA_BOND_RESEND_IGMP, unix.IFLA_BOND_MIN_LINKS, unix.IFLA_BOND_LP_INTERVAL, unix.IFLA_BOND_PACKETS_PER_SLAVE} {
			e.Uint32(typ, uint32(100+typ))
		}
		for _, typ := range []uint16{unix.IFLA_BOND_USE_CARRIER, unix.IFLA_BOND_MISSED_MAX, unix.IFLA_BOND_NUM_PEER_NOTIF, unix.IFLA_BOND_ALL_SLAVES_ACTIVE, unix.IFLA_BOND_TLB_DYNAMIC_LB} {
			e.Uint8(typ, uint8(typ))
		}
		targets(e, unix.IFLA_BOND_ARP_IP_TARGET, []uint16{1, 3}, "10.0.0.1", "10.0.0.3")
		targets(e, unix.IFLA_BOND_NS_IP6_TARGET, []uint16{0, 1}, "fd00::1", "fd00::2")
		e.Uint32(unix.IFLA_BOND_ARP_VALIDATE, 6)
		e.Uint32(unix.IFLA_BOND_ARP_ALL_TARGETS, 1)
		e.Uint32(unix.IFLA_BOND_PRIMARY, 6)
		e.Uint8(unix.IFLA_BOND_PRIMARY_RESELECT, 9)
		e.Uint8(unix.IFLA_BOND_FAIL_OVER_MAC, 2)
		e.Uint8(unix.IFLA_BOND_XMIT_HASH_POLICY, 5)
		e.Uint8(unix.IFLA_BOND_AD_LACP_ACTIVE, 1)
		e.Uint8(unix.IFLA_BOND_AD_LACP_RATE, 1)
		e.Uint8(unix.IFLA_BOND_AD_SELECT, 2)
		e.Nest(unix.IFLA_BOND_AD_INFO)
		for _, typ := range []uint16{unix.IFLA_BOND_AD_INFO_AGGREGATOR, unix.IFLA_BOND_AD_INFO_NUM_PORTS, unix.IFLA_BOND_AD_INFO_ACTOR_KEY, unix.IFLA_BOND_AD_INFO_PARTNER_KEY} {
			e.Uint16(typ, 10+typ)
		}
		e.Bytes(unix.IFLA_BOND_AD_INFO_PARTNER_MAC, []byte{2, 0, 0, 0, 0, 0x0b})
		e.End()
		e.Uint16(unix.IFLA_BOND_AD_ACTOR_SYS_PRIO, 65535)
		e.Uint16(unix.IFLA_BOND_AD_USER_PORT_KEY, 7)
		e.Bytes(unix.IFLA_BOND_AD_ACTOR_SYSTEM, []byte{2, 0, 0, 0, 0, 0x0c})
	}, "", nil)
	link(13, "kb1", "bond", func(e *nl.Encoder) {
		e.Uint8(unix.IFLA_BOND_MODE, 7)
		targets(e, unix.IFLA_BOND_ARP_IP_TARGET, []uint16{0}, "10.0.0.9")
		e.Uint32(unix.IFLA_BOND_ARP_VALIDATE, 0)
	}, "", nil)
	link(14, "kbp", "veth", func(e *nl.Encoder) {}, "bond", func(e *nl.Encoder) {
		e.Uint8(unix.IFLA_BOND_SLAVE_STATE, 1)
		e.Uint8(unix.IFLA_BOND_SLAVE_MII_STATUS, 7)
		e.Uint32(unix.IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, 3)
		e.Bytes(unix.IFLA_BOND_SLAVE_PERM_HWADDR, []byte{2, 0, 0, 0, 0, 0x0e})
		e.Uint16(unix.IFLA_BOND_SLAVE_QUEUE_ID, 2)
		e.Int32(unix.IFLA_BOND_SLAVE_PRIO, -5)
		e.Uint16(unix.IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, 1)
		e.Uint8(unix.IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, 0x3d)
		e.Uint8(unix.IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE, 0xff)
	})
	f := filepath.Join(t.TempDir(), "links")
	must(t, os.WriteFile(f, file, 0o644))
	for _, opts := range [][]string{{"-d"}, {}, {"-d", "-o"}} {
		args := append(opts, "monitor", "file", f)
		want, err := exec.Command("ip", args...).Output()
		if err != nil {
			t.Fatalf("ip %v: %v", args, err)
		}
		got, errs, code := cli(t, args...)
		if got != string(want) || code != 0 {
			t.Errorf("nsnet %v: exit %d %s\n%s", args, code, errs, lineDiff(strings.Split(string(want), "\n"), strings.Split(got, "\n")))
		}
	}
}
