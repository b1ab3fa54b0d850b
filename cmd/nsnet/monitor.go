package main

import (
	"cmp"
	"encoding/binary"
	"errors"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/rtnl"
)

const monitorHelp = `Usage: nsnet monitor [all | OBJECT ...] [label] [all-nsid] [dev DEVICE] [file FILE] [count N]
OBJECT := link | address | route | mroute | neigh | netconf | rule | nsid |
          nexthop | prefix
Prints each change as it happens, as ip monitor does: label (and all) puts
the kind of each event before it ([LINK], [ADDR]...); all-nsid adds the
changes in every namespace that has an id here (netns set), each after
where it happened ([nsid 5], or [nsid current] for this one); dev DEVICE
keeps the events about that device; file FILE prints the netlink messages
saved in FILE instead of listening. With -j, one JSON object per line
(source_nsid: where it happened, with all-nsid). count N (an nsnet
extension) stops after N events.
`

// monitorObjects are ip monitor's words in ip's order, which decides
// what an abbreviation means ("l" is label), with their events. The
// kinds nsnet does not print yet have none.
var monitorObjects = []monitorObject{
	{"label", 0}, {"link", rtnl.LinkEvents}, {"address", rtnl.AddrEvents}, {"route", rtnl.RouteEvents},
	{"mroute", rtnl.MRouteEvents}, {"prefix", rtnl.PrefixEvents}, {"neigh", rtnl.NeighEvents}, {"netconf", rtnl.NetconfEvents},
	{"rule", rtnl.RuleEvents}, {"nsid", rtnl.NSIDEvents}, {"nexthop", rtnl.NexthopEvents}, {"stats", 0},
}

type monitorObject struct {
	name   string
	events rtnl.Events
}

type monitorArgs struct {
	events          rtnl.Events
	count           int // -1: forever
	labels, allNSID bool
	dev, file       string
}

func runMonitor(e *env, args []string) error {
	if len(args) > 0 && args[0] == "help" {
		fmt.Fprint(e.stdout, monitorHelp)
		return nil
	}
	a, err := parseMonitorArgs(args)
	if err != nil {
		return err
	}
	c, err := e.dialRoute() // to name links in what is printed
	if err != nil {
		return err
	}
	defer e.release(c)
	w := &monitorWriter{e: e, c: c, caches: map[int32]*linkCache{}, count: a.count}
	w.use(-1)
	w.p = e.printer()
	w.p.Labels, w.p.AllNSID = a.labels, a.allNSID
	// ip names namespaces from what the netns directory holds when it
	// starts, and from nsid events after.
	w.p.NetnsNames = e.nsidNames(c)
	if a.dev != "" {
		if w.dev, err = c.LinkIndex(a.dev); err != nil {
			return fmt.Errorf("monitor: device %q: %w", a.dev, err)
		}
		w.p.OneDev = true // as ip's filter, which leaves out routes' and neighbours' dev
	}
	if a.file != "" {
		// ip monitor file: messages as a monitor received them, back to
		// back (what rtmon saves); a malformed one ends it with an error
		// after those before it are printed.
		b, err := sysfile.ReadFile(a.file)
		if err != nil {
			return fmt.Errorf("monitor: %w", err)
		}
		msgs, err := nl.ParseMessages(b)
		for i := 0; i < len(msgs) && w.count != 0; i++ {
			if m := msgs[i]; m.Header.Type == nlmsgTstamp && len(m.Data) >= 8 && !e.json {
				fmt.Fprintf(e.stdout, "Timestamp: %s %d us\n", asctime(binary.NativeEndian.Uint32(m.Data)), binary.NativeEndian.Uint32(m.Data[4:]))
				continue
			}
			evs, derr := rtnl.DecodeEvents(msgs[i : i+1])
			if perr := w.print(evs); perr != nil {
				return perr
			}
			err = cmp.Or(derr, err)
		}
		if err != nil {
			return fmt.Errorf("monitor: file %s: %w", a.file, err)
		}
		return nil
	}
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	defer h.Close()
	if a.allNSID {
		a.events |= rtnl.AllNSIDs
	}
	m, err := rtnl.NewMonitor(h, a.events)
	if err != nil {
		return err
	}
	defer m.Close()
	for w.count != 0 {
		evs, err := m.Next()
		if errors.Is(err, unix.ENOBUFS) {
			// The kernel dropped events because they came faster than they
			// were read. Say so, as ip does, and carry on; link events may
			// be among the lost, so links are learnt again.
			fmt.Fprintf(e.stderr, "nsnet: monitor: events lost: %v\n", err)
			clear(w.caches)
			w.use(-1)
			continue
		}
		if err != nil {
			return err
		}
		if err := w.print(evs); err != nil {
			return err
		}
	}
	return nil
}

// nlmsgTstamp is the type of the message rtmon writes before each event
// it saves: the time it came, in seconds and microseconds (iproute2's
// NLMSG_TSTAMP, no kernel message).
const nlmsgTstamp = 15

// asctime is C's asctime of the time t: "Wed Nov 25 03:31:00 2026", as ip
// prints rtmon's timestamps, but in UTC where ip uses the local time zone:
// Go's time zones would cost 60 KB of a binary made for an initramfs,
// which has none. The date is Howard Hinnant's civil_from_days.
func asctime(t uint32) string {
	days, sec := int(t/86400), int(t%86400)
	z := days + 719468 // days since 0000-03-01
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day, month, year := doy-(153*mp+2)/5+1, (mp+2)%12, yoe+era*400
	if month < 2 {
		year++
	}
	return fmt.Sprintf("%s %s%3d %02d:%02d:%02d %d", "ThuFriSatSunMonTueWed"[days%7*3:][:3], "JanFebMarAprMayJunJulAugSepOctNovDec"[month*3:][:3],
		day, sec/3600, sec/60%60, sec%60, year)
}

// monitorWriter prints events with what ip keeps to print them: the names
// and states of links (as ip's link cache has them: link events keep it
// current, and an index it does not know is asked of the kernel), and the
// names of namespaces by nsid.
//
// It does not dump every link for every event: that made a monitor fall
// behind a route flood and die of ENOBUFS.
type monitorWriter struct {
	e      *env
	c      *rtnl.Conn
	p      *ipfmt.Printer
	caches map[int32]*linkCache // by the namespace the events came from (all-nsid); -1: this one
	names  map[int32]string     // the cache of the event being printed
	up     map[int32]bool
	local  bool  // the event is of this namespace, whose links c can look up
	dev    int32 // dev DEVICE: only events about it; 0: all
	count  int
}

// linkCache is what a monitor knows of one namespace's links. Indexes are
// a namespace's own, so each namespace heard from has its cache; ip keeps
// one for all, and names one namespace's links by another's.
type linkCache struct {
	names map[int32]string
	up    map[int32]bool
}

// use makes the cache of namespace nsid (-1: this one) the current one.
//
//go:noinline
func (w *monitorWriter) use(nsid int32) {
	k := w.caches[nsid]
	if k == nil {
		k = &linkCache{map[int32]string{}, map[int32]bool{}}
		w.caches[nsid] = k
	}
	w.names, w.up, w.local = k.names, k.up, nsid < 0
}

func (w *monitorWriter) print(evs []rtnl.Event) error {
	for _, ev := range evs {
		if w.count == 0 {
			break
		}
		w.use(ev.SourceNSID)
		if ev.Link != nil {
			w.learn(ev.Link, ev.Deleted) // as ip's ll_remember_index, before any filter
		}
		if !w.wants(ev) {
			continue
		}
		if err := w.p.Event(w.prepare(ev), w.names); err != nil {
			return err
		}
		if ev.NSID != nil && ev.Deleted { // ip names a deleted id once, from its cache
			delete(w.p.NetnsNames, *ev.NSID)
		}
		w.count--
	}
	return nil
}

// wants is ip monitor's filter. dev DEVICE keeps links, addresses,
// neighbours and netconf of the device, routes by their output device (a
// multipath route has none), rules, nsids and nexthops all; -4 and -6
// keep links, nsids, nexthops (one group for all families) and what is of
// their family (ip subscribes to that family's groups only, and drops
// neighbours of other families, a bridge's too).
func (w *monitorWriter) wants(ev rtnl.Event) bool {
	dev, fam := int32(-1), uint8(0)
	inet := func(a netaddr.Addr) uint8 {
		switch {
		case a.Is4():
			return unix.AF_INET
		case a.Is6():
			return unix.AF_INET6
		}
		return unix.AF_UNSPEC
	}
	switch {
	case ev.Link != nil:
		dev = ev.Link.Index
	case ev.Addr != nil:
		dev, fam = ev.Addr.Index, inet(ev.Addr.Prefix.Addr())
	case ev.Route != nil && ev.Route.Family >= rtnl.FamilyIPMR: // a multicast route, by the link it comes in by
		dev, fam = ev.Route.IIF, unix.AF_INET
		if ev.Route.Family == rtnl.FamilyIP6MR {
			fam = unix.AF_INET6
		}
	case ev.Route != nil:
		dev, fam = ev.Route.OIF, ev.Route.Family
	case ev.Neigh != nil:
		dev, fam = ev.Neigh.Index, inet(ev.Neigh.IP)
	case ev.Netconf != nil:
		dev, fam = ev.Netconf.Index, ev.Netconf.Family
	case ev.Rule != nil:
		fam = ev.Rule.Family
	case ev.Prefix != nil:
		fam = unix.AF_INET6 // of any device: ip's print_prefix has no filter
	}
	if w.dev != 0 && dev != -1 && dev != w.dev {
		return false
	}
	return w.e.family == 0 || ev.Link != nil || ev.NSID != nil || ev.Nexthop != nil || int(fam) == w.e.family
}

// prepare learns what ev tells of links, looks up the links and
// namespaces it names, and marks M-DOWN as ip would.
func (w *monitorWriter) prepare(ev rtnl.Event) rtnl.Event {
	switch {
	case ev.Link != nil:
		l := *ev.Link // a copy to mark, the event the caller's
		w.know(l.Master)
		if l.LinkNetNSID < 0 {
			w.know(l.ParentIndex)
		}
		ipfmt.MarkMasterDown(&l, w.up)
		ev.Link = &l
	case ev.Addr != nil:
		w.know(ev.Addr.Index)
	case ev.Route != nil:
		w.know(ev.Route.OIF)
		w.know(ev.Route.IIF)
		for _, nh := range ev.Route.Nexthops {
			w.know(nh.OIF)
		}
	case ev.Neigh != nil:
		w.know(ev.Neigh.Index)
	case ev.Netconf != nil:
		w.know(ev.Netconf.Index)
	case ev.Nexthop != nil:
		w.know(ev.Nexthop.OIF)
	case ev.Prefix != nil:
		w.know(ev.Prefix.Index)
	case ev.NSID != nil && !ev.Deleted:
		// A new nsid is named when a namespace in the netns directory has
		// it (ip's print_nsid).
		if id := *ev.NSID; id >= 0 {
			if _, ok := w.p.NetnsNames[id]; !ok {
				if name, ok := w.e.nsidNames(w.c)[id]; ok {
					w.p.NetnsNames[id] = name
				}
			}
		}
	}
	return ev
}

// learn keeps what a link event says of the link: a deleted link is
// forgotten before its event is printed (ip's ll_remember_index), even a
// port leaving its bridge (an AF_BRIDGE RTM_DELLINK); an index asked for
// later is looked up again.
func (w *monitorWriter) learn(l *rtnl.Link, deleted bool) {
	delete(w.names, l.Index)
	delete(w.up, l.Index)
	if !deleted {
		w.names[l.Index], w.up[l.Index] = l.Name, l.Flags&unix.IFF_UP != 0
	}
}

// know looks up a link index the names do not hold. A link that is gone
// stays unknown (ip prints it as ifN) and is asked for again next time; so
// does one of another namespace, which c cannot see.
func (w *monitorWriter) know(i int32) {
	if _, ok := w.names[i]; ok || i <= 0 || !w.local {
		return
	}
	if l, err := w.c.LinkByIndex(i); err == nil {
		w.names[i], w.up[i] = l.Name, l.Flags&unix.IFF_UP != 0
	}
}

// parseMonitorArgs reads ip monitor's arguments and count N.
func parseMonitorArgs(args []string) (a monitorArgs, err error) {
	a.count = -1
	w := &words{args: args, cmd: "monitor"}
	for err == nil && w.more() {
		switch word := w.next(); {
		case matches(word, "file"):
			a.file, err = w.value("file")
		case word == "count":
			var n uint64
			if n, err = w.uint("count", 31); err == nil && n == 0 {
				err = usagef("monitor: count 0: want at least 1")
			}
			a.count = int(n)
		case word == "all":
			a.labels = true // ip: all the objects, each labelled
		case word == "dev":
			a.dev, err = w.value("dev")
		default:
			// The first object the word abbreviates.
			k := 0
			for k < len(monitorObjects) && !matches(word, monitorObjects[k].name) {
				k++
			}
			switch {
			case k == len(monitorObjects) && matches(word, "all-nsid"):
				a.allNSID = true
			case k == len(monitorObjects):
				err = usagef("monitor: %q is not one of link, address, route, mroute, neigh, netconf, rule, nsid, nexthop, prefix, all, all-nsid, label, dev, file", word)
			case monitorObjects[k].name == "label":
				a.labels = true
			case monitorObjects[k].events == 0:
				err = usagef("monitor: nsnet does not print %s events yet", monitorObjects[k].name)
			}
			if k < len(monitorObjects) {
				a.events |= monitorObjects[k].events
			}
		}
	}
	if a.events == 0 {
		a.events = rtnl.AllEvents
	}
	return a, err
}
