package rtnl

import (
	"bytes"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/nl"
)

const vethInfoPeer = 1 // VETH_INFO_PEER, linux/veth.h

// Veth is a virtual Ethernet pair: two links joined like the ends of a
// cable. `ip link add NAME type veth peer name PEER [netns NS] [OPTIONS]`.
type Veth struct {
	// Peer is the other end, made in the same request: its Name (unset,
	// the kernel picks vethN), its namespace (NetNS: made there), and what
	// any new link takes — MTU, TxQLen, HardwareAddr, Alias, Group, flags
	// (SetUp). The zero Link leaves all of it to the kernel.
	Peer Link
}

func (v *Veth) Kind() string { return "veth" }

// encode writes VETH_INFO_PEER: the peer as a link request of its own, a
// struct ifinfomsg then link attributes — not pure attributes, so it
// carries no NLA_F_NESTED. Nothing is written for a peer with nothing
// set: the kernel then names and places it itself.
func (v *Veth) encode(e *nl.Encoder) error {
	b, err := encodeLink(&v.Peer)
	if err != nil {
		return fmt.Errorf("veth peer: %w", err)
	}
	if bytes.Equal(b, make([]byte, unix.SizeofIfInfomsg)) {
		return nil
	}
	e.Nest(unix.IFLA_INFO_DATA)
	e.Nest(vethInfoPeer)
	e.Raw(b)
	e.End()
	e.End()
	return nil
}

// decode: the kernel reports no veth data in dumps; the peer is IFLA_LINK.
func (v *Veth) decode(*nl.Decoder) {}
