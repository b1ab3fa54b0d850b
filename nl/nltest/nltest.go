// Package nltest is an in-memory netlink peer for tests: a Conn whose
// requests go to a function that answers as the kernel would, so that
// protocol logic (acknowledgements, errors, dumps, interrupted dumps,
// overflows) is tested without root and without a kernel. The same logic
// is tested against the real kernel too; these tests pin down the cases a
// kernel rarely produces on demand.
package nltest

import (
	"encoding/binary"
	"errors"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Port is the port id of a Conn from Dial.
const Port = 4242

// Reply is one datagram the peer sends: messages, from port From (0, the
// kernel, unless a test plays another process), or an error the receive
// returns instead (unix.ENOBUFS).
type Reply struct {
	Msgs []nl.Message
	From uint32
	Err  error
}

// Func answers the messages of one write with the datagrams that follow.
type Func func(req []nl.Message) []Reply

// Dial returns a Conn whose peer is fn.
func Dial(fn Func) *nl.Conn {
	return nl.NewConn(&peer{fn: fn}, unix.NETLINK_ROUTE, Port, nil)
}

// ErrNoReply is what a Conn receives when it waits and fn queued nothing:
// with a kernel it would wait forever.
var ErrNoReply = errors.New("nltest: no reply queued")

type peer struct {
	fn    Func
	queue []Reply
}

func (p *peer) Send(b []byte) error {
	msgs, err := nl.ParseMessages(b)
	if err != nil {
		return err
	}
	p.queue = append(p.queue, p.fn(cloneAll(msgs))...)
	return nil
}

func (p *peer) Receive(wait bool) ([]byte, uint32, error) {
	if len(p.queue) == 0 {
		if !wait {
			return nil, 0, nil
		}
		return nil, 0, ErrNoReply
	}
	r := p.queue[0]
	p.queue = p.queue[1:]
	if r.Err != nil {
		return nil, 0, r.Err
	}
	var b []byte
	for _, m := range r.Msgs {
		b = m.Append(b)
	}
	return b, r.From, nil
}

func (p *peer) Close() error { return nil }

func cloneAll(msgs []nl.Message) []nl.Message {
	out := make([]nl.Message, len(msgs))
	for i, m := range msgs {
		out[i] = nl.Message{Header: m.Header, Data: append([]byte(nil), m.Data...)}
	}
	return out
}

// Ack is the kernel's acknowledgement of req: NLMSG_ERROR with error 0
// and req's header echoed.
func Ack(req nl.Message) nl.Message { return Error(req, 0, "") }

// Error is the kernel's refusal of req with errno, and msg as the extended
// acknowledgement's NLMSGERR_ATTR_MSG if not empty (the request is not
// echoed: NLM_F_CAPPED).
func Error(req nl.Message, errno unix.Errno, msg string) nl.Message {
	hdr := req
	hdr.Data = nil
	b := binary.NativeEndian.AppendUint32(nil, uint32(-int32(errno)))
	b = hdr.Append(b)
	flags := uint16(unix.NLM_F_CAPPED)
	if msg != "" {
		e := nl.NewEncoder(b)
		e.String(unix.NLMSGERR_ATTR_MSG, msg)
		b, _ = e.Encode()
		flags |= unix.NLM_F_ACK_TLVS
	}
	// hdr.Append set nlmsg_len to the header alone, as the kernel does
	// for a capped echo.
	return nl.Message{Header: nl.Header{Type: unix.NLMSG_ERROR, Flags: flags, Sequence: req.Header.Sequence, PortID: Port}, Data: b}
}

// Object is one message of a dump's answer to req, of type typ.
func Object(req nl.Message, typ uint16, data []byte, flags uint16) nl.Message {
	return nl.Message{Header: nl.Header{Type: typ, Flags: unix.NLM_F_MULTI | flags, Sequence: req.Header.Sequence, PortID: Port}, Data: data}
}

// Done ends a dump's answer to req; flags may carry NLM_F_DUMP_INTR.
func Done(req nl.Message, flags uint16) nl.Message {
	return nl.Message{Header: nl.Header{Type: unix.NLMSG_DONE, Flags: unix.NLM_F_MULTI | flags, Sequence: req.Header.Sequence, PortID: Port}, Data: make([]byte, 4)}
}
