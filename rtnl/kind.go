package rtnl

import (
	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/nl"
	"golang.org/x/sys/unix"
)

// LinkInfo is the kind-specific part of a link (IFLA_LINKINFO): what
// `ip link add ... type KIND ARGS` sets. The implementations are Veth,
// Bridge, Macvlan, Vxlan, Tun (decoded only: TunAdd makes one) and
// GenericInfo (any other kind, by name).
type LinkInfo interface {
	Kind() string
	encode(e *nl.Encoder) error // IFLA_INFO_DATA, if the kind has any
	decode(d *nl.Decoder)       // the attributes inside IFLA_INFO_DATA
}

// newLinkInfo makes an empty LinkInfo for each kind this package decodes;
// other kinds decode as GenericInfo.
func newLinkInfo(kind string) LinkInfo {
	switch kind {
	case "veth":
		return &Veth{}
	case "bridge":
		return &Bridge{}
	case "macvlan", "macvtap":
		return &Macvlan{KindName: kind}
	case "vxlan":
		return &Vxlan{}
	case "tun":
		return &Tun{}
	}
	return &GenericInfo{KindName: kind}
}

// GenericInfo is a link kind nsnet has no type for: its name, and the
// attributes of its data (IFLA_INFO_DATA) a request sets, as they are
// (`ip link add link eth0 name eth0.5 type vlan id 5` is kind "vlan"
// and a Setting{Attr: unix.IFLA_VLAN_ID, Size: 2, Value: 5}). A link
// read from the kernel has its data in Link.Attrs, not here.
type GenericInfo struct {
	KindName string
	Settings []Setting // request only
}

func (g *GenericInfo) Kind() string { return g.KindName }
func (g *GenericInfo) encode(e *nl.Encoder) error {
	if len(g.Settings) > 0 {
		e.Nest(unix.IFLA_INFO_DATA)
		encodeSettings(e, g.Settings)
		e.End()
	}
	return nil
}
func (g *GenericInfo) decode(*nl.Decoder) {}

// decodeLinkInfo decodes IFLA_LINKINFO: IFLA_INFO_KIND comes before
// IFLA_INFO_DATA in what the kernel sends, and the data means nothing
// without the kind.
func decodeLinkInfo(d *nl.Decoder, l *Link) error {
	for d.Next() {
		switch d.Type() {
		case unix.IFLA_INFO_KIND:
			l.Info = newLinkInfo(d.String())
		case unix.IFLA_INFO_DATA:
			if l.Info == nil {
				return fmt.Errorf("rtnl: link %q: IFLA_INFO_DATA before IFLA_INFO_KIND", l.Name)
			}
			d.Nested(func(nd *nl.Decoder) error { l.Info.decode(nd); return nil })
		case unix.IFLA_INFO_SLAVE_KIND:
			l.SlaveKind = d.String()
		case unix.IFLA_INFO_SLAVE_DATA:
			if l.SlaveKind == "bridge" {
				l.Port = &BridgePort{}
				d.Nested(func(nd *nl.Decoder) error { l.Port.decode(nd); return nil })
			}
		}
	}
	return d.Err()
}
