package ipfmt

import (
	"net/netip"
	"strconv"
	"strings"

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
		return strconv.Itoa(int(t))
	}
	return RouteTypes.Name(uint32(t))
}

func dstString(r *rtnl.Route) string {
	if !r.Dst.IsValid() || r.Dst.Bits() == 0 {
		return "default"
	}
	return prefixString(r.Dst)
}

// prefixString is ip's form: a host prefix as a bare address.
func prefixString(p netip.Prefix) string {
	if p.Bits() == p.Addr().BitLen() || p.Bits() == 0 && p.Addr().IsUnspecified() {
		return p.Addr().String()
	}
	return p.String()
}

// rtcfLocal is RTCF_LOCAL (linux/in_route.h), in rtm_flags of a route get
// answer: the address is this host's own.
const rtcfLocal = 0x80000000

// routeText is the route as ip route prints it, in print_route's order:
// every item followed by a blank (so a line ends in one), multipath
// nexthops last, each on a line of its own.
func (p *Printer) routeText(r *rtnl.Route, names map[int32]string) string {
	var b strings.Builder
	p.writeRoute(&b, r, names, "\n")
	return b.String()
}

// textWriter is what route text is written into: the output's buffer when
// streaming (no string per route), a strings.Builder otherwise.
type textWriter interface {
	WriteString(string) (int, error)
	WriteByte(byte) error
}

// writeRoute writes routeText's line into b; nl separates the lines of a
// route (multipath, cache): "\n", or ip -o's "\\".
func (p *Printer) writeRoute(b textWriter, r *rtnl.Route, names map[int32]string, nl string) {
	item := func(words ...string) {
		for _, w := range words {
			b.WriteString(w)
		}
		b.WriteByte(' ')
	}
	var num [20]byte
	if r.Type != unix.RTN_UNICAST {
		item(p.routeType(r.Type))
	}
	item(dstString(r))
	if r.Src.IsValid() {
		item("from ", prefixString(r.Src))
	}
	if r.Gateway.IsValid() && !p.OneVia {
		item("via ", r.Gateway.String())
	}
	if r.OIF != 0 && !p.OneDev {
		item("dev ", names[r.OIF])
	}
	// A cloned route (what IPv4 route get answers with) has no table,
	// protocol or scope of its own; ip leaves them out.
	cloned := r.Flags&unix.RTM_F_CLONED != 0
	if r.Table != unix.RT_TABLE_MAIN && !cloned && !p.OneTable {
		item("table ", p.named(Tables, r.Table))
	}
	if r.Protocol != unix.RTPROT_BOOT && !cloned && !p.OneProto {
		item("proto ", p.named(Protocols, uint32(r.Protocol)))
	}
	if r.Scope != unix.RT_SCOPE_UNIVERSE && !cloned && !p.OneScope {
		item("scope ", p.named(RouteScopes, uint32(r.Scope)))
	}
	if r.PrefSrc.IsValid() && !p.OneSrc {
		item("src ", r.PrefSrc.String())
	}
	if hasMetric(r) && !p.OneMetric {
		item("metric ", string(strconv.AppendUint(num[:0], uint64(r.Priority), 10)))
	}
	for _, f := range routeFlagNames {
		if r.Flags&f.bit != 0 {
			item(f.name)
		}
	}
	if r.Mark >= 16 { // ip's threshold for hex
		item("mark 0x", string(strconv.AppendUint(num[:0], uint64(r.Mark), 16)))
	} else if r.Mark != 0 {
		item("mark ", string(strconv.AppendUint(num[:0], uint64(r.Mark), 10)))
	}
	if r.UID != nil {
		item("uid ", string(strconv.AppendUint(num[:0], uint64(*r.UID), 10)))
	}
	if cloned {
		b.WriteString(nl + "    cache ")
		if r.Flags&rtcfLocal != 0 {
			item("<local>")
		}
	}
	for _, m := range r.Metrics {
		if m.Type == unix.RTAX_HOPLIMIT && int32(m.Value) == -1 {
			continue // print_rta_metrics: the default, not shown
		}
		b.WriteString(RouteMetrics.Name(uint32(m.Type)) + " ")
		if r.Locked&(1<<m.Type) != 0 {
			b.WriteString("lock ")
		}
		item(string(strconv.AppendUint(num[:0], uint64(m.Value), 10)))
	}
	if r.IIF != 0 {
		item("iif ", names[r.IIF])
	}
	if r.Pref != nil { // print_rt_pref, the one item ip prints without a blank after it
		b.WriteString("pref ")
		b.WriteString(RouterPrefs.Name(uint32(*r.Pref)))
	}
	for _, nh := range r.Nexthops {
		b.WriteString(nl + "\tnexthop ")
		if nh.Gateway.IsValid() {
			item("via ", nh.Gateway.String())
		}
		item("dev ", names[nh.OIF])
		item("weight ", strconv.Itoa(nh.Weight))
		for _, f := range routeFlags(uint32(nh.Flags)) {
			item(f)
		}
	}
}

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

func routeFlags(flags uint32) []string {
	out := []string{} // ip -j prints "flags": [] when there are none
	for _, f := range routeFlagNames {
		if flags&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

func (p *Printer) routeJSON(r *rtnl.Route, names map[int32]string) Object {
	// ip's print_route order, which routeText follows too; ip -j leaves out
	// the defaults, and a cloned route's own fields.
	cloned := r.Flags&unix.RTM_F_CLONED != 0
	o := make(Object, 0, 12)
	if r.Type != unix.RTN_UNICAST {
		o.Set("type", p.routeType(r.Type))
	}
	o.Set("dst", dstString(r))
	if r.Src.IsValid() {
		o.Set("from", prefixString(r.Src))
	}
	if r.Gateway.IsValid() && !p.OneVia {
		o.Set("gateway", r.Gateway.String())
	}
	if r.OIF != 0 && !p.OneDev {
		o.Set("dev", names[r.OIF])
	}
	if r.Table != unix.RT_TABLE_MAIN && !cloned && !p.OneTable {
		o.Set("table", p.named(Tables, r.Table))
	}
	if r.Protocol != unix.RTPROT_BOOT && !cloned && !p.OneProto {
		o.Set("protocol", p.named(Protocols, uint32(r.Protocol)))
	}
	if r.Scope != unix.RT_SCOPE_UNIVERSE && !cloned && !p.OneScope {
		o.Set("scope", p.named(RouteScopes, uint32(r.Scope)))
	}
	if r.PrefSrc.IsValid() && !p.OneSrc {
		o.Set("prefsrc", r.PrefSrc.String())
	}
	if hasMetric(r) && !p.OneMetric {
		o.Set("metric", r.Priority)
	}
	o.Set("flags", routeFlags(r.Flags))
	if r.Mark != 0 {
		o.Set("mark", r.Mark)
	}
	if r.UID != nil {
		o.Set("uid", *r.UID)
	}
	if cloned {
		cache := []string{}
		if r.Flags&rtcfLocal != 0 {
			cache = append(cache, "local")
		}
		o.Set("cache", cache)
	}
	if len(r.Metrics) > 0 || r.Locked != 0 {
		m := Object{}
		for _, x := range r.Metrics {
			if x.Type != unix.RTAX_HOPLIMIT || int32(x.Value) != -1 {
				m.Set(RouteMetrics.Name(uint32(x.Type)), x.Value)
			}
		}
		o.Set("metrics", []Object{m})
	}
	if r.IIF != 0 {
		o.Set("iif", names[r.IIF])
	}
	if r.Pref != nil {
		o.Set("pref", RouterPrefs.Name(uint32(*r.Pref)))
	}
	if len(r.Nexthops) > 0 {
		var nhs []Object
		for _, nh := range r.Nexthops {
			n := Object{}
			if nh.Gateway.IsValid() {
				n.Set("gateway", nh.Gateway.String())
			}
			n = append(n, Field{"dev", names[nh.OIF]}, Field{"weight", nh.Weight}, Field{"flags", routeFlags(uint32(nh.Flags))})
			nhs = append(nhs, n)
		}
		o.Set("nexthops", nhs)
	}
	return o
}

// hasMetric is whether the kernel sent RTA_PRIORITY, which ip prints:
// IPv6 always sends it, IPv4 only when it is not zero.
func hasMetric(r *rtnl.Route) bool { return r.Priority != 0 || r.Family == unix.AF_INET6 }
