package ipfmt

import (
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/rtnl"
)

// Event prints one event in the shape of the matching show command.
func (p *Printer) Event(ev rtnl.Event, names map[int32]string) error {
	var kind, text string
	var obj Object
	switch {
	case ev.Link != nil:
		var b strings.Builder
		p.linkText(&b, ev.Link, names)
		kind, text, obj = "link", b.String(), p.LinkJSON(ev.Link, names)
	case ev.Addr != nil:
		a := ev.Addr
		kind = "addr"
		text = fmt.Sprintf("%d: %s    %s %s scope %s\n", a.Index, names[a.Index], inetName(a.Prefix.Addr()), a.Prefix, p.named(Scopes, uint32(a.Scope)))
		obj = Object{{"ifindex", a.Index}, {"ifname", names[a.Index]}, {"addr_info", p.addrsJSON([]rtnl.Addr{*a})}}
	case ev.Route != nil:
		r := p.newRecord()
		p.route(r, ev.Route, names, "\n")
		kind, text, obj = "route", r.text()+"\n", r.obj
	case ev.Neigh != nil:
		r := p.neigh(ev.Neigh, names)
		kind, text, obj = "neigh", r.text(), r.obj
	case ev.NSID != nil:
		kind, text, obj = "nsid", fmt.Sprintf("nsid %d\n", *ev.NSID), Object{{"nsid", *ev.NSID}}
	default:
		return nil
	}
	if p.JSON {
		verb := "new"
		if ev.Deleted {
			verb = "del"
		}
		obj.Set("event", verb+kind)
		return p.PrintJSON(obj)
	}
	if ev.Deleted {
		text = "Deleted " + text
	}
	_, err := fmt.Fprint(p.W, text)
	return err
}
