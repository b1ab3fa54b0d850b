package rtnl

import (
	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
)

// Events selects what a Monitor reports.
type Events uint16

// The kinds of Events; AllEvents is what `ip monitor` with no argument
// reports.
const (
	LinkEvents    Events = 1 << 0
	AddrEvents    Events = 1 << 1
	RouteEvents   Events = 1 << 2
	NeighEvents   Events = 1 << 3
	NSIDEvents    Events = 1 << 4
	NetconfEvents Events = 1 << 5
	RuleEvents    Events = 1 << 6
	NexthopEvents Events = 1 << 8
	PrefixEvents  Events = 1 << 9  // IPv6 prefixes routers advertise
	MRouteEvents  Events = 1 << 10 // multicast routes (Route of FamilyIPMR, FamilyIP6MR)
	AllEvents            = LinkEvents | AddrEvents | RouteEvents | NeighEvents | NSIDEvents | NetconfEvents | RuleEvents | NexthopEvents | PrefixEvents | MRouteEvents
	// AllNSIDs, added to the others, reports their events in every
	// namespace that has an id in the monitor's too (`ip monitor
	// all-nsid`), each with its Event.SourceNSID.
	AllNSIDs Events = 1 << 7
)

// eventGroups are the multicast groups (RTNLGRP_*, linux/rtnetlink.h)
// that carry each kind of Events.
var eventGroups = []struct {
	ev     Events
	groups []uint32
}{
	{LinkEvents, []uint32{unix.RTNLGRP_LINK}},
	{AddrEvents, []uint32{unix.RTNLGRP_IPV4_IFADDR, unix.RTNLGRP_IPV6_IFADDR}},
	{RouteEvents, []uint32{unix.RTNLGRP_IPV4_ROUTE, unix.RTNLGRP_IPV6_ROUTE}},
	{NeighEvents, []uint32{unix.RTNLGRP_NEIGH}},
	{NSIDEvents, []uint32{unix.RTNLGRP_NSID}},
	{NetconfEvents, []uint32{unix.RTNLGRP_IPV4_NETCONF, unix.RTNLGRP_IPV6_NETCONF}},
	{RuleEvents, []uint32{unix.RTNLGRP_IPV4_RULE, unix.RTNLGRP_IPV6_RULE}},
	{NexthopEvents, []uint32{unix.RTNLGRP_NEXTHOP}},
	{PrefixEvents, []uint32{unix.RTNLGRP_IPV6_PREFIX}},
	{MRouteEvents, []uint32{unix.RTNLGRP_IPV4_MROUTE, unix.RTNLGRP_IPV6_MROUTE}},
}

// groups are the multicast groups that carry the events of ev.
func (ev Events) groups() []uint32 {
	var g []uint32
	for _, k := range eventGroups {
		if ev&k.ev != 0 {
			g = append(g, k.groups...)
		}
	}
	return g
}

// Event is one change the kernel announced: exactly one of the object
// fields is set.
type Event struct {
	_       [0]func() // incomparable: == would compare the objects' pointers, not the objects
	Type    uint16    // RTM_NEWLINK, RTM_DELADDR...
	Deleted bool      // an RTM_DEL* message
	Link    *Link
	Addr    *Addr
	Route   *Route
	Neigh   *Neigh
	NSID    *int32
	Netconf *Netconf
	Rule    *Rule
	Nexthop *NexthopObject
	Prefix  *Prefix
	// SourceNSID is, for an AllNSIDs monitor, the id of the namespace the
	// event happened in; -1: the monitor's own (or not known).
	SourceNSID int32
}

// Monitor receives rtnetlink notifications: `ip monitor`.
type Monitor struct {
	c *nl.Conn
}

// NewMonitor subscribes, in namespace h (nil: the caller's), to the
// events ev: `ip monitor link route`.
func NewMonitor(h *ns.Handle, ev Events) (*Monitor, error) {
	c, err := nl.Dial(unix.NETLINK_ROUTE, config(h, &nl.Config{Groups: ev.groups(), RecvBuffer: 4 << 20, ListenAllNSID: ev&AllNSIDs != 0}))
	if err != nil {
		return nil, fmt.Errorf("rtnl: monitor: %w", err)
	}
	return &Monitor{c: c}, nil
}

// Close stops the monitor.
func (m *Monitor) Close() error { return m.c.Close() }

// eventDecoders decode each notification type into its Event field,
// indexed by type; NEW and DEL of an object share one.
var eventDecoders = []func(b []byte, ev *Event) error{
	unix.RTM_NEWLINK: decodeLinkEvent, unix.RTM_DELLINK: decodeLinkEvent,
	unix.RTM_NEWADDR: decodeAddrEvent, unix.RTM_DELADDR: decodeAddrEvent,
	unix.RTM_NEWROUTE: decodeRouteEvent, unix.RTM_DELROUTE: decodeRouteEvent,
	unix.RTM_NEWNEIGH: decodeNeighEvent, unix.RTM_DELNEIGH: decodeNeighEvent,
	unix.RTM_NEWNSID: decodeNSIDEvent, unix.RTM_DELNSID: decodeNSIDEvent,
	unix.RTM_NEWNETCONF: decodeNetconfEvent, unix.RTM_DELNETCONF: decodeNetconfEvent,
	unix.RTM_NEWRULE: decodeRuleEvent, unix.RTM_DELRULE: decodeRuleEvent,
	unix.RTM_NEWNEXTHOP: decodeNexthopEvent, unix.RTM_DELNEXTHOP: decodeNexthopEvent,
	unix.RTM_NEWPREFIX: decodePrefixEvent,
}

func decodeLinkEvent(b []byte, ev *Event) (err error)    { ev.Link, err = DecodeLink(b); return }
func decodeAddrEvent(b []byte, ev *Event) (err error)    { ev.Addr, err = DecodeAddr(b); return }
func decodeRouteEvent(b []byte, ev *Event) (err error)   { ev.Route, err = DecodeRoute(b); return }
func decodeNeighEvent(b []byte, ev *Event) (err error)   { ev.Neigh, err = DecodeNeigh(b); return }
func decodeNetconfEvent(b []byte, ev *Event) (err error) { ev.Netconf, err = DecodeNetconf(b); return }
func decodeRuleEvent(b []byte, ev *Event) (err error)    { ev.Rule, err = DecodeRule(b); return }
func decodePrefixEvent(b []byte, ev *Event) (err error)  { ev.Prefix, err = DecodePrefix(b); return }
func decodeNexthopEvent(b []byte, ev *Event) (err error) {
	ev.Nexthop, err = DecodeNexthopObject(b)
	return
}

func decodeNSIDEvent(b []byte, ev *Event) error {
	id, _, err := decodeNSID(b)
	ev.NSID = &id
	return err
}

// isDel tells an RTM_DEL* type: rtnetlink numbers each object's types
// in fours from RTM_BASE (16), NEW, DEL, GET, SET, so DEL is 1 mod 4.
func isDel(typ uint16) bool { return typ&3 == 1 }

// Next waits for the next datagram of notifications and decodes it.
// Messages of other types are skipped; ENOBUFS (events lost because the
// reader was too slow) is returned as an error, after which Next may be
// called again.
func (m *Monitor) Next() ([]Event, error) {
	msgs, err := m.c.Receive()
	if err != nil {
		return nil, fmt.Errorf("rtnl: monitor: %w", err)
	}
	evs, err := DecodeEvents(msgs)
	if nsid := m.c.SourceNSID(); nsid >= 0 {
		for i := range evs {
			evs[i].SourceNSID = nsid
		}
	}
	return evs, err
}

// DecodeEvents decodes the notifications among msgs, skipping messages
// of other types: what a Monitor received, or what was saved of one.
func DecodeEvents(msgs []nl.Message) ([]Event, error) {
	var evs []Event
	for _, msg := range msgs {
		t := msg.Header.Type
		if int(t) >= len(eventDecoders) || eventDecoders[t] == nil {
			continue
		}
		ev := Event{Type: t, Deleted: isDel(t), SourceNSID: -1}
		if err := eventDecoders[t](msg.Data, &ev); err != nil {
			return evs, fmt.Errorf("rtnl: monitor: decode message type %d: %w", t, err)
		}
		evs = append(evs, ev)
	}
	return evs, nil
}
