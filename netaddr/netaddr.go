// Package netaddr holds IP addresses and prefixes as the kernel sees them:
// 4 or 16 bytes, and a prefix length.
//
// Its types are comparable values with the method names of the standard
// library's net/netip (ParseAddr, MustParsePrefix, Addr.Is4, Prefix.Masked…),
// so code reads as it would with netip, and converting is one line each way:
//
//	netip.AddrFrom16(a.As16()).Unmap()       // netaddr.Addr -> netip.Addr (IPv4 as IPv4)
//	netaddr.AddrFromSlice(ip.AsSlice())      // netip.Addr -> netaddr.Addr
//
// Why not netip itself: importing it interns zones through package unique, whose
// weak-pointer map costs a static binary about 90 KB — more than nsnet's whole
// nftables encoder. An address family, 16 bytes and a length are all netlink
// carries; zones are not addresses on the wire.
//
// Text follows what ip prints (glibc's inet_ntop): IPv6 with the longest run
// of two or more zero groups as "::", and an IPv4 address in the last 32 bits
// of ::ffff:0:0/96 and of ::/96 (except :: and ::1) written dotted.
package netaddr

import (
	"bytes"
	"cmp"
	"errors"
)

// Addr is an IPv4 or IPv6 address; the zero Addr is no address (IsValid is false).
type Addr struct {
	b [16]byte // IPv4 in b[:4], the rest zero: one representation per address, so == works
	n uint8    // 0, 4 or 16
}

// AddrFrom4 is the IPv4 address b.
func AddrFrom4(b [4]byte) Addr {
	a := Addr{n: 4}
	copy(a.b[:], b[:])
	return a
}

// AddrFrom16 is the IPv6 address b (an IPv4-mapped one stays IPv6, as in netip).
func AddrFrom16(b [16]byte) Addr { return Addr{b: b, n: 16} }

// AddrFromSlice is the address of 4 or 16 bytes; false for any other length.
//
//go:noinline
func AddrFromSlice(b []byte) (Addr, bool) {
	if len(b) != 4 && len(b) != 16 {
		return Addr{}, false
	}
	a := Addr{n: uint8(len(b))}
	copy(a.b[:], b)
	return a, true
}

// IPv4Unspecified is 0.0.0.0.
func IPv4Unspecified() Addr { return Addr{n: 4} }

// IPv6Unspecified is ::.
func IPv6Unspecified() Addr { return Addr{n: 16} }

// IsValid says whether a is an address (not the zero Addr).
func (a Addr) IsValid() bool { return a.n != 0 }

// Is4 says whether a is an IPv4 address (not an IPv4-mapped IPv6 one).
func (a Addr) Is4() bool { return a.n == 4 }

// Is6 says whether a is an IPv6 address.
func (a Addr) Is6() bool { return a.n == 16 }

// BitLen is 32 for IPv4, 128 for IPv6, 0 for the zero Addr.
func (a Addr) BitLen() int { return int(a.n) * 8 }

// AsSlice is the address's 4 or 16 bytes (nil for the zero Addr), as netlink carries them.
//
//go:noinline
func (a Addr) AsSlice() []byte {
	if a.n == 0 {
		return nil
	}
	return append([]byte(nil), a.b[:a.n]...)
}

// As4 is an IPv4 address's bytes (or an IPv4-mapped IPv6 one's last four).
// It panics for other addresses, as netip's does.
func (a Addr) As4() [4]byte {
	switch {
	case a.n == 4:
		return [4]byte(a.b[:4])
	case a.n == 16 && a.isMapped():
		return [4]byte(a.b[12:])
	}
	panic("netaddr: As4 of an address that is not IPv4")
}

// As16 is the address in 16 bytes; IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d).
//
//go:noinline
func (a Addr) As16() [16]byte {
	if a.n == 4 {
		var b [16]byte
		b[10], b[11] = 0xff, 0xff
		copy(b[12:], a.b[:4])
		return b
	}
	return a.b
}

// isMapped says whether an IPv6 address is in ::ffff:0:0/96.
func (a Addr) isMapped() bool {
	return a.b == [16]byte{10: 0xff, 11: 0xff, 12: a.b[12], 13: a.b[13], 14: a.b[14], 15: a.b[15]}
}

// IsUnspecified says whether a is 0.0.0.0 or ::.
func (a Addr) IsUnspecified() bool { return a.n != 0 && a.b == [16]byte{} }

// IsMulticast says whether a is in 224.0.0.0/4 (IPv4-mapped too) or ff00::/8.
func (a Addr) IsMulticast() bool {
	if a.n == 16 && a.isMapped() {
		return a.b[12]&0xf0 == 0xe0
	}
	return a.n == 4 && a.b[0]&0xf0 == 0xe0 || a.n == 16 && a.b[0] == 0xff
}

// Next is the address after a, or the zero Addr after the family's last.
//
//go:noinline
func (a Addr) Next() Addr {
	for i := int(a.n) - 1; i >= 0; i-- {
		if a.b[i]++; a.b[i] != 0 {
			return a
		}
	}
	return Addr{}
}

// Compare orders addresses: IPv4 before IPv6, then by bytes; -1, 0 or +1.
func (a Addr) Compare(b Addr) int {
	if a.n != b.n {
		return cmp.Compare(a.n, b.n)
	}
	return bytes.Compare(a.b[:], b.b[:])
}

// Prefix is an address and a prefix length, "192.168.15.1/24": the
// address keeps its host bits (an interface address) unless Masked.
// The zero Prefix is no prefix.
type Prefix struct {
	a    Addr
	bits int16 // the length + 1: 0 in the zero Prefix and after a bad length
}

// PrefixFrom is a/bits; not valid (Bits -1) if bits is out of 0…a.BitLen().
//
//go:noinline
func PrefixFrom(a Addr, bits int) Prefix {
	if bits < 0 || bits > a.BitLen() || !a.IsValid() {
		return Prefix{a: a}
	}
	return Prefix{a: a, bits: int16(bits) + 1}
}

// Addr is the prefix's address.
func (p Prefix) Addr() Addr { return p.a }

// Bits is the prefix length, -1 if p is not valid.
func (p Prefix) Bits() int { return int(p.bits) - 1 }

// IsValid says whether p has an address and a length its family can have.
func (p Prefix) IsValid() bool { return p.bits != 0 }

// Masked is p with the host bits of its address cleared: 192.168.15.0/24.
//
//go:noinline
func (p Prefix) Masked() Prefix {
	if !p.IsValid() {
		return Prefix{}
	}
	a := p.a
	for i, bits := 0, p.Bits(); i < int(a.n); i, bits = i+1, bits-8 {
		switch {
		case bits <= 0:
			a.b[i] = 0
		case bits < 8:
			a.b[i] &= ^byte(0xff >> bits)
		}
	}
	return Prefix{a: a, bits: p.bits}
}

// Last is p's last address: the host bits of its address set (an IPv4
// subnet's broadcast address); the zero Addr if p is not valid.
//
//go:noinline
func (p Prefix) Last() Addr {
	if !p.IsValid() {
		return Addr{}
	}
	a := p.a
	for i, bits := 0, p.Bits(); i < int(a.n); i, bits = i+1, bits-8 {
		if bits < 8 {
			a.b[i] |= 0xff >> max(bits, 0)
		}
	}
	return a
}

// Contains says whether address b lies in p (same family only).
//
//go:noinline
func (p Prefix) Contains(b Addr) bool {
	return p.IsValid() && b.n == p.a.n && PrefixFrom(b, p.Bits()).Masked() == p.Masked()
}

// AddrPort is an address and a port, "192.168.15.2:80" or "[fd00::2]:80".
type AddrPort struct {
	a    Addr
	port uint16
}

// AddrPortFrom is a with port.
func AddrPortFrom(a Addr, port uint16) AddrPort { return AddrPort{a, port} }

// Addr is the address.
func (ap AddrPort) Addr() Addr { return ap.a }

// Port is the port.
func (ap AddrPort) Port() uint16 { return ap.port }

// IsValid says whether the address is valid.
func (ap AddrPort) IsValid() bool { return ap.a.IsValid() }

var (
	errAddr   = errors.New("not an IP address")
	errLength = errors.New("no prefix length after /")
	errPort   = errors.New("not ADDR:PORT")
)

// Error is a text that did not parse, and why.
type Error struct {
	Func, Text string
	Err        error
}

func (e *Error) Error() string { return e.Func + "(\"" + e.Text + "\"): " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }
