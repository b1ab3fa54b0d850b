package ipfmt

import (
	"strconv"

	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// Routes prints routes as ip route does.
// names maps link indexes to names (LinkNames).
func (p *Printer) Routes(routes []rtnl.Route, names map[int32]string) error {
	s := p.Begin()
	for i := range routes {
		s.Route(&routes[i], names)
	}
	return s.End()
}

// routeType is rtnl_rtntype_n2a: a name, or with -N the number.
func (p *Printer) routeType(t uint8) string {
	if p.Numeric {
		return itoa(int(t))
	}
	return RouteTypes.Name(uint32(t))
}

// rtcfLocal is RTCF_LOCAL (linux/in_route.h), in rtm_flags of a route get
// answer: the address is this host's own.
const rtcfLocal = 0x80000000

// routeFlagNames are rtm_flags and rtnh_flags as print_rt_flags names
// them, in its order.
var routeFlagNames = []struct {
	bit  uint32
	name string
}{
	{unix.RTNH_F_DEAD, "dead"}, {unix.RTNH_F_ONLINK, "onlink"}, {unix.RTNH_F_PERVASIVE, "pervasive"},
	{unix.RTNH_F_OFFLOAD, "offload"}, {unix.RTNH_F_TRAP, "trap"}, {unix.RTM_F_NOTIFY, "notify"},
	{unix.RTNH_F_LINKDOWN, "linkdown"}, {unix.RTNH_F_UNRESOLVED, "unresolved"},
	{unix.RTM_F_OFFLOAD, "rt_offload"}, {unix.RTM_F_TRAP, "rt_trap"}, {unix.RTM_F_OFFLOAD_FAILED, "rt_offload_failed"},
}

// flags is the item of route flags: each name and a blank in text, in
// JSON a list, [] when there are none, as ip -j prints it.
func (r *record) flags(key string, flags uint32) {
	switch {
	case r.j != nil: // streamed: the list written as it is found
		r.j.name(key)
		r.j.startArray()
		for _, f := range routeFlagNames {
			if flags&f.bit != 0 {
				r.j.eor()
				r.j.str(f.name)
			}
		}
		r.j.endArray()
	case r.json:
		r.obj.Set(key, routeFlags(flags))
	default:
		for _, f := range routeFlagNames {
			if flags&f.bit != 0 {
				r.fp(f.name, " ")
			}
		}
	}
}

func routeFlags(flags uint32) []string {
	out := []string{} // ip -j prints "flags": [] when there are none
	for _, f := range routeFlagNames {
		if flags&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// route is one route in print_route's order and forms: in text every
// item followed by a blank, multipath nexthops last, each on a line of
// its own (nl joins the lines: "\n", or ip -o's "\\"); in JSON the
// keys of ip -j. ip leaves out the defaults, a cloned route's own fields,
// and what a listing's selectors fix.
func (p *Printer) route(o *record, r *rtnl.Route, names map[int32]string, nl string) {
	if r.Family >= rtnl.FamilyIPMR { // RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR
		p.mroute(o, r, names, nl)
		return
	}
	cloned := r.Flags&unix.RTM_F_CLONED != 0
	// -d prints the defaults too: type unicast, table main, proto boot,
	// scope global.
	if r.Type != unix.RTN_UNICAST || p.Details {
		o.str("type", "", p.routeType(r.Type))
	}
	if !r.Dst.IsValid() || r.Dst.Bits() == 0 {
		o.str("dst", "", "default")
	} else {
		o.color(familyColor(r.Dst.Addr().Is4()), false)
		o.prefix("dst", "", r.Dst)
	}
	if r.Src.IsValid() {
		o.color(familyColor(r.Src.Addr().Is4()), true) // ip paints "from %s "
		o.prefix("from", "from", r.Src)
	}
	if r.NHID != 0 {
		o.num("nhid", "nhid", r.NHID)
	}
	if r.TOS != 0 && !p.OneTOS {
		o.str("tos", "tos", p.dsfield(r.TOS))
	}
	if r.Gateway.IsValid() && !p.OneVia {
		o.color(familyColor(r.Gateway.Is4()), false)
		o.addr("gateway", "via", r.Gateway)
	}
	if r.OIF != 0 && !p.OneDev {
		o.color(cIfname, false)
		o.str("dev", "dev", linkName(r.OIF, names))
	}
	if (r.Table != unix.RT_TABLE_MAIN || p.Details) && r.Table != 0 && !p.OneTable {
		o.str("table", "table", p.named(Tables, r.Table))
	}
	if (r.Protocol != unix.RTPROT_BOOT || p.Details) && !cloned && !p.OneProto {
		o.str("protocol", "proto", p.named(Protocols, uint32(r.Protocol)))
	}
	if (r.Scope != unix.RT_SCOPE_UNIVERSE || p.Details) && !cloned && !p.OneScope {
		o.str("scope", "scope", p.named(Scopes, uint32(r.Scope)))
	}
	if r.PrefSrc.IsValid() && !p.OneSrc {
		o.color(familyColor(r.PrefSrc.Is4()), false)
		o.addr("prefsrc", "src", r.PrefSrc)
	}
	if hasMetric(r) && !p.OneMetric {
		o.num("metric", "metric", r.Priority)
	}
	o.flags("flags", r.Flags)
	if r.Mark >= 16 { // ip's threshold for hex
		o.any("mark", "mark 0x"+strconv.FormatUint(uint64(r.Mark), 16)+" ", r.Mark)
	} else if r.Mark != 0 {
		o.num("mark", "mark", r.Mark)
	}
	if r.Realms != 0 && !p.OneRealms {
		p.realms(o, nil, r.Realms)
	}
	if r.UID != nil {
		o.num("uid", "uid", *r.UID)
	}
	if cloned {
		cache := []string{}
		o.fp(nl, "    cache ")
		if r.Flags&rtcfLocal != 0 {
			cache = append(cache, "local")
			o.fp("<local> ")
		}
		o.js("cache", cache)
	}
	if c := &r.Cache; r.Family == unix.AF_INET || r.Family == unix.AF_INET6 { // print_rta_cacheinfo
		if c.Expires != 0 {
			o.secs("expires", uint32(c.Expires))
		}
		if c.Error != 0 {
			o.num("error", "error", c.Error)
		}
		if p.Stats > 0 {
			if c.Users != 0 {
				o.num("users", "users", c.Users)
			}
			if c.Used != 0 {
				o.num("used", "used", c.Used)
			}
			if c.LastUse != 0 {
				o.secs("age", c.LastUse)
			}
		}
	}
	if len(r.Metrics) > 0 || r.Locked != 0 || r.CongCtl != "" {
		printMetrics(o, r)
	}
	if r.IIF != 0 {
		o.str("iif", "iif", linkName(r.IIF, names))
	}
	if r.Pref != nil { // print_rt_pref, the one item ip prints without a blank after it
		o.lead("pref", "pref ", RouterPrefs.Name(uint32(*r.Pref)))
	}
	if n := p.NexthopObjects[r.NHID]; n != nil && p.Details {
		nh := p.newRecord()
		p.nexthop(nh, n, names, false)
		o.fp("\n\tnh_info ", nh.text()) // a line break even with -o, as ip
		o.js("nh_info", nh.obj)
	}
	if len(r.Nexthops) > 0 {
		var nhs []Object
		for _, nh := range r.Nexthops {
			n := Object{}
			o.fp(nl, "\tnexthop ")
			if nh.Gateway.IsValid() {
				n.Set("gateway", nh.Gateway.String())
				o.fp("via ", o.paint(familyColor(nh.Gateway.Is4()), nh.Gateway.String()+" "))
			}
			if nh.Realms != 0 {
				p.realms(o, &n, nh.Realms)
			}
			nhFlags := routeFlags(uint32(nh.Flags))
			dev := linkName(nh.OIF, names)
			n.Set("dev", dev)
			n.Set("weight", nh.Weight)
			n.Set("flags", nhFlags)
			o.fp("dev ", dev, " weight ", itoa(nh.Weight), " ") // ip paints no nexthop's dev
			for _, f := range nhFlags {
				o.fp(f, " ")
			}
			nhs = append(nhs, n)
		}
		o.js("nexthops", nhs)
	}
}

// hasMetric is whether the kernel sent RTA_PRIORITY, which ip prints:
// IPv6 always sends it, IPv4 only when it is not zero.
func hasMetric(r *rtnl.Route) bool { return r.Priority != 0 || r.Family == unix.AF_INET6 }

// realms is print_rta_flow: `realm TO ` or `realms FROM/TO `, by name;
// in JSON under "flow" in o, or in obj (a nexthop's) when given.
func (p *Printer) realms(o *record, obj *Object, v uint32) {
	from, to := v>>16, v&0xffff
	toName := p.realm(to)
	if o.json {
		f := Object{}
		if from != 0 {
			f.Set("from", p.realm(from))
		}
		f.Set("to", toName)
		if obj != nil {
			obj.Set("flow", f)
		} else {
			o.set("flow", f)
		}
		return
	}
	if from == 0 {
		o.fp("realm ", toName, " ")
		return
	}
	o.fp("realms ", p.realm(from), "/", toName, " ")
}

// realm is a realm's name. ip names realm 0 "unknown" until it has read
// rt_realms, which it has by the time it prints a 0 (the to of a `realms
// N/0`, after N was looked up there).
//
//go:noinline
func (p *Printer) realm(n uint32) string {
	if s := p.named(Realms, n); n != 0 || s != "0" || p.Numeric {
		return s
	}
	return "unknown"
}

// printMetrics is print_rta_metrics: each RTAX_* that is present or
// locked, in RTAX order, `NAME [lock] VALUE `; times in ms as the kernel
// keeps them, rtt in eighths and rttvar in quarters of a millisecond.
func printMetrics(o *record, r *rtnl.Route) {
	m := Object{}
	for t := uint16(unix.RTAX_MTU); t <= unix.RTAX_FASTOPEN_NO_COOKIE; t++ {
		v, present := uint32(0), false
		for _, x := range r.Metrics {
			if x.Type == t {
				v, present = x.Value, true
			}
		}
		if t == unix.RTAX_CC_ALGO {
			present = r.CongCtl != ""
		}
		locked := r.Locked&(1<<t) != 0
		if !present && !locked || t == unix.RTAX_HOPLIMIT && int32(v) == -1 {
			continue // hoplimit -1: the default, not shown
		}
		name := RouteMetrics.Name(uint32(t))
		o.fp(name, " ")
		if locked {
			o.fp("lock ")
		}
		switch t {
		case unix.RTAX_FEATURES:
			if v&unix.RTAX_FEATURE_ECN != 0 {
				o.fp("ecn ")
				m.Set("ecn", nil)
			}
			if v&^unix.RTAX_FEATURE_ECN != 0 {
				o.fp(hex0x(v), " ") // all of it, ECN's bit too: ip's
				m.Set(name, hex0x(v))
			}
		case unix.RTAX_CC_ALGO:
			o.fp(r.CongCtl, " ")
			m.Set("congestion", r.CongCtl)
		case unix.RTAX_RTT, unix.RTAX_RTTVAR, unix.RTAX_RTO_MIN:
			if t == unix.RTAX_RTT {
				v /= 8
			} else if t == unix.RTAX_RTTVAR {
				v /= 4
			}
			ms := utoa(uint64(v)) + "ms "
			if v >= 1000 { // %gs
				ms = strconv.FormatFloat(float64(v)/1e3, 'g', 6, 64) + "s "
			}
			o.fp(ms)
			m.Set(name, v)
		default:
			o.fp(utoa(uint64(v)), " ")
			m.Set(name, v)
		}
	}
	o.js("metrics", []Object{m})
}

// mroute is print_mroute: a multicast route as ip mroute prints it, the
// source and group, the link packets come in by, the links they go out
// of (with the TTL a packet needs to go there, above 1), its state, and
// with -s what the kernel counted. The table is left out when the listing
// is of one, as ip's always is but for table all.
func (p *Printer) mroute(o *record, r *rtnl.Route, names map[int32]string, nl string) {
	src, dst := "unknown", "unknown"
	if r.Src.IsValid() {
		src = r.Src.Addr().String()
	}
	if r.Dst.IsValid() {
		dst = r.Dst.Addr().String()
	}
	o.js("src", src)
	o.js("dst", dst)
	o.fp(pad("("+src+","+dst+")", -32), " Iif: ")
	if r.IIF != 0 {
		name := linkName(r.IIF, names)
		o.any("iif", o.paint(cIfname, pad(name, -10)+" "), name)
	} else {
		o.any("iif", "unresolved ", "unresolved")
	}
	state := "unresolved"
	if r.Flags&unix.RTNH_F_UNRESOLVED == 0 { // the kernel sends the links out of a resolved entry, if none
		state = "resolved"
		oifs := []Object{}
		for i, nh := range r.Nexthops {
			if i == 0 {
				o.fp("Oifs: ")
			}
			name := linkName(nh.OIF, names)
			oif := Object{{Key: "oif", Value: name}}
			sep := " "
			if ttl := nh.Weight - 1; ttl > 1 {
				sep = "(ttl " + itoa(ttl) + ") "
				oif = append(oif, Field{Key: "ttl", Value: ttl})
			}
			o.fp(o.paint(cIfname, name), sep)
			oifs = append(oifs, oif)
		}
		o.js("multipath", oifs)
	}
	o.lead("state", " State: ", state)
	if r.Flags&unix.RTNH_F_OFFLOAD != 0 {
		o.any("offload", " offload", nil)
	}
	if m := r.MFC; m != nil && p.Stats > 0 {
		o.leadNum("packets", nl+"  ", m.Packets)
		o.leadNum("bytes", " packets, ", m.Bytes)
		o.fp(" bytes")
		if m.WrongIf != 0 {
			o.leadNum("wrong_if", ", ", m.WrongIf)
			o.fp(" arrived on wrong iif.")
		}
		cs := utoa(m.LastUse%100 + 100) // %.2f of the seconds, exact
		o.any("expires", ", Age "+utoa(m.LastUse/100)+"."+cs[1:], Number(secs(m.LastUse)))
	}
	if r.Table != 0 && (r.Table != unix.RT_TABLE_MAIN || p.Details) && !p.OneTable {
		o.lead("table", " Table: ", p.named(Tables, r.Table))
	}
}
