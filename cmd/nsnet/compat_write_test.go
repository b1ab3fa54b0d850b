package main

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// compatBase is built by ip in both namespaces before each write command.
var compatBase = []string{
	"link set lo up",
	"link add v0 type veth peer name v1", "link add br0 type bridge",
	"link set v0 up", "link set v1 up", "link set br0 up",
	"addr add 10.1.0.1/24 dev v0", "addr add fd00:1::1/64 dev v0 nodad",
}

// compatNexthops are added to compatBase for the write commands that
// name a nexthop object (nhid, or nexthop), and the state compared then
// has the nexthop objects.
var compatNexthops = []string{
	"nexthop add id 1 via 10.1.0.254 dev v0", "nexthop add id 2 via 10.1.0.253 dev v0", "nexthop add id 10 group 1/2",
}

// compatWrites are write commands (lines of one run), each applied by ip
// in one namespace and by nsnet in another, and compared by the state
// they leave and by whether they fail.
var compatWrites = [][]string{
	{"link add d0 type veth peer name d1"}, {"link add br9 type bridge"},
	{"link add mv1 link v0 type macvlan mode bridge"}, {"link add mvt1 link v0 type macvtap mode vepa"},
	{"link add vx9 type vxlan id 9 dstport 4789 dev v0"}, {"link add name d2 type veth peer name d3"},
	{"link set v1 down"}, {"link set v0 mtu 1300"}, {"link set v0 name v9"}, {"link set dev v0 up"},
	{"link set v0 address 02:11:22:33:44:55"}, {"link set v0 alias hello"}, {"link set v0 txqueuelen 500"},
	{"link set v1 master br0"}, {"link set v1 master br0", "link set v1 nomaster"}, {"link del v0"},
	{"link del dev br0"}, {"link del br0 type bridge"}, {"link del v0 type veth"}, {"link del group 0"}, {"link del group 9"},
	{"link add q0 numtxqueues 3 numrxqueues 2 type veth peer name q1 numtxqueues 4 mtu 1400 group 5 txqueuelen 9"},
	{"link add q0 type veth peer q1 address 02:00:00:00:00:42 arp off multicast off"}, {"link add q0 numtxqueues 0 type veth"},
	{"link add q0 type veth peer name q1 up"}, {"link add g1 group 7 type bridge", "link add g2 group 7 type bridge", "link del group 7"}, {"link set v0 group 5"}, {"link set nosuch up"}, {"link set up dev v1"},
	{"link set v0 promisc on"}, {"link set v0 arp off"}, {"link set v0 multicast off"}, {"link set v0 allmulticast on"},
	{"link set dev v0 mtu 1280 txqueuelen 100 up"}, {"link set v0 arp off", "link set v0 arp on"},
	{"addr add 10.2.0.1/16 dev v0"}, {"addr add 10.2.0.1/16 brd + dev v0"}, {"addr add 10.2.0.1/16 dev v0 label v0:x"},
	{"addr add 10.2.0.1/16 dev v0 valid_lft forever preferred_lft 0"}, {"addr add fd00:2::1/64 dev v0 nodad"},
	{"addr add fd00:2::1/64 dev v0 nodad noprefixroute"}, {"addr add 10.3.0.1 peer 10.3.0.2 dev v0"},
	{"addr add 10.4.0.1/24 dev v0 scope link"}, {"addr del 10.1.0.1/24 dev v0"},
	{"addr replace 10.1.0.1/24 dev v0 valid_lft forever preferred_lft 0"}, {"addr flush dev v0"},
	{"addr add 10.1.0.1/24 dev v0"}, {"-6 addr flush dev v0"}, {"addr add 10.2.0.1/16 dev nosuch"},
	{"route add 10.5.0.0/16 via 10.1.0.254"}, {"route add 10.5.0.0/16 via 10.1.0.254 metric 10"},
	{"route add 10.5.0.0/16 dev v0"}, {"route add 10.5.0.0/16 dev v0 table 100"},
	{"route add 10.5.0.0/16 via 10.1.0.254 proto static"}, {"route add default via 10.1.0.254"},
	{"route add blackhole 10.6.0.0/16"}, {"route add unreachable 10.6.0.0/16"}, {"route add prohibit 10.6.0.0/16"},
	{"route add 10.7.0.0/16 nexthop via 10.1.0.2 weight 2 nexthop via 10.1.0.3"},
	{"route add 10.8.0.0/16 via 192.0.2.1 dev v0 onlink"}, {"route add 10.9.0.0/16 dev v0 scope link src 10.1.0.1"},
	{"route add 10.5.0.0/16 via 10.1.0.254", "route replace 10.5.0.0/16 via 10.1.0.253"},
	{"route add fd00:5::/64 via fd00:1::fe"}, {"route add fd00:5::/64 dev v0 metric 50"},
	{"route add default via 10.1.0.254", "route del default"}, {"route add 10.5.0.0/16 dev v0", "route flush dev v0"},
	{"route add 10.5.0.0/16 via 10.99.0.1"}, {"route add 10.5.0.0/16 dev v0 table 100", "route flush table 100"},
	{"route add 10.5.0.0/16 via 10.1.0.254", "route del 10.5.0.0/16"},
	{"route add 10.5.0.0/16 via 10.1.0.254 mtu 1400"}, {"route add 10.5.0.0/16 via 10.1.0.254 mtu lock 1400 advmss 1360"},
	{"route add 10.5.0.0/16 dev v0 window 65535 initcwnd 10 initrwnd 20 hoplimit 32 quickack 1"},
	{"route add 10.5.0.0/16 via 10.1.0.254 realm 3 rtt 1500 rttvar 10ms rto_min 2s congctl reno features ecn"},
	{"route add 10.5.0.0/16 dev v0 realms 1/2 congctl lock cubic rtt lock 5.5 rttvar 1.5S"}, {"route add 10.5.0.0/16 dev v0 realms 0x10002"},
	{"route add 10.5.0.0/16 nexthop via 10.1.0.2 realm 5 nexthop via 10.1.0.3 realms 2/7"}, {"route add fd00:5::/64 via fd00:1::fe rtt 3s congctl reno"},
	{"route add 10.5.0.0/16 dev v0 rtt 5 parsecs"}, {"route add 10.5.0.0/16 dev v0 features cwr"}, {"route add 10.5.0.0/16 dev v0 congctl no-such-algorithm"},
	{"route add 10.5.0.0/16 dev v0 rtt 5.5ms rttvar 0.3s rto_min 1.0001s"}, {"route add 10.5.0.0/16 dev v0 rtt 0x10 rttvar .25 rto_min 7.MSEC"},
	{"route add 10.5.0.0/16 dev v0 realms 256/1"}, {"route add 10.5.0.0/16 dev v0 rto_min lock 5"},
	{"route add fd00:5::/64 dev v0 expires 300"}, {"route add fd00:5::/64 via fd00:1::fe pref high expires 600 metric 7"},
	{"route add fd00:5::/64 dev v0 pref low", "route append fd00:5::/64 via fd00:1::fd pref medium"}, {"route add 10.5.0.0/16 dev v0 expires 300"},
	{"route add fd00:5::/64 dev v0 pref bogus"}, {"route add fd00:5::/64 dev v0 expires -1"}, {"route add fd00:5::/64 dev v0 expires 0x10"},
	{"route add 10.5.0.0/16 via 10.1.0.254", "route append 10.5.0.0/16 via 10.1.0.253 metric 5"},
	{"route add 10.5.0.0/16 via 10.1.0.254", "route prepend 10.5.0.0/16 via 10.1.0.253"},
	{"-6 route add fd00:5::/64 via fd00:1::fe", "-6 route append fd00:5::/64 via fd00:1::fd"},
	{"route add 10.5.0.0/16 via 10.1.0.254", "route change 10.5.0.0/16 via 10.1.0.253"}, {"route change 10.5.0.0/16 via 10.1.0.253"},
	{"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0"}, {"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0 nud stale"},
	{"neigh add proxy 10.1.0.99 dev v0"}, {"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0", "neigh replace 10.1.0.7 lladdr 02:00:00:00:00:08 dev v0"},
	{"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0", "neigh del 10.1.0.7 dev v0"},
	{"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0", "neigh flush dev v0"},
	{"-6 neigh add fd00:1::7 lladdr 02:00:00:00:00:07 dev v0"}, {"neigh add 10.1.0.8 lladdr 02:00:00:00:00:07 dev nosuch"},
	{"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0 protocol static"}, {"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0 protocol 99"},
	{"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0", "neigh add 10.2.0.7 lladdr 02:00:00:00:00:08 dev v0", "neigh flush to 10.2.0.0/16 nud permanent"},
	{"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0 protocol static", "neigh add 10.2.0.7 lladdr 02:00:00:00:00:08 dev v0", "neigh flush dev v0 nud all protocol static"},
	{"rule add from 10.0.0.0/8 table 100"}, {"rule add from 10.0.0.0/8 table 100 pref 100"}, {"rule add to 10.1.0.0/16 iif v0 lookup 200"},
	{"rule add fwmark 0x10/0xff table main"}, {"rule add fwmark 7 table 5"}, {"rule add not from 10.2.0.0/16 oif v1 prohibit"},
	{"rule add ipproto tcp dport 80 table 300"}, {"rule add sport 1000-2000 table 3"}, {"rule add uidrange 100-200 table 7"},
	{"rule add pref 50 goto 100"}, {"rule add nop"}, {"rule add blackhole"}, {"rule add unreachable pref 10"},
	{"rule add table 10 suppress_prefixlength 0"}, {"-6 rule add from fd00::/8 table 9"},
	{"rule add from 10.0.0.0/8 table 100 pref 100", "rule del pref 100"}, {"rule add from 10.0.0.0/8 table 100", "rule del from 10.0.0.0/8"},
	{"rule add from 10.0.0.0/8 table 100", "rule flush"}, {"rule del pref 12345"}, {"rule add from 10.0.0.0/8 table 100 protocol static"},
	{"rule add tos 0x10 table 100"}, {"rule add dsfield 8 from 10.0.0.0/8 table 100"}, {"rule add tos 0x20 table 100"},
	{"rule add from 10.0.0.0/8 table 100", "rule add to 10.1.0.0/16 table 200", "rule flush table 100"},
	{"rule add from 10.0.0.0/8 table 100 protocol static", "rule add from 10.1.0.0/16 table 100", "rule flush protocol static"},
	{"route add 10.8.0.0/16 tos 0x10 via 10.1.0.254"}, {"route add 10.8.0.0/16 tos 0x10 via 10.1.0.254", "route del 10.8.0.0/16 tos 0x10"},
	{"route add 10.8.0.0/16 dsfield AF11 dev v0 table 100"}, {"route add 10.8.0.0/16 tos 3 dev v0"},
	{"link add br9 type bridge stp_state 1 forward_delay 500 hello_time 300 max_age 1000 ageing_time 2000 priority 0x1000"},
	{"link add br9 type bridge group_fwd_mask 0x4000 group_address 01:80:c2:00:00:05 no_linklocal_learn 1 vlan_protocol 802.1ad"},
	{"link add br9 type bridge mcast_snooping 0 mcast_router 2 mcast_querier 1 mcast_hash_max 1024 mcast_last_member_interval 200 mcast_igmp_version 3 mcast_mld_version 2"},
	{"link add br9 type bridge mcast_stats_enabled 1 nf_call_iptables 1 mcast_query_response_interval 900 vlan_stats_per_port 0 vlan_default_pvid 7"},
	{"link add br9 type bridge", "link set br9 type bridge stp_state 1 ageing_time 1000 mcast_vlan_snooping 0", "link set br9 type bridge fdb_flush"},
	{"link add br9 type bridge forward_del 700 mcast_q 1"}, {"link add br9 type bridge nosuch 1"}, {"link add br9 type bridge vlan_protocol 802.1x"},
	{"link add mv9 link v0 type macvlan mode bridge", "link set mv9 type macvlan mode private"},
	{"link add mv9 link v0 type macvtap", "link set mv9 type macvtap mode vepa"}, {"link add mv9 link v0 type macvlan", "link set mv9 type macvlan mode nosuch"},
	{"link add vx9 type vxlan id 7 group ff05::7 dev v0 dstport 4790 ttl inherit tos inherit nolearning df set flowlabel 0x12 ageing 0 maxaddr 10 noudpcsum udp6zerocsumtx proxy l2miss"},
	{"link add vx9 type vxlan id 8 remote 10.9.0.1 local 10.1.0.1 ttl 64 tos 0x10 df inherit srcport 1000 2000 dstport 4789 rsc l3miss ageing 600 maxaddress unlimited"},
	{"link add vx9 type vxlan external dstport 4789"}, {"link add vx9 type vxlan id 0 dstport 0"}, {"link add vx9 type vxlan vni 9 gbp remcsumrx"},
	{"link add vx9 type vxlan id 9 dstport 4789", "link set vx9 type vxlan ttl 9 tos 0x8 nolearning ageing 30"},
	{"link add vx9 type vxlan id 9 dstport 4789", "link set vx9 type vxlan id 10"}, {"link add vx9 type vxlan id 9 external"},
	{"link add vx9 type vxlan id 9 df maybe"}, {"link add vx9 type vxlan id 9 ttl 300"}, {"link add vx9 type vxlan id 9 nosuch"},
	{"link add dev d9 type ifb"}, {"link add dev d9 mtu 1400 type veth peer name d10"},
	{"link add dev d9 type veth peer name d10 address 02:00:00:00:00:0a mtu 1400 txqueuelen 77"},
	{"link add d9 address 02:00:00:00:00:0c type veth peer d10 qlen 5 mtu 70000"},
	{"link set v0 gso_max_size 30000 gso_max_segs 100 gro_max_size 40000"}, {"link set v0 gso_max_size 0"},
	{"link set v0 gso_max_segs 65536"}, {"link add d9 gso_max_size 20000 type veth peer name d10 gso_max_segs 10 gro_max_size 30000"},
	{"link add mv9 link v0 type macvlan", "link set mv9 protodown on"}, {"link set v0 protodown on"},
	{"link add vx9 type vxlan id 9 dstport 4789", "link set vx9 protodown_reason 3 on", "link set vx9 protodown on"},
	{"link add vx9 type vxlan id 9 dstport 4789", "link set vx9 protodown on protodown_reason 5 on", "link set vx9 protodown off"},
	{"link add vx9 type vxlan id 9 dstport 4789", "link set vx9 protodown on protodown_reason 5 on", "link set vx9 protodown_reason 5 off protodown off"},
	{"link add vx9 type vxlan id 9 dstport 4789", "link set vx9 protodown_reason 32 on"}, {"link add vx9 type vxlan id 9 dstport 4789 protodown on"},
	{"link set v0 type veth"}, {"link set v0 type bridge"}, {"link set v0 type nosuch"}, {"link set v0 type veth peer name x"},
	{"link add d9 type ifb", "link set d9 type ifb"}, {"link set v0 type nosuch foo"}, {"link set v1 type bond_slave"},
	{"route add 10.5.0.0/16 nhid 1"}, {"route add 10.5.0.0/16 nhid 10 metric 7 table 100"}, {"route add 10.5.0.0/16 nhid 99"},
	{"route add 10.5.0.0/16 nhid 1", "route del 10.5.0.0/16 nhid 1"}, {"route add 10.5.0.0/16 nhid 1", "route replace 10.5.0.0/16 nhid 2"},
	{"route add 10.5.0.0/16 nhid 1 via 10.1.0.9"}, {"route add 10.5.0.0/16 nhid x"},
	{"nexthop add id 5 via 10.1.0.9 dev v0"}, {"nexthop add id 5 via 10.1.0.9 dev v0 proto static"}, {"nexthop add id 5 dev v0"},
	{"nexthop add id 5 blackhole"}, {"nexthop add id 5 via fd00:1::9 dev v0"}, {"-6 nexthop add id 5 via fd00:1::9 dev v0"},
	{"nexthop add id 5 via 10.9.9.9 dev v0 onlink"}, {"nexthop add id 5 via 10.9.9.9 dev v0"}, {"nexthop add id 5 group 1/2,3"},
	{"nexthop add id 5 group 1,2/2 type resilient buckets 16 idle_timer 30 unbalanced_timer 60"}, {"nexthop add id 5 group 1/2 type mpath"},
	{"nexthop add id 1 via 10.1.0.9 dev v0"}, {"nexthop add id 5 via 10.1.0.9 dev nosuch"}, {"nexthop add id 5 group 1/99"},
	{"nexthop add id 5 group 1,300"}, {"nexthop add id 5 via 10.1.0.9 fdb"}, {"nexthop add via 10.1.0.9 dev v0"},
	{"nexthop add id 5 group 1/2 type resilient"}, {"nexthop add id 5 via inet 10.1.0.9 dev v0"}, {"nexthop add id 0 dev v0"},
	{"nexthop replace id 1 via 10.1.0.9 dev v0"}, {"nexthop replace id 10 group 1"}, {"nexthop replace id 5 dev v0"},
	{"nexthop del id 2"}, {"nexthop del id 10"}, {"nexthop del id 99"}, {"nexthop delete id 1"}, {"nexthop del"},
	{"nexthop flush"}, {"nexthop flush dev v0"}, {"nexthop flush id 10"}, {"nexthop flush groups"},
	{"nexthop add id 5 via 10.1.0.9 dev v0", "route add 10.5.0.0/16 nhid 5", "nexthop del id 5"},
	{"addr add 10.1.0.9/24 dev v0", "addr add 10.3.0.1/16 dev v0", "addr flush to 10.1.0.0/24"}, {"addr flush dev v0 scope link"},
	{"addr add 10.1.0.9/24 dev v0", "-s addr flush dev v0 secondary"}, {"-s addr flush dev v0"}, {"-s -6 addr flush dev v0"},
	{"-s addr flush dev v1"}, {"addr add 10.1.0.9/24 dev v0 label v0:x", "addr flush label v0:*"}, {"addr flush"},
	{"addr flush to 10.1.0.0/24 up"}, {"-6 addr flush to 10.1.0.0/24"}, {"-s route flush dev v0"}, {"-s route flush table 99"},
	{"-s route flush cache"}, {"-s -4 route flush cache"}, {"-s -6 route flush cache"},
	{"neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0", "-s neigh flush dev v0"}, {"-s neigh flush dev v1"},
	{"-6 route add 10.5.0.0/16 dev v0"}, {"-4 route add fd00:5::/64 dev v0"}, {"-6 addr add 10.9.0.1/24 dev v0"},
	{"-6 neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0"}, {"-6 rule add from 10.0.0.0/8"},
	{"-6 nexthop add id 5 via 10.1.0.9 dev v0"}, {"-6 nexthop add id 5 via inet 10.1.0.9 dev v0"},
	{"addr add 10.8.0.1/24 peer 10.8.0.2 dev v0"}, {"addr add 10.8.1.1 peer 10.8.1.2/30 dev v0"},
	{"addr add 10.8.2.1/24 remote 10.8.2.2/0 dev v0"}, {"addr add fd00:8::1 peer fd00:8::2/64 dev v0 nodad"},
	{"addr add 10.8.0.1/24 peer 10.8.0.2 dev v0", "addr del 10.8.0.1 peer 10.8.0.2 dev v0"},
	{"route flush cache"}, {"-6 route flush cache"}, {"-4 route flush cached"}, {"route flush table main iif v0"},
	{"link set v1 master br0", "link set v1 type bridge_slave hairpin on learning off cost 7 priority 5"},
	{"link set v1 master br0", "link set v1 type bridge_slave group_fwd_mask 0x4001 mcast_flood off bcast_flood off isolated on neigh_suppress on"},
	{"link set v1 master br0", "link set v1 type bridge_slave proxy_arp on mcast_router 2 mcast_fast_leave on vlan_tunnel off locked on"},
	{"link set v1 master br0", "link set v1 type bridge_slave hair on lea off fl off"}, {"link set v1 type bridge_slave hairpin on"},
	{"link set v1 master br0", "link set v0 master br0", "link set v1 type bridge_slave backup_port v0"},
	{"link set v1 master br0", "link set v0 master br0", "link set v1 type bridge_slave backup_port v0", "link set v1 type bridge_slave nobackup_port"},
	{"link set v1 master br0", "link set v1 type bridge_slave fdb_flush state 3 guard on root_block on"},
	{"tuntap add dev tun0 mode tun"}, {"tuntap add tap0 mode tap user 1000 group 100 pi vnet_hdr"}, {"tuntap add mode tap"},
	{"tuntap add dev t0 mode tun multi_queue one_queue user root"}, {"tuntap add dev v0 mode tap"}, {"tuntap add dev t0"},
	{"tuntap add dev t0 mode tun", "tuntap del dev t0 mode tun"}, {"tuntap add dev t0 mode tun", "tuntap del dev t0 mode tap"},
	{"tuntap add dev t0 mode tun multi_queue", "tuntap del dev t0 mode tun"}, {"tap add t0 mode tap", "tap del t0 mode tap"},
}

// compatWriteDeviations are the write commands whose effect is not yet
// ip's (docs/compat.md).
var compatWriteDeviations = map[string]bool{"addr flush to 10.1.0.0/24 up": true}

// A snapshot of everything the write commands change, as ip shows it,
// with what differs between any two namespaces masked: random MAC
// addresses (and the bridge ids made of them), and what the kernel
// changes a moment later (settled).
var macs = regexp.MustCompile(`([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}`)

// lifetimes are the routes' (expires Nsec): they count down, and are
// compared to the nearest 10 s, as the two namespaces' routes came a
// moment apart.
var lifetimes = regexp.MustCompile(`expires [0-9]+sec`)

func compatState(t *testing.T, h *ns.Handle, nexthops bool) string {
	var b strings.Builder
	shows := [][]string{
		{"-d", "link", "show"}, {"addr", "show"}, {"route", "show", "table", "all"}, {"neigh", "show"}, {"neigh", "show", "proxy"},
		{"rule"}, {"-6", "rule"},
	}
	if nexthops {
		shows = append(shows, []string{"-d", "nexthop"})
	}
	for _, args := range shows {
		out := testns.Run(t, h, "ip", args...)
		if args[0] == "route" {
			// The kernel orders some routes by when they came (a link's
			// IPv6 multicast route): compare the set, not the order.
			out = lifetimes.ReplaceAllStringFunc(out, func(m string) string {
				n, _ := strconv.Atoi(m[len("expires ") : len(m)-len("sec")])
				return "expires " + strconv.Itoa((n+5)/10*10) + "sec"
			})
			lines := strings.Split(out, "\n")
			slices.Sort(lines)
			out = strings.Join(lines, "\n")
		}
		b.WriteString(out)
	}
	s := macs.ReplaceAllStringFunc(b.String(), func(m string) string {
		if strings.HasPrefix(m, "02:00:00:00:00:") || m == "02:11:22:33:44:55" || m == "ff:ff:ff:ff:ff:ff" || m == "00:00:00:00:00:00" {
			return m // set by a command, or not random
		}
		return "MAC"
	})
	return settled(s)
}

// The write half of the differential suite.
func TestWritesEqualIP(t *testing.T) {
	testns.LookPath(t, "ip")
	fresh := func(base []string) *ns.Handle {
		h := testns.New(t)
		for _, s := range []string{"net.ipv6.conf.default.addr_gen_mode=1", "net.ipv6.conf.lo.addr_gen_mode=1"} {
			testns.Run(t, h, "sysctl", "-qw", s)
		}
		for _, c := range base {
			testns.Run(t, h, "ip", strings.Fields(c)...)
		}
		return h
	}
	same := 0
	for _, lines := range compatWrites {
		name := strings.Join(lines, "; ")
		base := compatBase
		nexthops := strings.Contains(name, "nhid") || strings.Contains(name, "nexthop")
		if nexthops {
			base = append(slices.Clone(compatBase), compatNexthops...)
		}
		byIP, byNsnet := fresh(base), fresh(base)
		ipOK, nsnetOK := true, true
		var ipOut, nsnetOut string // what each printed: ip's -s flush rounds, Flushed N nexthops
		for _, l := range lines {
			out, err := testns.Try(byIP, "ip", strings.Fields(l)...)
			ipOut += out
			if err != nil {
				ipOK = false
			}
			out, _, code := cli(t, append([]string{"-n", nsArg(byNsnet)}, strings.Fields(l)...)...)
			nsnetOut += out
			if code != 0 {
				nsnetOK = false
			}
		}
		// The kernel finishes some changes a moment later (carrier,
		// operstate, the routes that follow them): read again while the
		// two differ, for up to two seconds. A real difference stays.
		want, got := compatState(t, byIP, nexthops), compatState(t, byNsnet, nexthops)
		for try := 0; want != got && try < 10; try++ {
			time.Sleep(200 * time.Millisecond)
			want, got = compatState(t, byIP, nexthops), compatState(t, byNsnet, nexthops)
		}
		byIP.Close()
		byNsnet.Close()
		equal := want == got && ipOK == nsnetOK && ipOut == nsnetOut
		switch {
		case equal && compatWriteDeviations[name]:
			t.Errorf("%q now has ip's effect: take it off compatWriteDeviations", name)
		case equal:
			same++
		case !compatWriteDeviations[name]:
			t.Errorf("%s: ip ok %v, nsnet ok %v\n--- nsnet printed\n%s--- ip printed\n%s--- after nsnet\n%s--- after ip\n%s", name, ipOK, nsnetOK, nsnetOut, ipOut, got, want)
		}
	}
	t.Logf("writes with ip's effect: %d of %d; listed deviations %d", same, len(compatWrites), len(compatWriteDeviations))
}

// Several reasons in one command all count (ip sends an attribute for
// each, and the kernel takes the last), and every bit is shown where ip
// 6.1 shows bits 0..7 alone: the deviations docs/compat.md lists.
func TestProtoDownReasons(t *testing.T) {
	testns.LookPath(t, "ip")
	h := testns.New(t)
	testns.Run(t, h, "ip", "link", "add", "vx9", "type", "vxlan", "id", "9", "dstport", "4789")
	mustCLI(t, "-n", nsArg(h), "link", "set", "vx9", "protodown_reason", "1", "on", "protodown_reason", "9", "on", "protodown", "on")
	if got, want := testns.Run(t, h, "ip", "-j", "link", "show", "vx9"), `"proto_down":true,"proto_down_reason":["1"]`; !strings.Contains(got, want) {
		t.Errorf("ip -j link show: %s, want %s", got, want)
	}
	if got, want := mustCLI(t, "-n", nsArg(h), "link", "show", "vx9"), " protodown on protodown_reason <1,9>\n"; !strings.Contains(got, want) {
		t.Errorf("nsnet link show: %q, want %q", got, want)
	}
	// Bit 9 off again, and bit 1 left as it was.
	mustCLI(t, "-n", nsArg(h), "link", "set", "vx9", "protodown_reason", "9", "off")
	if got, want := mustCLI(t, "-n", nsArg(h), "-j", "link", "show", "vx9"), `"proto_down":true,"proto_down_reason":["1"]`; !strings.Contains(got, want) {
		t.Errorf("nsnet -j link show: %s, want %s", got, want)
	}
	if _, errs, code := cli(t, "-n", nsArg(h), "link", "set", "vx9", "protodown", "off"); code != 1 || !strings.Contains(errs, "Cannot clear protodown, active reasons") {
		t.Errorf("protodown off with a reason left: exit %d, %q; want 1 and the kernel's reason", code, errs)
	}
}

// With -4 or -6, an address or prefix of the other family is refused
// before anything is sent, as ip's get_addr and get_prefix refuse it, in
// ip's words: measured here against ip for every command that takes one.
// (ip exits 1, nsnet 2: a usage error.)
func TestFamilyRefusedAsIP(t *testing.T) {
	testns.LookPath(t, "ip")
	cmds := []string{
		"-6 route add 10.5.0.0/16 dev v0", "-4 route add fd00:5::/64 dev v0", "-6 route del 10.1.0.0/24",
		"-6 route add default via 10.1.0.2", "-4 route add fd00:6::/64 via 10.1.0.2", "-6 route get 10.1.0.2",
		"-4 route get ::1", "-6 route get fd00:1::1 from 10.1.0.1", "-6 route show 10.1.0.0/24", "-4 route show match ::1",
		"-6 route show root 10.0.0.0/8", "-6 route show via 10.1.0.2", "-4 route show src fd00:1::1",
		"-6 route flush 10.1.0.0/24", "-6 route save 10.0.0.0/8", "-6 addr add 10.9.0.1/24 dev v0",
		"-4 addr add fd00:9::1/64 dev v0", "-6 addr show to 10.0.0.0/8", "-6 addr flush to 10.0.0.0/8",
		"-4 addr add 10.8.0.1 peer fd00::2 dev v0", "-6 neigh add 10.1.0.7 lladdr 02:00:00:00:00:07 dev v0",
		"-4 neigh del fd00:1::7 dev v0", "-6 neigh show to 10.1.0.0/24", "-6 rule add from 10.0.0.0/8",
		"-4 rule add to fd00::/16", "-6 rule del from 10.0.0.0/8", "-6 nexthop add id 5 via 10.1.0.9 dev v0",
		"-4 nexthop add id 5 via fd00:1::9 dev v0",
	}
	expected := regexp.MustCompile(`^Error: (inet6? (prefix|address) is expected rather than "[^"]*")\.$`)
	h := testns.New(t)
	for _, c := range compatBase {
		testns.Run(t, h, "ip", strings.Fields(c)...)
	}
	for _, c := range cmds {
		_, err := testns.Try(h, "ip", strings.Fields(c)...)
		m := []string(nil)
		if err != nil {
			m = expected.FindStringSubmatch(strings.SplitN(err.Error(), ": ", 2)[1])
		}
		if m == nil {
			t.Errorf("ip %s: %v, want a refusal of the family", c, err)
			continue
		}
		_, errs, code := cli(t, append([]string{"-n", nsArg(h)}, strings.Fields(c)...)...)
		if code != 2 || !strings.Contains(errs, m[1]+"\n") {
			t.Errorf("nsnet %s: exit %d %q, want exit 2 and %q", c, code, errs, m[1])
		}
	}
	t.Logf("refused as ip refuses: %d commands", len(cmds))
}
