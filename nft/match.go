package nft

import (
	"encoding/binary"

	"github.com/nsnet/nsnet/netaddr"

	"golang.org/x/sys/unix"
)

// These build expression lists the way nft does for the same words, so
// that `nft list ruleset` shows nsnet's rules as clean statements.

// addrField is where a network header keeps its addresses.
type addrField struct{ saddr, daddr, len uint32 }

// headerAddr is where IPv4 and IPv6 headers keep theirs.
func headerAddr(family uint8) (addrField, bool) {
	switch family {
	case FamilyIP:
		return addrField{12, 16, 4}, true
	case FamilyIP6:
		return addrField{8, 24, 16}, true
	}
	return addrField{}, false
}

// matchAddr is `ip saddr PREFIX` (or daddr). nft loads only the prefix's
// whole bytes when the length is a multiple of 8, and masks with bitwise
// otherwise.
func matchAddr(family uint8, src bool, p netaddr.Prefix) []Expr {
	return matchAddrOp(family, src, p, unix.NFT_CMP_EQ)
}

// matchAddrOp is matchAddr with the comparison op (NFT_CMP_NEQ: `!=`).
func matchAddrOp(family uint8, src bool, p netaddr.Prefix, op uint32) []Expr {
	h, _ := headerAddr(family)
	off := h.daddr
	if src {
		off = h.saddr
	}
	bits := uint32(p.Bits())
	if bits == 0 {
		return nil // matches everything
	}
	addr := p.Masked().Addr().AsSlice()
	if bits%8 == 0 {
		n := bits / 8
		return []Expr{
			&Payload{Base: unix.NFT_PAYLOAD_NETWORK_HEADER, Offset: off, Len: n, Register: unix.NFT_REG_1},
			&Cmp{Op: op, Register: unix.NFT_REG_1, Data: addr[:n]},
		}
	}
	m := make([]byte, h.len)
	for i := range m {
		switch {
		case uint32(i+1)*8 <= bits:
			m[i] = 0xff
		case uint32(i)*8 < bits:
			m[i] = byte(0xff << (8 - bits%8))
		}
	}
	return []Expr{
		&Payload{Base: unix.NFT_PAYLOAD_NETWORK_HEADER, Offset: off, Len: h.len, Register: unix.NFT_REG_1},
		&Bitwise{SReg: unix.NFT_REG_1, DReg: unix.NFT_REG_1, Len: h.len, Mask: m, Xor: make([]byte, h.len)},
		&Cmp{Op: op, Register: unix.NFT_REG_1, Data: addr},
	}
}

// MatchSaddr is `ip saddr PREFIX` (`ip6 saddr` for an IPv6 prefix).
func MatchSaddr(p netaddr.Prefix) []Expr { return matchAddr(FamilyOf(p.Addr()), true, p) }

// MatchDaddr is `ip daddr PREFIX` (`ip6 daddr`).
func MatchDaddr(p netaddr.Prefix) []Expr { return matchAddr(FamilyOf(p.Addr()), false, p) }

// MatchDaddrNot is `ip daddr != PREFIX` (`ip6 daddr`), for a prefix
// longer than /0 (which nothing is outside of).
func MatchDaddrNot(p netaddr.Prefix) []Expr {
	return matchAddrOp(FamilyOf(p.Addr()), false, p, unix.NFT_CMP_NEQ)
}

// MatchIifname is `iifname NAME`: the link a packet came in by.
func MatchIifname(name string) []Expr { return matchIfname(unix.NFT_META_IIFNAME, name) }

// MatchOifname is `oifname NAME`: the link a packet leaves by.
func MatchOifname(name string) []Expr { return matchIfname(unix.NFT_META_OIFNAME, name) }

// FamilyOf is FamilyIP or FamilyIP6, the table family for an address.
//
//go:noinline
func FamilyOf(a netaddr.Addr) uint8 {
	if a.Is4() {
		return FamilyIP
	}
	return FamilyIP6
}

// matchIfname is `iifname NAME` / `oifname NAME`: the name compared as
// the kernel stores it, NUL-padded to IFNAMSIZ. The constructors of
// matches are not inlined: a rule calls several, each allocating.
//
//go:noinline
func matchIfname(key uint32, name string) []Expr {
	b := make([]byte, unix.IFNAMSIZ)
	copy(b, name)
	return []Expr{&Meta{Key: key, Register: unix.NFT_REG_1}, &Cmp{Op: unix.NFT_CMP_EQ, Register: unix.NFT_REG_1, Data: b}}
}

// MatchL4 is `meta l4proto PROTO`, the guard nft puts before a port match.
//
//go:noinline
func MatchL4(proto uint8) []Expr {
	return []Expr{&Meta{Key: unix.NFT_META_L4PROTO, Register: unix.NFT_REG_1}, &Cmp{Op: unix.NFT_CMP_EQ, Register: unix.NFT_REG_1, Data: []byte{proto}}}
}

// MatchDport is `tcp dport PORT` after its l4proto guard.
//
//go:noinline
func MatchDport(proto uint8, port uint16) []Expr {
	return append(MatchL4(proto),
		&Payload{Base: unix.NFT_PAYLOAD_TRANSPORT_HEADER, Offset: 2, Len: 2, Register: unix.NFT_REG_1},
		&Cmp{Op: unix.NFT_CMP_EQ, Register: unix.NFT_REG_1, Data: be16(port)})
}

// rtnLocal is RTN_LOCAL: fib's address type for an address of this host.
const rtnLocal = 2

// MatchDaddrLocal is `fib daddr type local`: the packet is for this host.
func MatchDaddrLocal() []Expr {
	return []Expr{
		&Fib{Register: unix.NFT_REG_1, Result: unix.NFT_FIB_RESULT_ADDRTYPE, Flags: unix.NFTA_FIB_F_DADDR},
		&Cmp{Op: unix.NFT_CMP_EQ, Register: unix.NFT_REG_1, Data: binary.NativeEndian.AppendUint32(nil, rtnLocal)},
	}
}

// ipsDstNAT is IPS_DST_NAT (linux/netfilter/nf_conntrack_common.h): the
// connection's destination was rewritten.
const ipsDstNAT = 1 << 5

// MatchCtDNAT is `ct status dnat`. ct status is a host-order u32.
func MatchCtDNAT() []Expr {
	return []Expr{
		&Ct{Key: unix.NFT_CT_STATUS, Register: unix.NFT_REG_1},
		&Bitwise{SReg: unix.NFT_REG_1, DReg: unix.NFT_REG_1, Len: 4, Mask: binary.NativeEndian.AppendUint32(nil, ipsDstNAT), Xor: make([]byte, 4)},
		&Cmp{Op: unix.NFT_CMP_NEQ, Register: unix.NFT_REG_1, Data: make([]byte, 4)},
	}
}

// DNATTo is `dnat to ADDR:PORT`.
func DNATTo(to netaddr.AddrPort) []Expr { return DNAT(to.Addr(), netaddr.Addr{}, to.Port(), 0) }

// natRange loads an address range and a port range into registers 1-4
// (zero values are left out) and returns the NAT expression's registers.
func natRange(addrMin, addrMax netaddr.Addr, portMin, portMax uint16) (x []Expr, n NAT) {
	next := uint32(unix.NFT_REG_1)
	load := func(data []byte) uint32 {
		x = append(x, &Immediate{Register: next, Data: data})
		next++
		return next - 1
	}
	if addrMin.IsValid() {
		n.RegAddrMin = load(addrMin.AsSlice())
		if addrMax.IsValid() && addrMax != addrMin {
			n.RegAddrMax = load(addrMax.AsSlice())
		}
	}
	if portMin != 0 {
		n.RegProtoMin = load(be16(portMin))
		if portMax != 0 && portMax != portMin {
			n.RegProtoMax = load(be16(portMax))
		}
		n.Flags = unix.NF_NAT_RANGE_PROTO_SPECIFIED
	}
	return x, n
}

// SNAT is `snat to ADDRMIN[-ADDRMAX][:PORTMIN[-PORTMAX]]`; zero values are
// left out. Port ranges need a transport protocol match before it.
func SNAT(addrMin, addrMax netaddr.Addr, portMin, portMax uint16) []Expr {
	x, n := natRange(addrMin, addrMax, portMin, portMax)
	n.Type, n.Family = unix.NFT_NAT_SNAT, uint32(FamilyOf(addrMin))
	return append(x, &n)
}

// DNAT is `dnat to ADDRMIN[-ADDRMAX][:PORTMIN[-PORTMAX]]`.
func DNAT(addrMin, addrMax netaddr.Addr, portMin, portMax uint16) []Expr {
	x, n := natRange(addrMin, addrMax, portMin, portMax)
	n.Type, n.Family = unix.NFT_NAT_DNAT, uint32(FamilyOf(addrMin))
	return append(x, &n)
}

// MasqPorts is `masquerade to :PORTMIN-PORTMAX`: the source port is
// picked from the range.
func MasqPorts(portMin, portMax uint16) []Expr {
	x, n := natRange(netaddr.Addr{}, netaddr.Addr{}, portMin, portMax)
	return append(x, &Masq{Flags: n.Flags, RegProtoMin: n.RegProtoMin, RegProtoMax: n.RegProtoMax})
}
