package nat

import (
	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"

	"github.com/nsnet/nsnet/nft"
)

// Masquerade is source NAT for a subnet: packets from Prefix leaving
// (through OIF, if set) take the address of the link they leave by.
// `nft add rule ip nsnet postrouting ip saddr PREFIX [oifname OIF] masquerade`.
type Masquerade struct {
	Prefix netaddr.Prefix
	OIF    string
}

// Comment names the rule in the kernel, so that Delete and List find it.
func (m Masquerade) Comment() string {
	s := "nsnet masquerade " + m.Prefix.Masked().String()
	if m.OIF != "" {
		s += " oif " + m.OIF
	}
	return s
}

func (m Masquerade) family() uint8 { return nft.FamilyOf(m.Prefix.Addr()) }

func (m Masquerade) rules(netaddr.Prefix) []*nft.Rule {
	x := nft.MatchSaddr(m.Prefix.Masked())
	if m.OIF != "" {
		x = append(x, nft.MatchOifname(m.OIF)...)
	}
	x = append(x, &nft.Masq{})
	return []*nft.Rule{{Family: m.family(), Table: Table, Chain: "postrouting", Exprs: x, Comment: m.Comment()}}
}

// Proto is the transport protocol of a Forward.
type Proto uint8

// The protocols a Forward takes (IPPROTO_*).
const (
	TCP Proto = 6
	UDP Proto = 17
)

func (p Proto) String() string {
	switch p {
	case TCP:
		return "tcp"
	case UDP:
		return "udp"
	}
	return ""
}

// Forward is a port forward: connections to Port on any of this host's
// addresses go to To. Add finds, by asking the kernel, whether To is on a
// subnet of this host; clients in that subnet then need hairpin NAT.
type Forward struct {
	Proto Proto
	Port  uint16           // the port on this host
	To    netaddr.AddrPort // where connections go
	IIF   string           // only connections arriving on this link, if set
}

// Comment names the rules in the kernel.
func (f Forward) Comment() string {
	s := fmt.Sprintf("nsnet forward %s %d to %s", f.Proto, f.Port, f.To)
	if f.IIF != "" {
		s += " iif " + f.IIF
	}
	return s
}

func (f Forward) family() uint8 { return nft.FamilyOf(f.To.Addr()) }

// rules are:
//   - prerouting: `[iifname IIF] fib daddr type local PROTO dport PORT dnat to TO`,
//     for clients elsewhere; fib limits it to this host's own addresses, so
//     traffic merely routed through is left alone;
//   - output: the same without iifname, for clients on this host itself
//     (locally made packets skip prerouting);
//   - postrouting: `ct status dnat ip saddr HAIRPIN ip daddr TO PROTO dport
//     TOPORT masquerade`, so that a neighbour of the server, whose
//     connection was rewritten, gets the answer back through this host.
func (f Forward) rules(hairpin netaddr.Prefix) []*nft.Rule {
	fam := f.family()
	rules := []*nft.Rule{
		{Family: fam, Table: Table, Chain: "prerouting", Exprs: f.dnat(true), Comment: f.Comment()},
		{Family: fam, Table: Table, Chain: "output", Exprs: f.dnat(false), Comment: f.Comment()},
	}
	if hairpin.IsValid() {
		x := nft.MatchCtDNAT()
		x = append(x, nft.MatchSaddr(hairpin)...)
		x = append(x, nft.MatchDaddr(netaddr.PrefixFrom(f.To.Addr(), f.To.Addr().BitLen()))...)
		x = append(x, nft.MatchDport(uint8(f.Proto), f.To.Port())...)
		x = append(x, &nft.Masq{})
		rules = append(rules, &nft.Rule{Family: fam, Table: Table, Chain: "postrouting", Exprs: x, Comment: f.Comment()})
	}
	return rules
}

// dnat is the forward's match and DNAT, for prerouting (with the
// forward's iif) or for output (without: the host's own connections).
func (f Forward) dnat(iif bool) []nft.Expr {
	var x []nft.Expr
	if iif && f.IIF != "" {
		x = append(x, nft.MatchIifname(f.IIF)...)
	}
	x = append(x, nft.MatchDaddrLocal()...)
	x = append(x, nft.MatchDport(uint8(f.Proto), f.Port)...)
	return append(x, nft.DNATTo(f.To)...)
}

// Set is rules a package above this one made (the CNI plugin's, for one
// container's interface), added and deleted together under one name, in
// table nsnet's chains of one family: prerouting, output, postrouting.
type Set struct {
	Name   string // the comment of each rule, how Delete and List find them
	Family uint8  // nft.FamilyIP or nft.FamilyIP6
	Rules  []*nft.Rule
}

// Comment is the set's name.
func (s Set) Comment() string { return s.Name }

func (s Set) family() uint8 { return s.Family }

func (s Set) rules(netaddr.Prefix) []*nft.Rule {
	out := make([]*nft.Rule, len(s.Rules))
	for i, r := range s.Rules {
		c := *r
		c.Family, c.Table, c.Comment = s.Family, Table, s.Name
		out[i] = &c
	}
	return out
}
