package main

import (
	"cmp"
	"errors"
	"iter"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

const routeHelp = `Usage: nsnet route {add|replace|change|append|prepend|del} ROUTE
       nsnet route get [fibmatch] ADDR [from ADDR] [iif DEV] [oif DEV] [vrf DEV] [mark N]
                 [uid N] [tos TOS] [ipproto PROTO] [sport N] [dport N] [as ADDR] [connected]
       nsnet [-4|-6] route {show|flush} [SELECTOR ...]
       nsnet [-4|-6] route save [SELECTOR ...] > FILE
       nsnet route {restore|showdump} < FILE
SELECTOR := [to] [root|match|exact] PREFIX | from [root|match|exact] PREFIX
            | table TABLE|all|cache | dev DEV | iif DEV | proto PROTO | scope SCOPE
            | type TYPE | metric N | tos TOS | via PREFIX | src PREFIX | mark N
            | realms [FROM/]TO | cached
ROUTE := [TYPE] {PREFIX|default} [tos TOS] [via ADDR] [dev DEV] [src ADDR] [metric N]
         [table TABLE] [proto PROTO] [scope SCOPE] [onlink] [realms [FROM/]TO]
         [expires SECONDS] [pref low|medium|high] (IPv6: a lifetime, a router's preference)
         [METRIC [lock] N ...] [rtt [lock] TIME] [rttvar [lock] TIME] [rto_min TIME]
         [features ecn] [congctl [lock] NAME] [nhid ID (a nexthop object, as ip nexthop makes)]
         [nexthop via ADDR [dev DEV] [weight N] [onlink] [realms [FROM/]TO] ...]
METRIC := mtu | advmss | window | ssthresh | cwnd | initcwnd | initrwnd | reordering
          | hoplimit | quickack | fastopen_no_cookie
TIME := N (the kernel's unit: 1/8 ms for rtt, 1/4 ms for rttvar, ms for rto_min) | Nms | Ns
TABLE := main | local | default | NUMBER   PROTO := boot | static | kernel | NUMBER ...
TOS := a name from rt_dsfield (AF11, CS1...) | a hex number: 10 is 0x10
connected asks again from the source address the first answer chose.
`

var routeCommands = []command{
	{"add", routeAdd}, {"delete", routeDel}, {"replace", routeReplace}, {"change", routeChange},
	{"append", routeAppend}, {"prepend", routePrepend},
	{"get", routeGet}, {"flush", routeFlush}, {"show", routeShow}, {"list", routeShow},
	{"save", routeSave}, {"restore", routeRestore}, {"showdump", routeShowdump},
}

func runRoute(e *env, args []string) error {
	return dispatchCommand(e, "route", routeCommands, routeHelp, args)
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
				n, err = namedNumber(w, kw, s, ipfmt.Scopes, 255)
				r.Scope, r.Set = uint8(n), r.Set|rtnl.SetScope
			}
		case "onlink":
			r.Flags |= rtnl.Onlink
		case "nhid":
			var v uint64
			v, err = w.uint(kw, 32)
			r.NHID = uint32(v)
		case "mtu", "advmss", "window", "ssthresh", "cwnd", "initcwnd", "initrwnd", "reordering", "hoplimit",
			"quickack", "fastopen_no_cookie":
			err = parseMetric(w, kw, r)
		case "rtt", "rttvar", "rto_min":
			err = parseRTT(w, kw, r)
		case "features":
			// RTAX_FEATURE_ECN is the one feature a route can ask for;
			// the kernel sets the others itself.
			if s, err = w.value(kw); err == nil && s != "ecn" {
				err = w.usagef("features %q: the one feature is ecn", s)
			}
			r.Metrics = append(r.Metrics, rtnl.Metric{Type: unix.RTAX_FEATURES, Value: unix.RTAX_FEATURE_ECN})
		case "congctl":
			r.CongCtl, err = lockedValue(w, kw, r, unix.RTAX_CC_ALGO)
		case "realm", "realms":
			r.Realms, err = realmsWord(w, kw)
		case "expires":
			var v uint64
			v, err = w.uint(kw, 32)
			r.Expires = uint32(v)
		case "pref":
			if s, err = w.value(kw); err == nil {
				p, ok := ipfmt.RouterPrefs.Lookup(s)
				if !ok {
					return nil, w.usagef("pref %q: want low, medium or high", s)
				}
				v := uint8(p)
				r.Pref = &v
			}
		case "tos", "dsfield":
			r.TOS, err = dsfieldWord(w, kw)
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
				return nil, w.usagef("unexpected %q", kw)
			}
			hasDst = true
			if kw != "default" && kw != "all" && kw != "any" {
				if r.Dst, err = w.prefix("", kw); err != nil {
					return nil, err
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if !hasDst {
		return nil, w.usagef("which destination? (PREFIX or default)")
	}
	return q, nil
}

// parseMetric reads `KW [lock] N` into r's RTA_METRICS, as ip does.
func parseMetric(w *words, kw string, r *rtnl.Route) error {
	t, _ := ipfmt.RouteMetrics.Lookup(kw)
	s, err := lockedValue(w, kw, r, uint16(t))
	if err != nil {
		return err
	}
	n, err := w.uintOf(kw, s, 32)
	r.Metrics = append(r.Metrics, rtnl.Metric{Type: uint16(t), Value: uint32(n)})
	return err
}

// lockedValue reads `KW [lock] VALUE`: lock sets metric t's bit in
// RTAX_LOCK, which keeps the kernel from learning a value of its own.
func lockedValue(w *words, kw string, r *rtnl.Route, t uint16) (string, error) {
	if w.more() && w.args[0] == "lock" {
		w.next()
		r.Locked |= 1 << t
	}
	return w.value(kw)
}

// parseRTT reads `rtt [lock] TIME`, `rttvar [lock] TIME` or `rto_min
// TIME`. The kernel keeps rtt in eighths and rttvar in quarters of a
// millisecond; a TIME with a unit (ms, s) is scaled to them, a bare number
// is taken as the kernel's own unit (ip's get_time_rtt). rto_min, in ms,
// is locked always: a minimum the kernel learned over would be none.
func parseRTT(w *words, kw string, r *rtnl.Route) error {
	t, _ := ipfmt.RouteMetrics.Lookup(kw)
	var s string
	var err error
	if kw == "rto_min" {
		r.Locked |= 1 << t
		s, err = w.value(kw)
	} else {
		s, err = lockedValue(w, kw, r, uint16(t))
	}
	if err != nil {
		return err
	}
	n, raw, ok := rttTime(s)
	if !raw && kw == "rtt" { // ms, which the kernel keeps in eighths for rtt, quarters for rttvar
		n *= 8
	} else if !raw && kw == "rttvar" {
		n *= 4
	}
	if !ok || n > 1<<32-1 {
		return w.usagef("%s %q is not a time (N, Nms or Ns, below 2^32 of the kernel's unit)", kw, s)
	}
	r.Metrics = append(r.Metrics, rtnl.Metric{Type: uint16(t), Value: uint32(n)})
	return nil
}

// allDigits reports whether every byte of s is from lo to hi.
func allDigits(s string, lo, hi byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}

// rttTime is get_time_rtt: a number (with a decimal fraction, or in C's
// bases), then nothing (raw: the kernel's own unit), s|sec|secs or
// ms|msec|msecs in any case; it is a count of ms, rounded up, as ip has
// it. In integers, not floats: ParseFloat would cost 7 KB of binary.
func rttTime(s string) (n uint64, raw, ok bool) {
	number := strings.TrimRightFunc(s, func(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' })
	unit := uint64(1)
	switch u := s[len(number):]; {
	case u == "":
		raw = true
	case ipfmt.EqualFold(u, "s") || ipfmt.EqualFold(u, "sec") || ipfmt.EqualFold(u, "secs"):
		unit = 1000
	case !ipfmt.EqualFold(u, "ms") && !ipfmt.EqualFold(u, "msec") && !ipfmt.EqualFold(u, "msecs"):
		return 0, false, false
	}
	whole, frac, hasFrac := strings.Cut(number, ".")
	if !hasFrac {
		w, ok := num.Uint(number, 0, 32)
		return w * unit, raw, ok
	}
	w, ok := num.Uint(whole, 10, 32)
	if whole == "" {
		w, ok = 0, true
	}
	if !ok || whole == "" && frac == "" || !allDigits(frac, '0', '9') {
		return 0, false, false
	}
	// w.frac × unit, rounded up: the fraction's part of the product is
	// frac×unit / 10^len(frac), and any remainder (or a digit past the
	// ninth) is one more.
	n, rest := w*unit, false
	if len(frac) > 9 {
		rest = !allDigits(frac[9:], '0', '0')
		frac = frac[:9]
	}
	if frac != "" {
		f, _ := num.Uint(frac, 10, 32)
		den := uint64(1)
		for range frac {
			den *= 10
		}
		n += f * unit / den
		rest = rest || f*unit%den != 0
	}
	if rest {
		n++
	}
	return n, raw, true
}

// realmsWord reads `realms [FROM/]TO`, each a name from rt_realms or a
// number up to 255, or the 32 bits of RTA_FLOW as one number.
func realmsWord(w *words, kw string) (uint32, error) {
	s, err := w.value(kw)
	if err != nil {
		return 0, err
	}
	from, to, hasFrom := strings.Cut(s, "/")
	if !hasFrom {
		from, to = "", s
	}
	var v uint32
	for i, part := range []string{from, to} {
		n := uint32(0)
		if part != "" || i == 0 && hasFrom { // TO may be empty (`5/`), a FROM before a slash not
			if n, err = ipfmt.Realms.Parse(part, 255); err != nil {
				break
			}
		}
		v = v<<16 | n
	}
	if err == nil {
		return v, nil
	}
	if n, ok := num.Uint(s, 0, 32); ok {
		return uint32(n), nil
	}
	return 0, w.usagef("%s %q: not FROM/TO realms (names from rt_realms or numbers to 255)", kw, s)
}

// namedNumber parses a value that is a name from t or a number up to max.
func namedNumber(w *words, kw, s string, t *ipfmt.FileNames, max uint64) (uint32, error) {
	n, err := t.Parse(s, max)
	if err != nil {
		return 0, w.usagef("%s %v", kw, err)
	}
	return n, nil
}

// dsfieldWord reads the TOS byte after kw: a name from rt_dsfield, or hex.
func dsfieldWord(w *words, kw string) (uint8, error) {
	s, err := w.value(kw)
	if err != nil {
		return 0, err
	}
	n, err := ipfmt.ParseDSField(s)
	if err != nil {
		return 0, w.usagef("%s %v", kw, err)
	}
	return n, nil
}

// addrWord reads the address after keyword kw; prefixWord the prefix.
func addrWord(w *words, kw string) (netaddr.Addr, error) {
	s, err := w.value(kw)
	if err != nil {
		return netaddr.Addr{}, err
	}
	return w.addr(kw, s)
}

func prefixWord(w *words, kw string) (netaddr.Prefix, error) {
	s, err := w.value(kw)
	if err != nil {
		return netaddr.Prefix{}, err
	}
	return w.prefix(kw, s)
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
				err = w.usagef("weight must be 1-255")
			}
		case "onlink":
			nh.Flags |= rtnl.Onlink
		case "realm", "realms":
			nh.Realms, err = realmsWord(w, kw)
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
	q, err := parseRoute(e.words(args, cmd))
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

func routeChange(e *env, args []string) error {
	return withRoute(e, args, "route change", (*rtnl.Conn).RouteChange)
}

func routeAppend(e *env, args []string) error {
	return withRoute(e, args, "route append", (*rtnl.Conn).RouteAppend)
}

func routePrepend(e *env, args []string) error {
	return withRoute(e, args, "route prepend", (*rtnl.Conn).RoutePrepend)
}

func routeDel(e *env, args []string) error {
	return withRoute(e, args, "route del", (*rtnl.Conn).RouteDel)
}

// routeGet is `ip route get [to] ADDR [from ADDR] [iif DEV] [oif DEV]
// [mark N] [uid N] [fibmatch]`.
func routeGet(e *env, args []string) error {
	w := e.words(args, "route get")
	q := &rtnl.RouteQuery{}
	var iif, oif string
	var connected, vrf bool
	for w.more() {
		var err error
		switch kw := w.next(); {
		case matches(kw, "from"):
			var p netaddr.Prefix // ip reads a prefix, and sends its address
			p, err = prefixWord(w, kw)
			q.Src = p.Addr()
		case matches(kw, "iif"):
			iif, err = w.ifname(kw)
		case matches(kw, "oif") || kw == "dev":
			oif, err = w.ifname(kw)
		case matches(kw, "mark"):
			var n uint64
			n, err = w.uint(kw, 32)
			q.Mark = uint32(n)
		case matches(kw, "uid"):
			var n uint64
			n, err = w.uint(kw, 32)
			u := uint32(n)
			q.UID = &u
		case matches(kw, "fibmatch"):
			q.FibMatch = true
		case kw == "tos" || matches(kw, "dsfield"):
			q.TOS, err = dsfieldWord(w, kw)
		case matches(kw, "ipproto"):
			q.IPProto, err = ipprotoWord(w, kw)
		case matches(kw, "sport"), matches(kw, "dport"):
			var n uint64
			n, err = w.uint(kw, 16)
			if kw[0] == 's' {
				q.SPort = uint16(n)
			} else {
				q.DPort = uint16(n)
			}
		case kw == "as":
			if w.more() && w.args[0] == "to" {
				w.next()
			}
			q.NewDst, err = addrWord(w, kw)
		case matches(kw, "connected"):
			connected = true
		case matches(kw, "vrf"):
			if oif, err = w.ifname(kw); err == nil {
				vrf = true
			}
		default:
			if kw == "to" && w.more() {
				kw = w.next()
			}
			if q.Dst.IsValid() {
				return usagef("route get: unexpected %q", kw)
			}
			p, perr := w.prefix("", kw)
			if perr != nil {
				return perr
			}
			q.Dst = p.Addr()
		}
		if err != nil {
			return err
		}
	}
	if !q.Dst.IsValid() {
		return usagef("route get: want ADDR")
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	if iif != "" {
		q.IIF, err = e.linkIndex(c, iif)
	}
	if oif != "" && err == nil {
		q.OIF, err = e.linkIndex(c, oif)
	}
	if err != nil {
		return err
	}
	if vrf {
		if _, err := masterOf(c, oif, true); err != nil {
			return err
		}
	}
	r, err := c.RouteLookup(q)
	if err != nil {
		return err
	}
	routes := []rtnl.Route{*r}
	if connected && !q.Src.IsValid() {
		// Then the route of a packet sent from the source the kernel
		// chose, as a connected socket's would be. (ip 6.1 means to, but
		// sends its first question again.)
		if !r.PrefSrc.IsValid() {
			return fmt.Errorf("route get %s connected: the route has no source address to connect from", q.Dst)
		}
		q.Src = r.PrefSrc
		if r, err = c.RouteLookup(q); err != nil {
			return err
		}
		routes = append(routes, *r)
	}
	return e.printRoutes(c, routes)
}

// printRoutes prints routes with the names of the links they use.
func (e *env) printRoutes(c *rtnl.Conn, routes []rtnl.Route) error {
	names, err := linkNames(c)
	if err != nil {
		return err
	}
	p := e.printer()
	p.NexthopObjects = nexthopObjects(e, c)
	return p.Routes(routes, names)
}

// routeFilter reads `[table T|all] [dev D]` for show and flush.
// routeSel is what `ip route show|flush` selects by (iproute_list and
// filter_nlmsg): a table (0: all), a device, root/match/exact
// destination, and fields that must equal. A field given is one ip then
// leaves out of what it prints.
type routeSel struct {
	_          noCompare
	table      uint32
	dev, iif   string
	root, mtch *netaddr.Prefix // exact sets both
	// from: the source prefix (IPv6 source routing), the same way
	srcRoot, srcMatch *netaddr.Prefix
	mark              *uint32
	cloned            bool // cached, cloned: the kernel's route cache (exceptions) instead
	proto             *uint8
	scope             *uint8
	typ               *uint8
	metric            *uint32
	tos               *uint8
	via, src          netaddr.Prefix
	realms            uint32 // RTA_FLOW, compared where realmMask is set:
	realmMask         uint32 // the half of FROM/TO that was not 0
	mcast             uint8  // the multicast family whose routes these are (mroute show); 0: unicast
}

// byte8 is a selector's protocol or scope, by name or number; nil for
// all.
func byte8(w *words, kw string, t *ipfmt.FileNames) (*uint8, error) {
	s, err := w.value(kw)
	if err != nil || s == "all" {
		return nil, err
	}
	n, err := namedNumber(w, kw, s, t, 255)
	v := uint8(n)
	return &v, err
}

func parseRouteSel(e *env, w *words) (*routeSel, error) {
	q := &routeSel{table: unix.RT_TABLE_MAIN}
	for w.more() {
		var err error
		switch kw := w.next(); {
		case kw == "table":
			var s string
			if s, err = w.value(kw); err == nil {
				switch s {
				case "all":
					q.table = 0
				case "cache":
					q.cloned = true
				default:
					q.table, err = namedNumber(w, kw, s, ipfmt.Tables, 1<<32-1)
				}
			}
		case kw == "dev" || kw == "oif":
			q.dev, err = w.ifname(kw)
		case matches(kw, "protocol"):
			q.proto, err = byte8(w, kw, ipfmt.Protocols)
		case matches(kw, "scope"):
			q.scope, err = byte8(w, kw, ipfmt.Scopes)
		case matches(kw, "type"):
			var s string
			if s, err = w.value(kw); err == nil {
				t, ok := ipfmt.RouteTypes.Lookup(s)
				if !ok {
					return nil, w.usagef("type %q is not a route type", s)
				}
				v := uint8(t)
				q.typ = &v
			}
		case matches(kw, "metric") || matches(kw, "priority") || kw == "preference":
			var n uint64
			n, err = w.uint(kw, 32)
			v := uint32(n)
			q.metric = &v
		case kw == "tos" || matches(kw, "dsfield"):
			var v uint8
			v, err = dsfieldWord(w, kw)
			q.tos = &v
		case kw == "realm" || kw == "realms":
			// A half left out is not compared: TO in `N/`, FROM in `N`.
			// A 0 written out is (ip's rule).
			arg := ""
			if w.more() {
				arg = w.args[0]
			}
			if q.realms, err = realmsWord(w, kw); err == nil {
				q.realmMask = 1<<32 - 1
				if q.realms&0xffff == 0 && strings.HasSuffix(arg, "/") {
					q.realmMask &^= 0xffff
				}
				if q.realms>>16 == 0 && (!strings.Contains(arg, "/") || strings.HasPrefix(arg, "/")) {
					q.realmMask &^= 0xffff0000
				}
			}
		case kw == "via" || kw == "src":
			var p netaddr.Prefix
			if p, err = routePrefix(w, kw, w.args); err == nil {
				w.next()
				if kw == "via" {
					q.via = p
				} else {
					q.src = p
				}
			}
		case kw == "iif":
			q.iif, err = w.ifname(kw)
		case kw == "mark":
			var n uint64
			n, err = w.uint(kw, 32)
			v := uint32(n)
			q.mark = &v
		case matches(kw, "cached") || matches(kw, "cloned"):
			q.cloned = true
		case matches(kw, "from"):
			if !w.more() {
				return nil, w.usagef("from needs a prefix")
			}
			q.srcRoot, q.srcMatch, err = rootMatch(w, w.next())
		default: // [to] [root|match|exact] PREFIX
			if kw == "to" && w.more() {
				kw = w.next()
			}
			q.root, q.mtch, err = rootMatch(w, kw)
		}
		if err != nil {
			return nil, err
		}
	}
	return q, nil
}

// rootMatch reads `[root|match|exact] PREFIX`, kw its first word, into
// the prefixes a route's must be covered by (root) and cover (match); a
// bare prefix is exact, both.
func rootMatch(w *words, kw string) (root, mtch *netaddr.Prefix, err error) {
	how := "exact"
	if kw == "root" || kw == "match" || kw == "exact" {
		if !w.more() {
			return nil, nil, w.usagef("%s needs a prefix", kw)
		}
		how, kw = kw, w.next()
	}
	p, err := routePrefix(w, "", []string{kw})
	if how != "match" {
		root = &p
	}
	if how != "root" {
		mtch = &p
	}
	return root, mtch, err
}

// routePrefix reads args[0] as ip's get_prefix does: a prefix, an address
// (a host prefix), or default/any/all (no bits).
func routePrefix(w *words, kw string, args []string) (netaddr.Prefix, error) {
	if len(args) == 0 {
		return netaddr.Prefix{}, w.usagef("%s needs a value", kw)
	}
	switch s := args[0]; s {
	case "default", "any", "all":
		return netaddr.PrefixFrom(netaddr.Addr{}, 0), nil
	default:
		return w.prefix("", s)
	}
}

// bitsMatch reports whether a and p's address agree on their first n bits
// (inet_addr_match); an invalid (default) prefix agrees with anything.
func bitsMatch(a netaddr.Addr, p netaddr.Prefix, n int) bool {
	if !p.Addr().IsValid() || n <= 0 {
		return true
	}
	if !a.IsValid() {
		a = netaddr.IPv6Unspecified()
		if p.Addr().Is4() {
			a = netaddr.IPv4Unspecified()
		}
	}
	if a.Is4() != p.Addr().Is4() {
		return false
	}
	x, y := netaddr.PrefixFrom(a, n).Masked(), netaddr.PrefixFrom(p.Addr(), n).Masked()
	return x.IsValid() && x == y
}

// bits is p's length; default (an invalid prefix here) has none.
func bits(p netaddr.Prefix) int { return max(p.Bits(), 0) }

// keep is filter_nlmsg for the selectors parseRouteSel reads.
func (q *routeSel) keep(r *rtnl.Route) bool {
	dstLen, srcLen := 0, max(r.Src.Bits(), 0)
	if r.Dst.IsValid() {
		dstLen = r.Dst.Bits()
	}
	switch {
	case q.proto != nil && *q.proto != r.Protocol,
		q.scope != nil && *q.scope != r.Scope,
		q.typ != nil && *q.typ != r.Type,
		q.metric != nil && *q.metric != r.Priority,
		q.tos != nil && *q.tos != r.TOS,
		(r.Realms^q.realms)&q.realmMask != 0,
		q.root != nil && (bits(*q.root) > dstLen || !bitsMatch(r.Dst.Addr(), *q.root, bits(*q.root))),
		q.mtch != nil && (bits(*q.mtch) < dstLen || !bitsMatch(r.Dst.Addr(), *q.mtch, dstLen)),
		q.srcRoot != nil && (bits(*q.srcRoot) > srcLen || !bitsMatch(r.Src.Addr(), *q.srcRoot, bits(*q.srcRoot))),
		q.srcMatch != nil && (bits(*q.srcMatch) < srcLen || !bitsMatch(r.Src.Addr(), *q.srcMatch, srcLen)),
		q.mark != nil && *q.mark != r.Mark,
		q.cloned != (r.Flags&unix.RTM_F_CLONED != 0),
		q.via.IsValid() && !bitsMatch(r.Gateway, q.via, q.via.Bits()),
		q.src.IsValid() && !bitsMatch(r.PrefSrc, q.src, q.src.Bits()):
		return false
	}
	return true
}

// printer is e's printer, leaving out what q fixes, as ip does.
func (q *routeSel) printer(e *env) *ipfmt.Printer {
	p := e.printer()
	p.OneTable, p.OneDev = q.table != 0, q.dev != ""
	p.OneProto, p.OneScope, p.OneMetric, p.OneTOS = q.proto != nil, q.scope != nil, q.metric != nil, q.tos != nil
	p.OneRealms = q.realmMask == 1<<32-1
	p.OneVia = q.via.IsValid() && q.via.Bits() == q.via.Addr().BitLen()
	p.OneSrc = q.src.IsValid() && q.src.Bits() == q.src.Addr().BitLen()
	return p
}

// allRoutes streams the routes q selects.
func allRoutes(e *env, c *rtnl.Conn, q *routeSel) (iter.Seq2[*rtnl.Route, error], error) {
	f, keep, err := routeQuery(e, c, q)
	if err != nil {
		return nil, err
	}
	return func(yield func(*rtnl.Route, error) bool) {
		for r, err := range c.AllRoutes(f) {
			if err != nil || keep(r) {
				if !yield(r, err) {
					return
				}
			}
		}
	}, nil
}

// routeQuery is what to ask the kernel for the routes q selects, and the
// test of each route it sends.
func routeQuery(e *env, c *rtnl.Conn, q *routeSel) (rtnl.RouteFilter, func(*rtnl.Route) bool, error) {
	var index, iif int32
	var err error
	if q.dev != "" {
		index, err = e.linkIndex(c, q.dev)
	}
	if q.iif != "" && err == nil {
		iif, err = e.linkIndex(c, q.iif)
	}
	keep := func(r *rtnl.Route) bool {
		return (index == 0 || r.OIF == index) && (iif == 0 || r.IIF == iif) && q.keep(r)
	}
	return rtnl.RouteFilter{Family: cmp.Or(q.mcast, uint8(q.family(e))), Table: q.table, Cloned: q.cloned}, keep, err
}

// family is the family of the routes q reads: as ip's, IPv4 unless -6,
// both families with table all.
func (q *routeSel) family(e *env) int {
	if e.family == 0 && q.table != 0 {
		return afInet
	}
	return e.family
}

func selectRoutes(e *env, c *rtnl.Conn, q *routeSel) ([]rtnl.Route, error) {
	all, err := allRoutes(e, c, q)
	if err != nil {
		return nil, err
	}
	var out []rtnl.Route
	for r, err := range all {
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

func withRoutes(e *env, args []string, cmd string, fn func(*rtnl.Conn, *routeSel, []rtnl.Route) error) error {
	q, err := parseRouteSel(e, e.words(args, cmd))
	if err != nil {
		return err
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	routes, err := selectRoutes(e, c, q)
	if err != nil {
		return err
	}
	return fn(c, q, routes)
}

// routeShow prints each route as the dump delivers it (ipfmt.Stream):
// 100,000 routes in the memory of one. An interrupted dump ends the
// listing with ip's warning, as ip's does, where a slice would be read
// again.
func routeShow(e *env, args []string) error {
	q, err := parseRouteSel(e, e.words(args, "route show"))
	if err != nil {
		return err
	}
	return showRoutes(e, q)
}

func showRoutes(e *env, q *routeSel) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	names, err := linkNames(c)
	if err != nil {
		return err
	}
	all, err := allRoutes(e, c, q)
	if err != nil {
		return err
	}
	p := q.printer(e)
	p.NexthopObjects = nexthopObjects(e, c)
	s := p.Begin()
	for r, err := range all {
		if err != nil && !q.noMainTable(err) {
			s.End()
			return err
		}
		if err == nil {
			s.Route(r, names)
		}
	}
	return s.End()
}

// noMainTable says whether err ended a dump of the main table of a
// namespace with no IPv4 route yet: it has no main table, and the kernel
// ends the dump with ENOENT, which ip's show and save (not its flush)
// take for an empty table (save_route_errhndlr).
func (q *routeSel) noMainTable(err error) bool {
	return errors.Is(err, unix.ENOENT) && q.table == unix.RT_TABLE_MAIN && q.mcast == 0
}

func routeFlush(e *env, args []string) error {
	if len(args) == 0 {
		// As ip: flushing every route of the main table unasked cuts the
		// machine off.
		return usagef("route flush: needs a selector (table T|all, dev D): it would flush everything")
	}
	return withRoutes(e, args, "route flush", func(c *rtnl.Conn, q *routeSel, routes []rtnl.Route) error {
		fam := q.family(e)
		if q.cloned && fam != afInet6 {
			// IPv4 keeps no cache entries in the table to delete; as ip,
			// ask the kernel to forget them all.
			err := e.inNetns(func() error { return ns.SetSysctl(nil, "net.ipv4.route.flush", "-1") })
			if err == nil && e.stats > 0 {
				fmt.Fprint(e.stdout, "*** IPv4 routing cache is flushed.\n")
			}
			if err != nil || fam == afInet {
				return err
			}
		}
		for i := range routes {
			if err := c.RouteDel(&routes[i]); err != nil && !isGone(err) {
				return err
			}
		}
		none := "Nothing to flush."
		if q.cloned && fam != afInet6 { // as ip: the IPv4 cache was flushed
			none = "*** Flush is complete after 0 rounds ***"
		}
		e.flushed(len(routes), "entries", none)
		return nil
	})
}
