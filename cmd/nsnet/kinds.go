package main

import (
	"encoding/binary"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/rtnl"
)

// Kinds whose settings nsnet sends as ip does, attribute by attribute
// (rtnl.GenericInfo): vlan, vrf, ipvlan and ipvtap. The words are ip's
// (vlan_parse_opt, vrf_parse_opt, ipvlan_parse_opt).

// kindWords are those kinds' words, each a keyword or its abbreviation,
// the first in ip's order: the attribute it sets and how its value reads
// (kw* below; an enum's names, or a flag's bit, in arg). vlan's flags,
// between id and ingress-qos-map in ip's order, are ipfmt.VLANFlag's.
var kindWords = []struct {
	kind, word string
	attr       uint16
	form, size uint8
	arg        string
}{
	{"vlan", "protocol", unix.IFLA_VLAN_PROTOCOL, kwProto, 2, ""},
	{"vlan", "id", unix.IFLA_VLAN_ID, kwNum, 2, ""},
	{"vlan", "ingress-qos-map", unix.IFLA_VLAN_INGRESS_QOS, kwQoS, 0, ""},
	{"vlan", "egress-qos-map", unix.IFLA_VLAN_EGRESS_QOS, kwQoS, 0, ""},
	{"vrf", "table", unix.IFLA_VRF_TABLE, kwTable, 4, ""},
	{"ipvlan", "mode", unix.IFLA_IPVLAN_MODE, kwEnum, 2, "l2,l3,l3s"},
	{"ipvlan", "private", unix.IFLA_IPVLAN_FLAGS, kwIpvlanFlag, 2, "\x01"},
	{"ipvlan", "vepa", unix.IFLA_IPVLAN_FLAGS, kwIpvlanFlag, 2, "\x02"},
	{"ipvlan", "bridge", unix.IFLA_IPVLAN_FLAGS, kwIpvlanFlag, 2, "\x00"},
}

// How a kind's word reads its value.
const (
	kwNum        = iota // a number of size bytes
	kwEnum              // a name of arg's ("a,b,c" by number) or its number
	kwProto             // 802.1Q, 802.1ad or a number, big-endian
	kwQoS               // FROM:TO...
	kwTable             // a routing table's name or number
	kwIpvlanFlag        // no value: one of ipvlan's flags, the first given
)

// parseKindSettings reads the words after `type KIND` for the kinds
// above; false if kind is none of them.
func (e *env) parseKindSettings(w *words, kind string, r *linkRequest) (bool, error) {
	base := kind
	if kind == "ipvtap" {
		base = "ipvlan"
	}
	if base != "vlan" && base != "vrf" && base != "ipvlan" {
		return false, nil
	}
	g := &rtnl.GenericInfo{KindName: kind}
	r.link.Info = g
	var flags, mask uint32 // vlan's; ipvlan's (sent even when none is given, as ip does)
	for w.more() {
		kw := w.next()
		i := 0
		for i < len(kindWords) && !(kindWords[i].kind == base && matches(kw, kindWords[i].word)) {
			i++
		}
		if i == len(kindWords) {
			// vlan's flags, on|off: bits of struct ifla_vlan_flags, as
			// -d names them.
			bit, ok := ipfmt.VLANFlag(kw)
			if base != "vlan" || !ok {
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
		k := &kindWords[i]
		n, raw, err := uint64(0), []byte(nil), error(nil)
		switch k.form {
		case kwNum:
			n, err = w.uint(kw, int(k.size)*8)
		case kwEnum:
			n, err = enumValue(w, kw, strings.Split(k.arg, ","))
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

// enumValue reads a setting by its name in names (by number) or its
// number, as ip's get_index.
func enumValue(w *words, kw string, names []string) (uint64, error) {
	s, err := w.value(kw)
	if err != nil {
		return 0, err
	}
	if n, ok := num.Uint(s, 10, 31); ok && n < uint64(len(names)) {
		return n, nil
	}
	for i, name := range names {
		if name == s {
			return uint64(i), nil
		}
	}
	return 0, w.usagef("%s %q is not one of %s", kw, s, strings.Join(names, ", "))
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
