package ipfmt

import (
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
)

// The settings of vlan, vrf, ipvlan and bond links and of vrf's and
// bond's ports, as ip 6.1 prints them (vlan_print_opt, vrf_print_opt,
// vrf_slave_print_opt, ipvlan_print_opt, bond_print_opt,
// bond_slave_print_opt).

// IPVLAN_F_* (linux/if_link.h), which x/sys/unix lacks.
const ipvlanFlagPrivate, ipvlanFlagVEPA = 1, 2

// bondMaxTargets is BOND_MAX_ARP_TARGETS and BOND_MAX_NS_TARGETS.
const bondMaxTargets = 16

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

// ipvlanMode is ipvlan's mode, as printed and as `type ipvlan mode`
// reads it (KindSetting).
var ipvlanMode = attrItem{unix.IFLA_IPVLAN_MODE, aEnum16, "mode| mode|l2,l3,l3s"}

// ipvlanDetails is ipvlan_print_opt (ipvtap's too): the mode, then one
// of the flags, bridge when neither is set.
func ipvlanDetails(r *record, tb [][]byte, names map[int32]string) {
	if m := tb[unix.IFLA_IPVLAN_MODE]; len(m) == 2 {
		r.attr(ipvlanMode, m, names)
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

// bondDetails is bond_print_opt: bondSettings up to arp_missed_max,
// the ARP and NS targets, arp_validate (null in JSON when none), up to
// ad_select, the 802.3ad aggregator's information as an object, the
// rest.
func bondDetails(r *record, tb [][]byte, names map[int32]string) {
	r.attrs(tb, bondSettings[1:10], names)
	for _, t := range [...]struct {
		typ uint16
		key string
	}{{unix.IFLA_BOND_ARP_IP_TARGET, "arp_ip_target"}, {unix.IFLA_BOND_NS_IP6_TARGET, "ns_ip6_target"}} {
		if tb[t.typ] == nil {
			continue
		}
		// Targets are typed by their place, 0 to 15. ip names the list
		// only when the first is there, and writes a comma before each
		// that has one before it (a list without the first starts with
		// one).
		targets := nl.Index(tb[t.typ], bondMaxTargets-1)
		var list []string
		for _, v := range targets {
			if v != nil {
				a, _ := netaddr.AddrFromSlice(v)
				list = append(list, a.String())
			}
		}
		text := strings.Join(list, ",")
		switch {
		case targets[0] != nil:
			text = t.key + " " + text + " "
		case list != nil:
			text = "," + text
		}
		r.fp(text)
		if list != nil {
			r.js(t.key, list)
		}
	}
	if v := tb[unix.IFLA_BOND_ARP_VALIDATE]; v != nil {
		if uintN(v, 4) == 0 && r.json {
			r.js("arp_validate", nil)
		} else {
			r.attr(bondSettings[0], v, names)
		}
	}
	r.attrs(tb, bondSettings[10:24], names)
	if ad := tb[unix.IFLA_BOND_AD_INFO]; ad != nil {
		info := r.sub()
		info.attrs(nl.Index(ad, unix.IFLA_BOND_AD_INFO_PARTNER_MAC), bondADInfo, names)
		r.close("ad_info", info)
	}
	r.attrs(tb, bondSettings[24:], names)
}

// bondSettings are what bond_print_opt prints of a bond's settings:
// arp_validate, printed alone, then three runs (bondDetails says where
// each ends).
var bondSettings = []attrItem{
	{unix.IFLA_BOND_ARP_VALIDATE, aEnum32, "arp_validate|arp_validate|none,active,backup,all,filter,filter_active,filter_backup"},
	{unix.IFLA_BOND_MODE, aEnum8, "mode|mode|balance-rr,active-backup,balance-xor,broadcast,802.3ad,balance-tlb,balance-alb"},
	{unix.IFLA_BOND_ACTIVE_SLAVE, aLinkSet, "active_slave"},
	{unix.IFLA_BOND_MIIMON, aU32, "miimon"},
	{unix.IFLA_BOND_UPDELAY, aU32, "updelay"},
	{unix.IFLA_BOND_DOWNDELAY, aU32, "downdelay"},
	{unix.IFLA_BOND_PEER_NOTIF_DELAY, aU32, "peer_notify_delay"},
	{unix.IFLA_BOND_USE_CARRIER, aU8, "use_carrier"},
	{unix.IFLA_BOND_ARP_INTERVAL, aU32, "arp_interval"},
	{unix.IFLA_BOND_MISSED_MAX, aU8, "arp_missed_max"},
	{unix.IFLA_BOND_ARP_ALL_TARGETS, aEnum32, "arp_all_targets|arp_all_targets|any,all"},
	{unix.IFLA_BOND_PRIMARY, aLinkSet, "primary"},
	{unix.IFLA_BOND_PRIMARY_RESELECT, aEnum8, "primary_reselect|primary_reselect|always,better,failure"},
	{unix.IFLA_BOND_FAIL_OVER_MAC, aEnum8, "fail_over_mac|fail_over_mac|none,active,follow"},
	{unix.IFLA_BOND_XMIT_HASH_POLICY, aEnum8, "xmit_hash_policy|xmit_hash_policy|layer2,layer3+4,layer2+3,encap2+3,encap3+4,vlan+srcmac"},
	{unix.IFLA_BOND_RESEND_IGMP, aU32, "resend_igmp"},
	{unix.IFLA_BOND_NUM_PEER_NOTIF, aU8, "num_peer_notif|num_grat_arp"},
	{unix.IFLA_BOND_ALL_SLAVES_ACTIVE, aU8, "all_slaves_active"},
	{unix.IFLA_BOND_MIN_LINKS, aU32, "min_links"},
	{unix.IFLA_BOND_LP_INTERVAL, aU32, "lp_interval"},
	{unix.IFLA_BOND_PACKETS_PER_SLAVE, aU32, "packets_per_slave"},
	{unix.IFLA_BOND_AD_LACP_ACTIVE, aEnum8, "ad_lacp_active|lacp_active|off,on"},
	{unix.IFLA_BOND_AD_LACP_RATE, aEnum8, "ad_lacp_rate|lacp_rate|slow,fast"},
	{unix.IFLA_BOND_AD_SELECT, aEnum8, "ad_select|ad_select|stable,bandwidth,count"},
	{unix.IFLA_BOND_AD_ACTOR_SYS_PRIO, aU16, "ad_actor_sys_prio"},
	{unix.IFLA_BOND_AD_USER_PORT_KEY, aU16, "ad_user_port_key"},
	{unix.IFLA_BOND_AD_ACTOR_SYSTEM, aMAC, "ad_actor_system"},
	{unix.IFLA_BOND_TLB_DYNAMIC_LB, aU8, "tlb_dynamic_lb"},
}

var bondADInfo = []attrItem{
	{unix.IFLA_BOND_AD_INFO_AGGREGATOR, aU16, "aggregator|ad_aggregator"},
	{unix.IFLA_BOND_AD_INFO_NUM_PORTS, aU16, "num_ports|ad_num_ports"},
	{unix.IFLA_BOND_AD_INFO_ACTOR_KEY, aU16, "actor_key|ad_actor_key"},
	{unix.IFLA_BOND_AD_INFO_PARTNER_KEY, aU16, "partner_key|ad_partner_key"},
	{unix.IFLA_BOND_AD_INFO_PARTNER_MAC, aMAC, "partner_mac|ad_partner_mac"},
}

// lacpStates are LACP_STATE_*, as ip names them.
var lacpStates = Names{{1, "active"}, {2, "short_timeout"}, {4, "aggregating"}, {8, "in_sync"}, {16, "collecting"}, {32, "distributing"}, {64, "defaulted"}, {128, "expired"}}

// bondPortDetails is bond_slave_print_opt.
func bondPortDetails(r *record, tb [][]byte, names map[int32]string) {
	r.attrs(tb, bondPortHead, names)
	for _, s := range [...]struct {
		typ uint16
		key string
	}{{unix.IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, "ad_actor_oper_port_state"}, {unix.IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE, "ad_partner_oper_port_state"}} {
		if v := tb[s.typ]; v != nil {
			state := uint32(uintN(v, 1))
			r.num(s.key, s.key, state)
			r.flagList(s.key+"_str", s.key+"_str <", state, lacpStates)
		}
	}
}

var bondPortHead = []attrItem{
	{unix.IFLA_BOND_SLAVE_STATE, aEnumIndex, "state|state|ACTIVE,BACKUP"},
	{unix.IFLA_BOND_SLAVE_MII_STATUS, aEnumIndex, "mii_status|mii_status|UP,GOING_DOWN,DOWN,GOING_BACK"},
	{unix.IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, aU32, "link_failure_count"},
	{unix.IFLA_BOND_SLAVE_PERM_HWADDR, aMAC, "perm_hwaddr"},
	{unix.IFLA_BOND_SLAVE_QUEUE_ID, aU16, "queue_id"},
	{unix.IFLA_BOND_SLAVE_PRIO, aS32, "prio"},
	{unix.IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, aU16, "ad_aggregator_id"},
}

// KindSetting is how `ip link add … type KIND WORD VALUE` sets what -d
// prints under WORD, for bond's settings and ipvlan's mode: the
// attribute, its size in bytes, for a setting by name its names ("a,b,c"
// by number), link true for a link's name, mac for a hardware address.
// The print table says it, so that what nsnet writes and reads cannot
// disagree.
func KindSetting(kind, word string) (typ uint16, size int, names string, link, mac, ok bool) {
	for _, it := range kindSettings(kind, false) {
		if _, w := it.keyWord(); strings.TrimPrefix(w, " ") != word {
			continue
		}
		size = [...]int{aU8: 1, aU16: 2, aU32: 4, aLinkSet: 4, aEnum8: 1, aEnum16: 2, aEnum32: 4, aMAC: 0}[it.form]
		if it.form >= aEnum8 && it.form <= aEnum32 {
			names = it.enumNames()
		}
		return it.typ, size, names, it.form == aLinkSet, it.form == aMAC, true
	}
	return 0, 0, "", false, false, false
}

// kindSettings is the print table of a kind's settings (slave: of its
// ports' settings) where the CLI reads them too: the words `type KIND`
// takes (KindSetting), the links a show of one link names (LinkRefs).
func kindSettings(kind string, slave bool) []attrItem {
	switch {
	case slave && kind == "bridge":
		return bridgePortDetails
	case slave:
	case kind == "bond":
		return bondSettings
	case kind == "ipvlan":
		return []attrItem{ipvlanMode}
	case kind == "vxlan":
		return vxlanLink
	}
	return nil
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
