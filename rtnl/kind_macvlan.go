package rtnl

import (
	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Macvlan is a link with its own MAC address on top of a lower device
// (Link.ParentIndex): `ip link add NAME link DEV type macvlan mode bridge`.
// KindName "macvtap" makes the tap flavour.
type Macvlan struct {
	KindName string // "macvlan" (default) or "macvtap"
	Mode     uint32 // IFLA_MACVLAN_MODE: MACVLAN_MODE_*
}

func (m *Macvlan) Kind() string {
	if m.KindName == "" {
		return "macvlan"
	}
	return m.KindName
}

func (m *Macvlan) encode(e *nl.Encoder) error {
	if m.Mode == 0 {
		return nil
	}
	e.Nest(unix.IFLA_INFO_DATA)
	e.Uint32(unix.IFLA_MACVLAN_MODE, m.Mode)
	e.End()
	return nil
}

func (m *Macvlan) decode(d *nl.Decoder) {
	for d.Next() {
		if d.Type() == unix.IFLA_MACVLAN_MODE {
			m.Mode = d.Uint32()
		}
	}
}

// macvlanModes are MACVLAN_MODE_* of linux/if_link.h, by ip's names.
var macvlanModes = []struct {
	name string
	mode uint32
}{
	{"private", 1}, {"vepa", 2}, {"bridge", 4}, {"passthru", 8}, {"source", 16},
}

// ParseMacvlanMode maps ip's mode name to MACVLAN_MODE_*.
func ParseMacvlanMode(s string) (uint32, error) {
	for _, m := range macvlanModes {
		if m.name == s {
			return m.mode, nil
		}
	}
	return 0, fmt.Errorf("unknown macvlan mode %q (private, vepa, bridge, passthru, source)", s)
}

// MacvlanModeName is the name ip uses for mode.
func MacvlanModeName(mode uint32) string {
	for _, m := range macvlanModes {
		if m.mode == mode {
			return m.name
		}
	}
	return fmt.Sprint(mode)
}
