package main

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/rtnl"
)

const addrHelp = `Usage: nsnet addr {add|change|replace} PREFIX dev DEV [label LABEL] [broadcast ADDR|+]
                       [scope SCOPE] [peer ADDR] [nodad] [noprefixroute]
                       [valid_lft SECS|forever] [preferred_lft SECS|forever]
       nsnet addr del PREFIX dev DEV
       nsnet addr flush dev DEV
       nsnet [-4|-6] addr show [[dev] DEV]
SCOPE := global | site | link | host | NUMBER
`

func addrCommands() []command {
	return []command{
		{"add", addrAdd}, {"change", addrReplace}, {"replace", addrReplace}, {"delete", addrDel},
		{"flush", addrFlush}, {"show", addrShow}, {"list", addrShow}, {"lst", addrShow}, {"help", helpText(addrHelp)},
	}
}

func runAddr(e *env, args []string) error {
	if len(args) == 0 {
		return addrShow(e, nil)
	}
	return dispatchCommand(e, "addr", addrCommands(), args)
}

// parseAddr reads PREFIX and the options of add/replace/del.
func parseAddr(w *words) (*rtnl.Addr, string, error) {
	// Lifetimes default to forever, as ip's do; given, they are sent.
	a := &rtnl.Addr{ValidLft: rtnl.LifetimeForever, PreferredLft: rtnl.LifetimeForever}
	var dev, bcast string
	for w.more() {
		kw := w.next()
		var err error
		var n uint32
		switch kw {
		case "dev":
			dev, err = w.ifname(kw)
		case "label":
			a.Label, err = w.value(kw)
		case "broadcast", "brd":
			bcast, err = w.value(kw)
		case "peer", "remote":
			a.Peer, err = addrWord(w, kw)
		case "scope":
			var s string
			if s, err = w.value(kw); err == nil {
				n, err = namedNumber(w, kw, s, ipfmt.Scopes, 255)
				a.Scope = uint8(n)
			}
		case "nodad", "noprefixroute", "home", "mngtmpaddr":
			n, _ = ipfmt.AddrFlags.Parse(kw, 0)
			a.Flags |= n
		case "valid_lft":
			a.ValidLft, err = lifetimeWord(w, kw)
			a.SetLifetimes = true
		case "preferred_lft":
			a.PreferredLft, err = lifetimeWord(w, kw)
			a.SetLifetimes = true
		default:
			if kw == "local" {
				kw, err = w.value(kw)
			}
			if err == nil && a.Prefix.IsValid() {
				return nil, "", usagef("%s: unexpected %q", w.cmd, kw)
			}
			if err == nil {
				if a.Prefix, err = parsePrefixOrHost(kw); err != nil {
					err = usagef("%s: %q is not an address or prefix", w.cmd, kw)
				}
			}
		}
		if err != nil {
			return nil, "", err
		}
	}
	return a, dev, finishAddr(w, a, dev, bcast)
}

// finishAddr checks what parseAddr read as a whole and fills in what
// follows from it.
func finishAddr(w *words, a *rtnl.Addr, dev, bcast string) error {
	if !a.Prefix.IsValid() || dev == "" {
		return usagef("%s: want PREFIX and dev DEV", w.cmd)
	}
	switch {
	case !a.SetLifetimes:
		a.ValidLft, a.PreferredLft = 0, 0 // not sent: the kernel's forever
	case a.ValidLft == 0:
		return usagef("%s: valid_lft is zero", w.cmd)
	case a.PreferredLft > a.ValidLft:
		return usagef("%s: preferred_lft is greater than valid_lft", w.cmd)
	}
	if bcast != "" {
		b, err := broadcast(a.Prefix, bcast)
		if err != nil {
			return usagef("%s: %v", w.cmd, err)
		}
		a.Broadcast = b
	}
	return nil
}

// lifetimeWord reads seconds or `forever`.
func lifetimeWord(w *words, kw string) (uint32, error) {
	s, err := w.value(kw)
	if err != nil || s == "forever" {
		return rtnl.LifetimeForever, err
	}
	n, err := parseUint(s, 32)
	if err != nil {
		return 0, usagef("%s: %s %q is not seconds or forever", w.cmd, kw, s)
	}
	return uint32(n), nil
}

// parsePrefixOrHost accepts 10.0.0.1/24, or a bare address as a host
// prefix (/32, /128) like ip.
func parsePrefixOrHost(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// broadcast is `broadcast ADDR`, or `+`: the prefix's last address.
func broadcast(p netip.Prefix, s string) (netip.Addr, error) {
	if s != "+" && s != "-" {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return a, fmt.Errorf("broadcast %q is not an address", s)
		}
		return a, nil
	}
	if !p.Addr().Is4() {
		return netip.Addr{}, errors.New("a broadcast address can be set only for IPv4 addresses")
	}
	if p.Bits() >= 31 {
		return netip.Addr{}, nil
	}
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	for i := range 4 {
		b[i] |= byte(host >> (24 - 8*i))
	}
	return netip.AddrFrom4(b), nil
}

// withAddr parses an address command and runs fn with the link resolved.
func withAddr(e *env, args []string, cmd string, fn func(*rtnl.Conn, *rtnl.Addr) error) error {
	a, dev, err := parseAddr(&words{args: args, cmd: cmd})
	if err != nil {
		return err
	}
	return e.withLink(dev, func(c *rtnl.Conn, index int32) error {
		a.Index = index
		return fn(c, a)
	})
}

func addrAdd(e *env, args []string) error {
	return withAddr(e, args, "addr add", func(c *rtnl.Conn, a *rtnl.Addr) error {
		if p := e.pipeline(c); p != nil {
			return p.AddrAdd(a, e.pending.line)
		}
		return c.AddrAdd(a)
	})
}

func addrReplace(e *env, args []string) error {
	return withAddr(e, args, "addr replace", (*rtnl.Conn).AddrReplace)
}

func addrDel(e *env, args []string) error {
	return withAddr(e, args, "addr del", (*rtnl.Conn).AddrDel)
}

func addrFlush(e *env, args []string) error {
	w := &words{args: args, cmd: "addr flush"}
	dev, err := devArg(w)
	if err != nil {
		return err
	}
	return e.withLink(dev, func(c *rtnl.Conn, index int32) error {
		addrs, err := c.Addrs(rtnl.AddrFilter{Family: uint8(e.family), Index: index})
		if err != nil {
			return err
		}
		// Secondary addresses go with their primary: delete them first.
		for _, secondaryPass := range []bool{true, false} {
			for i := range addrs {
				if (addrs[i].Flags&unix.IFA_F_SECONDARY != 0) != secondaryPass {
					continue
				}
				if err := c.AddrDel(&addrs[i]); err != nil && !isGone(err) {
					return err
				}
			}
		}
		return nil
	})
}

func addrShow(e *env, args []string) error {
	w := &words{args: args, cmd: "addr show"}
	dev := ""
	if w.more() {
		var err error
		if dev, err = devArg(w); err != nil {
			return err
		}
	}
	if w.more() {
		return usagef("addr show: unexpected %q", w.args[0])
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	links, err := c.Links(rtnl.LinkFilter{})
	if err != nil {
		return err
	}
	addrs, err := c.Addrs(rtnl.AddrFilter{Family: uint8(e.family)})
	if err != nil {
		return err
	}
	names := map[int32]string{}
	for _, l := range links {
		names[l.Index] = l.Name
	}
	ipfmt.MarkMasterDown(links, links)
	if dev != "" {
		links = filterLinks(links, func(l rtnl.Link) bool { return l.Name == dev })
		if len(links) == 0 {
			return fmt.Errorf("device %q does not exist", dev)
		}
	}
	out := []ipfmt.Object{}
	for i := range links {
		l := &links[i]
		var mine []rtnl.Addr
		for _, a := range addrs {
			if a.Index == l.Index {
				mine = append(mine, a)
			}
		}
		if e.family != 0 && len(mine) == 0 {
			continue // ip -4 addr hides links without IPv4 addresses
		}
		if e.json {
			m := e.printer().LinkJSON(l, names)
			m.Delete("linkmode") // ip addr shows no link mode
			m.Set("addr_info", ipfmt.AddrsJSON(mine))
			out = append(out, m)
			continue
		}
		e.printer().LinkAddrs(l, mine, names)
	}
	if e.json {
		return e.printer().PrintJSON(out)
	}
	return nil
}
