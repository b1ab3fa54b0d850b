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
			member := Object{{Key: "id", Value: m.ID}}
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
		args := Object{{Key: "buckets", Value: r.Buckets}}
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

// secs is a time in hundredths of a second (clock_t) as ip prints it:
// seconds, with %g.
func secs(cs uint64) string {
	return strconv.FormatFloat(float64(cs/100)+float64(cs%100*10000)/1e6, 'g', 6, 64)
}

// NexthopBuckets prints the buckets of resilient groups as ip nexthop
// bucket show does (print_nexthop_bucket). Not inlined: its record's
// closure would be stamped out at each call.
//
//go:noinline
func (p *Printer) NexthopBuckets(ks []rtnl.NexthopBucket) error {
	return p.printAll(len(ks), func(i int) *record {
		k, o := &ks[i], p.newRecord()
		o.num("id", "id", k.ID)
		idle := secs(k.IdleTime)
		o.fp("index ", utoa(uint64(k.Index)), " idle_time ", idle, " nhid ", utoa(uint64(k.NexthopID)), " ")
		o.js("bucket", Object{{Key: "index", Value: k.Index}, {Key: "idle_time", Value: Number(idle)}, {Key: "nhid", Value: k.NexthopID}})
		o.flags("flags", k.Flags)
		o.fp("\n")
		return o
	})
}

// groupTypes are NHA_GROUP_TYPE's names (nh_group_type_name).
var groupTypes = Names{{rtnl.NexthopGroupMpath, "mpath"}, {rtnl.NexthopGroupResilient, "resilient"}}
