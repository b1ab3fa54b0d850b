package main

import (
	"net/netip"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/rtnl"
)

const neighHelp = `Usage: nsnet neigh {add|replace|change} ADDR [lladdr LLADDR] [nud STATE] [proxy] dev DEV
       nsnet neigh del ADDR dev DEV [proxy]
       nsnet neigh get ADDR dev DEV [proxy]
       nsnet [-4|-6] neigh {show|flush} [dev DEV] [nud STATE|all] [proxy]
STATE := permanent | noarp | reachable | stale | none | incomplete | delay | probe | failed
`

func neighCommands() []command {
	return []command{
		{"add", neighAdd}, {"delete", neighDel}, {"replace", neighReplace}, {"change", neighReplace},
		{"show", neighShow}, {"list", neighShow}, {"flush", neighFlush}, {"get", neighGet}, {"help", helpText(neighHelp)},
	}
}

func runNeigh(e *env, args []string) error {
	return dispatchCommand(e, "neigh", neighCommands(), args)
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
		return 0, usagef("%s: nud %v", w.cmd, err)
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
		default:
			if kw == "to" {
				kw, err = w.value(kw)
			}
			if err == nil && n.IP.IsValid() {
				return nil, "", usagef("%s: unexpected %q", w.cmd, kw)
			}
			if err == nil {
				if n.IP, err = netip.ParseAddr(kw); err != nil {
					return nil, "", usagef("%s: %q is not an address", w.cmd, kw)
				}
			}
		}
		if err != nil {
			return nil, "", err
		}
	}
	if !n.IP.IsValid() || dev == "" {
		return nil, "", usagef("%s: want ADDR and dev DEV", w.cmd)
	}
	return n, dev, nil
}

func withNeigh(e *env, args []string, cmd string, fn func(*rtnl.Conn, *rtnl.Neigh) error) error {
	n, dev, err := parseNeigh(&words{args: args, cmd: cmd})
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
func neighSelect(e *env, args []string, cmd string) (c *rtnl.Conn, neighs []rtnl.Neigh, names map[int32]string, oneDev bool, err error) {
	w := &words{args: args, cmd: cmd}
	dev, proxy := "", false
	mask := uint16(0xff &^ unix.NUD_NOARP)
	if cmd == "neigh flush" {
		mask &^= unix.NUD_PERMANENT
	}
	for w.more() {
		var err error
		switch kw := w.next(); kw {
		case "dev":
			dev, err = w.ifname(kw)
		case "proxy":
			proxy = true
		case "nud":
			if len(w.args) > 0 && w.args[0] == "all" {
				w.next()
				mask = 0xffff
				break
			}
			var s uint16
			s, err = nudWord(w)
			mask = s
		default:
			err = usagef("%s: unexpected %q", cmd, kw)
		}
		if err != nil {
			return nil, nil, nil, false, err
		}
	}
	c, err = e.dialRoute()
	if err != nil {
		return nil, nil, nil, false, err
	}
	links, err := c.Links(rtnl.LinkFilter{})
	if err != nil {
		e.release(c)
		return nil, nil, nil, false, err
	}
	names = map[int32]string{}
	var index int32
	for _, l := range links {
		names[l.Index] = l.Name
		if l.Name == dev {
			index = l.Index
		}
	}
	if dev != "" && index == 0 {
		e.release(c)
		return nil, nil, nil, false, fmt.Errorf("device %q does not exist", dev)
	}
	all, err := c.Neighs(rtnl.NeighFilter{Family: uint8(e.family), Index: index, Proxy: proxy})
	if err != nil {
		e.release(c)
		return nil, nil, nil, false, err
	}
	var out []rtnl.Neigh
	for _, n := range all {
		if proxy || n.State&mask != 0 || (mask == 0xffff) {
			out = append(out, n)
		}
	}
	return c, out, names, dev != "", nil
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
	c, neighs, names, oneDev, err := neighSelect(e, args, "neigh show")
	if err != nil {
		return err
	}
	defer e.release(c)
	p := e.printer()
	p.OneDev = oneDev
	return p.Neighs(neighs, names)
}

func neighFlush(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("neigh flush: needs a selector (dev D, nud STATE|all, proxy), as ip does")
	}
	c, neighs, _, _, err := neighSelect(e, args, "neigh flush")
	if err != nil {
		return err
	}
	defer e.release(c)
	for i := range neighs {
		if err := c.NeighDel(&neighs[i]); err != nil && !isGone(err) {
			return err
		}
	}
	return nil
}
