package ipfmt

import (
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/rtnl"
)

// IPProtos are the IP protocol names ip prints (getprotobynumber, from
// /etc/protocols): the common ones, numbers for the rest.
var IPProtos = Names{{unix.IPPROTO_ICMP, "icmp"}, {unix.IPPROTO_TCP, "tcp"}, {unix.IPPROTO_UDP, "udp"},
	{unix.IPPROTO_GRE, "gre"}, {unix.IPPROTO_ESP, "esp"}, {unix.IPPROTO_AH, "ah"}, {unix.IPPROTO_ICMPV6, "ipv6-icmp"},
	{unix.IPPROTO_SCTP, "sctp"}, {unix.IPPROTO_DCCP, "dccp"}, {unix.IPPROTO_UDPLITE, "udplite"}}

// ipProto is inet_proto_n2a: the protocol's name, or "ipproto-N" for one
// without, and for all with -N.
func (p *Printer) ipProto(n uint8) string {
	if name := IPProtos.Name(uint32(n)); !p.Numeric && name != itoa(int(n)) {
		return name
	}
	return "ipproto-" + itoa(int(n))
}

// Rules prints policy routing rules as ip rule does (print_rule).
func (p *Printer) Rules(rules []rtnl.Rule) error {
	return p.printAll(len(rules), func(i int) *record { return p.rule(&rules[i]) })
}

// rule is one rule in print_rule's order and forms.
func (p *Printer) rule(r *rtnl.Rule) *record {
	o := p.newRecord()
	o.any("priority", utoa(uint64(r.Priority))+":\t", r.Priority)
	if r.Invert {
		o.any("not", "not ", nil)
	}
	ends := []struct {
		pfx               netaddr.Prefix
		word, key, lenKey string
	}{{r.Src, "from ", "src", "srclen"}, {r.Dst, " to ", "dst", "dstlen"}}
	for i, e := range ends {
		switch {
		case e.pfx.IsValid():
			a := e.pfx.Addr().String()
			o.any(e.key, e.word+o.paint(familyColor(e.pfx.Addr().Is4()), a), a)
			if e.pfx.Bits() != e.pfx.Addr().BitLen() {
				o.any(e.lenKey, "/"+itoa(e.pfx.Bits()), e.pfx.Bits())
			}
		case i == 0:
			o.lead("src", "from ", "all")
		}
	}
	if r.TOS != 0 {
		o.lead("tos", " tos ", p.dsfield(r.TOS))
	}
	if r.Mark != 0 || r.Mask != nil {
		o.lead("fwmark", " fwmark ", hex0x(r.Mark))
		if r.Mask != nil && *r.Mask != 0xffffffff {
			o.lead("fwmask", "/", hex0x(*r.Mask))
		}
	}
	for _, d := range []struct {
		key, name string
		detached  uint32
	}{{"iif", r.IIF, unix.FIB_RULE_IIF_DETACHED}, {"oif", r.OIF, unix.FIB_RULE_OIF_DETACHED}} {
		if d.name != "" {
			o.any(d.key, " "+d.key+" "+o.paint(cIfname, d.name), d.name)
			if r.Flags&d.detached != 0 {
				o.any(d.key+"_detached", " [detached]", nil)
			}
		}
	}
	if u := r.UIDRange; u != nil {
		o.leadNum("uid_start", " uidrange ", uint64(u[0]))
		o.leadNum("uid_end", "-", uint64(u[1]))
	}
	if r.IPProto != 0 {
		o.lead("ipproto", " ipproto ", p.ipProto(r.IPProto))
	}
	for _, pr := range []struct {
		kw    string
		ports [2]uint16
	}{{"sport", r.SPort}, {"dport", r.DPort}} {
		switch lo, hi := pr.ports[0], pr.ports[1]; {
		case pr.ports == [2]uint16{}:
		case lo == hi:
			o.leadNum(pr.kw, " "+pr.kw+" ", uint64(lo))
		default:
			o.leadNum(pr.kw+"_start", " "+pr.kw+" ", uint64(lo))
			o.leadNum(pr.kw+"_end", "-", uint64(hi))
		}
	}
	if r.Table != 0 {
		o.lead("table", " lookup ", p.named(Tables, r.Table))
		if n := r.SuppressPrefixLen; n != nil && *n != -1 {
			o.any("suppress_prefixlen", " suppress_prefixlength "+itoa(int(*n)), int(*n))
		}
	}
	switch r.Action {
	case unix.FR_ACT_TO_TBL:
	case unix.FR_ACT_GOTO:
		o.leadNum("goto", " goto ", uint64(r.Goto))
		if r.Flags&unix.FIB_RULE_UNRESOLVED != 0 {
			o.any("unresolved", " [unresolved]", nil)
		}
	case unix.FR_ACT_NOP:
		o.any("nop", " nop", nil)
	default:
		o.lead("action", " ", p.routeType(r.Action))
	}
	if r.Protocol != 0 && (r.Protocol != unix.RTPROT_KERNEL || p.Details) {
		o.lead("protocol", " proto ", p.named(Protocols, uint32(r.Protocol)))
	}
	o.fp("\n")
	return o
}

// hex0x is C's %#x: 0x before any number but zero.
//
//go:noinline
func hex0x(v uint32) string {
	if v == 0 {
		return "0"
	}
	return "0x" + strconv.FormatUint(uint64(v), 16)
}
