// Package trace shows netlink messages to a person: each message type,
// flag and attribute by its name in the kernel's headers, values typed
// (addresses, MACs, flags, nftables expressions), errors with the
// kernel's extended ack and the attribute it points at. It is what
// `nsnet -trace` prints and `nsnet decode` reads, and it writes the same
// traffic as a pcap file that Wireshark and tshark dissect.
package trace

import (
	"io"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

//go:generate go run ./gen

// space is one numbering of attributes or message types.
type space uint8

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
	if t.w == nil {
		return
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
	e := errnoOf(errno)
	return unix.ErrnoName(e) + ": " + e.Error()
}

func errnoOf(errno int32) syscall.Errno { return syscall.Errno(-errno) }
