package ipfmt

import (
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// Neighs prints entries as ip neigh does.
func (p *Printer) Neighs(neighs []rtnl.Neigh, names map[int32]string) error {
	if p.JSON {
		out := []Object{}
		for _, n := range neighs {
			out = append(out, neighJSON(&n, names))
		}
		return p.PrintJSON(out)
	}
	for _, n := range neighs {
		s := fmt.Sprintf("%s dev %s", n.IP, names[n.Index])
		if n.LLAddr != nil {
			s += " lladdr " + n.LLAddr.String()
		}
		if n.Flags&unix.NTF_ROUTER != 0 {
			s += " router"
		}
		if n.Flags&unix.NTF_PROXY == 0 {
			s += " " + strings.Join(NudNames(n.State), ",")
		}
		fmt.Fprintln(p.W, s)
	}
	return nil
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
func neighJSON(n *rtnl.Neigh, names map[int32]string) Object {
	o := Object{{"dst", n.IP.String()}, {"dev", names[n.Index]}}
	if n.LLAddr != nil {
		o.Set("lladdr", n.LLAddr.String())
	}
	if n.Flags&unix.NTF_ROUTER != 0 {
		o.Set("router", nil)
	}
	o.Set("state", NudNames(n.State))
	return o
}
