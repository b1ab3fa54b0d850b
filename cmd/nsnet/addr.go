package main

import (
	"errors"
	"iter"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/netaddr"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/rtnl"
)

const addrHelp = `Usage: nsnet addr {add|change|replace} PREFIX dev DEV [label LABEL] [broadcast ADDR|+]
                       [scope SCOPE] [peer PREFIX] [nodad] [noprefixroute]
                       [valid_lft SECS|forever] [preferred_lft SECS|forever]
       nsnet addr del PREFIX dev DEV
       nsnet [-s] [-4|-6] addr flush [[dev] DEV] [to PREFIX] [scope SCOPE] [label PATTERN] [FLAG...]
       nsnet [-4|-6] addr show [[dev] DEV] [to PREFIX] [scope SCOPE] [label PATTERN] [FLAG...]
                       [type KIND] [master DEV | vrf DEV | nomaster] [group G] [up]
       nsnet [-4|-6] addr save [[dev] DEV] [to PREFIX] [scope SCOPE] [label PATTERN] [FLAG...] > FILE
       nsnet addr {restore|showdump} < FILE
FLAG := [-]{permanent|dynamic|secondary|primary|tentative|deprecated|dadfailed|temporary
        |home|nodad|mngtmpaddr|noprefixroute|autojoin|stable-privacy}
SCOPE := global | site | link | host | NUMBER
`

var addrCommands = []command{
	{"add", addrAdd}, {"change", addrReplace}, {"replace", addrReplace}, {"delete", addrDel},
	{"flush", addrFlush}, {"show", addrShow}, {"list", addrShow}, {"lst", addrShow},
	{"save", addrSave}, {"restore", addrRestore}, {"showdump", addrShowdump},
}

func runAddr(e *env, args []string) error {
	return dispatchCommand(e, "addr", addrCommands, addrHelp, args)
}

// parseAddr reads PREFIX and the options of add/replace/del.
func parseAddr(w *words) (*rtnl.Addr, string, error) {
	// Lifetimes default to forever, as ip's do; given, they are sent.
	a := &rtnl.Addr{ValidLft: rtnl.LifetimeForever, PreferredLft: rtnl.LifetimeForever}
	var dev, bcast string
	var peer netaddr.Prefix
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
			peer, err = prefixWord(w, kw)
		case "scope":
			var s string
			if s, err = w.value(kw); err == nil {
				n, err = namedNumber(w, kw, s, ipfmt.Scopes, 255)
				a.Scope = uint8(n)
			}
		case "nodad", "noprefixroute", "home", "mngtmpaddr", "optimistic", "autojoin": // the flags a request may set
			n, _ = ipfmt.AddrFlagNames.Lookup(kw)
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
				return nil, "", w.usagef("unexpected %q", kw)
			}
			if err == nil {
				a.Prefix, err = w.prefix("", kw)
			}
		}
		if err != nil {
			return nil, "", err
		}
	}
	if peer.IsValid() && a.Prefix.IsValid() {
		// As ip: the length is the peer's prefix's (a bare peer is a
		// host), the local one's only where the peer's is 0.
		a.Peer = peer.Addr() // of the other family: refused by rtnl, with why
		if peer.Bits() > 0 && peer.Addr().Is4() == a.Prefix.Addr().Is4() {
			a.Prefix = netaddr.PrefixFrom(a.Prefix.Addr(), peer.Bits())
		}
	}
	return a, dev, finishAddr(w, a, dev, bcast)
}

// finishAddr checks what parseAddr read as a whole and fills in what
// follows from it.
func finishAddr(w *words, a *rtnl.Addr, dev, bcast string) error {
	if !a.Prefix.IsValid() || dev == "" {
		return w.usagef("want PREFIX and dev DEV")
	}
	switch {
	case !a.SetLifetimes:
		a.ValidLft, a.PreferredLft = 0, 0 // not sent: the kernel's forever
	case a.ValidLft == 0:
		return w.usagef("valid_lft is zero")
	case a.PreferredLft > a.ValidLft:
		return w.usagef("preferred_lft is greater than valid_lft")
	}
	if bcast != "" {
		b, err := broadcast(a.Prefix, bcast)
		if err != nil {
			return w.usagef("%v", err)
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
	n, ok := num.Uint(s, 0, 32)
	if !ok {
		return 0, w.usagef("%s %q is not seconds or forever", kw, s)
	}
	return uint32(n), nil
}

// parsePrefixOrHost accepts 10.0.0.1/24, or a bare address as a host
// prefix (/32, /128) like ip.
func parsePrefixOrHost(s string) (netaddr.Prefix, error) {
	if strings.Contains(s, "/") {
		return netaddr.ParsePrefix(s)
	}
	a, err := netaddr.ParseAddr(s)
	if err != nil {
		return netaddr.Prefix{}, err
	}
	return netaddr.PrefixFrom(a, a.BitLen()), nil
}

// broadcast is `broadcast ADDR`, or `+`: the prefix's last address.
func broadcast(p netaddr.Prefix, s string) (netaddr.Addr, error) {
	if s != "+" && s != "-" {
		a, err := netaddr.ParseAddr(s)
		if err != nil {
			return a, fmt.Errorf("broadcast %q is not an address", s)
		}
		return a, nil
	}
	if !p.Addr().Is4() {
		return netaddr.Addr{}, errors.New("a broadcast address can be set only for IPv4 addresses")
	}
	if p.Bits() >= 31 {
		return netaddr.Addr{}, nil
	}
	return p.Last(), nil
}

// withAddr parses an address command and runs fn with the link resolved.
func withAddr(e *env, args []string, cmd string, fn func(*rtnl.Conn, *rtnl.Addr) error) error {
	a, dev, err := parseAddr(e.words(args, cmd))
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

// addrFlush is ip addr flush: the addresses addr show's selectors pick,
// deleted.
func addrFlush(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("addr flush: needs a selector (dev D, to PREFIX, scope S, label L, a flag), as ip does")
	}
	q, err := parseAddrSel(e.words(args, "addr flush"))
	if err != nil {
		return err
	}
	c, f, names, err := q.open(e, "addr flush")
	if err != nil {
		return err
	}
	defer e.release(c)
	addrs, err := c.Addrs(f)
	if err != nil {
		return err
	}
	// Secondary addresses go with their primary: delete them first.
	n := 0
	for _, secondaryPass := range []bool{true, false} {
		for i := range addrs {
			a := &addrs[i]
			if (a.Flags&unix.IFA_F_SECONDARY != 0) != secondaryPass || !q.keep(a, names[a.Index]) {
				continue
			}
			if err := c.AddrDel(a); err != nil && !isGone(err) {
				return err
			}
			n++
		}
	}
	e.flushed(n, "addresses", "Nothing to flush.")
	return nil
}

// open dials e's namespace for cmd, a save or a flush of the addresses q
// selects: the dump's filter, and the names of the links if a label is
// matched (an address without one matches by its link's name). Selectors
// of links are refused: ip parses them and ignores them there.
func (q *addrSel) open(e *env, cmd string) (c *rtnl.Conn, f rtnl.AddrFilter, names map[int32]string, err error) {
	if l := q.linkSel; l.kind != "" || l.master != "" || l.nomaster || l.up || l.group != nil {
		return nil, f, nil, usagef("%s: selects addresses by device, prefix, scope, label and flags, not by what their links are", cmd)
	}
	if c, err = e.dialRoute(); err != nil {
		return nil, f, nil, err
	}
	f.Family = uint8(e.family)
	if q.dev != "" {
		f.Index, err = e.linkIndex(c, q.dev)
	}
	if err == nil && q.label != "" {
		names, err = linkNames(c)
	}
	if err != nil {
		e.release(c)
		return nil, f, nil, err
	}
	return c, f, names, nil
}

// addrSel is what `ip addr show` selects by (ipaddr_list_flush_or_save,
// ipaddr_filter): a device, links that are up, and addresses by prefix,
// scope, label (a shell pattern) and flags.
type addrSel struct {
	linkSel
	to               netaddr.Prefix
	scope            *uint8
	label            string
	flags, flagsMask uint32
}

func parseAddrSel(w *words) (*addrSel, error) {
	q := &addrSel{}
	for w.more() {
		var err error
		kw := w.next()
		var ok bool
		if ok, err = q.word(w, kw); ok || err != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		switch kw {
		case "to":
			q.to, err = prefixWord(w, kw)
		case "scope":
			var s string
			if s, err = w.value(kw); err == nil && s != "all" {
				var n uint32
				n, err = namedNumber(w, kw, s, ipfmt.Scopes, 255)
				v := uint8(n)
				q.scope = &v
			}
		case "label":
			q.label, err = w.value(kw)
		default:
			if bit, set, ok := addrFlagFilter(kw); ok {
				q.flagsMask |= bit
				q.flags = q.flags&^bit | set
			} else if q.dev == "" {
				q.dev, err = kw, validIfname(kw)
			} else {
				err = w.usagef("unexpected %q", kw)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return q, nil
}

// addrFlagFilter reads a flag word as ip's get_filter: a flag name,
// "-NAME" for its absence, "dynamic" for not permanent, "primary" for not
// secondary. It returns the flag's bit and the value wanted for it.
func addrFlagFilter(word string) (bit, set uint32, ok bool) {
	inv := strings.HasPrefix(word, "-")
	word = strings.TrimPrefix(word, "-")
	switch word {
	case "dynamic":
		inv, word = !inv, "permanent"
	case "primary":
		inv, word = !inv, "secondary"
	case "temporary":
		word = "secondary" // one bit: ip's table has both names for it
	}
	n, found := ipfmt.AddrFlagNames.Lookup(word)
	if !found {
		return 0, 0, false
	}
	if inv {
		return n, 0, true
	}
	return n, n, true
}

// keep is ipaddr_filter's test of one address.
func (q *addrSel) keep(a *rtnl.Addr, linkName string) bool {
	label := a.Label
	if label == "" {
		label = linkName
	}
	return (q.scope == nil || *q.scope == a.Scope) &&
		(a.Flags^q.flags)&q.flagsMask == 0 &&
		(!q.to.IsValid() || bitsMatch(a.Prefix.Addr(), q.to, q.to.Bits())) &&
		(q.label == "" || fnmatch(q.label, label))
}

// fnmatch is C's fnmatch(3) with no flags, as ip's label filter calls it:
// * is any run of bytes (a / too), ? one byte, [set] one byte of the set
// ([!set] or [^set] one not in it; a-z a range; a ] first is itself),
// and \ takes the next byte as it is. A [ that no ] closes is itself;
// a \ at the end matches nothing. Not path.Match, whose * stops at a /
// and which calls such patterns errors where ip matches them.
func fnmatch(pattern, s string) bool {
	for ; pattern != ""; pattern, s = pattern[1:], s[1:] {
		c := pattern[0]
		switch c {
		case '*':
			for i := len(s); i >= 0; i-- {
				if fnmatch(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			continue
		case '[':
			if s == "" {
				return false
			}
			if in, n := inSet(pattern[1:], s[0]); n > 0 {
				if !in {
					return false
				}
				pattern = pattern[n:]
				continue
			}
		case '\\':
			if pattern = pattern[1:]; pattern == "" {
				return false
			}
			c = pattern[0]
		}
		if s == "" || s[0] != c {
			return false
		}
	}
	return s == ""
}

// inSet reads the set p begins with (after its [): whether c is in it,
// and the length of the set up to its ], 0 if no ] closes it.
func inSet(p string, c byte) (in bool, n int) {
	neg := p != "" && (p[0] == '!' || p[0] == '^')
	i := 0
	if neg {
		i++
	}
	for first := i; i < len(p); i++ {
		if p[i] == ']' && i > first {
			return in != neg, i + 1
		}
		lo := p[i]
		if lo == '\\' && i+1 < len(p) {
			i++
			lo = p[i]
		}
		hi := lo
		if i+2 < len(p) && p[i+1] == '-' && p[i+2] != ']' {
			i += 2
			if hi = p[i]; hi == '\\' && i+1 < len(p) {
				i++
				hi = p[i]
			}
		}
		in = in || lo <= c && c <= hi
	}
	return false, 0
}

func addrShow(e *env, args []string) error {
	q, err := parseAddrSel(e.words(args, "addr show"))
	if err != nil {
		return err
	}
	if q.to.IsValid() && e.family == 0 { // as ip: "to" sets the family
		e.family = afInet
		if q.to.Addr().Is6() {
			e.family = unix.AF_INET6
		}
	}
	dev := q.dev
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	// Like ip: -6 lists the links by IPv6's own dump (no qdisc, no
	// group), and one device by asking for it.
	f := rtnl.LinkFilter{}
	if e.family == unix.AF_INET6 && dev == "" {
		f.Family = unix.AF_INET6
	}
	links, k, err := e.addrLinks(c, f, q)
	if err != nil {
		return err
	}
	addrs, err := c.Addrs(rtnl.AddrFilter{Family: uint8(e.family), Index: k.devIndex})
	if err != nil {
		return err
	}
	byLink := map[int32][]rtnl.Addr{}
	for _, a := range addrs {
		byLink[a.Index] = append(byLink[a.Index], a)
	}
	txqlen := -1
	if f.Family != 0 {
		if txqlen, err = e.txqlenSocket(); err != nil {
			return err
		}
		defer unix.Close(txqlen)
	}
	p := k.p
	p.NoLinks = q.label != "" // ip's quirk: with label, the addresses alone
	s := p.Begin()
	for l, err := range links {
		if err != nil {
			s.End()
			return err
		}
		if !q.linkSel.keep(l, k.master) {
			continue
		}
		var mine []rtnl.Addr
		for _, a := range byLink[l.Index] {
			if q.keep(&a, l.Name) {
				mine = append(mine, a)
			}
		}
		// Like ip: a link with addresses but none selected is left out,
		// and so, with -4 or -6, is a link without addresses.
		if len(mine) == 0 && (len(byLink[l.Index]) > 0 || e.family != 0) {
			continue
		}
		if txqlen >= 0 && l.Set&rtnl.SetTxQLen == 0 {
			if ifr, err := unix.NewIfreq(l.Name); err == nil && unix.IoctlIfreq(txqlen, unix.SIOCGIFTXQLEN, ifr) == nil {
				l.TxQLen = ifr.Uint32()
			}
		}
		ipfmt.MarkMasterDown(l, k.up)
		s.LinkAddrs(l, mine, k.names)
	}
	return s.End()
}

// addrLinks is what addr show lists addresses by: every link, streamed
// as in link show (a dump learns their names and states, a second brings
// each to print), or, for one device, that link and the links it names,
// each asked for alone as ip does.
func (e *env) addrLinks(c *rtnl.Conn, f rtnl.LinkFilter, q *addrSel) (iter.Seq2[*rtnl.Link, error], *knownLinks, error) {
	if q.dev == "" {
		k, err := e.learnLinks(c, f, &q.linkSel)
		return c.AllLinks(f), k, err
	}
	l, err := c.LinkByName(q.dev)
	if errors.Is(err, unix.ENODEV) {
		return nil, nil, noDevice(q.dev)
	}
	if err != nil {
		return nil, nil, err
	}
	all, err := withReferenced(c, []rtnl.Link{*l})
	if err != nil {
		return nil, nil, err
	}
	k := &knownLinks{names: ipfmt.LinkNames(all), up: ipfmt.LinksUp(all), devIndex: l.Index, p: e.printer()}
	if k.master, err = q.masterIndex(c); err != nil {
		return nil, nil, err
	}
	k.p.NetnsNames = e.netnsNames(c, all[:1])
	return func(yield func(*rtnl.Link, error) bool) { yield(l, nil) }, k, nil
}

// txqlenSocket is a socket in the -n namespace to ask for links' queue
// lengths (SIOCGIFTXQLEN, by name): a family's own link dump (ip -6 addr)
// sends no IFLA_TXQLEN, and ip's print_queuelen asks for it so.
func (e *env) txqlenSocket() (int, error) {
	fd := -1
	err := e.inNetns(func() (err error) {
		fd, err = unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		return err
	})
	return fd, err
}
