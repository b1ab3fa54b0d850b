package main

import (
	"errors"
	"strconv"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/rtnl"
)

const monitorHelp = `Usage: nsnet monitor [all | OBJECT ...] [count N]
OBJECT := link | address | route | neigh | nsid
Prints each change as it happens, as ip monitor does; with -j, one JSON object
per line. count N (an nsnet extension) stops after N events.
`

// monitorObjects are the words monitor takes, with their events.
var monitorObjects = []struct {
	name   string
	events rtnl.Events
}{
	{"link", rtnl.LinkEvents}, {"address", rtnl.AddrEvents}, {"route", rtnl.RouteEvents},
	{"neigh", rtnl.NeighEvents}, {"nsid", rtnl.NSIDEvents},
}

func runMonitor(e *env, args []string) error {
	if len(args) > 0 && args[0] == "help" {
		fmt.Fprint(e.stdout, monitorHelp)
		return nil
	}
	events, count, err := parseMonitorArgs(args)
	if err != nil {
		return err
	}
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	defer h.Close()
	m, err := rtnl.NewMonitor(h, events)
	if err != nil {
		return err
	}
	defer m.Close()
	c, err := e.dialRoute() // to name links in what is printed
	if err != nil {
		return err
	}
	defer e.release(c)
	names := newLinkNames(c)
	for count != 0 {
		evs, err := m.Next()
		if errors.Is(err, unix.ENOBUFS) {
			// The kernel dropped events because they came faster than they
			// were read. Say so, as ip does, and carry on; link events may
			// be among the lost, so names are learnt again.
			fmt.Fprintf(e.stderr, "nsnet: monitor: events lost: %v\n", err)
			names.forget()
			continue
		}
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if err := e.printer().Event(ev, names.forEvent(ev)); err != nil {
				return err
			}
			if count--; count == 0 {
				break
			}
		}
	}
	return nil
}

// linkNames names links in events without dumping every link for every
// event (which made a monitor fall behind a route flood and die of
// ENOBUFS): link events keep it current, and an index it does not know is
// asked of the kernel once.
type linkNames struct {
	c *rtnl.Conn
	m map[int32]string
}

func newLinkNames(c *rtnl.Conn) *linkNames { return &linkNames{c: c, m: map[int32]string{}} }

func (n *linkNames) forget() { clear(n.m) }

// learn records what a link event says; a deleted link's name stays known
// for the events about it that follow (its routes and addresses going).
func (n *linkNames) learn(l *rtnl.Link) {
	if l.Name != "" {
		n.m[l.Index] = l.Name
	}
}

// of returns the names map, holding every index given that still exists.
func (n *linkNames) of(indexes ...int32) map[int32]string {
	for _, i := range indexes {
		if _, ok := n.m[i]; ok || i <= 0 {
			continue
		}
		if l, err := n.c.LinkByIndex(i); err == nil {
			n.m[i] = l.Name
		} else {
			n.m[i] = fmt.Sprintf("if%d", i) // gone already; asked once
		}
	}
	return n.m
}

// parseMonitorArgs reads `[all | OBJECT ...] [count N]`: the events to
// report (all when none is named) and how many to print (-1: forever).
func parseMonitorArgs(args []string) (events rtnl.Events, count int, err error) {
	count = -1
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "count" && i+1 < len(args) {
			n, err := strconv.Atoi(args[i+1])
			if err != nil || n <= 0 {
				return 0, 0, usagef("monitor: count %q is not a positive number", args[i+1])
			}
			count, i = n, i+1
			continue
		}
		if a == "all" {
			events |= rtnl.AllEvents
			continue
		}
		found := false
		for _, o := range monitorObjects {
			if matches(a, o.name) { // an abbreviation names the first object it fits
				events, found = events|o.events, true
				break
			}
		}
		if !found {
			return 0, 0, usagef("monitor: %q is not one of link, address, route, neigh, nsid, all", a)
		}
	}
	if events == 0 {
		events = rtnl.AllEvents
	}
	return events, count, nil
}

// forEvent returns the names map, holding the links ev names.
func (n *linkNames) forEvent(ev rtnl.Event) map[int32]string {
	var names map[int32]string
	switch {
	case ev.Link != nil:
		n.learn(ev.Link)
		names = n.of(ev.Link.Master)
		if ev.Link.LinkNetNSID < 0 { // else the parent is in another namespace
			names = n.of(ev.Link.ParentIndex)
		}
	case ev.Addr != nil:
		names = n.of(ev.Addr.Index)
	case ev.Route != nil:
		idx := []int32{ev.Route.OIF}
		for _, nh := range ev.Route.Nexthops {
			idx = append(idx, nh.OIF)
		}
		names = n.of(idx...)
	case ev.Neigh != nil:
		names = n.of(ev.Neigh.Index)
	}
	return names
}
