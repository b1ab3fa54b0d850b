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
}

func (b *Bridge) Kind() string             { return "bridge" }
func (b *Bridge) encode(*nl.Encoder) error { return nil }

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
