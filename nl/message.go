package nl

import (
	"encoding/binary"

	"github.com/nsnet/nsnet/internal/fmt"
)

// Header is struct nlmsghdr, the 16 bytes in front of every message.
type Header struct {
	Length   uint32 // nlmsg_len: header plus payload, without trailing padding
	Type     uint16 // nlmsg_type: NLMSG_* or a family's message type
	Flags    uint16 // nlmsg_flags: NLM_F_*
	Sequence uint32 // nlmsg_seq: chosen by the sender, echoed in replies
	PortID   uint32 // nlmsg_pid: the sending socket's port id, 0 for the kernel
}

// Message is one netlink message: a header and its payload (the family's
// fixed header followed by attributes).
type Message struct {
	Header Header
	Data   []byte
}

// Append appends m in wire format to b, computing Header.Length and padding
// the message to a 4-byte boundary.
//
//go:noinline
func (m Message) Append(b []byte) []byte {
	n := headerLen + len(m.Data)
	b = binary.NativeEndian.AppendUint32(b, uint32(n))
	b = binary.NativeEndian.AppendUint16(b, m.Header.Type)
	b = binary.NativeEndian.AppendUint16(b, m.Header.Flags)
	b = binary.NativeEndian.AppendUint32(b, m.Header.Sequence)
	b = binary.NativeEndian.AppendUint32(b, m.Header.PortID)
	b = append(b, m.Data...)
	return append(b, make([]byte, align(n)-n)...)
}

// ParseMessages splits a datagram into messages. The returned messages'
// Data are views into b. It never panics; a malformed header is an error.
func ParseMessages(b []byte) ([]Message, error) { return appendMessages(nil, b) }

// appendMessages is ParseMessages appending to msgs: a Conn reuses one
// slice for every datagram.
func appendMessages(msgs []Message, b []byte) ([]Message, error) {
	for len(b) > 0 {
		m, rest, err := parseMessage(b)
		if err != nil {
			return msgs, err
		}
		msgs = append(msgs, m)
		b = rest
	}
	return msgs, nil
}

func parseMessage(b []byte) (Message, []byte, error) {
	if len(b) < headerLen {
		return Message{}, nil, fmt.Errorf("nl: message header: want %d bytes, have %d", headerLen, len(b))
	}
	h := Header{
		Length:   binary.NativeEndian.Uint32(b[0:4]),
		Type:     binary.NativeEndian.Uint16(b[4:6]),
		Flags:    binary.NativeEndian.Uint16(b[6:8]),
		Sequence: binary.NativeEndian.Uint32(b[8:12]),
		PortID:   binary.NativeEndian.Uint32(b[12:16]),
	}
	if h.Length < headerLen || uint64(h.Length) > uint64(len(b)) {
		return Message{}, nil, fmt.Errorf("nl: message length %d out of range (header %d, buffer %d)", h.Length, headerLen, len(b))
	}
	next := min(align(int(h.Length)), len(b)) // the last message may come unpadded
	return Message{Header: h, Data: b[headerLen:h.Length:h.Length]}, b[next:], nil
}
