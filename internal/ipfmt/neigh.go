package ipfmt

import (
	"strings"

	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// Neighs prints entries as ip neigh does (print_neigh).
func (p *Printer) Neighs(neighs []rtnl.Neigh, names map[int32]string) error {
	return p.printAll(len(neighs), func(i int) *record {
		r := p.newRecord()
		p.neigh(r, &neighs[i], names)
		r.fp("\n")
		return r
	})
}

// neigh is one entry in print_neigh's order and forms: in text every
// item followed by a blank.
func (p *Printer) neigh(o *record, n *rtnl.Neigh, names map[int32]string) {
	if n.IP.IsValid() { // a bridge's forwarding entry has a MAC address only
		o.color(familyColor(n.IP.Is4()), false)
		o.addr("dst", "", n.IP)
	}
	if !p.OneDev && n.Index != 0 {
		o.color(cIfname, false)
		o.str("dev", "dev", linkName(n.Index, names))
	}
	if n.LLAddr != nil {
		o.color(cMAC, false)
		o.str("lladdr", "lladdr", n.LLAddr.String())
	}
	for _, f := range neighFlags(n.Flags) {
		o.any(f, f+" ", nil)
	}
	if c := n.Cache; c != nil && p.Stats > 0 {
		// print_cacheinfo: seconds, and no blank before probes (ip's).
		if c.RefCnt != 0 {
			o.leadNum("refcnt", " ref ", uint64(c.RefCnt))
		}
		o.leadNum("used", " used ", uint64(c.Used/100))
		o.leadNum("confirmed", "/", uint64(c.Confirmed/100))
		o.leadNum("updated", "/", uint64(c.Updated/100))
		o.num("probes", "probes", c.Probes)
	}
	if n.State != 0 {
		o.any("state", strings.Join(NudNames(n.State), ",")+" ", NudNames(n.State))
	}
	if n.Protocol != 0 {
		o.str("protocol", "proto", p.named(Protocols, uint32(n.Protocol)))
	}
}

// neighFlags are ndm_flags as print_neigh names them, in its order.
func neighFlags(flags uint8) []string {
	var out []string
	for _, f := range []struct {
		bit  uint8
		name string
	}{{unix.NTF_ROUTER, "router"}, {unix.NTF_PROXY, "proxy"}, {unix.NTF_EXT_LEARNED, "extern_learn"}, {unix.NTF_OFFLOADED, "offload"}} {
		if flags&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

func NudNames(state uint16) []string {
	if state == 0 {
		return []string{"NONE"}
	}
	var out []string
	for _, s := range NudStates {
		if uint32(state)&s.n != 0 {
			out = append(out, s.name)
		}
	}
	return out
}
