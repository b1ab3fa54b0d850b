package ipfmt

import (
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/rtnl"
)

// Nexthops prints nexthop objects as ip nexthop show does.
func (p *Printer) Nexthops(nhs []rtnl.NexthopObject, names map[int32]string) error {
	return p.printAll(len(nhs), func(i int) *record {
		o := p.newRecord()
		p.nexthop(o, &nhs[i], names, false)
		o.fp("\n")
		return o
	})
}

// nexthop is one nexthop object in __print_nexthop_entry's order and
// forms; deleted is a monitor's RTM_DELNEXTHOP.
func (p *Printer) nexthop(o *record, n *rtnl.NexthopObject, names map[int32]string, deleted bool) {
	if deleted {
		o.any("deleted", "Deleted ", true)
	}
	o.num("id", "id", n.ID)
	if len(n.Group) > 0 {
		o.fp("group ")
		var members []Object
		for i, m := range n.Group {
			member := Object{{"id", m.ID}}
			if i > 0 {
				o.fp("/")
			}
			o.fp(utoa(uint64(m.ID)))
			if m.Weight > 1 {
				member.Set("weight", m.Weight)
				o.fp(",", utoa(uint64(m.Weight)))
			}
			members = append(members, member)
		}
		o.fp(" ")
		o.js("group", members)
	}
	if t := n.GroupType; t != rtnl.NexthopGroupMpath { // ip leaves mpath out, as it was before types
		o.str("type", "type", groupTypes.Name(uint32(t)))
	}
	if r := n.Resilient; r != nil {
		// Timers in hundredths of a second, printed as seconds with %g.
		secs := func(cs uint64) string {
			return strconv.FormatFloat(float64(cs/100)+float64(cs%100*10000)/1e6, 'g', 6, 64)
		}
		args := Object{{"buckets", r.Buckets}}
		o.fp("buckets ", utoa(uint64(r.Buckets)), " ")
		for _, t := range []struct {
			key string
			cs  uint64
		}{{"idle_timer", uint64(r.IdleTimer)}, {"unbalanced_timer", uint64(r.UnbalancedTimer)}, {"unbalanced_time", r.UnbalancedTime}} {
			args.Set(t.key, Number(secs(t.cs)))
			o.fp(t.key, " ", secs(t.cs), " ")
		}
		o.js("resilient_args", args)
	}
	if n.Gateway.IsValid() {
		o.color(familyColor(n.Gateway.Is4()), false)
		o.addr("gateway", "via", n.Gateway)
	}
	if n.OIF != 0 {
		o.color(cIfname, false)
		o.str("dev", "dev", linkName(n.OIF, names))
	}
	if n.Scope != unix.RT_SCOPE_UNIVERSE || p.Details {
		o.str("scope", "scope", p.named(Scopes, uint32(n.Scope)))
	}
	if n.Blackhole {
		o.any("blackhole", "blackhole ", nil)
	}
	if n.Protocol != unix.RTPROT_UNSPEC || p.Details {
		o.str("protocol", "proto", p.named(Protocols, uint32(n.Protocol)))
	}
	o.flags("flags", n.Flags)
	if n.FDB {
		o.any("fdb", "fdb", nil) // ip's one item without a blank after it
	}
}

// groupTypes are NHA_GROUP_TYPE's names (nh_group_type_name).
var groupTypes = Names{{rtnl.NexthopGroupMpath, "mpath"}, {rtnl.NexthopGroupResilient, "resilient"}}
