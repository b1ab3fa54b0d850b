package ipfmt

import (
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// The settings of vlan, vrf and ipvlan links and of a vrf's ports, as
// ip 6.1 prints them (vlan_print_opt, vrf_print_opt, vrf_slave_print_opt,
// ipvlan_print_opt).

// IPVLAN_F_* (linux/if_link.h), which x/sys/unix lacks.
const ipvlanFlagPrivate, ipvlanFlagVEPA = 1, 2

// vlanFlags are VLAN_FLAG_* in ip's order (MVRP, 8, before
// LOOSE_BINDING, 4).
var vlanFlags = Names{{1, "REORDER_HDR"}, {2, "GVRP"}, {8, "MVRP"}, {4, "LOOSE_BINDING"}, {16, "BRIDGE_BINDING"}}

// VLANFlag is the bit `type vlan WORD on|off` sets: WORD a name of
// vlanFlags in lower case, or its abbreviation (the first it fits, in
// vlan_parse_opt's order, which is vlanFlags').
func VLANFlag(word string) (uint32, bool) {
	for _, f := range vlanFlags {
		if word != "" && len(word) <= len(f.name) && EqualFold(word, f.name[:len(word)]) {
			return f.n, true
		}
	}
	return 0, false
}

// vlanDetails is vlan_print_opt. A protocol or id too short to read, or
// flags too short, end what ip prints of the kind there.
func vlanDetails(r *record, tb [][]byte, names map[int32]string) {
	proto, id := tb[unix.IFLA_VLAN_PROTOCOL], tb[unix.IFLA_VLAN_ID]
	if proto != nil && len(proto) < 2 || len(id) < 2 {
		return
	}
	if proto == nil {
		r.str("protocol", "protocol", "802.1q")
	} else {
		r.attr(attrItem{unix.IFLA_VLAN_PROTOCOL, aLLProto, "protocol"}, proto, names)
	}
	r.num("id", "id", uint32(uintN(id, 2)))
	if f := tb[unix.IFLA_VLAN_FLAGS]; f != nil {
		if len(f) < 8 { // struct ifla_vlan_flags { flags, mask; }
			return
		}
		r.flagList("flags", "<", uint32(uintN(f, 4)), vlanFlags)
	}
	for _, m := range [...]struct {
		typ       uint16
		key, word string
	}{{unix.IFLA_VLAN_INGRESS_QOS, "ingress_qos", "ingress-qos-map"}, {unix.IFLA_VLAN_EGRESS_QOS, "egress_qos", "egress-qos-map"}} {
		if tb[m.typ] == nil {
			continue
		}
		// A list of struct ifla_vlan_qos_mapping { from, to; }.
		r.fp("\n      ", m.word, " { ")
		var maps []Object
		for d := nl.NewDecoder(tb[m.typ]); d.Next(); {
			v := d.Bytes()
			from, to := uintN(v, 4), uintN(v[min(len(v), 4):], 4)
			maps = append(maps, Object{{Key: "from", Value: from}, {Key: "to", Value: to}})
			r.fp(utoa(from), ":", utoa(to), " ")
		}
		r.js(m.key, maps)
		r.fp("} ")
	}
}

// flagList is ip's `<A,B> ` of the bits of flags that names name, in
// its order, the bits without a name in hex after them, with open before
// it in text (open_json_array prints its name there); JSON has the names
// as an array under key.
func (r *record) flagList(key, open string, flags uint32, names Names) {
	var list []string
	for _, n := range names {
		if flags&n.n != 0 {
			flags &^= n.n
			list = append(list, n.name)
		}
	}
	if flags != 0 {
		list = append(list, hex0x(flags)[2:])
	}
	r.any(key, open+strings.Join(list, ",")+"> ", list)
}

// vrfDetails and vrfPortDetails are vrf_print_opt and
// vrf_slave_print_opt.
var (
	vrfDetails     = []attrItem{{unix.IFLA_VRF_TABLE, aU32, "table"}}
	vrfPortDetails = []attrItem{{unix.IFLA_VRF_PORT_TABLE, aU32, "table"}}
)

// ipvlanDetails is ipvlan_print_opt (ipvtap's too): the mode, then one
// of the flags, bridge when neither is set.
func ipvlanDetails(r *record, tb [][]byte, names map[int32]string) {
	if m := tb[unix.IFLA_IPVLAN_MODE]; len(m) == 2 {
		r.attr(attrItem{unix.IFLA_IPVLAN_MODE, aEnum16, "mode| mode|l2,l3,l3s"}, m, names)
	}
	if f := tb[unix.IFLA_IPVLAN_FLAGS]; len(f) == 2 {
		flag := "bridge"
		switch flags := uintN(f, 2); {
		case flags&ipvlanFlagPrivate != 0:
			flag = "private"
		case flags&ipvlanFlagVEPA != 0:
			flag = "vepa"
		}
		r.any(flag, flag+" ", true)
	}
}

// enumName is the name of value n in names, "a,b,c" by number; ok is
// false past its end.
func enumName(names string, n uint64) (string, bool) {
	for i := uint64(0); names != ""; i++ {
		var name string
		name, names, _ = strings.Cut(names, ",")
		if i == n {
			return name, true
		}
	}
	return "", false
}
