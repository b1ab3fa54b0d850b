package nl

import (
	"encoding/binary"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"
)

// Decoder walks the attributes in a buffer. It returns views into the
// buffer, never panics, and remembers the first problem it meets: a
// malformed attribute header stops the walk, and a value of the wrong size
// reads as zero. Every decode function ends by returning Err.
//
//	d := nl.NewDecoder(b)
//	for d.Next() {
//		switch d.Type() {
//		case unix.IFLA_MTU:
//			l.MTU = d.Uint32()
//		}
//	}
//	return d.Err()
type Decoder struct {
	b    []byte
	typ  uint16 // nla_type as sent, flags included
	data []byte
	err  error
}

// NewDecoder returns a Decoder over the attributes in b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Next advances to the next attribute and reports whether there is one.
func (d *Decoder) Next() bool {
	if d.err != nil || len(d.b) == 0 {
		return false
	}
	if len(d.b) < attrHeaderLen {
		d.err = fmt.Errorf("nl: attribute header: want %d bytes, have %d", attrHeaderLen, len(d.b))
		return false
	}
	n := int(binary.NativeEndian.Uint16(d.b[0:2]))
	d.typ = binary.NativeEndian.Uint16(d.b[2:4])
	if n < attrHeaderLen || n > len(d.b) {
		d.err = fmt.Errorf("nl: attribute %d: length %d out of range (buffer %d)", d.Type(), n, len(d.b))
		return false
	}
	d.data = d.b[attrHeaderLen:n:n]
	d.b = d.b[min(align(n), len(d.b)):] // the last attribute may come unpadded
	return true
}

// Type is the current attribute's type without the NLA_F_NESTED and
// NLA_F_NET_BYTEORDER flags.
func (d *Decoder) Type() uint16 { return d.typ &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER) } // NLA_TYPE_MASK

// Bytes is the current attribute's value, a view into the buffer.
//
//go:noinline
func (d *Decoder) Bytes() []byte { return d.data }

// String is the current value up to its first NUL byte.
//
//go:noinline
func (d *Decoder) String() string { return CString(d.data) }

// CString is b up to its first NUL byte: a string attribute's text, NUL
// or not (ip sends some without).
//
//go:noinline
func CString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func (d *Decoder) fixed(n int) []byte {
	if len(d.data) != n {
		d.Fail(fmt.Errorf("nl: attribute %d: want %d bytes, have %d", d.Type(), n, len(d.data)))
		return make([]byte, n)
	}
	return d.data
}

// Uint8 reads a one-byte value.
//
//go:noinline
func (d *Decoder) Uint8() uint8 { return d.fixed(1)[0] }

// Uint16 reads a value in host byte order.
//
//go:noinline
func (d *Decoder) Uint16() uint16 { return binary.NativeEndian.Uint16(d.fixed(2)) }

// Uint32 reads a value in host byte order.
//
//go:noinline
func (d *Decoder) Uint32() uint32 { return binary.NativeEndian.Uint32(d.fixed(4)) }

// Uint64 reads a value in host byte order.
//
//go:noinline
func (d *Decoder) Uint64() uint64 { return binary.NativeEndian.Uint64(d.fixed(8)) }

// Int32 reads a value in host byte order.
//
//go:noinline
func (d *Decoder) Int32() int32 { return int32(d.Uint32()) }

// Uint16BE reads a value in network byte order.
//
//go:noinline
func (d *Decoder) Uint16BE() uint16 { return binary.BigEndian.Uint16(d.fixed(2)) }

// Uint32BE reads a value in network byte order.
//
//go:noinline
func (d *Decoder) Uint32BE() uint32 { return binary.BigEndian.Uint32(d.fixed(4)) }

// Uint64BE reads a value in network byte order.
//
//go:noinline
func (d *Decoder) Uint64BE() uint64 { return binary.BigEndian.Uint64(d.fixed(8)) }

// Nested decodes the current value as attributes with fn. An error from fn,
// or from the nested Decoder, becomes this Decoder's error.
func (d *Decoder) Nested(fn func(*Decoder) error) {
	if d.err != nil {
		return
	}
	nd := NewDecoder(d.data)
	if err := fn(nd); err != nil {
		d.Fail(err)
		return
	}
	d.Fail(nd.Err())
}

// Fail records err as the Decoder's error unless one is already recorded;
// callers use it to report a value that is well-formed but not valid.
//
//go:noinline
func (d *Decoder) Fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// Err is the first problem met, or nil.
//
//go:noinline
func (d *Decoder) Err() error { return d.err }

// IsNested reports whether the sender marked the current attribute
// NLA_F_NESTED.
func (d *Decoder) IsNested() bool { return d.typ&unix.NLA_F_NESTED != 0 }

// AttrAt finds the attribute of b, a run of attributes, that holds byte
// off, as an extended ACK's NLMSGERR_ATTR_OFFS points at one. It returns
// the attribute's type, its payload, and off counted from the payload's
// start (negative when off points into the attribute's own header).
func AttrAt(b []byte, off int) (typ uint16, payload []byte, inner int, ok bool) {
	for pos := 0; pos+4 <= len(b); {
		n := int(binary.NativeEndian.Uint16(b[pos:]))
		if n < 4 || pos+n > len(b) {
			return 0, nil, 0, false
		}
		if off >= pos && off < pos+n {
			typ = binary.NativeEndian.Uint16(b[pos+2:]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
			return typ, b[pos+4 : pos+n], off - pos - 4, true
		}
		pos += align(n)
	}
	return 0, nil, 0, false
}

// Index is iproute2's parse_rtattr: the payload of each attribute of b by
// type, for types up to max, the first of a type kept, nil for a type
// that is absent (an empty payload is an empty, non-nil slice). A
// printer that shows attributes in its own order, as ip -d does, looks
// them up here instead of walking b once per attribute. A malformed
// attribute ends the walk; what came before it is kept.
func Index(b []byte, max uint16) [][]byte {
	tb := make([][]byte, int(max)+1)
	for d := NewDecoder(b); d.Next(); {
		if t := d.Type(); t <= max && tb[t] == nil {
			tb[t] = d.Bytes()
		}
	}
	return tb
}
