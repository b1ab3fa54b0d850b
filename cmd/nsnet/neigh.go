package main

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/rtnl"
)

const neighHelp = `Usage: nsnet neigh {add|replace|change} ADDR [lladdr LLADDR] [nud STATE] [proxy]
                       [protocol PROTO] dev DEV
       nsnet neigh del ADDR dev DEV [proxy]
       nsnet neigh get ADDR dev DEV [proxy]
       nsnet [-4|-6] neigh {show|flush} [[to] PREFIX] [dev DEV] [nud STATE|all ...] [proxy]
                       [master DEV | vrf DEV | nomaster] [protocol PROTO] [unused]
STATE := permanent | noarp | reachable | stale | none | incomplete | delay | probe | failed
`

var neighCommands = []command{
	{"add", neighAdd}, {"delete", neighDel}, {"replace", neighReplace}, {"change", neighReplace},
	{"show", neighShow}, {"list", neighShow}, {"flush", neighFlush}, {"get", neighGet},
}

func runNeigh(e *env, args []string) error {
	return dispatchCommand(e, "neigh", neighCommands, neighHelp, args)
}

// nudWord is a NUD_* state by ip's lower-case name.
func nudWord(w *words) (uint16, error) {
	s, err := w.value("nud")
	if err != nil {
		return 0, err
	}
	if s == "none" {
		return 0, nil
	}
	n, err := ipfmt.NudStates.ParseFold(s, 0xff)
	if err != nil {
		return 0, w.usagef("nud %v", err)
	}
	return uint16(n), nil
}

func parseNeigh(w *words) (*rtnl.Neigh, string, error) {
	n := &rtnl.Neigh{State: unix.NUD_PERMANENT} // ip's default
	dev := ""
	for w.more() {
		kw := w.next()
		var err error
		switch kw {
		case "lladdr":
			n.LLAddr, err = w.mac(kw)
		case "nud":
			n.State, err = nudWord(w)
		case "dev":
			dev, err = w.ifname(kw)
		case "proxy":
			n.Flags |= unix.NTF_PROXY
		case "protocol":
			var s string
			if s, err = w.value(kw); err == nil {
				var p uint32
				p, err = namedNumber(w, kw, s, ipfmt.Protocols, 255)
				n.Protocol = uint8(p)
			}
		default:
			if kw == "to" {
				kw, err = w.value(kw)
			}
			if err == nil && n.IP.IsValid() {
				return nil, "", w.usagef("unexpected %q", kw)
			}
			if err == nil {
				n.IP, err = w.addr("", kw)
			}
		}
		if err != nil {
			return nil, "", err
		}
	}
	if !n.IP.IsValid() || dev == "" {
		return nil, "", w.usagef("want ADDR and dev DEV")
	}
	return n, dev, nil
}

func withNeigh(e *env, args []string, cmd string, fn func(*rtnl.Conn, *rtnl.Neigh) error) error {
	n, dev, err := parseNeigh(e.words(args, cmd))
	if err != nil {
		return err
	}
	return e.withLink(dev, func(c *rtnl.Conn, index int32) error {
		n.Index = index
		return fn(c, n)
	})
}

func neighAdd(e *env, args []string) error {
	return withNeigh(e, args, "neigh add", func(c *rtnl.Conn, n *rtnl.Neigh) error {
		if p := e.pipeline(c); p != nil {
			return p.NeighAdd(n, e.pending.line)
		}
		return c.NeighAdd(n)
	})
}

func neighReplace(e *env, args []string) error {
	return withNeigh(e, args, "neigh replace", (*rtnl.Conn).NeighReplace)
}

func neighDel(e *env, args []string) error {
	return withNeigh(e, args, "neigh del", (*rtnl.Conn).NeighDel)
}

// neighSelect reads `[dev D] [nud S|all] [proxy]` and lists the entries
// it selects. By default NOARP entries are hidden, as ip does; flush also
// keeps permanent ones unless `nud all` or `nud permanent`.
func neighSelect(e *env, args []string, cmd string) (c *rtnl.Conn, f rtnl.NeighFilter, keep func(*rtnl.Neigh) bool, names map[int32]string, err error) {
	w := e.words(args, cmd)
	var dev, master string
	var to netaddr.Prefix
	var proxy, vrf, nomaster, unused bool // proxy: list the proxy table instead
	var proto *uint8
	mask := uint16(0xff &^ unix.NUD_NOARP)
	if cmd == "neigh flush" {
		mask &^= unix.NUD_PERMANENT
	}
	stateGiven := false
	for w.more() {
		var err error
		var s string
		switch kw := w.next(); kw {
		case "dev":
			dev, err = w.ifname(kw)
		case "master", "vrf":
			master, err = w.ifname(kw)
			vrf = kw == "vrf"
		case "nomaster":
			nomaster = true
		case "unused":
			unused = true
		case "proxy":
			proxy = true
		case "nud": // may come again: the states add up
			if !stateGiven {
				stateGiven, mask = true, 0
			}
			w.scope()
			if len(w.args) > 0 && w.args[0] == "all" {
				w.next()
				mask = 0xffff
				break
			}
			var st uint16
			st, err = nudWord(w)
			if st == 0 {
				st = 0x100 // none: entries with no state, as ip has it
			}
			mask |= st
		default:
			if matches(kw, "protocol") {
				if s, err = w.value(kw); err == nil && s != "all" {
					var p uint32
					p, err = namedNumber(w, kw, s, ipfmt.Protocols, 255)
					v := uint8(p)
					proto = &v
				}
				break
			}
			if kw == "to" {
				kw, err = w.value(kw)
			}
			if err == nil {
				to, err = w.prefix("to", kw)
			}
		}
		if err != nil {
			return nil, f, nil, nil, err
		}
	}
	if to.IsValid() && e.family == 0 { // as ip: the prefix sets the family
		e.family = afInet
		if to.Addr().Is6() {
			e.family = unix.AF_INET6
		}
	}
	c, err = e.dialRoute()
	if err != nil {
		return nil, f, nil, nil, err
	}
	links, err := c.Links(rtnl.LinkFilter{})
	if err != nil {
		e.release(c)
		return nil, f, nil, nil, err
	}
	names = ipfmt.LinkNames(links)
	var index, masterIndex int32
	if dev != "" {
		index, err = e.linkIndex(c, dev)
	}
	if master != "" && err == nil {
		masterIndex, err = masterOf(c, master, vrf)
	}
	if err != nil {
		e.release(c)
		return nil, f, nil, nil, err
	}
	if nomaster {
		masterIndex = -1
	}
	f = rtnl.NeighFilter{Family: uint8(e.family), Index: index, Proxy: proxy, Master: masterIndex}
	// print_neigh's filters: a state (or none, 0x100, for an entry with
	// none), the prefix, the protocol, unused (no reference). The kernel
	// has kept those of the master's ports.
	keep = func(n *rtnl.Neigh) bool {
		return (n.Flags&(unix.NTF_PROXY|unix.NTF_EXT_LEARNED) != 0 || n.State&mask != 0 || n.State == 0 && mask&0x100 != 0) &&
			(!to.IsValid() || !n.IP.IsValid() || bitsMatch(n.IP, to, to.Bits())) &&
			(proto == nil || *proto == n.Protocol) && (!unused || n.Cache == nil || n.Cache.RefCnt == 0)
	}
	return c, f, keep, names, nil
}

func neighGet(e *env, args []string) error {
	return withNeigh(e, args, "neigh get", func(c *rtnl.Conn, n *rtnl.Neigh) error {
		got, err := c.NeighGet(n)
		if err != nil {
			return err
		}
		names := map[int32]string{}
		if l, err := c.LinkByIndex(got.Index); err == nil {
			names[l.Index] = l.Name
		}
		return e.printer().Neighs([]rtnl.Neigh{*got}, names)
	})
}

func neighShow(e *env, args []string) error {
	c, f, keep, names, err := neighSelect(e, args, "neigh show")
	if err != nil {
		return err
	}
	defer e.release(c)
	p := e.printer()
	p.OneDev = f.Index != 0
	out := p.Begin()
	for n, err := range c.AllNeighs(f) {
		if err != nil {
			out.End()
			return err
		}
		if keep(n) {
			out.Neigh(n, names)
		}
	}
	return out.End()
}

func neighFlush(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("neigh flush: needs a selector (dev D, nud STATE|all, proxy), as ip does")
	}
	c, f, keep, _, err := neighSelect(e, args, "neigh flush")
	if err != nil {
		return err
	}
	defer e.release(c)
	all, err := c.Neighs(f) // deleted after the dump: the socket is busy with it
	var gone []rtnl.Neigh
	for i := range all {
		if keep(&all[i]) {
			gone = append(gone, all[i])
		}
	}
	if err != nil {
		return err
	}
	for i := range gone {
		if err := c.NeighDel(&gone[i]); err != nil && !isGone(err) {
			return err
		}
	}
	e.flushed(len(gone), "entries", "Nothing to flush.")
	return nil
}
