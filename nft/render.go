package nft

import (
	"encoding/binary"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"

	"golang.org/x/sys/unix"
)

// String renders a rule in nft's syntax for the expressions nsnet writes
// (`ip saddr 10.0.0.0/24 oifname "eth0" masquerade`); anything else is
// shown as the raw expression.
func (r *Rule) String() string {
	var out []string
	var load Expr   // the last load into a register
	var mask []byte // a bitwise mask applied to it
	l4 := ""        // a pending `meta l4proto` guard: nft folds it into "tcp dport"
	imm := map[uint32][]byte{}
	for _, x := range r.Exprs {
		var stmt string
		switch v := x.(type) {
		case *Meta, *Payload, *Ct, *Fib:
			load, mask = v, nil
			continue
		case *Bitwise:
			mask = v.Mask
			continue
		case *Immediate:
			imm[v.Register] = v.Data
			continue
		case *Cmp:
			s, isL4 := r.match(load, mask, v)
			if isL4 {
				out, l4 = withGuard(out, l4), ""
				l4 = s
				continue
			}
			if l4 != "" && strings.HasPrefix(s, "th ") {
				s, l4 = l4+strings.TrimPrefix(s, "th"), ""
			}
			stmt = s
		case *NAT:
			stmt = name(natTypes, v.Type) + " to " + natTarget(imm, v.RegAddrMin, v.RegAddrMax, v.RegProtoMin, v.RegProtoMax)
		case *Masq:
			stmt = strings.TrimSuffix("masquerade to "+natTarget(imm, 0, 0, v.RegProtoMin, v.RegProtoMax), " to ")
		case *Redir:
			stmt = "redirect"
		case *Counter:
			stmt = fmt.Sprintf("counter packets %d bytes %d", v.Packets, v.Bytes)
		case *Unknown:
			stmt = "unknown " + fmt.Quote(v.Kind)
		}
		out, l4 = withGuard(out, l4), ""
		out = append(out, stmt)
	}
	out, l4 = withGuard(out, l4), ""
	return strings.Join(out, " ")
}

// withGuard is out with the l4proto guard l4 (if any) that no port match
// took, as a statement of its own.
//
//go:noinline
func withGuard(out []string, l4 string) []string {
	if l4 != "" {
		out = append(out, "meta l4proto "+l4)
	}
	return out
}

var l4Names = []string{unix.IPPROTO_TCP: "tcp", unix.IPPROTO_UDP: "udp", unix.IPPROTO_ICMP: "icmp", unix.IPPROTO_ICMPV6: "icmpv6"}

// match renders one comparison of what load put in the register; isL4
// marks an l4proto guard, whose name is returned.
func (r *Rule) match(load Expr, mask []byte, c *Cmp) (s string, isL4 bool) {
	op := "" // eq
	if c.Op == unix.NFT_CMP_NEQ {
		op = "!= "
	}
	switch v := load.(type) {
	case *Meta:
		switch v.Key {
		case unix.NFT_META_L4PROTO:
			if len(c.Data) == 1 && int(c.Data[0]) < len(l4Names) && l4Names[c.Data[0]] != "" {
				return l4Names[c.Data[0]], true
			}
		case unix.NFT_META_IIFNAME, unix.NFT_META_OIFNAME:
			return fmt.Sprintf("%s %s%q", name(metaKeys, v.Key), op, nl.CString(c.Data)), false
		}
	case *Payload:
		if s := r.payloadMatch(v, mask, c.Data); s != "" {
			return s, false
		}
	case *Ct:
		if v.Key == unix.NFT_CT_STATUS && c.Op == unix.NFT_CMP_NEQ && len(mask) == 4 && binary.NativeEndian.Uint32(mask) == ipsDstNAT {
			return "ct status dnat", false
		}
	case *Fib:
		if v.Flags == unix.NFTA_FIB_F_DADDR && v.Result == unix.NFT_FIB_RESULT_ADDRTYPE && len(c.Data) == 4 && binary.NativeEndian.Uint32(c.Data) == rtnLocal {
			return "fib daddr type " + op + "local", false
		}
	}
	return fmt.Sprintf("[%s] %s%x", exprName(load), op, c.Data), false
}

func exprName(x Expr) string {
	if x == nil {
		return "?"
	}
	return x.Name()
}

func (r *Rule) payloadMatch(p *Payload, mask, data []byte) string {
	if p.Base == unix.NFT_PAYLOAD_TRANSPORT_HEADER && p.Len == 2 && len(data) == 2 && (p.Offset == 0 || p.Offset == 2) {
		field := "sport" // both ports lead TCP's and UDP's headers
		if p.Offset == 2 {
			field = "dport"
		}
		return fmt.Sprintf("th %s %d", field, binary.BigEndian.Uint16(data))
	}
	h, ok := headerAddr(r.Family)
	if !ok || p.Base != unix.NFT_PAYLOAD_NETWORK_HEADER {
		return ""
	}
	field := ""
	switch p.Offset {
	case h.saddr:
		field = "saddr"
	case h.daddr:
		field = "daddr"
	}
	if field == "" || len(data) > int(h.len) {
		return ""
	}
	full := make([]byte, h.len)
	copy(full, data)
	a, _ := netaddr.AddrFromSlice(full)
	bits := len(data) * 8
	if mask != nil {
		bits = 0
		for _, b := range mask {
			for ; b&0x80 != 0; b <<= 1 {
				bits++
			}
		}
	}
	s := fmt.Sprintf("%s %s %s", FamilyName(r.Family), field, a)
	if bits != a.BitLen() {
		s += fmt.Sprintf("/%d", bits)
	}
	return s
}

// natTarget renders ADDR[-ADDR][:PORT[-PORT]] from the registers a NAT
// statement names, as nft does (IPv6 addresses in brackets before a port).
func natTarget(imm map[uint32][]byte, amin, amax, pmin, pmax uint32) string {
	s := ""
	if a, ok := netaddr.AddrFromSlice(imm[amin]); ok && amin != 0 {
		s = a.String()
		// The kernel reports the max register even for a single address: the
		// same register as the min.
		if b, ok := netaddr.AddrFromSlice(imm[amax]); ok && amax != 0 && amax != amin {
			s += "-" + b.String()
		}
		if a.Is6() && pmin != 0 {
			s = "[" + s + "]"
		}
	}
	if p := imm[pmin]; len(p) == 2 && pmin != 0 {
		s += fmt.Sprintf(":%d", binary.BigEndian.Uint16(p))
		if q := imm[pmax]; len(q) == 2 && pmax != 0 && pmax != pmin {
			s += fmt.Sprintf("-%d", binary.BigEndian.Uint16(q))
		}
	}
	return s
}
