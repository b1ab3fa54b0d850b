package nft

import (
	"fmt"
	"io/fs"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Table is the one table nsnet owns, in family ip and in family ip6.
const Table = "nsnet"

// natChains are nsnet's base chains. dstnat (-100) and srcnat (100) are
// the priorities nft names: destination NAT before routing decides where
// a packet goes, source NAT after.
var natChains = []Chain{
	{Name: "prerouting", Type: "nat", Hook: unix.NF_INET_PRE_ROUTING, Priority: -100},
	{Name: "output", Type: "nat", Hook: unix.NF_INET_LOCAL_OUT, Priority: -100},
	{Name: "postrouting", Type: "nat", Hook: unix.NF_INET_POST_ROUTING, Priority: 100},
}

// Family is FamilyIP or FamilyIP6 for an address.
func Family(a netip.Addr) uint8 {
	if a.Is4() {
		return FamilyIP
	}
	return FamilyIP6
}

// Masquerade is source NAT for a subnet: packets from Prefix leaving
// (through OIF, if set) take the address of the link they leave by.
// `nft add rule ip nsnet postrouting ip saddr PREFIX [oifname OIF] masquerade`.
type Masquerade struct {
	Prefix netip.Prefix
	OIF    string
}

// Comment names the rule in the kernel, so that del and show find it.
func (m Masquerade) Comment() string {
	s := "nsnet masquerade " + m.Prefix.Masked().String()
	if m.OIF != "" {
		s += " oif " + m.OIF
	}
	return s
}

// Rules are the rules that implement m.
func (m Masquerade) Rules() []*Rule {
	fam := Family(m.Prefix.Addr())
	x := matchAddr(fam, true, m.Prefix)
	if m.OIF != "" {
		x = append(x, matchIfname(unix.NFT_META_OIFNAME, m.OIF)...)
	}
	x = append(x, &Masq{})
	return []*Rule{{Family: fam, Table: Table, Chain: "postrouting", Exprs: x, Comment: m.Comment()}}
}

// Forward is a port forward: connections to Port on any of this host's
// addresses go to To.
type Forward struct {
	Proto uint8          // unix.IPPROTO_TCP or IPPROTO_UDP
	Port  uint16         // the port on this host
	To    netip.AddrPort // where connections go
	IIF   string         // only connections arriving on this link, if set
	// Hairpin is the subnet of To on this host's link, if To is on one:
	// a client in that subnet reaching the forward must see the answer
	// come from this host, so its connections are masqueraded too.
	Hairpin netip.Prefix
}

var protoNames = map[uint8]string{unix.IPPROTO_TCP: "tcp", unix.IPPROTO_UDP: "udp"}

// Comment names the rules in the kernel.
func (f Forward) Comment() string {
	s := fmt.Sprintf("nsnet forward %s %d to %s", protoNames[f.Proto], f.Port, f.To)
	if f.IIF != "" {
		s += " iif " + f.IIF
	}
	return s
}

// Rules are the rules that implement f:
//   - prerouting: `[iifname IIF] fib daddr type local PROTO dport PORT dnat to TO`,
//     for clients elsewhere; fib limits it to this host's own addresses, so
//     traffic merely routed through is left alone;
//   - output: the same without iifname, for clients on this host itself
//     (locally made packets skip prerouting);
//   - postrouting: `ct status dnat ip saddr HAIRPIN ip daddr TO PROTO dport
//     TOPORT masquerade`, so that a neighbour of the server, whose
//     connection was rewritten, gets the answer back through this host.
func (f Forward) Rules() []*Rule {
	fam := Family(f.To.Addr())
	match := func(iif bool) []Expr {
		var x []Expr
		if iif && f.IIF != "" {
			x = append(x, matchIfname(unix.NFT_META_IIFNAME, f.IIF)...)
		}
		x = append(x, matchDaddrLocal()...)
		x = append(x, matchDport(f.Proto, f.Port)...)
		return append(x, dnatTo(f.To)...)
	}
	rules := []*Rule{
		{Family: fam, Table: Table, Chain: "prerouting", Exprs: match(true), Comment: f.Comment()},
		{Family: fam, Table: Table, Chain: "output", Exprs: match(false), Comment: f.Comment()},
	}
	if f.Hairpin.IsValid() {
		x := matchCtDNAT()
		x = append(x, matchAddr(fam, true, f.Hairpin)...)
		x = append(x, matchAddr(fam, false, netip.PrefixFrom(f.To.Addr(), f.To.Addr().BitLen()))...)
		x = append(x, matchDport(f.Proto, f.To.Port())...)
		x = append(x, &Masq{})
		rules = append(rules, &Rule{Family: fam, Table: Table, Chain: "postrouting", Exprs: x, Comment: f.Comment()})
	}
	return rules
}

// AddNAT installs rules in one transaction, creating nsnet's table and
// chains first if needed. Rules with the same comment already present
// make it fail with fs.ErrExist and change nothing; run concurrently, the
// same AddNAT installs exactly one copy (Update).
func (c *Conn) AddNAT(rules []*Rule) error {
	if len(rules) == 0 {
		return nil
	}
	fam, comment := rules[0].Family, rules[0].Comment
	return c.Update(func() (*Batch, error) {
		existing, err := c.Rules(fam, Table)
		if err != nil {
			return nil, err
		}
		for _, r := range existing {
			if r.Comment == comment {
				return nil, fmt.Errorf("nft: %q: %w", comment, fs.ErrExist)
			}
		}
		b := &Batch{}
		b.AddTable(fam, Table)
		for _, ch := range natChains {
			b.AddChain(fam, Table, ch)
		}
		for _, r := range rules {
			b.AddRule(r)
		}
		return b, nil
	})
}

// DeleteNAT deletes, in one transaction, every rule of nsnet's table in
// family whose comment is comment; none is fs.ErrNotExist.
func (c *Conn) DeleteNAT(family uint8, comment string) error {
	return c.Update(func() (*Batch, error) {
		existing, err := c.Rules(family, Table)
		if err != nil {
			return nil, err
		}
		b := &Batch{}
		for i := range existing {
			if existing[i].Comment == comment {
				b.DelRule(&existing[i])
			}
		}
		if b.Len() == 0 {
			return nil, fmt.Errorf("nft: %q: %w", comment, fs.ErrNotExist)
		}
		return b, nil
	})
}

// Flush deletes nsnet's tables (ip and ip6) and nothing else. It returns
// the families that had one.
func (c *Conn) Flush() ([]uint8, error) {
	var had []uint8
	err := c.Update(func() (*Batch, error) {
		had = had[:0]
		b := &Batch{}
		for _, fam := range []uint8{FamilyIP, FamilyIP6} {
			ok, err := c.HasTable(fam, Table)
			if err != nil {
				return nil, err
			}
			if ok {
				had = append(had, fam)
				b.DelTable(fam, Table)
			}
		}
		return b, nil
	})
	return had, err
}
