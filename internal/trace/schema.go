package trace

import (
	"golang.org/x/sys/unix"
)

// kind says how an attribute's value is shown. Most need no entry in the
// schema: kAuto reads printable bytes as a string (see isString), and
// 1, 2, 4 or 8 bytes as an integer, in the host's order for rtnetlink
// and in network order for nftables, which sends every integer
// big-endian whatever its registers hold.
type kind uint8

const (
	kAuto      kind = iota
	kStr            // a string, NUL-terminated or not
	kBytes          // hex
	kI32            // signed: nsids, netconf values, priorities
	kIP             // 4 or 16 bytes
	kMAC            // 6 bytes as aa:bb:...
	kIndex          // an ifindex
	kBE16           // network order in an rtnetlink message (ports)
	kNest           // attributes of space sub
	kKindData       // IFLA_INFO_DATA: the space of the sibling IFLA_INFO_KIND
	kSlaveData      // IFLA_INFO_SLAVE_DATA: of IFLA_INFO_SLAVE_KIND
	kVethPeer       // VETH_INFO_PEER: an ifinfomsg, then link attributes
	kMultipath      // RTA_MULTIPATH: rtnexthop records
	kExprData       // NFTA_EXPR_DATA: the space of the sibling NFTA_EXPR_NAME
	kExpr           // NFTA_LIST_ELEM of a rule: one expression
	kIFAFlags       // IFA_FLAGS: IFA_F_* names
	kOperState      // IFLA_OPERSTATE
	kComment        // NFTA_RULE_USERDATA: libnftnl's records, the comment shown
)

type attrSpec struct {
	typ  uint16
	kind kind
	sub  space // for kNest
}

// schema lists, per space, the attributes that kAuto would show wrongly.
var schema = [...][]attrSpec{
	spLink: {
		{unix.IFLA_IFNAME, kStr, 0}, {unix.IFLA_QDISC, kStr, 0}, {unix.IFLA_IFALIAS, kStr, 0},
		{unix.IFLA_ALT_IFNAME, kStr, 0}, {unix.IFLA_ADDRESS, kMAC, 0}, {unix.IFLA_BROADCAST, kMAC, 0},
		{unix.IFLA_PERM_ADDRESS, kMAC, 0}, {unix.IFLA_LINK, kIndex, 0}, {unix.IFLA_MASTER, kIndex, 0},
		{unix.IFLA_LINKINFO, kNest, spLinkInfo}, {unix.IFLA_AF_SPEC, kNest, spAFSpec},
		{unix.IFLA_PROP_LIST, kNest, spLink}, {unix.IFLA_LINK_NETNSID, kI32, 0}, {unix.IFLA_NEW_NETNSID, kI32, 0},
		{unix.IFLA_TARGET_NETNSID, kI32, 0}, {unix.IFLA_NEW_IFINDEX, kI32, 0}, {unix.IFLA_STATS, kBytes, 0},
		{unix.IFLA_STATS64, kBytes, 0}, {unix.IFLA_MAP, kBytes, 0}, {unix.IFLA_XDP, kNest, spaceNone},
		{unix.IFLA_OPERSTATE, kOperState, 0},
	},
	spLinkInfo: {
		{unix.IFLA_INFO_KIND, kStr, 0}, {unix.IFLA_INFO_SLAVE_KIND, kStr, 0},
		{unix.IFLA_INFO_DATA, kKindData, 0}, {unix.IFLA_INFO_SLAVE_DATA, kSlaveData, 0},
	},
	spBridge:     {{unix.IFLA_BR_GROUP_ADDR, kMAC, 0}, {unix.IFLA_BR_ROOT_ID, kBytes, 0}, {unix.IFLA_BR_BRIDGE_ID, kBytes, 0}},
	spBridgePort: {{unix.IFLA_BRPORT_ROOT_ID, kBytes, 0}, {unix.IFLA_BRPORT_BRIDGE_ID, kBytes, 0}},
	spVxlan: {
		{unix.IFLA_VXLAN_GROUP, kIP, 0}, {unix.IFLA_VXLAN_LOCAL, kIP, 0}, {unix.IFLA_VXLAN_GROUP6, kIP, 0},
		{unix.IFLA_VXLAN_LOCAL6, kIP, 0}, {unix.IFLA_VXLAN_LINK, kIndex, 0}, {unix.IFLA_VXLAN_PORT, kBE16, 0},
		{unix.IFLA_VXLAN_PORT_RANGE, kBytes, 0},
	},
	spMacvlan: {{unix.IFLA_MACVLAN_MACADDR, kMAC, 0}},
	spVeth:    {{1, kVethPeer, 0}}, // VETH_INFO_PEER
	spInet:    {{unix.IFLA_INET_CONF, kBytes, 0}},
	spInet6: {
		{unix.IFLA_INET6_CONF, kBytes, 0}, {unix.IFLA_INET6_STATS, kBytes, 0}, {unix.IFLA_INET6_ICMP6STATS, kBytes, 0},
		{unix.IFLA_INET6_CACHEINFO, kBytes, 0}, {unix.IFLA_INET6_TOKEN, kIP, 0},
	},
	spAddr: {
		{unix.IFA_ADDRESS, kIP, 0}, {unix.IFA_LOCAL, kIP, 0}, {unix.IFA_BROADCAST, kIP, 0}, {unix.IFA_ANYCAST, kIP, 0},
		{unix.IFA_MULTICAST, kIP, 0}, {unix.IFA_CACHEINFO, kBytes, 0}, {unix.IFA_FLAGS, kIFAFlags, 0},
		{unix.IFA_LABEL, kStr, 0},
	},
	spRoute: {
		{unix.RTA_DST, kIP, 0}, {unix.RTA_SRC, kIP, 0}, {unix.RTA_GATEWAY, kIP, 0}, {unix.RTA_PREFSRC, kIP, 0},
		{unix.RTA_NEWDST, kIP, 0}, {unix.RTA_IIF, kIndex, 0}, {unix.RTA_OIF, kIndex, 0},
		{unix.RTA_METRICS, kNest, spMetrics}, {unix.RTA_MULTIPATH, kMultipath, 0}, {unix.RTA_CACHEINFO, kBytes, 0},
		{unix.RTA_VIA, kBytes, 0}, {unix.RTA_SPORT, kBE16, 0}, {unix.RTA_DPORT, kBE16, 0},
	},
	spMetrics: {{unix.RTAX_CC_ALGO, kStr, 0}},
	spNeigh: {
		{unix.NDA_DST, kIP, 0}, {unix.NDA_LLADDR, kMAC, 0}, {unix.NDA_CACHEINFO, kBytes, 0},
		{unix.NDA_IFINDEX, kIndex, 0}, {unix.NDA_MASTER, kIndex, 0}, {unix.NDA_PORT, kBE16, 0},
	},
	spRule: {
		{unix.FRA_IIFNAME, kStr, 0}, {unix.FRA_OIFNAME, kStr, 0}, {unix.FRA_DST, kIP, 0}, {unix.FRA_SRC, kIP, 0},
		{unix.FRA_UID_RANGE, kBytes, 0}, {unix.FRA_SPORT_RANGE, kBytes, 0}, {unix.FRA_DPORT_RANGE, kBytes, 0},
	},
	spNSID:    {{unix.NETNSA_NSID, kI32, 0}, {unix.NETNSA_TARGET_NSID, kI32, 0}, {unix.NETNSA_CURRENT_NSID, kI32, 0}},
	spNetconf: {{1, kI32, 0}, {2, kI32, 0}, {3, kI32, 0}, {4, kI32, 0}, {5, kI32, 0}, {6, kI32, 0}, {7, kI32, 0}, {8, kI32, 0}},
	spExtAck: {
		{unix.NLMSGERR_ATTR_MSG, kStr, 0}, {unix.NLMSGERR_ATTR_COOKIE, kBytes, 0},
		{4, kNest, spaceNone}, // NLMSGERR_ATTR_POLICY
	},

	spTable: {{unix.NFTA_TABLE_NAME, kStr, 0}, {6, kBytes, 0}}, // 6: NFTA_TABLE_USERDATA
	spChain: {
		{unix.NFTA_CHAIN_TABLE, kStr, 0}, {unix.NFTA_CHAIN_NAME, kStr, 0}, {unix.NFTA_CHAIN_TYPE, kStr, 0},
		{unix.NFTA_CHAIN_HOOK, kNest, spHook}, {unix.NFTA_CHAIN_COUNTERS, kNest, spCounter},
	},
	spHook: {{unix.NFTA_HOOK_PRIORITY, kI32, 0}, {unix.NFTA_HOOK_DEV, kStr, 0}},
	spRuleNFT: {
		{unix.NFTA_RULE_TABLE, kStr, 0}, {unix.NFTA_RULE_CHAIN, kStr, 0},
		{unix.NFTA_RULE_EXPRESSIONS, kNest, spList}, {unix.NFTA_RULE_USERDATA, kComment, 0},
	},
	spList:      {{unix.NFTA_LIST_ELEM, kExpr, 0}},
	spExpr:      {{unix.NFTA_EXPR_NAME, kStr, 0}, {unix.NFTA_EXPR_DATA, kExprData, 0}},
	spData:      {{unix.NFTA_DATA_VALUE, kBytes, 0}, {unix.NFTA_DATA_VERDICT, kNest, spVerdict}},
	spVerdict:   {{unix.NFTA_VERDICT_CODE, kI32, 0}, {unix.NFTA_VERDICT_CHAIN, kStr, 0}},
	spGen:       {{unix.NFTA_GEN_PROC_NAME, kStr, 0}},
	spCmp:       {{unix.NFTA_CMP_DATA, kNest, spData}},
	spImmediate: {{unix.NFTA_IMMEDIATE_DATA, kNest, spData}},
	spBitwise:   {{unix.NFTA_BITWISE_MASK, kNest, spData}, {unix.NFTA_BITWISE_XOR, kNest, spData}},
}

const (
	// spaceNone marks a nest whose attributes nsnet has no names for.
	spaceNone space = 0xff
	// spAFSpec is IFLA_AF_SPEC's nest: one nest per address family,
	// numbered by it.
	spAFSpec space = 0xfe
)

// kindSpaces: the space of IFLA_INFO_DATA by IFLA_INFO_KIND, and of
// NFTA_EXPR_DATA by NFTA_EXPR_NAME.
var kindSpaces = []struct {
	name string
	sp   space
}{
	{"bridge", spBridge}, {"vxlan", spVxlan}, {"macvlan", spMacvlan}, {"macvtap", spMacvlan}, {"veth", spVeth},
	{"payload", spPayload}, {"cmp", spCmp}, {"immediate", spImmediate}, {"meta", spMeta}, {"ct", spCt},
	{"nat", spNat}, {"masq", spMasq}, {"redir", spRedir}, {"bitwise", spBitwise}, {"fib", spFib},
	{"counter", spCounter}, {"lookup", spLookup},
}

func spaceOfKind(name string) space {
	for _, k := range kindSpaces {
		if k.name == name {
			return k.sp
		}
	}
	return spaceNone
}

// spec is what the schema says of attribute typ in space sp.
func spec(sp space, typ uint16) attrSpec {
	if sp == spAFSpec {
		switch typ {
		case unix.AF_INET:
			return attrSpec{typ, kNest, spInet}
		case unix.AF_INET6:
			return attrSpec{typ, kNest, spInet6}
		}
		return attrSpec{typ, kNest, spaceNone}
	}
	if int(sp) < len(schema) {
		for _, a := range schema[sp] {
			if a.typ == typ {
				return a
			}
		}
	}
	return attrSpec{typ: typ}
}

// bigEndian: nftables' spaces, whose integers are in network order.
func bigEndian(sp space) bool { return sp >= spTable && sp <= spBatch }

// name is the constant's name for number n in space sp, or "" when the
// headers x/sys was generated from had none.
func name(sp space, n int) string {
	if sp == spAFSpec {
		switch n {
		case unix.AF_INET:
			return "AF_INET"
		case unix.AF_INET6:
			return "AF_INET6"
		}
	}
	if int(sp) >= len(spaceNames) || n < 0 {
		return ""
	}
	s := spaceNames[sp]
	if w, ok := nth(s.names, n); ok && w != "-" {
		return s.prefix + w
	}
	return ""
}
