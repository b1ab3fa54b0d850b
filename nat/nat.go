package nat

import (
	"io/fs"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/rtnl"

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
	rules(hairpin netaddr.Prefix) []*nft.Rule
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
	on, errs := AddAll(h, []NAT{n}, false, cfg)
	var r Result
	if len(on) > 0 {
		r.Forwarding = on[0]
	}
	return r, errs[0]
}

// AddAll is Add for many NATs in one transaction: the table is read once
// and every rule sent in one batch, which is what makes a thousand port
// forwards take milliseconds. errs[i] is NAT i's error (nil: added). A
// NAT that exists already, or twice in nats, is fs.ErrExist; without
// force, nothing after the first failing NAT is added, so the result is
// that of adding them one by one and stopping there. It returns the
// forwarding sysctls it turned on.
func AddAll(h *ns.Handle, nats []NAT, force bool, cfg *nl.Config) (turnedOn []string, errs []error) {
	errs = make([]error, len(nats))
	fail := func(i int, err error) bool { // reports whether to go on
		errs[i] = fmt.Errorf("nat: add %q: %w", nats[i].Comment(), err)
		return force
	}
	hairpins, err := hairpinSubnets(h, nats, cfg)
	if err != nil {
		return nil, fillErrs(errs, err)
	}
	fams := map[uint8]bool{}
	for _, x := range nats {
		fams[x.family()] = true
	}
	for _, fam := range []uint8{nft.FamilyIP, nft.FamilyIP6} {
		if fams[fam] {
			on, err := ensureSysctl(h, forwardingKey(fam))
			if err != nil {
				return turnedOn, fillErrs(errs, err)
			}
			if on {
				turnedOn = append(turnedOn, forwardingKey(fam))
			}
		}
	}
	c, err := nft.Dial(h, cfg)
	if err != nil {
		return turnedOn, fillErrs(errs, err)
	}
	defer c.Close()
	var sent []int // the NATs in the transaction
	err = c.Update(func() (*nft.Batch, error) {
		sent = sent[:0]
		clear(errs) // a plan made again starts afresh
		b := &nft.Batch{}
		type key struct { // a NAT's rules are one family's
			fam     uint8
			comment string
		}
		seen := map[key]bool{}
		for _, fam := range []uint8{nft.FamilyIP, nft.FamilyIP6} {
			if !fams[fam] {
				continue
			}
			existing, err := c.Rules(fam, Table)
			if err != nil {
				return nil, err
			}
			for _, r := range existing {
				seen[key{fam, r.Comment}] = true
			}
			b.AddTable(fam, Table)
			for _, ch := range chains() {
				b.AddChain(fam, Table, ch)
			}
		}
		for i, x := range nats {
			k := key{x.family(), x.Comment()}
			if seen[k] {
				if !fail(i, fs.ErrExist) {
					break
				}
				continue
			}
			seen[k] = true
			for _, r := range x.rules(hairpins[i]) {
				b.AddRule(r)
			}
			sent = append(sent, i)
		}
		return b, nil
	})
	switch {
	case err == nil:
		return turnedOn, errs
	case len(sent) > 1:
		// The kernel refused the transaction, which then changed nothing.
		// Find which NAT it refuses by adding them one at a time.
		for _, i := range sent {
			if _, errs[i] = Add(h, nats[i], cfg); errs[i] != nil && !force {
				break
			}
		}
		return turnedOn, errs
	}
	for _, key := range turnedOn {
		if rerr := ns.SetSysctl(h, key, "0"); rerr != nil {
			err = fmt.Errorf("%w (and turning forwarding back off failed: %v)", err, rerr)
		}
	}
	for _, i := range sent {
		errs[i] = err
	}
	return nil, errs
}

// hairpinSubnets is, for each Forward, the subnet of the host's address
// beside its server (see localSubnet), looked up on one socket.
func hairpinSubnets(h *ns.Handle, nats []NAT, cfg *nl.Config) ([]netaddr.Prefix, error) {
	out := make([]netaddr.Prefix, len(nats))
	seen := map[netaddr.Addr]netaddr.Prefix{} // many forwards, few servers
	var c *rtnl.Conn
	for i, x := range nats {
		f, ok := x.(Forward)
		if !ok {
			continue
		}
		if p, ok := seen[f.To.Addr()]; ok {
			out[i] = p
			continue
		}
		var err error
		if c == nil {
			if c, err = rtnl.Dial(h, cfg); err != nil {
				return nil, err
			}
			defer c.Close()
		}
		if out[i], err = localSubnet(c, f.To.Addr()); err != nil {
			return nil, err
		}
		seen[f.To.Addr()] = out[i]
	}
	return out, nil
}

// fillErrs sets err as the error of every NAT not failed yet.
func fillErrs(errs []error, err error) []error {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
	return errs
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
