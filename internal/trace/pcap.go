package trace

import (
	"encoding/binary"
	"io"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Pcap writes datagrams as a pcap file of link type NETLINK (253), the
// format of a capture on an nlmon device: each packet starts with a
// 16-byte Linux cooked header (SLL) whose packet type says who sent it
// (PACKET_USER, PACKET_KERNEL), whose hardware type is ARPHRD_NETLINK and
// whose protocol is the netlink protocol, then the datagram.
type Pcap struct {
	w   io.Writer
	err error
}

const (
	linktypeNetlink = 253
	arphrdNetlink   = 824 // ARPHRD_NETLINK
	pcapSnaplen     = 1 << 18
)

// NewPcap writes the file header to w.
func NewPcap(w io.Writer) *Pcap {
	p := &Pcap{w: w}
	var h [24]byte
	le := binary.LittleEndian
	le.PutUint32(h[0:], 0xa1b2c3d4) // microsecond timestamps
	le.PutUint16(h[4:], 2)
	le.PutUint16(h[6:], 4)
	le.PutUint32(h[16:], pcapSnaplen)
	le.PutUint32(h[20:], linktypeNetlink)
	_, p.err = w.Write(h[:])
	return p
}

// Write adds one datagram, sent or received at t on a socket of protocol
// proto. The first error sticks: Err returns it.
func (p *Pcap) Write(t time.Time, dir nl.Direction, proto int, datagram []byte) {
	if p.err != nil {
		return
	}
	n := min(len(datagram), pcapSnaplen-16)
	b := make([]byte, 16+16+n)
	le, be := binary.LittleEndian, binary.BigEndian
	le.PutUint32(b[0:], uint32(t.Unix()))
	le.PutUint32(b[4:], uint32(t.Nanosecond()/1000))
	le.PutUint32(b[8:], uint32(16+n))
	le.PutUint32(b[12:], uint32(16+len(datagram)))
	sll := b[16:32]
	// As nlmon marks them (__netlink_deliver_tap_skb): by the socket that
	// sent the message, a user's or the kernel's.
	pkttype := uint16(unix.PACKET_KERNEL)
	if dir == nl.Sent {
		pkttype = unix.PACKET_USER
	}
	be.PutUint16(sll[0:], pkttype)
	be.PutUint16(sll[2:], arphrdNetlink)
	be.PutUint16(sll[14:], uint16(proto))
	copy(b[32:], datagram)
	_, p.err = p.w.Write(b)
}

// Err is the first write error, if any.
func (p *Pcap) Err() error { return p.err }
