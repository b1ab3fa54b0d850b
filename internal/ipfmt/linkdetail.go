package ipfmt

import (
	"encoding/binary"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/rtnl"
)

// What ip -d adds to a link is a walk over the link's attributes in ip's
// own order, each printed by one of a few print_* calls. The tables below
// are those walks (print_linkinfo's show_details block, bridge_print_opt,
// bridge_slave_print_opt of iproute2 6.1); the forms are the calls. The
// kernel's attributes come from rtnl.Link.Attrs, looked up by nl.Index.

// attrForm is how ip prints one attribute.
type attrForm uint8

const (
	aU8 attrForm = iota // print_uint: `word N ` / "key": N
	aU16
	aU32
	aU64
	aHex16        // print_0xhex of a u16: `word 0x1f ` / "key": "0x1f" (0 is "0", as %#llx has it)
	aOnOff        // print_on_off of a u8: `word on ` / "key": true
	aTimer        // a u64 of centiseconds: `word    1.50 ` / "key": 1.50
	aBridgeID     // struct ifla_bridge_id: `word 8000.aa:bb:cc:dd:ee:ff `
	aMAC          // `word aa:bb:cc:dd:ee:ff `
	aString       // a NUL-terminated string
	aHexBytes     // bytes as hex digits, ip's hexstring_n2a
	aLLProto      // a be16 ethertype by name: 802.1Q
	aPortState    // BR_STATE_* by name, or `state (N) ` / "state_index": N
	aFwdMaskStr   // group_fwd_mask as names: stp,lacp,0x2000 / 0x0
	aLinkName     // a u32 link index as a name
	aLinkSet      // the same, printed only when not 0
	aOptNoLLLearn // bit BR_BOOLOPT_NO_LL_LEARN of struct br_boolopt_multi, when in its mask
	aOptMcastVlan // bit BR_BOOLOPT_MCAST_VLAN_SNOOPING, the same way
	aTunType      // a u8 IFF_TUN or IFF_TAP: tun, tap, UNKNOWN:N
	aUser         // a u32 uid, by name from /etc/passwd: `user root ` / "user": "root"; else the number
	aGroup        // a u32 gid, the same from /etc/group
	aFlag         // a u8 that is printed only when not 0: `word ` / "key": true
	aPresent      // an attribute that says yes by being there (NLA_FLAG): the same
	aNoFlag       // a u8 on or off: `word ` or `noword ` / "key": true or false
	aS32          // print_int of an s32
	aEnum8        // a u8 by name: "key|word|name0,name1,…"; UNKNOWN past them
	aEnum16       // the same of a u16
	aEnum32       // the same of a u32
	aEnumIndex    // a u8 the same; past the names `word N ` / "key_index": N
)

// attrItem is one print_* call: attribute typ, when present, printed in
// form under names: "key|word", the JSON key (none before the bar: text
// only) and the word in text (none after it: JSON only), or one name for
// both; an enum's value names follow a second bar. One string, not
// several: the tables' other string headers were 2 KB of a binary that
// must fit an initramfs.
type attrItem struct {
	typ   uint16
	form  attrForm
	names string
}

// keyWord are the JSON key and the text word of it.
func (it attrItem) keyWord() (key, word string) {
	key, word, bar := strings.Cut(it.names, "|")
	if !bar {
		word = key
	}
	word, _, _ = strings.Cut(word, "|")
	return key, word
}

// enumNames are an enum's value names, "a,b,c" by number: what follows
// the second bar of names.
func (it attrItem) enumNames() string { return it.names[strings.LastIndexByte(it.names, '|')+1:] }

// maxIndexed is above every attribute type the tables name.
const maxIndexed = 64

// linkDetailsHead and linkDetailsTail come before and after the kind's
// settings (and, for ip link, the IPv6 address generation mode). ip
// prints promiscuity and allmulti with a blank on both sides.
var linkDetailsHead = []attrItem{
	{unix.IFLA_PROMISCUITY, aU32, "promiscuity| promiscuity"},
	{unix.IFLA_ALLMULTI, aU32, "allmulti| allmulti"},
	{unix.IFLA_MIN_MTU, aU32, "min_mtu|minmtu"},
	{unix.IFLA_MAX_MTU, aU32, "max_mtu|maxmtu"},
}

var linkDetailsTail = []attrItem{
	{unix.IFLA_NUM_TX_QUEUES, aU32, "num_tx_queues|numtxqueues"},
	{unix.IFLA_NUM_RX_QUEUES, aU32, "num_rx_queues|numrxqueues"},
	{unix.IFLA_GSO_MAX_SIZE, aU32, "gso_max_size"},
	{unix.IFLA_GSO_MAX_SEGS, aU32, "gso_max_segs"},
	{unix.IFLA_TSO_MAX_SIZE, aU32, "tso_max_size"},
	{unix.IFLA_TSO_MAX_SEGS, aU32, "tso_max_segs"},
	{unix.IFLA_GRO_MAX_SIZE, aU32, "gro_max_size"},
	{unix.IFLA_PHYS_PORT_NAME, aString, "phys_port_name|portname"},
	{unix.IFLA_PHYS_PORT_ID, aHexBytes, "phys_port_id|portid"},
	{unix.IFLA_PHYS_SWITCH_ID, aHexBytes, "phys_switch_id|switchid"},
	{unix.IFLA_PARENT_DEV_BUS_NAME, aString, "parentbus"},
	{unix.IFLA_PARENT_DEV_NAME, aString, "parentdev"},
}

// bridgeDetails is bridge_print_opt. ip 6.1 prints the bridge's own id
// as designated_root (it reads IFLA_BR_BRIDGE_ID for both); the printer
// does the same so that the output is ip's.
var bridgeDetails = []attrItem{
	{unix.IFLA_BR_FORWARD_DELAY, aU32, "forward_delay"},
	{unix.IFLA_BR_HELLO_TIME, aU32, "hello_time"},
	{unix.IFLA_BR_MAX_AGE, aU32, "max_age"},
	{unix.IFLA_BR_AGEING_TIME, aU32, "ageing_time"},
	{unix.IFLA_BR_STP_STATE, aU32, "stp_state"},
	{unix.IFLA_BR_PRIORITY, aU16, "priority"},
	{unix.IFLA_BR_VLAN_FILTERING, aU8, "vlan_filtering"},
	{unix.IFLA_BR_VLAN_PROTOCOL, aLLProto, "vlan_protocol"},
	{unix.IFLA_BR_BRIDGE_ID, aBridgeID, "bridge_id"},
	{unix.IFLA_BR_ROOT_ID, aBridgeID, "root_id|designated_root"},
	{unix.IFLA_BR_ROOT_PORT, aU16, "root_port"},
	{unix.IFLA_BR_ROOT_PATH_COST, aU32, "root_path_cost"},
	{unix.IFLA_BR_TOPOLOGY_CHANGE, aU8, "topology_change"},
	{unix.IFLA_BR_TOPOLOGY_CHANGE_DETECTED, aU8, "topology_change_detected"},
	{unix.IFLA_BR_HELLO_TIMER, aTimer, "hello_timer"},
	{unix.IFLA_BR_TCN_TIMER, aTimer, "tcn_timer"},
	{unix.IFLA_BR_TOPOLOGY_CHANGE_TIMER, aTimer, "topology_change_timer"},
	{unix.IFLA_BR_GC_TIMER, aTimer, "gc_timer"},
	{unix.IFLA_BR_VLAN_DEFAULT_PVID, aU16, "vlan_default_pvid"},
	{unix.IFLA_BR_VLAN_STATS_ENABLED, aU8, "vlan_stats_enabled"},
	{unix.IFLA_BR_VLAN_STATS_PER_PORT, aU8, "vlan_stats_per_port"},
	{unix.IFLA_BR_GROUP_FWD_MASK, aHex16, "group_fwd_mask"},
	{unix.IFLA_BR_GROUP_ADDR, aMAC, "group_addr|group_address"},
	{unix.IFLA_BR_MCAST_SNOOPING, aU8, "mcast_snooping"},
	{unix.IFLA_BR_MULTI_BOOLOPT, aOptNoLLLearn, "no_linklocal_learn"},
	{unix.IFLA_BR_MULTI_BOOLOPT, aOptMcastVlan, "mcast_vlan_snooping"},
	{unix.IFLA_BR_MCAST_ROUTER, aU8, "mcast_router"},
	{unix.IFLA_BR_MCAST_QUERY_USE_IFADDR, aU8, "mcast_query_use_ifaddr"},
	{unix.IFLA_BR_MCAST_QUERIER, aU8, "mcast_querier"},
	{unix.IFLA_BR_MCAST_HASH_ELASTICITY, aU32, "mcast_hash_elasticity"},
	{unix.IFLA_BR_MCAST_HASH_MAX, aU32, "mcast_hash_max"},
	{unix.IFLA_BR_MCAST_LAST_MEMBER_CNT, aU32, "mcast_last_member_cnt|mcast_last_member_count"},
	{unix.IFLA_BR_MCAST_STARTUP_QUERY_CNT, aU32, "mcast_startup_query_cnt|mcast_startup_query_count"},
	{unix.IFLA_BR_MCAST_LAST_MEMBER_INTVL, aU64, "mcast_last_member_intvl|mcast_last_member_interval"},
	{unix.IFLA_BR_MCAST_MEMBERSHIP_INTVL, aU64, "mcast_membership_intvl|mcast_membership_interval"},
	{unix.IFLA_BR_MCAST_QUERIER_INTVL, aU64, "mcast_querier_intvl|mcast_querier_interval"},
	{unix.IFLA_BR_MCAST_QUERY_INTVL, aU64, "mcast_query_intvl|mcast_query_interval"},
	{unix.IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, aU64, "mcast_query_response_intvl|mcast_query_response_interval"},
	{unix.IFLA_BR_MCAST_STARTUP_QUERY_INTVL, aU64, "mcast_startup_query_intvl|mcast_startup_query_interval"},
	{unix.IFLA_BR_MCAST_STATS_ENABLED, aU8, "mcast_stats_enabled"},
	{unix.IFLA_BR_MCAST_IGMP_VERSION, aU8, "mcast_igmp_version"},
	{unix.IFLA_BR_MCAST_MLD_VERSION, aU8, "mcast_mld_version"},
	{unix.IFLA_BR_NF_CALL_IPTABLES, aU8, "nf_call_iptables"},
	{unix.IFLA_BR_NF_CALL_IP6TABLES, aU8, "nf_call_ip6tables"},
	{unix.IFLA_BR_NF_CALL_ARPTABLES, aU8, "nf_call_arptables"},
}

// bridgePortDetails is bridge_slave_print_opt. fastleave comes twice, the
// second time in text only (ip's JSON has it once).
var bridgePortDetails = []attrItem{
	{unix.IFLA_BRPORT_STATE, aPortState, "state"},
	{unix.IFLA_BRPORT_PRIORITY, aU16, "priority"},
	{unix.IFLA_BRPORT_COST, aU32, "cost"},
	{unix.IFLA_BRPORT_MODE, aOnOff, "hairpin"},
	{unix.IFLA_BRPORT_GUARD, aOnOff, "guard"},
	{unix.IFLA_BRPORT_PROTECT, aOnOff, "root_block"},
	{unix.IFLA_BRPORT_FAST_LEAVE, aOnOff, "fastleave"},
	{unix.IFLA_BRPORT_LEARNING, aOnOff, "learning"},
	{unix.IFLA_BRPORT_UNICAST_FLOOD, aOnOff, "flood"},
	{unix.IFLA_BRPORT_ID, aHex16, "id|port_id"},
	{unix.IFLA_BRPORT_NO, aHex16, "no|port_no"},
	{unix.IFLA_BRPORT_DESIGNATED_PORT, aU16, "designated_port"},
	{unix.IFLA_BRPORT_DESIGNATED_COST, aU16, "designated_cost"},
	{unix.IFLA_BRPORT_BRIDGE_ID, aBridgeID, "bridge_id|designated_bridge"},
	{unix.IFLA_BRPORT_ROOT_ID, aBridgeID, "root_id|designated_root"},
	{unix.IFLA_BRPORT_HOLD_TIMER, aTimer, "hold_timer"},
	{unix.IFLA_BRPORT_MESSAGE_AGE_TIMER, aTimer, "message_age_timer"},
	{unix.IFLA_BRPORT_FORWARD_DELAY_TIMER, aTimer, "forward_delay_timer"},
	{unix.IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, aU8, "topology_change_ack"},
	{unix.IFLA_BRPORT_CONFIG_PENDING, aU8, "config_pending"},
	{unix.IFLA_BRPORT_PROXYARP, aOnOff, "proxy_arp"},
	{unix.IFLA_BRPORT_PROXYARP_WIFI, aOnOff, "proxy_arp_wifi"},
	{unix.IFLA_BRPORT_MULTICAST_ROUTER, aU8, "multicast_router|mcast_router"},
	{unix.IFLA_BRPORT_FAST_LEAVE, aOnOff, "|mcast_fast_leave"},
	{unix.IFLA_BRPORT_MCAST_FLOOD, aOnOff, "mcast_flood"},
	{unix.IFLA_BRPORT_BCAST_FLOOD, aOnOff, "bcast_flood"},
	{unix.IFLA_BRPORT_MCAST_TO_UCAST, aOnOff, "mcast_to_unicast"},
	{unix.IFLA_BRPORT_NEIGH_SUPPRESS, aOnOff, "neigh_suppress"},
	{unix.IFLA_BRPORT_GROUP_FWD_MASK, aHex16, "group_fwd_mask"},
	{unix.IFLA_BRPORT_GROUP_FWD_MASK, aFwdMaskStr, "group_fwd_mask_str"},
	{unix.IFLA_BRPORT_VLAN_TUNNEL, aOnOff, "vlan_tunnel"},
	{unix.IFLA_BRPORT_ISOLATED, aOnOff, "isolated"},
	{unix.IFLA_BRPORT_LOCKED, aOnOff, "locked"},
	{unix.IFLA_BRPORT_BACKUP_PORT, aLinkName, "backup_port"},
}

// kindDetails is the printer of a kind whose settings ip prints (a
// link_util with print_opt), or the table that is all of it; neither
// for the others: for them ip prints the kind's name alone. slave is
// for a port's kind.
func kindDetails(kind string, slave bool) (func(r *record, tb [][]byte, names map[int32]string), []attrItem) {
	switch {
	case slave && kind == "bridge":
		return nil, bridgePortDetails
	case slave && kind == "vrf":
		return nil, vrfPortDetails
	case slave && kind == "bond":
		return bondPortDetails, nil
	case slave:
	case kind == "bridge":
		return func(r *record, tb [][]byte, names map[int32]string) {
			if tb[unix.IFLA_BR_ROOT_ID] != nil {
				tb[unix.IFLA_BR_ROOT_ID] = tb[unix.IFLA_BR_BRIDGE_ID] // as ip 6.1 reads it
			}
			r.attrs(tb, bridgeDetails, names)
		}, nil
	case kind == "vxlan":
		return vxlanDetails, nil
	case kind == "tun":
		return tunDetails, nil
	case kind == "macvlan", kind == "macvtap":
		return macvlanDetails, nil
	case kind == "vlan":
		return vlanDetails, nil
	case kind == "ipvlan", kind == "ipvtap":
		return ipvlanDetails, nil
	case kind == "vrf":
		return nil, vrfDetails
	case kind == "bond":
		return bondDetails, nil
	}
	return nil, nil
}

// addrGenModes are IN6_ADDR_GEN_MODE_* as ip names them.
var addrGenModes = []string{"eui64", "none", "stable_secret", "random"}

// details is what -d adds after a link's link layer: print_linkinfo's
// show_details block.
func (p *Printer) details(r *record, l *rtnl.Link, names map[int32]string) {
	tb := nl.Index(l.Attrs, maxIndexed)
	r.attrs(tb, linkDetailsHead, names)
	if tb[unix.IFLA_LINKINFO] != nil {
		linkInfoDetails(r, nl.Index(tb[unix.IFLA_LINKINFO], maxIndexed), names)
	}
	if spec := tb[unix.IFLA_AF_SPEC]; spec != nil && !p.addrs {
		// ip link only: IPv6's part of IFLA_AF_SPEC, a nest typed AF_INET6.
		if mode := nl.Index(nl.Index(spec, unix.AF_INET6)[unix.AF_INET6], unix.IFLA_INET6_ADDR_GEN_MODE)[unix.IFLA_INET6_ADDR_GEN_MODE]; len(mode) > 0 {
			name := "0x" + hex2(mode[0])
			if int(mode[0]) < len(addrGenModes) {
				name = addrGenModes[mode[0]]
			}
			r.str("inet6_addr_gen_mode", "addrgenmode", name)
		}
	}
	r.attrs(tb, linkDetailsTail, names)
}

// linkInfoDetails is print_linktype: the kind and its settings on a line
// of their own, then the port's kind and settings on another.
func linkInfoDetails(r *record, li [][]byte, names map[int32]string) {
	info := r.sub()
	for _, k := range infoNests {
		if li[k.kind] == nil {
			continue
		}
		kind := nl.CString(li[k.kind])
		r.fp("\n    ")
		info.any(k.key+"_kind", kind+k.suffix+" ", kind)
		if show, items := kindDetails(kind, k.suffix != ""); show != nil || items != nil {
			data, tb := info.sub(), nl.Index(li[k.data], maxIndexed)
			if show != nil {
				show(data, tb, names)
			}
			data.attrs(tb, items, names)
			info.close(k.key+"_data", data)
		}
	}
	r.close("linkinfo", info)
}

// infoNests are IFLA_LINKINFO's two kinds, the link's and its port's,
// each with the nest of its settings.
var infoNests = [...]struct {
	kind, data  uint16
	key, suffix string
}{
	{unix.IFLA_INFO_KIND, unix.IFLA_INFO_DATA, "info", ""},
	{unix.IFLA_INFO_SLAVE_KIND, unix.IFLA_INFO_SLAVE_DATA, "info_slave", "_slave"},
}

// LinkRefs are the indexes of the links l's settings name (a bond's
// primary and active port, a vxlan's device, a bridge port's backup
// port). -d prints them by name, and ip asks the kernel for a name it
// has not seen (ll_index_to_name): a show of one link must fetch them.
func LinkRefs(l *rtnl.Link) []int32 {
	var refs []int32
	li := nl.Index(nl.Index(l.Attrs, unix.IFLA_LINKINFO)[unix.IFLA_LINKINFO], unix.IFLA_INFO_SLAVE_DATA)
	for _, k := range infoNests {
		tb := nl.Index(li[k.data], maxIndexed)
		for _, it := range kindSettings(nl.CString(li[k.kind]), k.suffix != "") {
			if i := int32(uintN(tb[it.typ], 4)); i != 0 && (it.form == aLinkName || it.form == aLinkSet) {
				refs = append(refs, i)
			}
		}
	}
	return refs
}

// sub is the record a nested JSON object is written to: r itself in
// text, where nesting leaves no trace.
func (r *record) sub() *record {
	if !r.json {
		return r
	}
	return &record{json: true, obj: Object{}}
}

// close puts the nested record c under key (JSON).
func (r *record) close(key string, c *record) {
	if r.json {
		r.set(key, c.obj)
	}
}

// attrs prints the items of tb that are present, in the table's order.
//
//go:noinline
func (r *record) attrs(tb [][]byte, items []attrItem, names map[int32]string) {
	for _, it := range items {
		if v := tb[it.typ]; v != nil {
			r.attr(it, v, names)
		}
	}
}

// jsonRaw is a JSON value written as it is (ip's timers: 1.50).
type jsonRaw string

// attr prints one attribute of the value v.
//
//go:noinline
func (r *record) attr(it attrItem, v []byte, names map[int32]string) {
	key, word := it.keyWord()
	var text string
	var value any
	switch on := uintN(v, 1) != 0; it.form {
	case aFlag, aPresent, aNoFlag:
		switch {
		case it.form == aNoFlag && !on:
			r.any(key, "no"+word+" ", false)
		case on || it.form != aFlag:
			r.any(key, word+" ", true)
		}
		return
	case aU8, aU16, aU32, aU64:
		n := uintN(v, [...]int{1, 2, 4, 8}[it.form-aU8])
		text, value = utoa(n), n
	case aHex16:
		text = hex0x(uint32(uintN(v, 2)))
		value = text
	case aOnOff:
		on := uintN(v, 1) != 0
		text, value = onOff(on), on
	case aTimer:
		// Centiseconds (USER_HZ); ip: "%4i.%.2i" in text, "%i.%.2i" in JSON.
		j := uintN(v, 8)
		s, cs := utoa(j/100), utoa(j%100 + 100)[1:]
		text, value = pad(s, 4)+"."+cs, jsonRaw(s+"."+cs)
	case aBridgeID:
		// struct ifla_bridge_id: two bytes of priority, six of address.
		// The address as glibc's ether_ntoa has it: no leading zeros.
		if len(v) >= 8 {
			text = hex2(v[0]) + hex2(v[1]) + "."
			for i, c := range v[2:8] {
				if i > 0 {
					text += ":"
				}
				text += strconv.FormatUint(uint64(c), 16)
			}
		}
		value = text
	case aMAC:
		text = rtnl.HardwareAddr(v).String()
		value = text
	case aString:
		text = nl.CString(v)
		value = text
	case aHexBytes:
		for _, c := range v {
			text += hex2(c)
		}
		value = text
	case aLLProto:
		id := binary.BigEndian.Uint16(append(v[:len(v):len(v)], 0, 0))
		var ok bool
		if text, ok = VLANProtocols.name(uint32(id)); !ok {
			text = "[" + itoa(int(id)) + "]"
		}
		value = text
	case aPortState:
		st := uintN(v, 1)
		if st >= uint64(len(bridgePortStates)) {
			r.any("state_index", "state ("+utoa(st)+") ", st)
			return
		}
		text = bridgePortStates[st]
		value = text
	case aFwdMaskStr:
		text = fwdMaskString(uint16(uintN(v, 2)))
		value = text
	case aLinkName, aLinkSet:
		i := int32(uintN(v, 4))
		if i == 0 && it.form == aLinkSet {
			return
		}
		text = linkName(i, names)
		value = text
	case aS32:
		n := int32(uintN(v, 4))
		text, value = itoa(int(n)), n
	case aEnum8, aEnum16, aEnum32, aEnumIndex:
		n := uintN(v, [...]int{1, 2, 4, 1}[it.form-aEnum8])
		name, ok := enumName(it.enumNames(), n)
		switch {
		case !ok && it.form == aEnumIndex:
			r.any(key+"_index", word+" "+utoa(n)+" ", n)
			return
		case !ok:
			name = "UNKNOWN"
		}
		text, value = name, name
	case aTunType:
		text = "UNKNOWN:" + utoa(uintN(v, 1))
		if t := uintN(v, 1); t == unix.IFF_TUN || t == unix.IFF_TAP {
			text = [...]string{unix.IFF_TUN: "tun", unix.IFF_TAP: "tap"}[t]
		}
		value = text
	case aUser, aGroup:
		id := uint32(uintN(v, 4))
		text, value = utoa(uint64(id)), uint64(id)
		if name, _, ok := sysfile.Account([...]string{sysfile.Users, sysfile.Groups}[it.form-aUser], "", id); ok {
			text, value = name, name
		}
	case aOptNoLLLearn, aOptMcastVlan:
		// struct br_boolopt_multi { __u32 optval, optmask; }
		bit := uint64(1) << (it.form - aOptNoLLLearn)
		if uintN(v, 8)>>32&bit == 0 {
			return
		}
		on := uintN(v, 4)&bit != 0
		text, value = "0", uint64(0)
		if on {
			text, value = "1", uint64(1)
		}
	}
	switch {
	case r.json && key != "":
		r.set(key, value)
	case !r.json && word != "":
		r.fp(word, " ", text, " ")
	}
}

// VLANProtocols are the ethertypes of VLAN tags, as ip's ll_proto names
// them.
var VLANProtocols = Names{{unix.ETH_P_8021Q, "802.1Q"}, {unix.ETH_P_8021AD, "802.1ad"}}

// fwdMaskNames are the bits of a port's group_fwd_mask ip names.
var fwdMaskNames = Names{{0, "stp"}, {2, "lacp"}, {14, "lldp"}}

// fwdMaskString is ip's _bitmask2str.
func fwdMaskString(m uint16) string {
	s := ""
	for i := 0; i < 16; i++ {
		if m&(1<<i) == 0 {
			continue
		}
		name, ok := fwdMaskNames.name(uint32(i))
		if !ok {
			name = "0x" + strconv.FormatUint(1<<i, 16)
		}
		s += "," + name
	}
	if s == "" {
		return "0x0"
	}
	return s[1:]
}

// Values of linux/if_link.h that x/sys/unix lacks.
const (
	vxlanDFUnset, vxlanDFSet, vxlanDFInherit = 0, 1, 2 // enum ifla_vxlan_df
	macvlanFlagNoPromisc, macvlanFlagNoDst   = 1, 2    // MACVLAN_FLAG_*
	macvlanModeSource                        = 16      // MACVLAN_MODE_SOURCE
)

// vxlanDetails is vxlan_print_opt.
func vxlanDetails(r *record, tb [][]byte, names map[int32]string) {
	flag := func(typ uint16, key, text string) {
		if uintN(tb[typ], 1) != 0 {
			r.any(key, text, true)
		}
	}
	flag(unix.IFLA_VXLAN_COLLECT_METADATA, "external", "external ")
	flag(unix.IFLA_VXLAN_VNIFILTER, "vnifilter", "vnifilter") // no blank: ip's
	if len(tb[unix.IFLA_VXLAN_ID]) >= 4 {
		r.num("id", "id", uint32(uintN(tb[unix.IFLA_VXLAN_ID], 4)))
	}
	// The group is multicast, else it is the one remote; IPv4 first.
	ends := func(v4, v6 uint16, key, multiKey, word, multiWord string) {
		var a netaddr.Addr
		suffix := ""
		if b := tb[v4]; b != nil {
			a, _ = netaddr.AddrFromSlice(append(b[:len(b):len(b)], 0, 0, 0, 0)[:4])
		} else if b := tb[v6]; b != nil {
			a, _ = netaddr.AddrFromSlice(append(b[:len(b):len(b)], make([]byte, 16)...)[:16])
			suffix = "6"
		}
		if !a.IsValid() || a.IsUnspecified() {
			return
		}
		if a.IsMulticast() && multiKey != "" {
			key, word = multiKey, multiWord
		}
		r.str(key+suffix, word, a.String())
	}
	ends(unix.IFLA_VXLAN_GROUP, unix.IFLA_VXLAN_GROUP6, "remote", "group", "remote", "group")
	ends(unix.IFLA_VXLAN_LOCAL, unix.IFLA_VXLAN_LOCAL6, "local", "", "local", "")
	r.attrs(tb, vxlanLink, names)
	if pr := tb[unix.IFLA_VXLAN_PORT_RANGE]; len(pr) >= 4 {
		low, high := binary.BigEndian.Uint16(pr), binary.BigEndian.Uint16(pr[2:])
		r.any("port_range", "srcport "+itoa(int(low))+" "+itoa(int(high))+" ", Object{{Key: "low", Value: low}, {Key: "high", Value: high}})
	}
	if p := tb[unix.IFLA_VXLAN_PORT]; len(p) >= 2 {
		r.num("port", "dstport", uint32(binary.BigEndian.Uint16(p)))
	}
	if l := tb[unix.IFLA_VXLAN_LEARNING]; l != nil {
		on := uintN(l, 1) != 0
		r.js("learning", on)
		if !on {
			r.fp("nolearning ")
		}
	}
	r.attrs(tb, vxlanFlags, names)
	switch tos := uintN(tb[unix.IFLA_VXLAN_TOS], 1); {
	case tos == 1 && !r.json:
		r.fp("tos inherit ")
	case tos != 0:
		r.str("tos", "tos", hex0x(uint32(tos)))
	}
	switch ttl := tb[unix.IFLA_VXLAN_TTL]; {
	case uintN(tb[unix.IFLA_VXLAN_TTL_INHERIT], 1) != 0:
		r.fp("ttl inherit ")
	case ttl == nil:
	case uintN(ttl, 1) == 0 && !r.json:
		r.fp("ttl auto ")
	default:
		r.num("ttl", "ttl", uint32(uintN(ttl, 1)))
	}
	if df := tb[unix.IFLA_VXLAN_DF]; df != nil {
		switch uintN(df, 1) {
		case vxlanDFUnset:
			r.js("df", "unset")
		case vxlanDFSet:
			r.str("df", "df", "set")
		case vxlanDFInherit:
			r.str("df", "df", "inherit")
		}
	}
	if label := tb[unix.IFLA_VXLAN_LABEL]; len(label) >= 4 && binary.BigEndian.Uint32(label) != 0 {
		r.str("label", "flowlabel", hex0x(binary.BigEndian.Uint32(label)))
	}
	if age := tb[unix.IFLA_VXLAN_AGEING]; age != nil {
		if n := uint32(uintN(age, 4)); n != 0 {
			r.num("ageing", "ageing", n)
		} else {
			r.any("ageing", "ageing none ", uint32(0))
		}
	}
	if n := uint32(uintN(tb[unix.IFLA_VXLAN_LIMIT], 4)); n != 0 {
		r.num("limit", "maxaddr", n)
	}
	r.attrs(tb, vxlanTail, names)
}

var vxlanLink = []attrItem{{unix.IFLA_VXLAN_LINK, aLinkSet, "link|dev"}}

var vxlanFlags = []attrItem{
	{unix.IFLA_VXLAN_PROXY, aFlag, "proxy"}, {unix.IFLA_VXLAN_RSC, aFlag, "rsc"},
	{unix.IFLA_VXLAN_L2MISS, aFlag, "l2miss"}, {unix.IFLA_VXLAN_L3MISS, aFlag, "l3miss"},
}

var vxlanTail = []attrItem{
	{unix.IFLA_VXLAN_UDP_CSUM, aNoFlag, "udp_csum|udpcsum"},
	{unix.IFLA_VXLAN_UDP_ZERO_CSUM6_TX, aNoFlag, "udp_zero_csum6_tx|udp6zerocsumtx"},
	{unix.IFLA_VXLAN_UDP_ZERO_CSUM6_RX, aNoFlag, "udp_zero_csum6_rx|udp6zerocsumrx"},
	{unix.IFLA_VXLAN_REMCSUM_TX, aFlag, "remcsum_tx|remcsumtx"}, {unix.IFLA_VXLAN_REMCSUM_RX, aFlag, "remcsum_rx|remcsumrx"},
	{unix.IFLA_VXLAN_GBP, aPresent, "gbp"}, {unix.IFLA_VXLAN_GPE, aPresent, "gpe"},
}

// tunDetails is tun_print_opt: multi_queue sits between tunHead and
// tunTail, and JSON says false when the attribute is absent or 0.
func tunDetails(r *record, tb [][]byte, names map[int32]string) {
	r.attrs(tb, tunHead, names)
	if uintN(tb[unix.IFLA_TUN_MULTI_QUEUE], 1) != 0 {
		r.any("multi_queue", "multi_queue ", true)
		r.attrs(tb, tunQueues, names)
	} else {
		r.js("multi_queue", false)
	}
	r.attrs(tb, tunTail, names)
}

var tunHead = []attrItem{
	{unix.IFLA_TUN_TYPE, aTunType, "type"},
	{unix.IFLA_TUN_PI, aOnOff, "pi"},
	{unix.IFLA_TUN_VNET_HDR, aOnOff, "vnet_hdr"},
}

var tunQueues = []attrItem{
	{unix.IFLA_TUN_NUM_QUEUES, aU32, "numqueues"},
	{unix.IFLA_TUN_NUM_DISABLED_QUEUES, aU32, "numdisabled"},
}

var tunTail = []attrItem{
	{unix.IFLA_TUN_PERSIST, aOnOff, "persist"},
	{unix.IFLA_TUN_OWNER, aUser, "user"},
	{unix.IFLA_TUN_GROUP, aGroup, "group"},
}

// macvlanDetails is macvlan_print_opt.
func macvlanDetails(r *record, tb [][]byte, names map[int32]string) {
	if len(tb[unix.IFLA_MACVLAN_MODE]) < 4 {
		return
	}
	mode := uint32(uintN(tb[unix.IFLA_MACVLAN_MODE], 4))
	name := rtnl.MacvlanModeName(mode)
	if _, err := rtnl.ParseMacvlanMode(name); err != nil {
		name = "unknown" // ip names no mode by its number
	}
	r.str("mode", "mode", name)
	flags := uintN(tb[unix.IFLA_MACVLAN_FLAGS], 2)
	if flags&macvlanFlagNoPromisc != 0 {
		r.any("nopromisc", "nopromisc ", true)
	}
	if flags&macvlanFlagNoDst != 0 {
		r.any("nodst", "nodst ", true)
	}
	r.attrs(tb, macvlanQueues, names)
	if mode != macvlanModeSource || len(tb[unix.IFLA_MACVLAN_MACADDR_COUNT]) < 4 {
		return
	}
	count := uintN(tb[unix.IFLA_MACVLAN_MACADDR_COUNT], 4)
	r.any("macaddr_count", "remotes ("+itoa(int(int32(count)))+") ", int32(count))
	if tb[unix.IFLA_MACVLAN_MACADDR_DATA] == nil {
		return
	}
	var macs []string
	for d := nl.NewDecoder(tb[unix.IFLA_MACVLAN_MACADDR_DATA]); d.Next(); {
		if d.Type() == unix.IFLA_MACVLAN_MACADDR && len(d.Bytes()) >= 6 {
			mac := rtnl.HardwareAddr(d.Bytes()[:6]).String()
			macs = append(macs, mac)
			r.fp(mac, " ")
		}
	}
	r.js("macaddr_data", macs)
}

// macvlanQueues are the broadcast queue's length, set and used.
var macvlanQueues = []attrItem{
	{unix.IFLA_MACVLAN_BC_QUEUE_LEN, aU32, "bcqueuelen"},
	{unix.IFLA_MACVLAN_BC_QUEUE_LEN_USED, aU32, "usedbcqueuelen"},
}

// uintN reads a native-endian integer of n bytes; a shorter value is 0.
// Not inlined, for the size of the binary: -d calls it 36 times.
//
//go:noinline
func uintN(v []byte, n int) uint64 {
	if len(v) < n {
		return 0
	}
	switch n {
	case 1:
		return uint64(v[0])
	case 2:
		return uint64(binary.NativeEndian.Uint16(v))
	case 4:
		return uint64(binary.NativeEndian.Uint32(v))
	}
	return binary.NativeEndian.Uint64(v)
}

// hex2 is %02x.
//
//go:noinline
func hex2(c byte) string { return strconv.FormatUint(uint64(c)|0x100, 16)[1:] }

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// pad aligns s in n columns: right (%4i), or left for a negative n
// (%-10s).
func pad(s string, n int) string {
	for len(s) < n {
		s = " " + s
	}
	for len(s) < -n {
		s += " "
	}
	return s
}

// linkName is ip's ll_index_to_name: the name, ifN for an index it
// does not know, * for none.
func linkName(i int32, names map[int32]string) string {
	if n, ok := names[i]; ok {
		return n
	}
	if i == 0 {
		return "*"
	}
	return "if" + utoa(uint64(uint32(i)))
}
