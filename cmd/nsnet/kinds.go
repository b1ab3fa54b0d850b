package main

import (
	"encoding/binary"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/rtnl"
)

// Kinds whose settings nsnet sends as ip does, attribute by attribute
// (rtnl.GenericInfo): vlan, vrf, ipvlan, ipvtap and bond. The words are
// ip's (vlan_parse_opt, vrf_parse_opt, ipvlan_parse_opt,
// bond_parse_opt).

// kindWords are those kinds' words, each a keyword or its abbreviation,
// the first in ip's order: the attribute it sets and how its value reads
// (kw* below; an enum's names, or a flag's bit, in arg). vlan's flags,
// between id and ingress-qos-map in ip's order, are ipfmt.VLANFlag's.
var kindWords = []kindWord{
	{"vlan", "protocol", unix.IFLA_VLAN_PROTOCOL, kwProto, 2, ""},
	{"vlan", "id", unix.IFLA_VLAN_ID, kwNum, 2, ""},
	{"vlan", "ingress-qos-map", unix.IFLA_VLAN_INGRESS_QOS, kwQoS, 0, ""},
	{"vlan", "egress-qos-map", unix.IFLA_VLAN_EGRESS_QOS, kwQoS, 0, ""},
	{"vrf", "table", unix.IFLA_VRF_TABLE, kwTable, 4, ""},
	{"ipvlan", "mode", unix.IFLA_IPVLAN_MODE, kwName, 2, ""},
	{"ipvlan", "private", unix.IFLA_IPVLAN_FLAGS, kwIpvlanFlag, 2, "\x01"},
	{"ipvlan", "vepa", unix.IFLA_IPVLAN_FLAGS, kwIpvlanFlag, 2, "\x02"},
	{"ipvlan", "bridge", unix.IFLA_IPVLAN_FLAGS, kwIpvlanFlag, 2, "\x00"},
	{"bond", "clear_active_slave", unix.IFLA_BOND_ACTIVE_SLAVE, kwNone, 4, ""},
	{"bond", "arp_ip_target", unix.IFLA_BOND_ARP_IP_TARGET, kwTargets, 4, ""},
	{"bond", "ns_ip6_target", unix.IFLA_BOND_NS_IP6_TARGET, kwTargets, 16, ""},
}

// bondWords are bond_parse_opt's words in its order (an abbreviation
// means the first it fits; "=": only whole). Those kindWords does not
// have, ipfmt.KindSetting says from what -d prints under them.
const bondWords = "mode active_slave clear_active_slave miimon updelay downdelay peer_notify_delay use_carrier " +
	"arp_interval arp_ip_target =ns_ip6_target arp_validate arp_all_targets =arp_missed_max primary " +
	"primary_reselect fail_over_mac xmit_hash_policy resend_igmp num_grat_arp num_unsol_na all_slaves_active " +
	"min_links lp_interval packets_per_slave lacp_rate =lacp_active ad_select ad_user_port_key ad_actor_sys_prio " +
	"ad_actor_system tlb_dynamic_lb"

type kindWord struct {
	kind, word string
	attr       uint16
	form, size uint8
	arg        string
}

// How a kind's word reads its value.
const (
	kwNum        = iota // a number of size bytes
	kwEnum              // a name of arg's ("a,b,c" by number) or its number
	kwName              // a name of arg's only
	kwLink              // a link's name: its index
	kwMAC               // a hardware address
	kwProto             // 802.1Q, 802.1ad or a number, big-endian
	kwQoS               // FROM:TO...
	kwTable             // a routing table's name or number
	kwIpvlanFlag        // no value: one of ipvlan's flags, the first given
	kwTargets           // [ADDR,ADDR...], each of size bytes
	kwNone              // no value: 0
)

// parseKindSettings reads the words after `type KIND` for the kinds
// above; false if kind is none of them.
func (e *env) parseKindSettings(w *words, kind string, r *linkRequest) (bool, error) {
	base := kind
	if kind == "ipvtap" {
		base = "ipvlan"
	}
	if base != "vlan" && base != "vrf" && base != "ipvlan" && base != "bond" {
		return false, nil
	}
	g := &rtnl.GenericInfo{KindName: kind}
	r.link.Info = g
	var flags, mask uint32 // vlan's; ipvlan's (sent even when none is given, as ip does)
	for w.more() {
		kw := w.next()
		word := kw
		if base == "bond" { // the word of ip's that kw is, in ip's order
			word = ""
			for rest, b := bondWords, ""; rest != "" && word == ""; {
				b, rest, _ = strings.Cut(rest, " ")
				if b == "="+kw || b[0] != '=' && matches(kw, b) {
					word = strings.TrimPrefix(b, "=")
				}
			}
			if word == "num_unsol_na" {
				word = "num_grat_arp"
			}
		}
		i := 0
		for i < len(kindWords) && !(kindWords[i].kind == base && matches(word, kindWords[i].word)) {
			i++
		}
		if i == len(kindWords) && base == "vlan" {
			// vlan's flags, on|off: bits of struct ifla_vlan_flags, as
			// -d names them.
			bit, ok := ipfmt.VLANFlag(kw)
			if !ok {
				return true, w.usagef("%s: unknown setting %q", kind, kw)
			}
			on, err := w.onOff(kw)
			if err != nil {
				return true, err
			}
			mask |= bit
			if flags &^= bit; on {
				flags |= bit
			}
			continue
		}
		var k kindWord
		if i < len(kindWords) {
			k = kindWords[i]
		}
		names := k.arg
		if i == len(kindWords) || k.form == kwName { // what the print tables say
			attr, size, enum, link, mac, ok := ipfmt.KindSetting(base, word)
			if !ok {
				return true, w.usagef("%s: unknown setting %q", kind, kw)
			}
			k.attr, k.size, names = attr, uint8(size), enum
			switch {
			case k.form == kwName:
			case enum != "":
				k.form = kwEnum
			case link:
				k.form = kwLink
			case mac:
				k.form = kwMAC
			}
		}
		n, raw, err := uint64(0), []byte(nil), error(nil)
		switch k.form {
		case kwNum:
			n, err = w.uint(kw, int(k.size)*8)
		case kwEnum, kwName:
			n, err = enumValue(w, kw, names, k.form == kwEnum)
		case kwLink:
			var dev string
			dev, err = w.ifname(kw)
			r.named = append(r.named, namedSetting{g, k.attr, dev})
		case kwMAC:
			var m rtnl.HardwareAddr
			m, err = w.mac(kw)
			raw = m
		case kwTargets:
			raw, err = bondTargets(w, kw, k.size)
		case kwProto:
			raw, err = vlanProtocol(w, kind, k.word)
		case kwQoS:
			raw, err = qosMap(w, kw)
		case kwTable:
			var s string
			if s, err = w.value(kw); err == nil {
				var t uint32
				t, err = namedNumber(w, kw, s, ipfmt.Tables, 1<<32-1)
				n = uint64(t)
			}
		case kwIpvlanFlag:
			if mask != 0 {
				return true, w.usagef("%s: %q after another of bridge, private, vepa", kind, kw)
			}
			flags, mask = uint32(k.arg[0]), 1
			continue
		}
		if err != nil {
			return true, err
		}
		g.Settings = append(g.Settings, rtnl.Setting{Attr: k.attr, Size: k.size, Value: n, Raw: raw})
	}
	switch base {
	case "vlan": // struct ifla_vlan_flags, last, as ip sends it
		if mask != 0 {
			g.Settings = append(g.Settings, rtnl.Setting{Attr: unix.IFLA_VLAN_FLAGS,
				Raw: binary.NativeEndian.AppendUint32(binary.NativeEndian.AppendUint32(nil, flags), mask)})
		}
	case "ipvlan":
		g.Settings = append(g.Settings, rtnl.Setting{Attr: unix.IFLA_IPVLAN_FLAGS, Size: 2, Value: uint64(flags)})
	}
	return true, nil
}

// vlanProtocol reads the value of kind's word for a VLAN protocol:
// 802.1Q, 802.1ad or a number, big-endian as the kernel takes it.
func vlanProtocol(w *words, kind, word string) ([]byte, error) {
	s, err := w.value(word)
	if err != nil {
		return nil, err
	}
	p, err := ipfmt.VLANProtocols.Parse(s, 0xffff)
	if err != nil {
		return nil, w.usagef("%s: %s %v", kind, word, err)
	}
	return binary.BigEndian.AppendUint16(nil, uint16(p)), nil
}

// enumValue reads a setting by its name in names ("a,b,c" by number),
// or, if number, its number as ip's get_index takes it.
func enumValue(w *words, kw, names string, number bool) (uint64, error) {
	s, err := w.value(kw)
	if err != nil {
		return 0, err
	}
	n, isNum := num.Uint(s, 10, 31)
	var i uint64
	for rest, name := names, ""; rest != ""; i++ {
		name, rest, _ = strings.Cut(rest, ",")
		if name == s || number && isNum && n == i {
			return i, nil
		}
	}
	return 0, w.usagef("%s %q is not one of %s", kw, s, names)
}

// qosMap reads vlan's FROM:TO... (parse_mapping): the words that hold a
// colon, each a struct ifla_vlan_qos_mapping in IFLA_VLAN_QOS_MAPPING.
func qosMap(w *words, kw string) ([]byte, error) {
	e := nl.NewEncoder(nil)
	for w.more() && strings.Contains(w.args[0], ":") {
		s := w.next()
		from, to, _ := strings.Cut(s, ":")
		f, ok1 := num.Uint(from, 0, 32)
		t, ok2 := num.Uint(to, 0, 32)
		if !ok1 || !ok2 {
			return nil, w.usagef("%s %q is not FROM:TO", kw, s)
		}
		e.Bytes(unix.IFLA_VLAN_QOS_MAPPING, binary.NativeEndian.AppendUint32(binary.NativeEndian.AppendUint32(nil, uint32(f)), uint32(t)))
	}
	return e.Encode()
}

// bondTargets reads arp_ip_target's (IPv4, size 4) or ns_ip6_target's
// (IPv6, 16) ADDR[,ADDR...]: each address an attribute typed by its
// place. With no value, as the last word, none: the targets are
// cleared.
func bondTargets(w *words, kw string, size uint8) ([]byte, error) {
	if !w.more() {
		return []byte{}, nil
	}
	s := w.next()
	e := nl.NewEncoder(nil)
	for i, a := range strings.Split(s, ",") {
		addr, err := netaddr.ParseAddr(a)
		if err != nil || len(addr.AsSlice()) != int(size) || i >= 16 {
			return nil, w.usagef("%s %q is not a list of up to 16 addresses of %d bytes", kw, s, size)
		}
		e.Bytes(uint16(i), addr.AsSlice())
	}
	return e.Encode()
}

// namedSetting is a setting whose value is a link's index, known once a
// connection to the link's namespace is open.
type namedSetting struct {
	info *rtnl.GenericInfo
	attr uint16
	dev  string
}
