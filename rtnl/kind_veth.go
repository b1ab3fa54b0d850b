package rtnl

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
)

const vethInfoPeer = 1 // VETH_INFO_PEER, linux/veth.h

// Veth is a virtual Ethernet pair: two links joined like the ends of a
// cable. `ip link add NAME type veth peer name PEER [netns NS]`.
type Veth struct {
	PeerName  string     // the other end's name
	PeerNetNS *ns.Handle // where to create the other end; nil: here
	// The other end's MAC address, MTU and queue length (`peer name PEER
	// address MAC mtu N txqueuelen N`); unset, the kernel's choice.
	PeerHardwareAddr HardwareAddr
	PeerMTU          uint32
	PeerTxQLen       uint32
}

func (v *Veth) Kind() string { return "veth" }

// encode writes VETH_INFO_PEER. Its value is not pure attributes: it
// starts with a struct ifinfomsg for the peer, so it carries no
// NLA_F_NESTED.
func (v *Veth) encode(e *nl.Encoder) error {
	if v.PeerName == "" && v.PeerNetNS == nil && v.PeerHardwareAddr == nil && v.PeerMTU == 0 && v.PeerTxQLen == 0 {
		return nil
	}
	e.Nest(unix.IFLA_INFO_DATA)
	e.Nest(vethInfoPeer)
	e.Raw(make([]byte, unix.SizeofIfInfomsg))
	if v.PeerName != "" {
		e.String(unix.IFLA_IFNAME, v.PeerName)
	}
	if v.PeerMTU != 0 {
		e.Uint32(unix.IFLA_MTU, v.PeerMTU)
	}
	if v.PeerTxQLen != 0 {
		e.Uint32(unix.IFLA_TXQLEN, v.PeerTxQLen)
	}
	if v.PeerHardwareAddr != nil {
		e.Bytes(unix.IFLA_ADDRESS, v.PeerHardwareAddr)
	}
	encodeNetNS(e, v.PeerNetNS)
	e.End()
	e.End()
	return nil
}

// decode: the kernel reports no veth data in dumps; the peer is IFLA_LINK.
func (v *Veth) decode(*nl.Decoder) {}
