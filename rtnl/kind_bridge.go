package rtnl

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/nl"
)

// Bridge is a software switch: `ip link add NAME type bridge`. Links join
// it with `ip link set DEV master NAME`.
type Bridge struct {
	STPState     uint32 // IFLA_BR_STP_STATE (decoded only)
	ForwardDelay uint32 // IFLA_BR_FORWARD_DELAY, in centiseconds (decoded only)
	HelloTime    uint32 // IFLA_BR_HELLO_TIME (decoded only)
	MaxAge       uint32 // IFLA_BR_MAX_AGE (decoded only)

	// Settings are what a request sets, sent in this order (request
	// only): `ip link add br0 type bridge stp_state 1 vlan_filtering 1`,
	// or the same after `ip link set br0 type bridge`.
	Settings []Setting
}

// Setting is one attribute of a kind's data (IFLA_INFO_DATA) in a request:
// Value in Size bytes (native order; a flag with no value when Size is 0),
// or Raw as it is (a group address, a big-endian number, a struct).
type Setting struct {
	Attr  uint16
	Size  uint8
	Value uint64
	Raw   []byte
}

// encodeSettings writes settings in their order.
func encodeSettings(e *nl.Encoder, settings []Setting) {
	for _, s := range settings {
		switch {
		case s.Raw != nil:
			e.Bytes(s.Attr, s.Raw)
		case s.Size == 0:
			e.Flag(s.Attr)
		case s.Size == 1:
			e.Uint8(s.Attr, uint8(s.Value))
		case s.Size == 2:
			e.Uint16(s.Attr, uint16(s.Value))
		case s.Size == 4:
			e.Uint32(s.Attr, uint32(s.Value))
		default:
			e.Uint64(s.Attr, s.Value)
		}
	}
}

func (b *Bridge) Kind() string { return "bridge" }

func (b *Bridge) encode(e *nl.Encoder) error {
	if len(b.Settings) > 0 {
		e.Nest(unix.IFLA_INFO_DATA)
		encodeSettings(e, b.Settings)
		e.End()
	}
	return nil
}

// BridgeAttr is a bridge setting as ip names it: the keyword, its
// IFLA_BR_* attribute and the size of its value. Size 0 is fdb_flush,
// a flag; the settings ip reads otherwise (vlan_protocol, group_address,
// no_linklocal_learn and mcast_vlan_snooping, bits of
// IFLA_BR_MULTI_BOOLOPT) have Size 0xff.
type BridgeAttr struct {
	Name string
	Attr uint16
	Size uint8
}

// BridgeAttrs are the settings of ip link add|set type bridge, in the
// order ip matches abbreviations against them.
var BridgeAttrs = []BridgeAttr{
	{"forward_delay", unix.IFLA_BR_FORWARD_DELAY, 4}, {"hello_time", unix.IFLA_BR_HELLO_TIME, 4},
	{"max_age", unix.IFLA_BR_MAX_AGE, 4}, {"ageing_time", unix.IFLA_BR_AGEING_TIME, 4},
	{"stp_state", unix.IFLA_BR_STP_STATE, 4}, {"priority", unix.IFLA_BR_PRIORITY, 2},
	{"vlan_filtering", unix.IFLA_BR_VLAN_FILTERING, 1}, {"vlan_protocol", unix.IFLA_BR_VLAN_PROTOCOL, 0xff},
	{"group_fwd_mask", unix.IFLA_BR_GROUP_FWD_MASK, 2}, {"group_address", unix.IFLA_BR_GROUP_ADDR, 0xff},
	{"no_linklocal_learn", unix.IFLA_BR_MULTI_BOOLOPT, 0xff}, {"fdb_flush", unix.IFLA_BR_FDB_FLUSH, 0},
	{"vlan_default_pvid", unix.IFLA_BR_VLAN_DEFAULT_PVID, 2}, {"vlan_stats_enabled", unix.IFLA_BR_VLAN_STATS_ENABLED, 1},
	{"vlan_stats_per_port", unix.IFLA_BR_VLAN_STATS_PER_PORT, 1}, {"mcast_router", unix.IFLA_BR_MCAST_ROUTER, 1},
	{"mcast_snooping", unix.IFLA_BR_MCAST_SNOOPING, 1}, {"mcast_vlan_snooping", unix.IFLA_BR_MULTI_BOOLOPT, 0xff},
	{"mcast_query_use_ifaddr", unix.IFLA_BR_MCAST_QUERY_USE_IFADDR, 1}, {"mcast_querier", unix.IFLA_BR_MCAST_QUERIER, 1},
	{"mcast_hash_elasticity", unix.IFLA_BR_MCAST_HASH_ELASTICITY, 4}, {"mcast_hash_max", unix.IFLA_BR_MCAST_HASH_MAX, 4},
	{"mcast_last_member_count", unix.IFLA_BR_MCAST_LAST_MEMBER_CNT, 4},
	{"mcast_startup_query_count", unix.IFLA_BR_MCAST_STARTUP_QUERY_CNT, 4},
	{"mcast_last_member_interval", unix.IFLA_BR_MCAST_LAST_MEMBER_INTVL, 8},
	{"mcast_membership_interval", unix.IFLA_BR_MCAST_MEMBERSHIP_INTVL, 8},
	{"mcast_querier_interval", unix.IFLA_BR_MCAST_QUERIER_INTVL, 8},
	{"mcast_query_interval", unix.IFLA_BR_MCAST_QUERY_INTVL, 8},
	{"mcast_query_response_interval", unix.IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, 8},
	{"mcast_startup_query_interval", unix.IFLA_BR_MCAST_STARTUP_QUERY_INTVL, 8},
	{"mcast_stats_enabled", unix.IFLA_BR_MCAST_STATS_ENABLED, 1}, {"mcast_igmp_version", unix.IFLA_BR_MCAST_IGMP_VERSION, 1},
	{"mcast_mld_version", unix.IFLA_BR_MCAST_MLD_VERSION, 1}, {"nf_call_iptables", unix.IFLA_BR_NF_CALL_IPTABLES, 1},
	{"nf_call_ip6tables", unix.IFLA_BR_NF_CALL_IP6TABLES, 1}, {"nf_call_arptables", unix.IFLA_BR_NF_CALL_ARPTABLES, 1},
}

func (b *Bridge) decode(d *nl.Decoder) {
	for d.Next() {
		switch d.Type() {
		case unix.IFLA_BR_STP_STATE:
			b.STPState = d.Uint32()
		case unix.IFLA_BR_FORWARD_DELAY:
			b.ForwardDelay = d.Uint32()
		case unix.IFLA_BR_HELLO_TIME:
			b.HelloTime = d.Uint32()
		case unix.IFLA_BR_MAX_AGE:
			b.MaxAge = d.Uint32()
		}
	}
}

// BridgePort is a bridge port's state (IFLA_INFO_SLAVE_DATA of a link
// whose SlaveKind is "bridge"), shown by `ip -d link`; in a request, the
// port settings to change: `ip link set DEV type bridge_slave hairpin on`.
type BridgePort struct {
	State    uint8  // IFLA_BRPORT_STATE: BR_STATE_* (3 forwarding)
	Priority uint16 // IFLA_BRPORT_PRIORITY
	Cost     uint32 // IFLA_BRPORT_COST
	Hairpin  bool   // IFLA_BRPORT_MODE: frames may leave by the port they came in by
	Learning bool   // IFLA_BRPORT_LEARNING

	// Settings are what a request changes, sent in this order (request
	// only; the fields above are not sent).
	Settings []PortSetting
}

// PortSetting is one bridge port setting of a request: an IFLA_BRPORT_*
// attribute and its value, sent in the size BridgePortAttrs gives it
// (on/off settings are 1 or 0).
type PortSetting struct {
	Attr  uint16
	Value uint32
}

// PortAttr is a bridge port setting as ip names it.
type PortAttr struct {
	Name  string // ip's keyword
	Attr  uint16 // IFLA_BRPORT_*
	Size  uint8  // bytes of the value, as the kernel's policy wants them; 0: a flag with none
	OnOff bool   // a u8 that ip reads as on or off
}

// BridgePortAttrs are the settings ip link set DEV type bridge_slave
// takes, in the order ip matches abbreviations against them.
// mcast_fast_leave is fastleave's other name; backup_port takes a link
// index, and nobackup_port, which takes no value, sends it as 0.
var BridgePortAttrs = []PortAttr{
	{"fdb_flush", unix.IFLA_BRPORT_FLUSH, 0, false},
	{"state", unix.IFLA_BRPORT_STATE, 1, false},
	{"priority", unix.IFLA_BRPORT_PRIORITY, 2, false},
	{"cost", unix.IFLA_BRPORT_COST, 4, false},
	{"hairpin", unix.IFLA_BRPORT_MODE, 1, true},
	{"guard", unix.IFLA_BRPORT_GUARD, 1, true},
	{"root_block", unix.IFLA_BRPORT_PROTECT, 1, true},
	{"fastleave", unix.IFLA_BRPORT_FAST_LEAVE, 1, true},
	{"learning", unix.IFLA_BRPORT_LEARNING, 1, true},
	{"flood", unix.IFLA_BRPORT_UNICAST_FLOOD, 1, true},
	{"mcast_flood", unix.IFLA_BRPORT_MCAST_FLOOD, 1, true},
	{"bcast_flood", unix.IFLA_BRPORT_BCAST_FLOOD, 1, true},
	{"mcast_to_unicast", unix.IFLA_BRPORT_MCAST_TO_UCAST, 1, true},
	{"proxy_arp", unix.IFLA_BRPORT_PROXYARP, 1, true},
	{"proxy_arp_wifi", unix.IFLA_BRPORT_PROXYARP_WIFI, 1, true},
	{"mcast_router", unix.IFLA_BRPORT_MULTICAST_ROUTER, 1, false},
	{"mcast_fast_leave", unix.IFLA_BRPORT_FAST_LEAVE, 1, true},
	{"neigh_suppress", unix.IFLA_BRPORT_NEIGH_SUPPRESS, 1, true},
	{"group_fwd_mask", unix.IFLA_BRPORT_GROUP_FWD_MASK, 2, false},
	{"vlan_tunnel", unix.IFLA_BRPORT_VLAN_TUNNEL, 1, true},
	{"isolated", unix.IFLA_BRPORT_ISOLATED, 1, true},
	{"locked", unix.IFLA_BRPORT_LOCKED, 1, true},
	{"backup_port", unix.IFLA_BRPORT_BACKUP_PORT, 4, false},
	{"nobackup_port", unix.IFLA_BRPORT_BACKUP_PORT, 4, false},
}

// encode writes the settings into IFLA_INFO_SLAVE_DATA.
func (p *BridgePort) encode(e *nl.Encoder) error {
	e.Nest(unix.IFLA_INFO_SLAVE_DATA)
	for _, s := range p.Settings {
		size := -1
		for _, a := range BridgePortAttrs {
			if a.Attr == s.Attr {
				size = int(a.Size)
				break
			}
		}
		switch size {
		case 0:
			e.Flag(s.Attr)
		case 1:
			e.Uint8(s.Attr, uint8(s.Value))
		case 2:
			e.Uint16(s.Attr, uint16(s.Value))
		case 4:
			e.Uint32(s.Attr, s.Value)
		default:
			return fmt.Errorf("rtnl: bridge port setting %d is not one of BridgePortAttrs", s.Attr)
		}
	}
	e.End()
	return nil
}

func (p *BridgePort) decode(d *nl.Decoder) {
	for d.Next() {
		switch d.Type() {
		case unix.IFLA_BRPORT_STATE:
			p.State = d.Uint8()
		case unix.IFLA_BRPORT_PRIORITY:
			p.Priority = d.Uint16()
		case unix.IFLA_BRPORT_COST:
			p.Cost = d.Uint32()
		case unix.IFLA_BRPORT_MODE:
			p.Hairpin = d.Uint8() != 0
		case unix.IFLA_BRPORT_LEARNING:
			p.Learning = d.Uint8() != 0
		}
	}
}
