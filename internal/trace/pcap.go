package trace

import (
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/nsnet/nsnet/internal/fmt"

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

// pcapMagics are a pcap file's first four bytes: microsecond or
// nanosecond timestamps, written little- or big-endian.
var pcapMagics = []uint32{0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1}

// IsPcap tells whether b starts as a pcap file does.
func IsPcap(b []byte) bool {
	return len(b) >= 4 && slices.Contains(pcapMagics, binary.LittleEndian.Uint32(b))
}

// ReadPcap reads a pcap file of link type NETLINK (nsnet's -pcap, or a
// capture on an nlmon device) and hands each datagram to fn, with who
// sent it and its protocol. A malformed file is an error, never a panic.
func ReadPcap(b []byte, fn func(t time.Time, dir nl.Direction, proto int, datagram []byte)) error {
	if len(b) < 24 {
		return errors.New("pcap: shorter than a file header")
	}
	var order binary.ByteOrder
	nanos := false
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4:
		order = binary.LittleEndian
	case 0xd4c3b2a1:
		order = binary.BigEndian
	case 0xa1b23c4d:
		order, nanos = binary.LittleEndian, true
	case 0x4d3cb2a1:
		order, nanos = binary.BigEndian, true
	default:
		return errors.New("pcap: not a pcap file (pcapng is not read: tshark -F pcap converts)")
	}
	if lt := order.Uint32(b[20:]) & 0xffff; lt != linktypeNetlink {
		return fmt.Errorf("pcap: link type %d, not NETLINK (%d)", lt, linktypeNetlink)
	}
	for i, rest := 1, b[24:]; len(rest) > 0; i++ {
		if len(rest) < 16 {
			return fmt.Errorf("pcap: record %d: header cut short", i)
		}
		n := int(order.Uint32(rest[8:]))
		if n > len(rest)-16 {
			return fmt.Errorf("pcap: record %d: %d bytes, %d left in the file", i, n, len(rest)-16)
		}
		sub := int64(order.Uint32(rest[4:]))
		if !nanos {
			sub *= 1000
		}
		t := time.Unix(int64(order.Uint32(rest[0:])), sub)
		pkt := rest[16 : 16+n]
		rest = rest[16+n:]
		if len(pkt) < 16 {
			return fmt.Errorf("pcap: record %d: %d bytes, too few for the cooked header", i, len(pkt))
		}
		dir := nl.Received
		switch binary.BigEndian.Uint16(pkt) {
		case unix.PACKET_USER, unix.PACKET_OUTGOING:
			dir = nl.Sent
		}
		fn(t, dir, int(binary.BigEndian.Uint16(pkt[14:])), pkt[16:])
	}
	return nil
}
