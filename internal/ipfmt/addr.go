package ipfmt

import (
	"io"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// AddrFlags are the IFA_F_* words ip accepts and prints.
var AddrFlags = Names{{unix.IFA_F_NODAD, "nodad"}, {unix.IFA_F_NOPREFIXROUTE, "noprefixroute"},
	{unix.IFA_F_HOMEADDRESS, "home"}, {unix.IFA_F_MANAGETEMPADDR, "mngtmpaddr"}, {unix.IFA_F_SECONDARY, "secondary"},
	{unix.IFA_F_TEMPORARY, "temporary"}, {unix.IFA_F_DEPRECATED, "deprecated"}, {unix.IFA_F_TENTATIVE, "tentative"},
	{unix.IFA_F_DADFAILED, "dadfailed"}, {unix.IFA_F_PERMANENT, "permanent"}}

// LinkAddrs prints one link's addresses as ip addr does, in the
// brief, one-line or full layout.
func (p *Printer) LinkAddrs(l *rtnl.Link, addrs []rtnl.Addr, names map[int32]string) {
	switch {
	case p.Brief:
		// Like ip, every item is followed by a blank.
		line := fmt.Sprintf("%-16s %-14s ", l.Name+peerSuffix(l, names), operState(l.OperState))
		for _, a := range addrs {
			line += a.Prefix.String() + " "
		}
		io.WriteString(p.W, line+"\n")
	case p.Oneline: // ip -o addr: one line per address, no link lines
		for _, a := range addrs {
			fmt.Fprintf(p.W, "%d: %s    ", l.Index, l.Name)
			p.printAddr(l, &a)
		}
	default:
		var b strings.Builder
		p.linkText(&b, l, names)
		// ip addr prints the link line without its mode, and with -4 or
		// -6 without the link-layer line.
		text := strings.Replace(b.String(), " mode "+linkMode(l.LinkMode), "", 1)
		if p.Family != 0 {
			text = text[:strings.IndexByte(text, '\n')+1]
		}
		io.WriteString(p.W, text)
		for _, a := range addrs {
			p.printAddr(l, &a)
		}
	}
}

func addrFlagWords(f uint32) []string {
	var ws []string
	for _, fl := range AddrFlags {
		if f&fl.n != 0 && fl.n != unix.IFA_F_PERMANENT {
			ws = append(ws, fl.name)
		}
	}
	if f&unix.IFA_F_PERMANENT == 0 {
		ws = append([]string{"dynamic"}, ws...)
	}
	return ws
}

func lifetime(v uint32) string {
	if v == rtnl.LifetimeForever {
		return "forever"
	}
	return fmt.Sprintf("%dsec", v)
}

func (p *Printer) printAddr(l *rtnl.Link, a *rtnl.Addr) {
	fam := inetName(a.Prefix.Addr())
	indent := "    "
	if p.Oneline {
		indent = ""
	}
	s := fmt.Sprintf("%s%s %s", indent, fam, a.Prefix)
	if a.Peer.IsValid() {
		s = fmt.Sprintf("%s%s %s peer %s/%d", indent, fam, a.Prefix.Addr(), a.Peer, a.Prefix.Bits())
	}
	if a.Broadcast.IsValid() {
		s += " brd " + a.Broadcast.String()
	}
	s += " scope " + Scopes.Name(uint32(a.Scope))
	for _, f := range addrFlagWords(a.Flags) {
		s += " " + f
	}
	if a.Label != "" {
		s += " " + a.Label
	} else if fam == "inet" {
		s += " " + l.Name
	}
	sep := "\n      "
	if p.Oneline { // ip's own quirk: a space before the backslash for IPv6 only
		sep = map[string]string{"inet": "\\      ", "inet6": " \\      "}[fam]
	}
	fmt.Fprintf(p.W, "%s%s valid_lft %s preferred_lft %s\n", s, sep, lifetime(a.ValidLft), lifetime(a.PreferredLft))
}

func AddrsJSON(addrs []rtnl.Addr) []Object {
	out := []Object{}
	for _, a := range addrs {
		// ip's print_addrinfo order.
		o := Object{{"family", inetName(a.Prefix.Addr())}, {"local", a.Prefix.Addr().String()}}
		if a.Peer.IsValid() {
			o.Set("address", a.Peer.String())
		}
		o.Set("prefixlen", a.Prefix.Bits())
		if a.Broadcast.IsValid() {
			o.Set("broadcast", a.Broadcast.String())
		}
		o.Set("scope", Scopes.Name(uint32(a.Scope)))
		for _, f := range addrFlagWords(a.Flags) {
			o.Set(f, true)
		}
		if a.Label != "" {
			o.Set("label", a.Label)
		}
		o = append(o, Field{"valid_life_time", a.ValidLft}, Field{"preferred_life_time", a.PreferredLft})
		out = append(out, o)
	}
	return out
}
