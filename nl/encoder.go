package nl

import (
	"encoding/binary"
	"math"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"
)

// Encoder appends attributes to a byte slice. The first error sticks and is
// returned once, by Encode; the other methods do nothing after an error.
//
// The type passed to each method is written as given, so a caller that wants
// NLA_F_NESTED or NLA_F_NET_BYTEORDER ORs it in: families disagree on
// whether they set these flags (iproute2 does not, libnftnl does).
type Encoder struct {
	b     []byte
	nests []int // offsets of the open nested attributes
	err   error
}

// NewEncoder returns an Encoder that appends to b, typically a family's
// fixed header (ifinfomsg, rtmsg, nfgenmsg...).
//
//go:noinline
func NewEncoder(b []byte) *Encoder { return &Encoder{b: b} }

// Raw appends bytes that are not an attribute, padded to 4 bytes: a fixed
// header that the kernel expects inside an attribute, like the ifinfomsg at
// the start of VETH_INFO_PEER.
func (e *Encoder) Raw(v []byte) {
	if e.err != nil {
		return
	}
	e.b = append(e.b, v...)
	e.pad()
}

// Bytes appends an attribute whose value is v. Not inlined, as the
// setters below.
//
//go:noinline
func (e *Encoder) Bytes(typ uint16, v []byte) { copy(e.attr(typ, len(v)), v) }

// attr appends an attribute header and room for a value of n bytes,
// padded, and returns that room to fill in (nil after an error). The
// setters below are not inlined: requests are built at a few hundred call
// sites, and inlined each carried its own copy of this.
//
//go:noinline
func (e *Encoder) attr(typ uint16, n int) []byte {
	if e.err != nil {
		return nil
	}
	if attrHeaderLen+n > math.MaxUint16 {
		e.err = fmt.Errorf("nl: attribute %d: value of %d bytes does not fit in a netlink attribute", typ, n)
		return nil
	}
	e.b = binary.NativeEndian.AppendUint16(e.b, uint16(attrHeaderLen+n))
	e.b = binary.NativeEndian.AppendUint16(e.b, typ)
	start := len(e.b)
	e.b = append(e.b, make([]byte, align(n))...) // zeroes: the value, then the padding
	return e.b[start : start+n]
}

//go:noinline
func (e *Encoder) pad() { e.b = append(e.b, make([]byte, align(len(e.b))-len(e.b))...) }

// Flag appends an attribute with no value (NLA_FLAG).
//
//go:noinline
func (e *Encoder) Flag(typ uint16) { e.attr(typ, 0) }

// Addr appends an IP address in network order: 4 bytes for IPv4, 16 for
// IPv6 (an IPv4-mapped address stays 16), nothing for the zero Addr.
//
//go:noinline
func (e *Encoder) Addr(typ uint16, a netaddr.Addr) {
	v := a.As16()
	switch {
	case a.Is4():
		copy(e.attr(typ, 4), v[12:])
	case a.Is6():
		copy(e.attr(typ, 16), v[:])
	default:
		e.attr(typ, 0)
	}
}

// String appends a NUL-terminated string (NLA_NUL_STRING, and what the
// kernel's NLA_STRING policy accepts too).
//
//go:noinline
func (e *Encoder) String(typ uint16, s string) { copy(e.attr(typ, len(s)+1), s) }

// Uint8 appends a one-byte value.
//
//go:noinline
func (e *Encoder) Uint8(typ uint16, v uint8) {
	if b := e.attr(typ, 1); b != nil {
		b[0] = v
	}
}

// Uint16 appends v in host byte order.
//
//go:noinline
func (e *Encoder) Uint16(typ uint16, v uint16) {
	if b := e.attr(typ, 2); b != nil {
		binary.NativeEndian.PutUint16(b, v)
	}
}

// Uint32 appends v in host byte order.
//
//go:noinline
func (e *Encoder) Uint32(typ uint16, v uint32) {
	if b := e.attr(typ, 4); b != nil {
		binary.NativeEndian.PutUint32(b, v)
	}
}

// Uint64 appends v in host byte order.
//
//go:noinline
func (e *Encoder) Uint64(typ uint16, v uint64) {
	if b := e.attr(typ, 8); b != nil {
		binary.NativeEndian.PutUint64(b, v)
	}
}

// Int32 appends v in host byte order.
func (e *Encoder) Int32(typ uint16, v int32) { e.Uint32(typ, uint32(v)) }

// Uint16BE appends v in network byte order.
//
//go:noinline
func (e *Encoder) Uint16BE(typ uint16, v uint16) {
	if b := e.attr(typ, 2); b != nil {
		binary.BigEndian.PutUint16(b, v)
	}
}

// Uint32BE appends v in network byte order.
//
//go:noinline
func (e *Encoder) Uint32BE(typ uint16, v uint32) {
	if b := e.attr(typ, 4); b != nil {
		binary.BigEndian.PutUint32(b, v)
	}
}

// Uint64BE appends v in network byte order.
//
//go:noinline
func (e *Encoder) Uint64BE(typ uint16, v uint64) {
	if b := e.attr(typ, 8); b != nil {
		binary.BigEndian.PutUint64(b, v)
	}
}

// Nest opens a nested attribute; the attributes appended until the matching
// End become its value.
//
//go:noinline
func (e *Encoder) Nest(typ uint16) {
	if e.err != nil {
		return
	}
	e.nests = append(e.nests, len(e.b))
	e.b = binary.NativeEndian.AppendUint16(e.b, 0) // length, set by End
	e.b = binary.NativeEndian.AppendUint16(e.b, typ)
}

// End closes the innermost open nested attribute.
//
//go:noinline
func (e *Encoder) End() {
	if e.err != nil {
		return
	}
	if len(e.nests) == 0 {
		e.err = fmt.Errorf("nl: End without Nest")
		return
	}
	start := e.nests[len(e.nests)-1]
	e.nests = e.nests[:len(e.nests)-1]
	n := len(e.b) - start
	if n > math.MaxUint16 {
		e.err = fmt.Errorf("nl: nested attribute of %d bytes does not fit in a netlink attribute", n)
		return
	}
	binary.NativeEndian.PutUint16(e.b[start:], uint16(n))
}

// Encode returns the bytes appended so far, or the first error.
func (e *Encoder) Encode() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	if len(e.nests) != 0 {
		return nil, fmt.Errorf("nl: %d nested attributes left open", len(e.nests))
	}
	return e.b, nil
}
