// Package trace shows netlink messages to a person: each message type,
// flag and attribute by its name in the kernel's headers, values typed
// (addresses, MACs, flags, nftables expressions), errors with the
// kernel's extended ack and the attribute it points at. It is what
// `nsnet -trace` prints and `nsnet decode` reads, and it writes the same
// traffic as a pcap file that Wireshark and tshark dissect.
package trace

import (
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/names"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// space is one numbering of attributes or message types.
type space = names.Space

// Mode is how much a trace shows of each message.
type Mode uint8

const (
	Brief Mode = iota // one line: type, sequence, flags, attributes
	Full              // every header field and attribute, with offsets
	JSON              // one JSON object, for tools
)

// A Tracer writes each datagram it is given, decoded; its Datagram
// method is an nl.Tracer. It remembers requests by sequence number, to
// time their answers and to name the attribute an error points at.
type Tracer struct {
	mu        sync.Mutex
	w         io.Writer
	mode      Mode
	pcap      *Pcap
	datagrams int                // traced so far: each JSON message says which it was in
	sent      map[uint32]request // by sequence number (a collision between two sockets only mistimes)
	Now       func() time.Time   // the clock; tests set one that stands still
}

type request struct {
	at  time.Time
	msg []byte
}

// remembered bounds what a Tracer keeps of requests never answered (a
// batch asks for one ACK per write).
const remembered = 4096

// New returns a Tracer writing to w (nil: nowhere) in mode, and the
// datagrams to p as well if p is not nil.
func New(w io.Writer, mode Mode, p *Pcap) *Tracer {
	return &Tracer{w: w, mode: mode, pcap: p, sent: map[uint32]request{}, Now: time.Now}
}

// Datagram traces one datagram sent or received on a netlink socket of
// protocol proto.
func (t *Tracer) Datagram(dir nl.Direction, proto int, b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Now()
	if t.pcap != nil {
		t.pcap.Write(now, dir, proto, b)
	}
	if t.w == nil {
		return // a capture alone: nothing to decode
	}
	msgs := decode(proto, b)
	t.datagrams++
	if dir == nl.Sent {
		if len(t.sent) >= remembered {
			clear(t.sent)
		}
		for _, m := range msgs {
			if m.bad == "" {
				t.sent[m.hdr.seq] = request{now, append([]byte(nil), b[m.off:m.off+int(m.hdr.len)]...)}
			}
		}
	}
	var out strings.Builder
	arrow := "→"
	if dir == nl.Received {
		arrow = "←"
	}
	if len(msgs) > 1 && t.mode != JSON {
		put(&out, arrow+" datagram of "+itoa(len(msgs))+" messages, "+itoa(len(b))+" bytes\n")
	}
	for i := range msgs {
		m := &msgs[i]
		var req *request
		var ms string
		var us int64
		if dir == nl.Received && m.ctrl != nil {
			if r, ok := t.sent[m.hdr.seq]; ok {
				req = &r
				if !now.IsZero() { // times unknown (a hex dump): none shown
					us = now.Sub(r.at).Microseconds()
					ms = " " + itoa(int(us/1000)) + "." + itoa(int(us%1000/100)) + " ms"
				}
				delete(t.sent, m.hdr.seq)
			}
		}
		indent := ""
		if len(msgs) > 1 {
			indent = "  "
		}
		switch t.mode {
		case Brief:
			put(&out, indent+arrow+" "+m.brief(proto, req)+ms+"\n")
		case Full:
			m.full(&out, indent, arrow, proto, req, ms)
		case JSON:
			m.json(&out, dir, proto, req, us, t.datagrams)
		}
	}
	io.WriteString(t.w, out.String())
}

// errText is "EEXIST: file exists" for a negative errno as the kernel
// sends it.
//
//go:noinline
func errText(errno int32) string {
	e := syscall.Errno(-errno)
	return errnoName(e) + ": " + e.Error()
}

// Pcap writes datagrams as a pcap file of link type NETLINK (253), the
// format of a capture on an nlmon device: each packet starts with a
// 16-byte Linux cooked header (SLL) whose packet type says who sent it
// (PACKET_USER, PACKET_KERNEL), whose hardware type is ARPHRD_NETLINK and
// whose protocol is the netlink protocol, then the datagram.
type Pcap struct {
	_   [0]func() // incomparable: no equality function in the binary
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
	le.PutUint32(h[0:], pcapMicros)
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

// Magic numbers of pcap files written little-endian, as on the machines
// netlink is captured on: microsecond and nanosecond timestamps.
const (
	pcapMicros = 0xa1b2c3d4
	pcapNanos  = 0xa1b23c4d
)

// IsPcap tells whether b starts as a pcap file (little-endian) does.
func IsPcap(b []byte) bool {
	return len(b) >= 4 && (binary.LittleEndian.Uint32(b) == pcapMicros || binary.LittleEndian.Uint32(b) == pcapNanos)
}

// ReadPcap reads a pcap file of link type NETLINK (nsnet's -pcap, or a
// capture on an nlmon device) and hands each datagram to fn, with who
// sent it and its protocol. A malformed file is an error, never a panic.
func ReadPcap(b []byte, fn func(t time.Time, dir nl.Direction, proto int, datagram []byte)) error {
	if len(b) < 24 {
		return errors.New("pcap: shorter than a file header")
	}
	if !IsPcap(b) {
		return errors.New("pcap: not a little-endian pcap file (pcapng is not read: tshark -F pcap converts)")
	}
	order, nanos := binary.LittleEndian, binary.LittleEndian.Uint32(b) == pcapNanos
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
