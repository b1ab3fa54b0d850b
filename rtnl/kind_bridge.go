package rtnl

import (
	"golang.org/x/sys/unix"

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

// BridgePort is a bridge port's state (IFLA_INFO_SLAVE_DATA), shown by
// `ip -d link`.
type BridgePort struct {
	State    uint8  // IFLA_BRPORT_STATE: BR_STATE_* (3 forwarding)
	Priority uint16 // IFLA_BRPORT_PRIORITY
	Cost     uint32 // IFLA_BRPORT_COST
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
		}
	}
}
