package nat

import (
	"errors"
	"io/fs"
	"net/netip"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nft"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
)

// Table is the one table nsnet owns, in family ip and in family ip6.
const Table = "nsnet"

// chains are nsnet's base chains. dstnat (-100) and srcnat (100) are the
// priorities nft names: destination NAT before routing decides where a
// packet goes, source NAT after.
func chains() []nft.Chain {
	return []nft.Chain{
		{Name: "prerouting", Type: "nat", Hook: unix.NF_INET_PRE_ROUTING, Priority: -100},
		{Name: "output", Type: "nat", Hook: unix.NF_INET_LOCAL_OUT, Priority: -100},
		{Name: "postrouting", Type: "nat", Hook: unix.NF_INET_POST_ROUTING, Priority: 100},
	}
}

// NAT is a Masquerade or a Forward.
type NAT interface {
	// Comment names the NAT's rules in the kernel: "nsnet masquerade
	// 10.0.0.0/24".
	Comment() string
	family() uint8
	// rules are the rules that implement the NAT, given the hairpin
	// subnet Add found for it (if any).
	rules(hairpin netip.Prefix) []*nft.Rule
}

// Result is what Add changed besides the rules.
type Result struct {
	// Forwarding is the sysctl Add turned on ("net.ipv4.ip_forward"), or
	// "" if it was on already.
	Forwarding string
}

// Add installs n in namespace h (nil: here), in one transaction, creating
// table nsnet and its chains if needed; `nsnet nat ... add`. cfg (nil:
// defaults) configures the netlink sockets it opens, as in nft.Dial.
//
// Forwarding is turned on first, so that a run killed half-way leaves
// forwarding without rules, never rules that cannot work; if the rules are
// then refused, it is turned back off. A NAT whose rules exist already is
// fs.ErrExist (forwarding still ensured: running Add again repairs a run
// killed before). Run concurrently, the same Add installs one copy.
func Add(h *ns.Handle, n NAT, cfg *nl.Config) (Result, error) {
	var hairpin netip.Prefix
	if f, ok := n.(Forward); ok {
		var err error
		if hairpin, err = localSubnet(h, f.To.Addr(), cfg); err != nil {
			return Result{}, err
		}
	}
	key := forwardingKey(n.family())
	turnedOn, err := ensureSysctl(h, key)
	if err != nil {
		return Result{}, err
	}
	c, err := nft.Dial(h, cfg)
	if err == nil {
		defer c.Close()
		err = addRules(c, n.family(), n.Comment(), n.rules(hairpin))
	}
	switch {
	case errors.Is(err, fs.ErrExist):
		return Result{}, fmt.Errorf("nat: add %q: %w", n.Comment(), err)
	case err != nil && turnedOn:
		if rerr := ns.SetSysctl(h, key, "0"); rerr != nil {
			err = fmt.Errorf("%w (and turning forwarding back off failed: %v)", err, rerr)
		}
		return Result{}, err
	case err != nil:
		return Result{}, err
	case turnedOn:
		return Result{Forwarding: key}, nil
	}
	return Result{}, nil
}

// addRules installs rules unless rules with comment exist (fs.ErrExist):
// a read, then a write that the kernel refuses if the ruleset changed in
// between (nft.Conn.Update).
func addRules(c *nft.Conn, fam uint8, comment string, rules []*nft.Rule) error {
	return c.Update(func() (*nft.Batch, error) {
		existing, err := c.Rules(fam, Table)
		if err != nil {
			return nil, err
		}
		for _, r := range existing {
			if r.Comment == comment {
				return nil, fs.ErrExist
			}
		}
		b := &nft.Batch{}
		b.AddTable(fam, Table)
		for _, ch := range chains() {
			b.AddChain(fam, Table, ch)
		}
		for _, r := range rules {
			b.AddRule(r)
		}
		return b, nil
	})
}

// Delete removes n's rules from namespace h, in one transaction; none is
// fs.ErrNotExist. `nsnet nat ... del`.
func Delete(h *ns.Handle, n NAT, cfg *nl.Config) error {
	c, err := nft.Dial(h, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	fam, comment := n.family(), n.Comment()
	err = c.Update(func() (*nft.Batch, error) {
		existing, err := c.Rules(fam, Table)
		if err != nil {
			return nil, err
		}
		b := &nft.Batch{}
		for i := range existing {
			if existing[i].Comment == comment {
				b.DelRule(&existing[i])
			}
		}
		if b.Len() == 0 {
			return nil, fs.ErrNotExist
		}
		return b, nil
	})
	if err != nil {
		return fmt.Errorf("nat: delete %q: %w", comment, err)
	}
	return nil
}

// List returns the rules of table nsnet in namespace h, both families:
// `nsnet nat show`.
func List(h *ns.Handle, cfg *nl.Config) ([]nft.Rule, error) {
	c, err := nft.Dial(h, cfg)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var all []nft.Rule
	for _, fam := range []uint8{nft.FamilyIP, nft.FamilyIP6} {
		rules, err := c.Rules(fam, Table)
		if err != nil {
			return nil, err
		}
		all = append(all, rules...)
	}
	return all, nil
}

// Flush deletes nsnet's tables (ip and ip6) in namespace h, and nothing
// else: `nsnet nat flush`. Forwarding is left as it is.
func Flush(h *ns.Handle, cfg *nl.Config) error {
	c, err := nft.Dial(h, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Update(func() (*nft.Batch, error) {
		b := &nft.Batch{}
		for _, fam := range []uint8{nft.FamilyIP, nft.FamilyIP6} {
			ok, err := c.HasTable(fam, Table)
			if err != nil {
				return nil, err
			}
			if ok {
				b.DelTable(fam, Table)
			}
		}
		return b, nil
	})
}
