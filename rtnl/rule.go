package rtnl

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
)

// Rule is a policy routing rule (`ip rule`): struct fib_rule_hdr and its
// FRA_* attributes. The kernel tries rules in Priority order; the first
// that matches a packet decides which table (or action) routes it.
type Rule struct {
	_        [0]func()      // incomparable: == would compare the pointers below, not the values
	Family   uint8          // AF_INET or AF_INET6 (from Src or Dst if zero)
	Priority uint32         // FRA_PRIORITY: `pref`; 0 on add: the kernel picks one below the last
	Src, Dst netaddr.Prefix // FRA_SRC, FRA_DST with src_len, dst_len: `from`, `to`
	Invert   bool           // FIB_RULE_INVERT: `not`
	TOS      uint8          // fib_rule_hdr tos: the TOS byte (DS field) to match; 0: any
	IIF, OIF string         // FRA_IIFNAME, FRA_OIFNAME
	Mark     uint32         // FRA_FWMARK: `fwmark MARK[/MASK]`
	Mask     *uint32        // FRA_FWMASK, when given
	Table    uint32         // table to look up (FRA_TABLE above 255)
	Action   uint8          // FR_ACT_TO_TBL (a table), _GOTO, _NOP, _BLACKHOLE, _UNREACHABLE, _PROHIBIT
	Goto     uint32         // FRA_GOTO: the priority a goto jumps to
	IPProto  uint8          // FRA_IP_PROTO
	SPort    [2]uint16      // FRA_SPORT_RANGE: start, end; zero: none
	DPort    [2]uint16      // FRA_DPORT_RANGE
	UIDRange *[2]uint32     // FRA_UID_RANGE
	Protocol uint8          // FRA_PROTOCOL: who made it (RTPROT_KERNEL for the defaults)
	// FRA_SUPPRESS_PREFIXLEN: ignore table results with prefixes this
	// long or shorter; -1 (the kernel's default): none.
	SuppressPrefixLen *int32
	Flags             uint32 // fib_rule_hdr flags: FIB_RULE_*, as the kernel sends them
}

func (r *Rule) family() uint8 {
	switch {
	case r.Family != 0:
		return r.Family
	case r.Src.IsValid():
		return family(r.Src.Addr())
	case r.Dst.IsValid():
		return family(r.Dst.Addr())
	}
	return unix.AF_INET
}

// encodeRule is the payload of RTM_NEWRULE/RTM_DELRULE.
func encodeRule(r *Rule) ([]byte, error) {
	table := r.Table
	if table > 255 {
		table = unix.RT_TABLE_UNSPEC // the real number goes in FRA_TABLE
	}
	action := r.Action
	if action == 0 {
		action = unix.FR_ACT_TO_TBL
	}
	flags := r.Flags
	if r.Invert {
		flags |= unix.FIB_RULE_INVERT
	}
	hdr := []byte{r.family(), bitsOf(r.Dst), bitsOf(r.Src), r.TOS, uint8(table), 0, 0, action}
	e := nl.NewEncoder(binary.NativeEndian.AppendUint32(hdr, flags))
	if r.Priority != 0 {
		e.Uint32(unix.FRA_PRIORITY, r.Priority)
	}
	if r.Src.IsValid() {
		e.Addr(unix.FRA_SRC, r.Src.Addr())
	}
	if r.Dst.IsValid() {
		e.Addr(unix.FRA_DST, r.Dst.Addr())
	}
	if r.IIF != "" {
		e.String(unix.FRA_IIFNAME, r.IIF)
	}
	if r.OIF != "" {
		e.String(unix.FRA_OIFNAME, r.OIF)
	}
	if r.Mark != 0 || r.Mask != nil {
		e.Uint32(unix.FRA_FWMARK, r.Mark)
	}
	if r.Mask != nil {
		e.Uint32(unix.FRA_FWMASK, *r.Mask)
	}
	if r.Table > 255 {
		e.Uint32(unix.FRA_TABLE, r.Table)
	}
	if r.Goto != 0 {
		e.Uint32(unix.FRA_GOTO, r.Goto)
	}
	if r.IPProto != 0 {
		e.Uint8(unix.FRA_IP_PROTO, r.IPProto)
	}
	for _, p := range []struct {
		typ   uint16
		ports [2]uint16
	}{{unix.FRA_SPORT_RANGE, r.SPort}, {unix.FRA_DPORT_RANGE, r.DPort}} {
		if p.ports != [2]uint16{} {
			e.Bytes(p.typ, binary.NativeEndian.AppendUint16(binary.NativeEndian.AppendUint16(nil, p.ports[0]), p.ports[1]))
		}
	}
	if r.UIDRange != nil {
		e.Bytes(unix.FRA_UID_RANGE, binary.NativeEndian.AppendUint32(binary.NativeEndian.AppendUint32(nil, r.UIDRange[0]), r.UIDRange[1]))
	}
	if r.Protocol != 0 {
		e.Uint8(unix.FRA_PROTOCOL, r.Protocol)
	}
	if r.SuppressPrefixLen != nil {
		e.Uint32(unix.FRA_SUPPRESS_PREFIXLEN, uint32(*r.SuppressPrefixLen))
	}
	return e.Encode()
}

func bitsOf(p netaddr.Prefix) uint8 {
	if !p.IsValid() {
		return 0
	}
	return uint8(p.Bits())
}

// DecodeRule reads an RTM_NEWRULE payload.
func DecodeRule(b []byte) (*Rule, error) {
	const hdrLen = 12 // struct fib_rule_hdr
	if len(b) < hdrLen {
		return nil, lengthError("rule message", len(b))
	}
	r := &Rule{Family: b[0], TOS: b[3], Table: uint32(b[4]), Action: b[7], Flags: binary.NativeEndian.Uint32(b[8:12])}
	r.Invert = r.Flags&unix.FIB_RULE_INVERT != 0
	dstLen, srcLen := b[1], b[2]
	d := nl.NewDecoder(b[hdrLen:])
	for d.Next() {
		var err error
		switch d.Type() {
		case unix.FRA_PRIORITY:
			r.Priority = d.Uint32()
		case unix.FRA_SRC, unix.FRA_DST:
			var a netaddr.Addr
			if a, err = addrFrom(d.Bytes(), r.Family); err == nil {
				if d.Type() == unix.FRA_SRC {
					r.Src, err = prefixFrom(a, srcLen)
				} else {
					r.Dst, err = prefixFrom(a, dstLen)
				}
			}
		case unix.FRA_IIFNAME:
			r.IIF = d.String()
		case unix.FRA_OIFNAME:
			r.OIF = d.String()
		case unix.FRA_FWMARK:
			r.Mark = d.Uint32()
		case unix.FRA_FWMASK:
			m := d.Uint32()
			r.Mask = &m
		case unix.FRA_TABLE:
			r.Table = d.Uint32()
		case unix.FRA_GOTO:
			r.Goto = d.Uint32()
		case unix.FRA_IP_PROTO:
			r.IPProto = d.Uint8()
		case unix.FRA_SPORT_RANGE, unix.FRA_DPORT_RANGE:
			v := d.Bytes()
			if len(v) < 4 {
				err = lengthError("port range", len(v))
				break
			}
			p := [2]uint16{binary.NativeEndian.Uint16(v), binary.NativeEndian.Uint16(v[2:])}
			if d.Type() == unix.FRA_SPORT_RANGE {
				r.SPort = p
			} else {
				r.DPort = p
			}
		case unix.FRA_UID_RANGE:
			v := d.Bytes()
			if len(v) < 8 {
				err = lengthError("uid range", len(v))
				break
			}
			r.UIDRange = &[2]uint32{binary.NativeEndian.Uint32(v), binary.NativeEndian.Uint32(v[4:])}
		case unix.FRA_PROTOCOL:
			r.Protocol = d.Uint8()
		case unix.FRA_SUPPRESS_PREFIXLEN:
			n := int32(d.Uint32())
			r.SuppressPrefixLen = &n
		}
		d.Fail(err)
	}
	return r, d.Err()
}

func (c *Conn) ruleRequest(typ, flags uint16, r *Rule, what string) error {
	b, err := encodeRule(r)
	if err == nil {
		_, err = c.nl.Execute(nl.Message{Header: nl.Header{Type: typ, Flags: flags}, Data: b})
	}
	if err != nil {
		return &OpError{Op: what + " rule", Object: fmt.Sprintf("priority %d", r.Priority), Err: err}
	}
	return nil
}

// RuleAdd is `ip rule add ...`.
func (c *Conn) RuleAdd(r *Rule) error {
	return c.ruleRequest(unix.RTM_NEWRULE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, r, "add")
}

// RuleDel is `ip rule del ...`: the kernel deletes the first rule that
// matches every field given.
func (c *Conn) RuleDel(r *Rule) error { return c.ruleRequest(unix.RTM_DELRULE, 0, r, "delete") }

// Rules lists the rules of a family (AF_INET, AF_INET6): `ip rule show`.
func (c *Conn) Rules(family uint8) (out []Rule, err error) {
	req := nl.Message{Header: nl.Header{Type: unix.RTM_GETRULE}, Data: []byte{family, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}
	err = c.collect("rules", req, func() { out = out[:0] }, func(b []byte) error {
		r, err := DecodeRule(b)
		if err == nil {
			out = append(out, *r)
		}
		return err
	})
	return out, err
}
