package main

import (
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/rtnl"
)

const routeHelp = `Usage: nsnet route {add|replace|del} ROUTE
       nsnet route get ADDR
       nsnet [-4|-6] route {show|flush} [table TABLE|all] [dev DEV]
ROUTE := [TYPE] {PREFIX|default} [via ADDR] [dev DEV] [src ADDR] [metric N]
         [table TABLE] [proto PROTO] [scope SCOPE] [onlink]
         [nexthop via ADDR [dev DEV] [weight N] [onlink] ...]
TABLE := main | local | default | NUMBER   PROTO := boot | static | kernel | NUMBER ...
`

func routeCommands() []command {
	return []command{
		{"add", routeAdd}, {"delete", routeDel}, {"replace", routeReplace}, {"change", routeReplace},
		{"get", routeGet}, {"flush", routeFlush}, {"show", routeShow}, {"list", routeShow}, {"help", helpText(routeHelp)},
	}
}

func runRoute(e *env, args []string) error {
	if len(args) == 0 {
		return routeShow(e, nil)
	}
	return dispatchCommand(e, "route", routeCommands(), args)
}

// routeReq is a parsed route with its device names still to resolve.
type routeReq struct {
	r      rtnl.Route
	dev    string
	nhDevs []string
}

func parseRoute(w *words) (*routeReq, error) {
	// What ip fills in where a word leaves it out (table main, proto boot,
	// a scope by type...), rtnl fills in the same way.
	q := &routeReq{}
	r := &q.r
	hasDst := false
	for w.more() {
		kw := w.next()
		var err error
		var s string
		var n uint32
		switch kw {
		case "via":
			r.Gateway, err = addrWord(w, kw)
		case "dev", "oif":
			q.dev, err = w.ifname(kw)
		case "src":
			r.PrefSrc, err = addrWord(w, kw)
		case "metric", "priority", "preference":
			var v uint64
			v, err = w.uint(kw, 32)
			r.Priority = uint32(v)
		case "table":
			if s, err = w.value(kw); err == nil {
				r.Table, err = namedNumber(w, kw, s, ipfmt.Tables, 1<<32-1)
			}
		case "proto", "protocol":
			if s, err = w.value(kw); err == nil {
				n, err = namedNumber(w, kw, s, ipfmt.Protocols, 255)
				r.Protocol = uint8(n)
			}
		case "scope":
			if s, err = w.value(kw); err == nil {
				n, err = namedNumber(w, kw, s, ipfmt.RouteScopes, 255)
				r.Scope, r.Set = uint8(n), r.Set|rtnl.SetScope
			}
		case "onlink":
			r.Flags |= rtnl.Onlink
		case "nexthop":
			if err = parseNexthop(w, q); err != nil {
				return nil, err
			}
		default:
			if t, ok := ipfmt.RouteTypes.Lookup(kw); ok && !hasDst && t != 0 {
				r.Type = uint8(t)
				continue
			}
			if hasDst {
				return nil, usagef("%s: unexpected %q", w.cmd, kw)
			}
			hasDst = true
			if kw != "default" && kw != "all" && kw != "any" {
				if r.Dst, err = parsePrefixOrHost(kw); err != nil {
					return nil, usagef("%s: %q is not a prefix or default", w.cmd, kw)
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if !hasDst {
		return nil, usagef("%s: which destination? (PREFIX or default)", w.cmd)
	}
	return q, nil
}

// namedNumber parses a value that is a name from t or a number up to max.
func namedNumber(w *words, kw, s string, t ipfmt.Names, max uint64) (uint32, error) {
	n, err := t.Parse(s, max)
	if err != nil {
		return 0, usagef("%s: %s %v", w.cmd, kw, err)
	}
	return n, nil
}

func addrWord(w *words, kw string) (netip.Addr, error) {
	s, err := w.value(kw)
	if err != nil {
		return netip.Addr{}, err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return a, usagef("%s: %s %q is not an address", w.cmd, kw, s)
	}
	return a, nil
}

// parseNexthop reads one `nexthop via A [dev D] [weight N] [onlink]`.
func parseNexthop(w *words, q *routeReq) error {
	nh := rtnl.Nexthop{Weight: 1}
	dev := ""
	w.scope()
	for w.more() && w.args[0] != "nexthop" {
		kw := w.next()
		var err error
		switch kw {
		case "via":
			nh.Gateway, err = addrWord(w, kw)
		case "dev":
			dev, err = w.ifname(kw)
		case "weight":
			var v uint64
			v, err = w.uint(kw, 8)
			nh.Weight = int(v)
			if v == 0 {
				err = usagef("%s: weight must be 1-255", w.cmd)
			}
		case "onlink":
			nh.Flags |= rtnl.Onlink
		default:
			w.args = append([]string{kw}, w.args...)
			return nil
		}
		if err != nil {
			return err
		}
	}
	q.r.Nexthops = append(q.r.Nexthops, nh)
	q.nhDevs = append(q.nhDevs, dev)
	return nil
}

// resolve fills in link indexes from names.
func (q *routeReq) resolve(e *env, c *rtnl.Conn) error {
	idx := func(name string) (int32, error) {
		if name == "" {
			return 0, nil
		}
		return e.linkIndex(c, name)
	}
	var err error
	if q.r.OIF, err = idx(q.dev); err != nil {
		return err
	}
	for i, d := range q.nhDevs {
		if q.r.Nexthops[i].OIF, err = idx(d); err != nil {
			return err
		}
	}
	return nil
}

func withRoute(e *env, args []string, cmd string, fn func(*rtnl.Conn, *rtnl.Route) error) error {
	q, err := parseRoute(&words{args: args, cmd: cmd})
	if err != nil {
		return err
	}
	if e.family != 0 && q.r.Family == 0 {
		q.r.Family = uint8(e.family)
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	if err := q.resolve(e, c); err != nil {
		return err
	}
	return fn(c, &q.r)
}

func routeAdd(e *env, args []string) error {
	return withRoute(e, args, "route add", func(c *rtnl.Conn, r *rtnl.Route) error {
		if p := e.pipeline(c); p != nil {
			return p.RouteAdd(r, e.pending.line)
		}
		return c.RouteAdd(r)
	})
}

func routeReplace(e *env, args []string) error {
	return withRoute(e, args, "route replace", (*rtnl.Conn).RouteReplace)
}

func routeDel(e *env, args []string) error {
	return withRoute(e, args, "route del", (*rtnl.Conn).RouteDel)
}

func routeGet(e *env, args []string) error {
	if len(args) < 1 || len(args) > 2 || (len(args) == 2 && args[0] != "to") {
		return usagef("route get: want ADDR")
	}
	dst, err := netip.ParseAddr(args[len(args)-1])
	if err != nil {
		return usagef("route get: %q is not an address", args[len(args)-1])
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	r, err := c.RouteGet(dst)
	if err != nil {
		return err
	}
	return e.printRoutes(c, []rtnl.Route{*r})
}

// printRoutes prints routes with the names of the links they use.
func (e *env) printRoutes(c *rtnl.Conn, routes []rtnl.Route) error {
	links, err := c.Links(rtnl.LinkFilter{})
	if err != nil {
		return err
	}
	return e.printer().Routes(routes, ipfmt.LinkNames(links))
}

// routeFilter reads `[table T|all] [dev D]` for show and flush.
func routeFilter(e *env, w *words) (table uint32, dev string, err error) {
	table = unix.RT_TABLE_MAIN
	for w.more() {
		switch kw := w.next(); kw {
		case "table":
			s, err := w.value(kw)
			if err != nil {
				return 0, "", err
			}
			if s == "all" {
				table = 0
			} else if table, err = ipfmt.Tables.Parse(s, 1<<32-1); err != nil {
				return 0, "", usagef("%s: table %v", w.cmd, err)
			}
		case "dev":
			if dev, err = w.ifname(kw); err != nil {
				return 0, "", err
			}
		default:
			return 0, "", usagef("%s: unexpected %q", w.cmd, kw)
		}
	}
	return table, dev, nil
}

// selectRoutes lists the routes show and flush act on.
func selectRoutes(e *env, c *rtnl.Conn, table uint32, dev string) ([]rtnl.Route, error) {
	fam := uint8(e.family)
	if fam == 0 && table != 0 {
		fam = afInet // like ip: IPv4 unless -6, both families with table all
	}
	out, err := c.Routes(rtnl.RouteFilter{Family: fam, Table: table})
	if err != nil {
		return nil, err
	}
	if dev != "" {
		index, err := e.linkIndex(c, dev)
		if err != nil {
			return nil, err
		}
		var keep []rtnl.Route
		for _, r := range out {
			if r.OIF == index {
				keep = append(keep, r)
			}
		}
		out = keep
	}
	return out, nil
}

// withRoutes runs fn on the routes `[table T|all] [dev D]` selects.
func withRoutes(e *env, args []string, cmd string, fn func(*rtnl.Conn, []rtnl.Route) error) error {
	table, dev, err := routeFilter(e, &words{args: args, cmd: cmd})
	if err != nil {
		return err
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	routes, err := selectRoutes(e, c, table, dev)
	if err != nil {
		return err
	}
	return fn(c, routes)
}

func routeShow(e *env, args []string) error {
	return withRoutes(e, args, "route show", func(c *rtnl.Conn, routes []rtnl.Route) error {
		return e.printRoutes(c, routes)
	})
}

func routeFlush(e *env, args []string) error {
	if len(args) == 0 {
		// As ip: flushing every route of the main table unasked cuts the
		// machine off.
		return usagef("route flush: needs a selector (table T|all, dev D): it would flush everything")
	}
	return withRoutes(e, args, "route flush", func(c *rtnl.Conn, routes []rtnl.Route) error {
		for i := range routes {
			if err := c.RouteDel(&routes[i]); err != nil && !isGone(err) {
				return err
			}
		}
		return nil
	})
}
