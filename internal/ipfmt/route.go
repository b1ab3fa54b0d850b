package ipfmt

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// Routes prints routes as ip route does.
// names maps link indexes to names (LinkNames).
func (p *Printer) Routes(routes []rtnl.Route, names map[int32]string) error {
	if p.JSON {
		out := []map[string]any{}
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

func routeJSON(r *rtnl.Route, names map[int32]string) map[string]any {
	cloned := r.Flags&unix.RTM_F_CLONED != 0
	m := map[string]any{"dst": dstString(r), "flags": []string{}}
	if r.Type != unix.RTN_UNICAST {
		m["type"] = RouteTypes.Name(uint32(r.Type))
	}
	if r.Src.IsValid() {
		m["from"] = prefixString(r.Src)
	}
	if r.Gateway.IsValid() {
		m["gateway"] = r.Gateway.String()
	}
	if r.OIF != 0 {
		m["dev"] = names[r.OIF]
	}
	// ip -j leaves out the defaults, and a cloned route's own fields.
	if r.Table != unix.RT_TABLE_MAIN && !cloned {
		m["table"] = Tables.Name(r.Table)
	}
	if r.Protocol != unix.RTPROT_BOOT && !cloned {
		m["protocol"] = Protocols.Name(uint32(r.Protocol))
	}
	if r.Scope != unix.RT_SCOPE_UNIVERSE && !cloned {
		m["scope"] = RouteScopes.Name(uint32(r.Scope))
	}
	if r.PrefSrc.IsValid() {
		m["prefsrc"] = r.PrefSrc.String()
	}
	if hasMetric(r) {
		m["metric"] = r.Priority
	}
	if r.Flags&unix.RTNH_F_ONLINK != 0 {
		m["flags"] = []string{"onlink"}
	}
	if r.Pref != nil {
		m["pref"] = RouterPrefs.Name(uint32(*r.Pref))
	}
	if r.UID != nil {
		m["uid"] = *r.UID
	}
	if cloned {
		cache := []string{}
		if r.Flags&rtcfLocal != 0 {
			cache = append(cache, "local")
		}
		m["cache"] = cache
	}
	if len(r.Nexthops) > 0 {
		var nhs []map[string]any
		for _, nh := range r.Nexthops {
			nhs = append(nhs, map[string]any{"gateway": nh.Gateway.String(), "dev": names[nh.OIF], "weight": nh.Weight, "flags": []string{}})
		}
		m["nexthops"] = nhs
	}
	return m
}

// hasMetric is whether the kernel sent RTA_PRIORITY, which ip prints:
// IPv6 always sends it, IPv4 only when it is not zero.
func hasMetric(r *rtnl.Route) bool { return r.Priority != 0 || r.Family == unix.AF_INET6 }
