package main

import (
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

const mrouteHelp = `Usage: nsnet [-4|-6] mroute show [[to] PREFIX] [from PREFIX] [iif DEV]
                                [table TABLE|all]
The multicast routes a routing daemon (pimd...) resolved. Without -6: IPv4,
table default unless one is named.
`

var mrouteCommands = []command{{"list", mrouteShow}, {"show", mrouteShow}, {"lst", mrouteShow}}

func runMroute(e *env, args []string) error {
	return dispatchCommand(e, "mroute", mrouteCommands, mrouteHelp, args)
}

// mrouteShow is ip's mroute_list: the routes of a multicast family, shown
// as route show shows routes, by the selectors ip has for them.
func mrouteShow(e *env, args []string) error {
	multicast := uint8(unix.RTN_MULTICAST)
	q := &routeSel{mcast: rtnl.FamilyIPMR, table: unix.RT_TABLE_DEFAULT, typ: &multicast} // ip's table, "for backward compatibility"
	w := e.words(args, "mroute show")
	switch e.family {
	case 0:
		w.family = afInet
	case afInet6:
		q.mcast, q.table = rtnl.FamilyIP6MR, 0
	}
	for w.more() {
		var err error
		var s string
		var p netaddr.Prefix
		switch kw := w.next(); {
		case matches(kw, "table"):
			if s, err = w.value(kw); err == nil && s == "all" {
				q.table = 0
			} else if err == nil {
				q.table, err = namedNumber(w, kw, s, ipfmt.Tables, 1<<32-1)
			}
		case kw == "iif":
			q.iif, err = w.ifname(kw)
		case matches(kw, "from"):
			if s, err = w.value(kw); err == nil {
				p, err = w.prefix(kw, s)
				q.srcRoot = &p
			}
		default:
			if s = kw; kw == "to" {
				s, err = w.value(kw)
			}
			if err == nil {
				p, err = w.prefix("to", s)
				q.root = &p
			}
		}
		if err != nil {
			return err
		}
	}
	return showRoutes(e, q)
}
