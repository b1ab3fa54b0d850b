package ipfmt

import (
	"io"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// LinkAddrs prints one link's addresses as ip addr does, in the
// brief, one-line or full layout.
func (p *Printer) LinkAddrs(l *rtnl.Link, addrs []rtnl.Addr, names map[int32]string) {
	q := *p
	q.addrs = true
	p = &q
	switch {
	case p.Brief:
		// Like ip, every item is followed by a blank.
		line := p.briefHead(l, names)
		for _, a := range addrs {
			hue := familyColor(a.Prefix.Addr().Is4())
			line += p.paint(hue, a.Prefix.Addr().String())
			if a.Peer.IsValid() {
				line += " peer " + p.paint(hue, a.Peer.String())
			}
			line += "/" + itoa(a.Prefix.Bits()) + " "
		}
		io.WriteString(p.W, line+"\n")
	case p.Oneline: // ip -o addr: one line per address, no link lines
		for _, a := range addrs {
			fmt.Fprintf(p.W, "%d: %s", l.Index, l.Name)
			p.printAddr(l, &a)
		}
	default:
		var b strings.Builder
		p.linkText(&b, l, names)
		// With -4 or -6, ip addr prints no link-layer line, unless -d.
		text := b.String()
		if p.Family != 0 && !p.Details {
			text = text[:strings.IndexByte(text, '\n')+1]
		}
		if !p.NoLinks {
			io.WriteString(p.W, text)
		}
		for _, a := range addrs {
			p.printAddr(l, &a)
		}
		if p.Stats > 0 && l.Stats != nil { // ip addr -s: after the addresses
			p.printStats(p.W, l, p.Stats > 1)
		}
	}
}

// AddrFlagNames is the order ip prints address flags in (ifa_flag_data),
// and their names.
var AddrFlagNames = Names{{unix.IFA_F_SECONDARY, "secondary"}, {unix.IFA_F_NODAD, "nodad"},
	{unix.IFA_F_OPTIMISTIC, "optimistic"}, {unix.IFA_F_DADFAILED, "dadfailed"}, {unix.IFA_F_HOMEADDRESS, "home"},
	{unix.IFA_F_DEPRECATED, "deprecated"}, {unix.IFA_F_TENTATIVE, "tentative"}, {unix.IFA_F_PERMANENT, "permanent"},
	{unix.IFA_F_MANAGETEMPADDR, "mngtmpaddr"}, {unix.IFA_F_NOPREFIXROUTE, "noprefixroute"},
	{unix.IFA_F_MCAUTOJOIN, "autojoin"}, {unix.IFA_F_STABLE_PRIVACY, "stable-privacy"}}

// addrFlagWords are an address's flags as print_ifa_flags prints them:
// IFA_F_SECONDARY is "temporary" on IPv6 (one bit, two meanings), an
// address without IFA_F_PERMANENT is "dynamic" where "permanent" would
// stand, and bits ip has no word for come last as "flags %02x".
func addrFlagWords(a *rtnl.Addr) []string {
	var ws []string
	f := a.Flags
	for _, fl := range AddrFlagNames {
		switch {
		case fl.n == unix.IFA_F_PERMANENT:
			if f&fl.n == 0 {
				ws = append(ws, "dynamic")
			}
		case f&fl.n == 0:
		case fl.n == unix.IFA_F_SECONDARY && a.Prefix.Addr().Is6():
			ws = append(ws, "temporary")
		default:
			ws = append(ws, fl.name)
		}
		f &^= fl.n
	}
	if f != 0 {
		ws = append(ws, fmt.Sprintf("flags %02x", f))
	}
	return ws
}

func lifetime(v uint32) string {
	if v == rtnl.LifetimeForever {
		return "forever"
	}
	return fmt.Sprintf("%dsec", v)
}

// printAddr is print_addrinfo: every item followed by a blank, except the
// label, which IPv4 addresses always have.
func (p *Printer) printAddr(l *rtnl.Link, a *rtnl.Addr) {
	var sb strings.Builder
	b := text{&sb}
	b.put("    ")
	fam, hue := inetName(a.Prefix.Addr()), familyColor(a.Prefix.Addr().Is4())
	b.put(fam, " ", p.paint(hue, a.Prefix.Addr().String()))
	if a.Peer.IsValid() {
		b.put(" peer ", p.paint(hue, a.Peer.String()))
	}
	b.put("/", itoa(a.Prefix.Bits()), " ")
	if a.Broadcast.IsValid() {
		b.put("brd ", p.paint(hue, a.Broadcast.String()+" "))
	}
	b.put("scope ", p.named(Scopes, uint32(a.Scope)), " ")
	for _, f := range addrFlagWords(a) {
		b.put(f, " ")
	}
	if a.Label != "" {
		b.put(a.Label)
	} else if fam == "inet" {
		b.put(l.Name)
	}
	sep := "\n"
	if p.Oneline { // ip -o: the record's lines joined by a backslash
		sep = "\\"
	}
	b.put(sep, "       valid_lft ", lifetime(a.ValidLft), " preferred_lft ", lifetime(a.PreferredLft), "\n")
	io.WriteString(p.W, sb.String())
}

// LinkAddrsJSON is one link and its addresses as ip -j addr prints them.
func (p *Printer) LinkAddrsJSON(l *rtnl.Link, addrs []rtnl.Addr, names map[int32]string) Object {
	if p.Brief {
		return briefJSON(l, names, addrs, true)
	}
	q := *p
	q.addrs = true
	o := q.LinkJSON(l, names)
	o.Set("addr_info", p.addrsJSON(addrs))
	if p.Stats > 0 && l.Stats != nil {
		o.Set("stats64", p.statsJSON(l))
	}
	return o
}

func (p *Printer) addrsJSON(addrs []rtnl.Addr) []Object {
	out := []Object{}
	for _, a := range addrs {
		// ip's print_addrinfo order.
		o := Object{{Key: "family", Value: inetName(a.Prefix.Addr())}, {Key: "local", Value: a.Prefix.Addr().String()}}
		if a.Peer.IsValid() {
			o.Set("address", a.Peer.String())
		}
		o.Set("prefixlen", a.Prefix.Bits())
		if a.Broadcast.IsValid() {
			o.Set("broadcast", a.Broadcast.String())
		}
		o.Set("scope", p.named(Scopes, uint32(a.Scope)))
		for _, f := range addrFlagWords(&a) {
			o.Set(f, true)
		}
		if a.Label != "" {
			o.Set("label", a.Label)
		}
		o = append(o, Field{Key: "valid_life_time", Value: a.ValidLft}, Field{Key: "preferred_life_time", Value: a.PreferredLft})
		out = append(out, o)
	}
	return out
}
