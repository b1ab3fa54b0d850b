package ipfmt

import (
	"net/netip"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// Routes prints routes as ip route does.
// names maps link indexes to names (LinkNames).
func (p *Printer) Routes(routes []rtnl.Route, names map[int32]string) error {
	if p.JSON {
		out := []Object{}
		for i := range routes {
			out = append(out, routeJSON(&routes[i], names))
		}
		return p.PrintJSON(out)
	}
	for i := range routes {
		fmt.Fprintln(p.W, routeText(&routes[i], names))
	}
	return nil
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

func routeText(r *rtnl.Route, names map[int32]string) string {
	var b strings.Builder
	if r.Type != unix.RTN_UNICAST {
		b.WriteString(RouteTypes.Name(uint32(r.Type)) + " ")
	}
	b.WriteString(dstString(r))
	if r.Src.IsValid() {
		b.WriteString(" from " + prefixString(r.Src))
	}
	if r.Gateway.IsValid() {
		fmt.Fprintf(&b, " via %s", r.Gateway)
	}
	if r.OIF != 0 {
		fmt.Fprintf(&b, " dev %s", names[r.OIF])
	}
	// A cloned route (what IPv4 route get answers with) has no table,
	// protocol or scope of its own; ip leaves them out.
	cloned := r.Flags&unix.RTM_F_CLONED != 0
	if r.Table != unix.RT_TABLE_MAIN && !cloned {
		fmt.Fprintf(&b, " table %s", Tables.Name(r.Table))
	}
	if r.Protocol != unix.RTPROT_BOOT && !cloned {
		fmt.Fprintf(&b, " proto %s", Protocols.Name(uint32(r.Protocol)))
	}
	if r.Scope != unix.RT_SCOPE_UNIVERSE && !cloned {
		fmt.Fprintf(&b, " scope %s", RouteScopes.Name(uint32(r.Scope)))
	}
	if r.PrefSrc.IsValid() {
		fmt.Fprintf(&b, " src %s", r.PrefSrc)
	}
	if hasMetric(r) {
		fmt.Fprintf(&b, " metric %d", r.Priority)
	}
	if r.Flags&unix.RTNH_F_ONLINK != 0 {
		b.WriteString(" onlink")
	}
	if r.Pref != nil {
		b.WriteString(" pref " + RouterPrefs.Name(uint32(*r.Pref)))
	}
	for _, nh := range r.Nexthops {
		fmt.Fprintf(&b, "\n\tnexthop via %s dev %s weight %d", nh.Gateway, names[nh.OIF], nh.Weight)
	}
	if r.UID != nil {
		fmt.Fprintf(&b, " uid %d", *r.UID)
	}
	if cloned {
		b.WriteString(" \n    cache ")
		if r.Flags&rtcfLocal != 0 {
			b.WriteString("<local> ")
		}
	}
	return b.String()
}

func routeJSON(r *rtnl.Route, names map[int32]string) Object {
	// ip's print_route order, which routeText follows too; ip -j leaves out
	// the defaults, and a cloned route's own fields.
	cloned := r.Flags&unix.RTM_F_CLONED != 0
	o := Object{}
	if r.Type != unix.RTN_UNICAST {
		o.Set("type", RouteTypes.Name(uint32(r.Type)))
	}
	o.Set("dst", dstString(r))
	if r.Src.IsValid() {
		o.Set("from", prefixString(r.Src))
	}
	if r.Gateway.IsValid() {
		o.Set("gateway", r.Gateway.String())
	}
	if r.OIF != 0 {
		o.Set("dev", names[r.OIF])
	}
	if r.Table != unix.RT_TABLE_MAIN && !cloned {
		o.Set("table", Tables.Name(r.Table))
	}
	if r.Protocol != unix.RTPROT_BOOT && !cloned {
		o.Set("protocol", Protocols.Name(uint32(r.Protocol)))
	}
	if r.Scope != unix.RT_SCOPE_UNIVERSE && !cloned {
		o.Set("scope", RouteScopes.Name(uint32(r.Scope)))
	}
	if r.PrefSrc.IsValid() {
		o.Set("prefsrc", r.PrefSrc.String())
	}
	if hasMetric(r) {
		o.Set("metric", r.Priority)
	}
	flags := []string{}
	if r.Flags&unix.RTNH_F_ONLINK != 0 {
		flags = append(flags, "onlink")
	}
	o.Set("flags", flags)
	if r.Pref != nil {
		o.Set("pref", RouterPrefs.Name(uint32(*r.Pref)))
	}
	if len(r.Nexthops) > 0 {
		var nhs []Object
		for _, nh := range r.Nexthops {
			nhs = append(nhs, Object{{"gateway", nh.Gateway.String()}, {"dev", names[nh.OIF]}, {"weight", nh.Weight}, {"flags", []string{}}})
		}
		o.Set("nexthops", nhs)
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
	return o
}

// hasMetric is whether the kernel sent RTA_PRIORITY, which ip prints:
// IPv6 always sends it, IPv4 only when it is not zero.
func hasMetric(r *rtnl.Route) bool { return r.Priority != 0 || r.Family == unix.AF_INET6 }
