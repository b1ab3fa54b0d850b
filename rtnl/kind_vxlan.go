package rtnl

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
)

// Vxlan is a VXLAN tunnel endpoint: Ethernet frames in UDP.
// `ip link add NAME type vxlan id ID [remote|group ADDR] [local ADDR]
// [dev DEV] [dstport PORT]`.
type Vxlan struct {
	ID      uint32       // IFLA_VXLAN_ID: the 24-bit VNI; in a request, 0 is not sent
	Group   netaddr.Addr // IFLA_VXLAN_GROUP(6): remote peer or multicast group
	Local   netaddr.Addr // IFLA_VXLAN_LOCAL(6)
	Dev     int32        // IFLA_VXLAN_LINK: underlying device
	DstPort uint16       // IFLA_VXLAN_PORT, big-endian on the wire; 0 is the kernel default

	// Settings are the other IFLA_VXLAN_* of a request (ttl, tos, df,
	// learning, ...), sent after the fields above (request only).
	Settings []Setting
}

func (v *Vxlan) Kind() string { return "vxlan" }

func (v *Vxlan) encode(e *nl.Encoder) error {
	e.Nest(unix.IFLA_INFO_DATA)
	if v.ID != 0 {
		e.Uint32(unix.IFLA_VXLAN_ID, v.ID)
	}
	if v.Group.IsValid() {
		e.Addr(pick(v.Group, unix.IFLA_VXLAN_GROUP, unix.IFLA_VXLAN_GROUP6), v.Group)
	}
	if v.Local.IsValid() {
		e.Addr(pick(v.Local, unix.IFLA_VXLAN_LOCAL, unix.IFLA_VXLAN_LOCAL6), v.Local)
	}
	if v.Dev != 0 {
		e.Uint32(unix.IFLA_VXLAN_LINK, uint32(v.Dev))
	}
	if v.DstPort != 0 {
		e.Uint16BE(unix.IFLA_VXLAN_PORT, v.DstPort)
	}
	encodeSettings(e, v.Settings)
	e.End()
	return nil
}

// pick chooses the IPv4 or the IPv6 attribute for a.
func pick(a netaddr.Addr, v4, v6 uint16) uint16 {
	if a.Is4() {
		return v4
	}
	return v6
}

func (v *Vxlan) decode(d *nl.Decoder) {
	for d.Next() {
		switch d.Type() {
		case unix.IFLA_VXLAN_ID:
			v.ID = d.Uint32()
		case unix.IFLA_VXLAN_GROUP, unix.IFLA_VXLAN_GROUP6:
			v.Group, _ = netaddr.AddrFromSlice(d.Bytes())
		case unix.IFLA_VXLAN_LOCAL, unix.IFLA_VXLAN_LOCAL6:
			v.Local, _ = netaddr.AddrFromSlice(d.Bytes())
		case unix.IFLA_VXLAN_LINK:
			v.Dev = d.Int32()
		case unix.IFLA_VXLAN_PORT:
			v.DstPort = d.Uint16BE()
		}
	}
}
