package ipfmt

import (
	"io"
	"strings"

	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// Neighs prints entries as ip neigh does (print_neigh): every item
// followed by a blank.
func (p *Printer) Neighs(neighs []rtnl.Neigh, names map[int32]string) error {
	if p.JSON {
		out := []Object{}
		for _, n := range neighs {
			out = append(out, p.neighJSON(&n, names))
		}
		return p.PrintJSON(out)
	}
	for _, n := range neighs {
		io.WriteString(p.W, p.neighText(&n, names))
	}
	return nil
}

// neighText is one entry as print_neigh prints it: every item followed
// by a blank.
func (p *Printer) neighText(n *rtnl.Neigh, names map[int32]string) string {
	var b strings.Builder
	b.WriteString(n.IP.String() + " ")
	if !p.OneDev && n.Index != 0 {
		b.WriteString("dev " + names[n.Index] + " ")
	}
	if n.LLAddr != nil {
		b.WriteString("lladdr " + n.LLAddr.String() + " ")
	}
	for _, f := range neighFlags(n.Flags) {
		b.WriteString(f + " ")
	}
	if n.State != 0 {
		b.WriteString(strings.Join(NudNames(n.State), ",") + " ")
	}
	return b.String() + "\n"
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

// neighJSON is one entry in ip's print_neigh order.
func (p *Printer) neighJSON(n *rtnl.Neigh, names map[int32]string) Object {
	o := Object{{"dst", n.IP.String()}}
	if !p.OneDev && n.Index != 0 {
		o.Set("dev", names[n.Index])
	}
	if n.LLAddr != nil {
		o.Set("lladdr", n.LLAddr.String())
	}
	for _, f := range neighFlags(n.Flags) {
		o.Set(f, nil)
	}
	if n.State != 0 {
		o.Set("state", NudNames(n.State))
	}
	return o
}
