package ipfmt

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/rtnl"
)

// linkMessage is an RTM_NEWLINK payload: an ifinfomsg, then what add
// puts in.
func linkMessage(add func(e *nl.Encoder)) []byte {
	e := nl.NewEncoder(make([]byte, unix.SizeofIfInfomsg))
	e.String(unix.IFLA_IFNAME, "x")
	add(e)
	b, _ := e.Encode()
	return b
}

// linkInfo nests kind and its data, and a port's kind and data.
func linkInfo(kind string, data func(e *nl.Encoder), port func(e *nl.Encoder), portKind ...string) func(e *nl.Encoder) {
	return func(e *nl.Encoder) {
		e.Uint32(unix.IFLA_PROMISCUITY, 1)
		e.Nest(unix.IFLA_LINKINFO)
		e.String(unix.IFLA_INFO_KIND, kind)
		e.Nest(unix.IFLA_INFO_DATA)
		data(e)
		e.End()
		if port != nil {
			e.String(unix.IFLA_INFO_SLAVE_KIND, append(portKind, "bridge")[0])
			e.Nest(unix.IFLA_INFO_SLAVE_DATA)
			port(e)
			e.End()
		}
		e.End()
		e.Nest(unix.IFLA_AF_SPEC)
		e.Nest(unix.AF_INET6)
		e.Uint8(unix.IFLA_INET6_ADDR_GEN_MODE, 9)
		e.End()
		e.End()
	}
}

// printDetails prints l as ip -d link and ip -j -d link do.
func printDetails(l *rtnl.Link) (string, string) {
	var text, js bytes.Buffer
	(&Printer{W: &text, Details: true}).Links([]rtnl.Link{*l}, nil)
	(&Printer{W: &js, Details: true, JSON: true}).Links([]rtnl.Link{*l}, nil)
	return text.String(), js.String()
}

// What the kernel sends is printed from its attributes in any shape:
// short values, unknown states and modes, a port state past the names,
// attributes repeated or cut short. The printer never panics.
func FuzzLinkDetails(f *testing.F) {
	f.Add(bridgeMessage())
	f.Add(linkMessage(linkInfo("vxlan", func(e *nl.Encoder) {
		e.Uint32(unix.IFLA_VXLAN_ID, 5)
		e.Bytes(unix.IFLA_VXLAN_GROUP6, make([]byte, 15))
		e.Bytes(unix.IFLA_VXLAN_PORT_RANGE, []byte{0, 1, 0, 2})
		e.Uint8(unix.IFLA_VXLAN_TOS, 1)
		e.Uint8(unix.IFLA_VXLAN_DF, 2)
		e.Uint32BE(unix.IFLA_VXLAN_LABEL, 0xfffff)
	}, nil)))
	f.Add(linkMessage(linkInfo("macvtap", func(e *nl.Encoder) {
		e.Uint32(unix.IFLA_MACVLAN_MODE, 16)
		e.Uint16(unix.IFLA_MACVLAN_FLAGS, 3)
		e.Uint32(unix.IFLA_MACVLAN_MACADDR_COUNT, 2)
		e.Nest(unix.IFLA_MACVLAN_MACADDR_DATA)
		e.Bytes(unix.IFLA_MACVLAN_MACADDR, []byte{2, 0, 0, 0, 0, 1})
		e.Bytes(unix.IFLA_MACVLAN_MACADDR, []byte{2})
		e.End()
	}, nil)))
	f.Add(tunMessage())
	f.Add(vlanMessage())
	f.Add(ipvlanMessage())
	f.Add(bondMessage())
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := rtnl.DecodeLink(b)
		if err != nil {
			return
		}
		text, js := printDetails(l)
		if !strings.HasSuffix(text, "\n") || !strings.HasPrefix(js, "[") {
			t.Fatalf("text %q, JSON %q", text, js)
		}
	})
}

// The forms the kernels at hand never send in the differential suite:
// a port state past ip's names, an ethertype, an address generation mode
// by number, a root id other than the bridge's own (ip 6.1 prints the
// bridge's id for both), boolean options, unnamed forwarding mask bits.
func TestLinkDetailsForms(t *testing.T) {
	for _, c := range []struct {
		msg        []byte
		text, json []string
	}{
		{bridgeMessage(), []string{"vlan_protocol 802.1ad ", "designated_root 8000.2:0:0:0:0:1 ", "gc_timer  123.45 ", "no_linklocal_learn 1 mcast_vlan_snooping 0 ",
			"state (7) ", "group_fwd_mask 0x4105 group_fwd_mask_str stp,lacp,0x100,lldp ", "backup_port if3 ", "addrgenmode 0x09 "},
			[]string{`"gc_timer":123.45,`, `"state_index":7,`, `"inet6_addr_gen_mode":"0x09"`}},
		{tunMessage(), []string{"tun type UNKNOWN:7 pi off multi_queue numqueues 3 user 4000000000 "},
			[]string{`"type":"UNKNOWN:7","pi":false,"multi_queue":true,"numqueues":3,"user":4000000000}`}},
		// vlan_print_opt's default protocol, a flag bit it has no name
		// for (in hex after the names), a mapping cut short (ip reads
		// past it; nsnet reads 0); a vrf port's table.
		{vlanMessage(), []string{"vlan protocol 802.1q id 5 <REORDER_HDR,MVRP,40> \n      ingress-qos-map { 1:2 3:0 } ", "vrf_slave table 7 "},
			[]string{`"protocol":"802.1q","id":5,"flags":["REORDER_HDR","MVRP","40"],"ingress_qos":[{"from":1,"to":2},{"from":3,"to":0}]`, `"info_slave_data":{"table":7}`}},
		{ipvlanMessage(), []string{"ipvlan  mode UNKNOWN vepa "}, []string{`"mode":"UNKNOWN","vepa":true`}},
		// A bond's targets without the first (a leading comma and no
		// blank after, as ip),
		// arp_validate none (null in ip's JSON), a mode past the names,
		// ad_info; a port's negative prio and a state past the names.
		{bondMessage(), []string{"bond mode UNKNOWN ,10.0.0.2arp_validate none primary if3 ad_aggregator 4 ",
			"bond_slave state BACKUP mii_status 9 prio -5 ad_actor_oper_port_state 5 ad_actor_oper_port_state_str <active,aggregating> "},
			[]string{`"mode":"UNKNOWN","arp_ip_target":["10.0.0.2"],"arp_validate":null,"primary":"if3","ad_info":{"aggregator":4}`,
				`"info_slave_data":{"state":"BACKUP","mii_status_index":9,"prio":-5,"ad_actor_oper_port_state":5,"ad_actor_oper_port_state_str":["active","aggregating"]}`}},
	} {
		l, err := rtnl.DecodeLink(c.msg)
		if err != nil {
			t.Fatal(err)
		}
		text, js := printDetails(l)
		for _, w := range c.text {
			if !strings.Contains(text, w) {
				t.Errorf("text lacks %q:\n%s", w, text)
			}
		}
		for _, w := range c.json {
			if !strings.Contains(js, w) {
				t.Errorf("JSON lacks %q:\n%s", w, js)
			}
		}
	}
}

// vlanMessage is a vlan that is a vrf's port, in odd values.
func vlanMessage() []byte {
	return linkMessage(linkInfo("vlan", func(e *nl.Encoder) {
		e.Uint16(unix.IFLA_VLAN_ID, 5)
		e.Bytes(unix.IFLA_VLAN_FLAGS, []byte{0x49, 0, 0, 0, 0xff, 0, 0, 0})
		e.Nest(unix.IFLA_VLAN_INGRESS_QOS)
		e.Bytes(unix.IFLA_VLAN_QOS_MAPPING, []byte{1, 0, 0, 0, 2, 0, 0, 0})
		e.Bytes(unix.IFLA_VLAN_QOS_MAPPING, []byte{3, 0, 0, 0})
		e.End()
	}, func(e *nl.Encoder) { e.Uint32(unix.IFLA_VRF_PORT_TABLE, 7) }, "vrf"))
}

// bondMessage is a bond that is a bond's port, in odd values.
func bondMessage() []byte {
	return linkMessage(linkInfo("bond", func(e *nl.Encoder) {
		e.Uint8(unix.IFLA_BOND_MODE, 7)
		e.Uint32(unix.IFLA_BOND_PRIMARY, 3)
		e.Nest(unix.IFLA_BOND_ARP_IP_TARGET)
		e.Bytes(2, []byte{10, 0, 0, 2})
		e.End()
		e.Uint32(unix.IFLA_BOND_ARP_VALIDATE, 0)
		e.Nest(unix.IFLA_BOND_AD_INFO)
		e.Uint16(unix.IFLA_BOND_AD_INFO_AGGREGATOR, 4)
		e.End()
	}, func(e *nl.Encoder) {
		e.Uint8(unix.IFLA_BOND_SLAVE_STATE, 1)
		e.Uint8(unix.IFLA_BOND_SLAVE_MII_STATUS, 9)
		e.Int32(unix.IFLA_BOND_SLAVE_PRIO, -5)
		e.Uint8(unix.IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, 5)
	}, "bond"))
}

// ipvlanMessage is an ipvlan of a mode past ip's names and two flags.
func ipvlanMessage() []byte {
	return linkMessage(linkInfo("ipvlan", func(e *nl.Encoder) {
		e.Uint16(unix.IFLA_IPVLAN_MODE, 3)
		e.Uint16(unix.IFLA_IPVLAN_FLAGS, 2)
	}, nil))
}

// bridgeMessage is a bridge that is also a port, in odd values.
func bridgeMessage() []byte {
	id := []byte{0x80, 0, 2, 0, 0, 0, 0, 1}
	return linkMessage(linkInfo("bridge", func(e *nl.Encoder) {
		e.Bytes(unix.IFLA_BR_ROOT_ID, []byte{0x70, 0, 1, 1, 1, 1, 1, 1})
		e.Bytes(unix.IFLA_BR_BRIDGE_ID, id)
		e.Uint64(unix.IFLA_BR_GC_TIMER, 12345)
		e.Bytes(unix.IFLA_BR_MULTI_BOOLOPT, []byte{1, 0, 0, 0, 3, 0, 0, 0})
		e.Uint16BE(unix.IFLA_BR_VLAN_PROTOCOL, unix.ETH_P_8021AD)
	}, func(e *nl.Encoder) {
		e.Uint8(unix.IFLA_BRPORT_STATE, 7)
		e.Uint16(unix.IFLA_BRPORT_GROUP_FWD_MASK, 0x4105)
		e.Uint32(unix.IFLA_BRPORT_BACKUP_PORT, 3)
	}))
}

// Any route the decoder accepts prints, in every form, without a panic:
// metrics locked without a value, realms, nexthops of every shape.
func FuzzRoutePrint(f *testing.F) {
	// An rtmsg (AF_INET, /0, table main, unicast) and its attributes.
	route := func(add func(e *nl.Encoder)) []byte {
		e := nl.NewEncoder([]byte{unix.AF_INET, 0, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0})
		add(e)
		b, _ := e.Encode()
		return b
	}
	f.Add(route(func(e *nl.Encoder) {
		e.Uint32(unix.RTA_FLOW, 5<<16)
		e.Nest(unix.RTA_METRICS)
		e.Uint32(unix.RTAX_LOCK, 1<<unix.RTAX_MTU|1<<unix.RTAX_CC_ALGO)
		e.Uint32(unix.RTAX_RTT, 1<<31)
		e.Uint32(unix.RTAX_FEATURES, 3)
		e.Uint32(unix.RTAX_HOPLIMIT, 1<<32-1)
		e.String(unix.RTAX_CC_ALGO, "reno")
		e.End()
	}))
	f.Add(route(func(e *nl.Encoder) {
		// Two rtnexthops: OIF 1 with RTA_FLOW 7, OIF 9 with nothing.
		e.Bytes(unix.RTA_MULTIPATH, []byte{16, 0, 0, 0, 1, 0, 0, 0, 8, 0, unix.RTA_FLOW, 0, 7, 0, 0, 0, 8, 0, 0, 255, 9, 0, 0, 0})
	}))
	names := map[int32]string{1: "lo"}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := rtnl.DecodeRoute(b)
		if err != nil {
			return
		}
		for _, p := range []Printer{{}, {Details: true, Oneline: true}, {JSON: true}, {JSON: true, Pretty: true, Details: true}, {Numeric: true}} {
			var out bytes.Buffer
			p.W = &out
			p.Routes([]rtnl.Route{*r}, names)
		}
	})
}

// tunMessage is a tun link of an unknown type, multi_queue, owned by a uid
// no account file names.
func tunMessage() []byte {
	return linkMessage(linkInfo("tun", func(e *nl.Encoder) {
		e.Uint8(unix.IFLA_TUN_TYPE, 7)
		e.Uint8(unix.IFLA_TUN_PI, 0)
		e.Uint8(unix.IFLA_TUN_MULTI_QUEUE, 1)
		e.Uint32(unix.IFLA_TUN_NUM_QUEUES, 3)
		e.Uint32(unix.IFLA_TUN_OWNER, 4000000000)
	}, nil))
}

// FuzzEvents decodes a saved stream of notifications, as monitor file
// does, and prints each event in text, labelled, and JSON: never a panic.
func FuzzEvents(f *testing.F) {
	msg := func(typ uint16, data []byte) []byte {
		return nl.Message{Header: nl.Header{Type: typ}, Data: data}.Append(nil)
	}
	netconf := nl.NewEncoder([]byte{unix.AF_INET, 0, 0, 0})
	netconf.Uint32(rtnl.NetconfIndex, 3)
	netconf.Uint32(rtnl.NetconfForwarding, 1)
	netconf.Uint32(rtnl.NetconfRPFilter, 7)
	nc, _ := netconf.Encode()
	f.Add(append(msg(unix.RTM_NEWNETCONF, nc), msg(unix.RTM_DELLINK, linkMessage(func(e *nl.Encoder) {
		e.Uint32(unix.IFLA_LINK, 0)
		e.Uint32(unix.IFLA_EVENT, 2)
	}))...))
	f.Add(msg(unix.RTM_NEWNEIGH, make([]byte, unix.SizeofNdMsg)))
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, _ := nl.ParseMessages(b)
		evs, _ := rtnl.DecodeEvents(msgs)
		for _, ev := range evs {
			for _, p := range []*Printer{{}, {Labels: true, OneDev: true}, {JSON: true}, {Color: DarkBackground, Details: true}} {
				var out bytes.Buffer
				p.W = &out
				if err := p.Event(ev, map[int32]string{3: "v0"}); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
