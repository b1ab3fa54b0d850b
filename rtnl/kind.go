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

// GenericInfo is a link kind with no data nsnet sets or decodes.
type GenericInfo struct {
	KindName string
}

func (g *GenericInfo) Kind() string             { return g.KindName }
func (g *GenericInfo) encode(*nl.Encoder) error { return nil }
func (g *GenericInfo) decode(*nl.Decoder)       {}

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
