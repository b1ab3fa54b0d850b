package ipfmt

import (
	"io"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// Event prints one event as ip monitor does: in the shape of the matching
// show command, "Deleted " before what went, and with Labels the kind in
// brackets first. In JSON (which ip monitor does not print) it is one
// object, the show command's, with "event": "newlink", "deladdr"...
func (p *Printer) Event(ev rtnl.Event, names map[int32]string) error {
	q := *p
	q.monitor = true
	p = &q
	var b strings.Builder
	var obj Object
	kind, label := "", ""
	var r *record
	end := ""
	switch {
	case ev.Link != nil:
		kind, label = "link", "[LINK]"
		if p.JSON {
			obj = p.LinkJSON(ev.Link, names)
		} else {
			p.linkText(&b, ev.Link, names)
		}
	case ev.Addr != nil:
		kind, label = "addr", "[ADDR]"
		a, dev := ev.Addr, linkName(ev.Addr.Index, names)
		if p.JSON {
			obj = Object{{Key: "ifindex", Value: a.Index}, {Key: "ifname", Value: dev}, {Key: "addr_info", Value: p.addrsJSON([]rtnl.Addr{*a})}}
		} else { // print_addrinfo as ip -o prints it, lines kept
			fmt.Fprintf(&b, "%d: %s", a.Index, dev)
			w := p.W // p is Event's own copy
			p.W = &b
			p.printAddr(&rtnl.Link{Name: dev}, a)
			p.W = w
		}
	case ev.Route != nil:
		if ev.Route.Flags&unix.RTM_F_CLONED != 0 { // a cache entry, which ip monitor leaves out
			return nil
		}
		r, end = p.newRecord(), "\n"
		p.route(r, ev.Route, names, "\n")
		kind, label = "route", "[ROUTE]"
		if ev.Route.Family >= rtnl.FamilyIPMR {
			kind, label = "mroute", "[MROUTE]"
		}
	case ev.Neigh != nil:
		r, end = p.newRecord(), "\n"
		p.neigh(r, ev.Neigh, names)
		kind, label = "neigh", "[NEIGH]"
	case ev.Netconf != nil:
		r = p.netconf(ev.Netconf, names)
		kind, label = "netconf", "[NETCONF]"
	case ev.Rule != nil:
		r = p.rule(ev.Rule)
		kind, label = "rule", "[RULE]"
	case ev.Nexthop != nil:
		// ip prints the Deleted of a nexthop itself, "deleted": true in JSON.
		r, end = p.newRecord(), "\n"
		p.nexthop(r, ev.Nexthop, names, ev.Deleted && p.JSON)
		kind, label = "nexthop", "[NEXTHOP]"
	case ev.NSID != nil:
		r = p.nsid(*ev.NSID)
		kind, label = "nsid", "[NSID]"
	case ev.Prefix != nil:
		x := ev.Prefix
		if x.Family != unix.AF_INET6 || x.Type != 3 { // ND_OPT_PREFIX_INFORMATION
			return nil // ip complains on stderr, and prints nothing
		}
		r, kind, label = p.newRecord(), "prefix", "[PREFIX]"
		if x.Addr.IsValid() {
			s := x.Addr.String() + "/" + utoa(uint64(x.Len))
			r.fp("prefix ", s) // no blank before dev: ip's print_prefix
			r.js("prefix", s)
		}
		r.str("dev", "dev", linkName(x.Index, names))
		if x.Flags&rtnl.PrefixOnLink != 0 {
			r.any("onlink", "onlink ", true)
		}
		if x.Flags&rtnl.PrefixAutoconf != 0 {
			r.any("autoconf", "autoconf ", true)
		}
		if x.HasLifetimes {
			r.num("valid", "valid", x.Valid)
			r.num("preferred", "preferred", x.Preferred)
		}
		r.fp("\n")
	default:
		return nil
	}
	if r != nil { // a record's line ends in a newline, or is given one
		b.Write(r.line)
		b.WriteString(end)
		obj = r.obj
	}
	if p.JSON {
		verb := "new"
		if ev.Deleted {
			verb = "del"
		}
		obj.Set("event", verb+kind)
		if p.AllNSID && ev.SourceNSID >= 0 {
			obj.Set("source_nsid", ev.SourceNSID)
		}
		return p.PrintJSON(obj)
	}
	text := p.oneline(b.String()) // ip -o monitor: a link's or an address's lines joined
	if ev.Deleted {
		text = "Deleted " + text
	}
	if p.Labels {
		text = label + text
	}
	if p.AllNSID {
		if ev.SourceNSID >= 0 {
			text = "[nsid " + utoa(uint64(ev.SourceNSID)) + "]" + text
		} else {
			text = "[nsid current]" + text
		}
	}
	_, err := io.WriteString(p.W, text)
	return err
}

// nsid is print_nsid: the namespace's name, when it has one, from
// NetnsNames.
func (p *Printer) nsid(id int32) *record {
	r := p.newRecord()
	if id < 0 {
		r.fp("nsid unassigned ")
	} else {
		r.num("nsid", "nsid", uint32(id))
	}
	if name, ok := p.NetnsNames[id]; ok {
		r.any("name", "(iproute2 netns name: "+name+")", name)
	}
	r.fp("\n")
	return r
}

// netconfSettings are the NETCONFA_* ip prints, in its order; rp_filter
// has names for its values, the others are on or off.
var netconfSettings = []struct {
	typ  uint16
	name string
}{
	{rtnl.NetconfForwarding, "forwarding"}, {rtnl.NetconfRPFilter, "rp_filter"},
	{rtnl.NetconfMCForwarding, "mc_forwarding"}, {rtnl.NetconfProxyNeigh, "proxy_neigh"},
	{rtnl.NetconfIgnoreLinkDown, "ignore_routes_with_linkdown"}, {rtnl.NetconfInput, "input"},
}

// rpFilters are rp_filter's values by name, "|" between them: a string,
// not a table of strings, which would be data in the binary.
const rpFilters = "off|strict|loose"

// Families are ip's family_name.
var Families = Names{{unix.AF_INET, "inet"}, {unix.AF_INET6, "inet6"}, {unix.AF_MPLS, "mpls"},
	{unix.AF_BRIDGE, "bridge"}, {unix.AF_PACKET, "link"}}

// netconf is print_netconf.
func (p *Printer) netconf(c *rtnl.Netconf, names map[int32]string) *record {
	r := p.newRecord()
	r.str("family", "", Families.Name(uint32(c.Family)))
	if c.HasIndex {
		dev := linkName(c.Index, names)
		switch c.Index {
		case rtnl.NetconfAll:
			dev = "all"
		case rtnl.NetconfDefault:
			dev = "default"
		}
		r.color(cIfname, false)
		r.str("interface", "", dev)
	}
	for _, s := range netconfSettings {
		v, ok := c.Settings[s.typ]
		switch {
		case !ok:
		case s.typ == rtnl.NetconfRPFilter:
			r.str(s.name, s.name, tableName(strings.Split(rpFilters, "|"), v))
		default:
			r.any(s.name, s.name+" "+onOff(v != 0)+" ", v != 0)
		}
	}
	r.fp("\n")
	return r
}
