package ipfmt

import (
	"encoding/binary"
	"io"
	"strconv"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// linkFlags are the IFF_* bits ip prints, in ip's order.
var linkFlags = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
	{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
	{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_MASTER, "MASTER"}, {unix.IFF_SLAVE, "SLAVE"},
	{unix.IFF_DEBUG, "DEBUG"}, {unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
	{unix.IFF_PORTSEL, "PORTSEL"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"}, {unix.IFF_UP, "UP"},
	{unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"}, {unix.IFF_ECHO, "ECHO"},
	{flagMasterDown, "M-DOWN"},
}

// flagMasterDown is not a kernel flag: ip prints M-DOWN when the link a
// link sits on (its veth peer, its macvlan's lower device) is down, and
// MarkMasterDown sets this unused bit on a copy of the flags to say so.
const flagMasterDown = 1 << 31

// MarkMasterDown sets flagMasterDown on l if its parent, in this
// namespace, is down; up holds what is known of each link (LinksUp), and
// a parent it does not hold is taken to be up, as ip takes a link it
// cannot look up.
//
//go:noinline
func MarkMasterDown(l *rtnl.Link, up map[int32]bool) {
	if p := l.ParentIndex; p != 0 && p != l.Index && l.LinkNetNSID < 0 {
		if isUp, known := up[p]; known && !isUp {
			l.Flags |= flagMasterDown
		}
	}
}

// LinksUp says of each link whether it is up, for MarkMasterDown.
func LinksUp(all []rtnl.Link) map[int32]bool {
	up := make(map[int32]bool, len(all))
	for _, l := range all {
		up[l.Index] = l.Flags&unix.IFF_UP != 0
	}
	return up
}

// flagNames is ip's list: NO-CARRIER first for a link that is up without
// carrier (IFF_RUNNING is never printed).
//
//go:noinline
func flagNames(f uint32) []string {
	names := []string{}
	if f&unix.IFF_UP != 0 && f&unix.IFF_RUNNING == 0 {
		names = append(names, "NO-CARRIER")
	}
	for _, fl := range linkFlags {
		if f&fl.bit != 0 {
			names = append(names, fl.name)
		}
	}
	return names
}

// operStates are IF_OPER_* (linux/if.h) by index.
var operStates = []string{"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"}

func operState(s uint8) string { return tableName(operStates, uint32(s)) }

// tableName is t[n], or n in digits past t's end.
//
//go:noinline
func tableName(t []string, n uint32) string {
	if int(n) < len(t) {
		return t[n]
	}
	return utoa(uint64(n))
}

// linkTypes are the ARPHRD_* names ip uses.
var linkTypes = Names{
	{unix.ARPHRD_ETHER, "ether"}, {unix.ARPHRD_LOOPBACK, "loopback"}, {unix.ARPHRD_NONE, "none"},
	{unix.ARPHRD_IEEE80211, "ieee802.11"}, {unix.ARPHRD_TUNNEL, "ipip"}, {unix.ARPHRD_SIT, "sit"},
	{unix.ARPHRD_TUNNEL6, "tunnel6"}, {unix.ARPHRD_IPGRE, "gre"}, {unix.ARPHRD_VOID, "void"},
}

func (p *Printer) linkType(t uint16) string {
	if n := linkTypes.Name(uint32(t)); n != itoa(int(t)) && !p.Numeric {
		return n
	}
	return "[" + itoa(int(t)) + "]" // ip's form for a type it has no name for
}

var linkModes = []string{"DEFAULT", "DORMANT"}

func linkMode(m uint8) string { return tableName(linkModes, uint32(m)) }

// hasGroup is whether the link's message had IFLA_GROUP, which ip prints.
func hasGroup(l *rtnl.Link) bool { return l.Set&rtnl.SetGroup != 0 || l.Group != 0 }

// bridgePortStates are BR_STATE_* (linux/if_bridge.h).
var bridgePortStates = []string{"disabled", "listening", "learning", "forwarding", "blocking"}

// Links prints links as ip link does, in the chosen format.
// all are every link of the namespace, for the names of peers and masters.
func (p *Printer) Links(links, all []rtnl.Link) error {
	names, up := LinkNames(all), LinksUp(all)
	s := p.Begin()
	for i := range links {
		MarkMasterDown(&links[i], up)
		s.Link(&links[i], names)
	}
	return s.End()
}

// briefHead is what ip -br starts a link's line with: its name and its
// state, each padded.
func (p *Printer) briefHead(l *rtnl.Link, names map[int32]string) string {
	return p.paint(cIfname, fmt.Sprintf("%-16s ", l.Name+peerSuffix(l, names))) +
		p.paint(operColor(l.OperState), fmt.Sprintf("%-14s ", operState(l.OperState)))
}

// parentName is what ip prints after a link's name and "@": "" when the
// link has no parent, "NONE" when the kernel says IFLA_LINK 0 (a veth
// whose peer is not made yet, or gone), the parent's name when it is in
// this namespace and known, and "ifN" otherwise.
func parentName(l *rtnl.Link, names map[int32]string) string {
	p := l.ParentIndex
	switch {
	case p == 0 && nl.Index(l.Attrs, unix.IFLA_LINK)[unix.IFLA_LINK] != nil:
		return "NONE"
	case p == 0:
		return ""
	case l.LinkNetNSID >= 0: // an index in another namespace, even this link's own: no name here
		names = nil
	}
	return linkName(p, names)
}

// peerSuffix is ip's "@parent".
//
//go:noinline
func peerSuffix(l *rtnl.Link, names map[int32]string) string {
	if s := parentName(l, names); s != "" {
		return "@" + s
	}
	return ""
}

// linkEvents name IFLA_EVENT, which the kernel puts in a notification to
// say why it was sent (ip's link_events).
// The names are "|" apart: a string, not a table of strings, which would
// be data in the binary.
const linkEvents = "NONE|REBOOT|FEATURE CHANGE|BONDING FAILOVER|NOTIFY PEERS|RESEND IGMP|BONDING OPTION"

// linkText is print_linkinfo: every item followed by a blank, except
// qlen, which only ip link and ip addr print (with mode, ip link's own).
// A monitor prints instead the event a notification carries.
func (p *Printer) linkText(w io.Writer, l *rtnl.Link, names map[int32]string) {
	fmt.Fprintf(w, "%d: %s<%s> mtu %d ", l.Index, p.paint(cIfname, l.Name+peerSuffix(l, names)+": "), strings.Join(flagNames(l.Flags), ","), l.MTU)
	if l.Qdisc != "" {
		fmt.Fprintf(w, "qdisc %s ", l.Qdisc)
	}
	if l.Master != 0 {
		fmt.Fprintf(w, "master %s ", names[l.Master])
	}
	fmt.Fprintf(w, "state %s", p.paint(operColor(l.OperState), operState(l.OperState)+" "))
	if !p.addrs && !p.monitor {
		fmt.Fprintf(w, "mode %s ", linkMode(l.LinkMode))
	}
	if hasGroup(l) {
		fmt.Fprintf(w, "group %s ", p.named(Groups, l.Group))
	}
	if p.monitor {
		if ev := nl.Index(l.Attrs, unix.IFLA_EVENT)[unix.IFLA_EVENT]; len(ev) == 4 {
			if n := binary.NativeEndian.Uint32(ev); n != 0 {
				fmt.Fprintf(w, "event %s ", tableName(strings.Split(linkEvents, "|"), n))
			}
		}
	} else if l.TxQLen != 0 {
		fmt.Fprintf(w, "qlen %d", l.TxQLen)
	}
	// ip writes the blank after the type whether an address follows or
	// not: a tun device's line is "link/none ".
	fmt.Fprintf(w, "\n    link/%s ", p.linkType(l.Type))
	if l.HardwareAddr != nil {
		io.WriteString(w, p.paint(cMAC, l.HardwareAddr.String()))
	}
	if l.Broadcast != nil { // IPv6's own link dump has none
		word := " brd "
		if l.Flags&unix.IFF_POINTOPOINT != 0 { // a point-to-point link's "broadcast" is its peer
			word = " peer "
		}
		io.WriteString(w, word+p.paint(cMAC, l.Broadcast.String()))
	}
	if l.LinkNetNSID >= 0 {
		if name, ok := p.NetnsNames[l.LinkNetNSID]; ok {
			fmt.Fprintf(w, " link-netns %s", name)
		} else {
			fmt.Fprintf(w, " link-netnsid %d", l.LinkNetNSID)
		}
	}
	if p.monitor {
		p.movedTo(w, l)
	}
	if l.ProtoDown {
		io.WriteString(w, " protodown on ")
	}
	if reasons := p.protoDownReasons(l); reasons != nil {
		fmt.Fprintf(w, "protodown_reason <%s>", strings.Join(reasons, ","))
	}
	if p.Details {
		r := p.newRecord()
		p.details(r, l, names)
		w.Write(r.line)
	}
	fmt.Fprintln(w)
	if l.Alias != "" && (!p.addrs && !p.monitor || p.Details) { // ip: do_link || show_details
		fmt.Fprintf(w, "    alias %s\n", l.Alias)
	}
	if p.Stats > 0 && l.Stats != nil && !p.addrs {
		p.printStats(w, l, p.Stats > 1)
	}
}

// printStats is ip -s link's block: each column as wide as its header
// or its widest number, all rows aligned; -s -s adds the error breakdown
// under each direction, its first column spanning two.
// printStats is print_stats64 of iproute2 6.1, text: each column as wide
// as its widest number or its header's minimum, numbers right-aligned and
// each followed by a blank, optional columns (compressed, nohandler,
// otherhost, transns) only where they are not zero.
func (p *Printer) printStats(w io.Writer, l *rtnl.Link, more bool) {
	s := l.Stats
	// Each direction: bytes, five counters and compressed under their
	// headers; with -s -s five errors under theirs, then (RX only) two
	// that have a column only when not zero. ip sizes TX's error columns
	// one to the right of where it prints them (errAt 2), and so do we.
	dirs := [2]struct {
		name          string
		heads, errs   [5]string
		vals, errVals [7]uint64
		errAt         int
	}{
		{"RX", [5]string{"packets", "errors", "dropped", "missed", "mcast"}, [5]string{"length", "crc", "frame", "fifo", "overrun"},
			[7]uint64{s.RxBytes, s.RxPackets, s.RxErrors, s.RxDropped, s.RxMissedErrors, s.Multicast, s.RxCompressed},
			[7]uint64{s.RxLengthErrors, s.RxCRCErrors, s.RxFrameErrors, s.RxFIFOErrors, s.RxOverErrors, s.RxNoHandler, s.RxOtherhostDropped}, 1},
		{"TX", [5]string{"packets", "errors", "dropped", "carrier", "collsns"}, [5]string{"aborted", "fifo", "window", "heartbt", "transns"},
			[7]uint64{s.TxBytes, s.TxPackets, s.TxErrors, s.TxDropped, s.TxCarrierErrors, s.Collisions, s.TxCompressed},
			[7]uint64{s.TxAbortedErrors, s.TxFIFOErrors, s.TxWindowErrors, s.TxHeartbeatErrors, uint64(l.CarrierChanges)}, 2},
	}
	cols := [8]int{len("*X errors:"), len("packets"), len("errors"), len("dropped"), len("heartbt"), len("overrun"), len("compressed"), len("otherhost")}
	size := func(at int, vals []uint64) {
		for i, v := range vals {
			if !p.Human { // size_columns: human-readable columns keep their headers' widths
				cols[at+i] = max(cols[at+i], len(utoa(v)))
			}
		}
	}
	for _, d := range dirs {
		size(0, d.vals[:])
		if more {
			size(d.errAt, d.errVals[:8-d.errAt])
		}
	}
	var sb strings.Builder
	b := &statsWriter{&sb, p.Human, p.IEC}
	for _, d := range dirs {
		b.put("    " + d.name + ": ")
		b.pad(cols[0]-4, "bytes")
		for i, h := range d.heads {
			b.put(" ")
			b.pad(cols[i+1], h)
		}
		b.put(" ")
		b.pad(cols[6], when(d.vals[6], "compressed"))
		b.put("\n    ")
		for i, v := range d.vals {
			if i < 6 || v != 0 {
				b.num(cols[i], v)
			}
		}
		if more {
			b.put("\n    " + d.name + " errors:")
			b.pad(cols[0]-10, "")
			for i, h := range d.errs {
				b.put(" ")
				b.pad(cols[i+1], h)
			}
			for i, h := range [2]string{" nohandler", " otherhost"} {
				if d.errVals[5+i] != 0 {
					b.pad(cols[6+i]+1, h)
				}
			}
			b.put("\n")
			b.pad(cols[0]+5, "")
			for i, v := range d.errVals {
				if i < 5 || v != 0 {
					b.num(cols[i+1], v)
				}
			}
		}
		b.put("\n")
	}
	io.WriteString(w, sb.String())
}

// statsWriter writes print_stats64's columns. Its methods are not
// inlined: printStats calls them 40 times.
type statsWriter struct {
	*strings.Builder
	human, iec bool
}

// pad writes s right-aligned in width.
//
//go:noinline
//go:noinline
func (b statsWriter) pad(width int, s string) {
	for n := width - len(s); n > 0; n-- {
		b.WriteByte(' ')
	}
	b.WriteString(s)
}

//go:noinline
func (b statsWriter) put(s string) { b.WriteString(s) }

// num writes v right-aligned in width, and a blank.
//
//go:noinline
func (b statsWriter) num(width int, v uint64) {
	b.pad(width, humanNum(v, b.human, b.iec))
	b.put(" ")
}

// humanNum is iproute2's print_num: with -h, a count of 1000 (1024 with
// -iec) or more as a number of k, M, G... with as many decimals as fit
// in three digits.
func humanNum(v uint64, human, iec bool) string {
	base, unit := uint64(1000), ""
	if iec {
		base, unit = 1024, "i"
	}
	if !human || v < base {
		return utoa(v)
	}
	const prefixes = "kMGTPE"
	pow, i := uint64(1), 0
	for {
		pow *= base
		if v/base < pow || i == len(prefixes)-1 {
			break
		}
		i++
	}
	prec, powj := 2, uint64(1)
	for ; prec > 0; prec-- {
		powj *= 10
		if v/pow < powj {
			break
		}
	}
	return strconv.FormatFloat(float64(v)/float64(pow), 'f', prec, 64) + prefixes[i:i+1] + unit
}

// when is s if v is not zero: a column ip prints only then.
func when(v uint64, s string) string {
	if v != 0 {
		return s
	}
	return ""
}

// nameAndLink is print_name_and_link in JSON: the parent, then the name.
func nameAndLink(l *rtnl.Link, names map[int32]string) Object {
	var o Object
	switch s := parentName(l, names); {
	case s == "":
	case s == "NONE":
		o.Set("link", nil)
	case l.LinkNetNSID >= 0:
		o.Set("link_index", l.ParentIndex)
	default:
		o.Set("link", s)
	}
	return append(o, Field{Key: "ifname", Value: l.Name})
}

// briefJSON is print_linkinfo_brief in JSON; with addrs (ip -j -br addr)
// the addresses, else (ip -j -br link) the link-layer address and flags.
func briefJSON(l *rtnl.Link, names map[int32]string, addrs []rtnl.Addr, withAddrs bool) Object {
	o := append(nameAndLink(l, names), Field{Key: "operstate", Value: operState(l.OperState)})
	if !withAddrs {
		if len(l.HardwareAddr) > 0 {
			o.Set("address", l.HardwareAddr.String())
		}
		return append(o, Field{Key: "flags", Value: flagNames(l.Flags)})
	}
	info := []Object{}
	for _, a := range addrs {
		o := Object{{Key: "local", Value: a.Prefix.Addr().String()}}
		if a.Peer.IsValid() {
			o.Set("address", a.Peer.String())
		}
		info = append(info, append(o, Field{Key: "prefixlen", Value: a.Prefix.Bits()}))
	}
	return append(o, Field{Key: "addr_info", Value: info})
}

// linkJSON has the keys and value shapes of ip -j link.
func (p *Printer) LinkJSON(l *rtnl.Link, names map[int32]string) Object {
	// ip's print_linkinfo order; its JSON names the parent before the
	// link itself.
	o := append(Object{{Key: "ifindex", Value: l.Index}}, nameAndLink(l, names)...)
	o = append(o, Field{Key: "flags", Value: flagNames(l.Flags)}, Field{Key: "mtu", Value: l.MTU})
	if l.Qdisc != "" {
		o.Set("qdisc", l.Qdisc)
	}
	if l.Master != 0 {
		o.Set("master", names[l.Master])
	}
	o.Set("operstate", operState(l.OperState))
	if !p.addrs {
		o.Set("linkmode", linkMode(l.LinkMode))
	}
	if hasGroup(l) {
		o.Set("group", p.named(Groups, l.Group))
	}
	if l.TxQLen != 0 {
		o.Set("txqlen", l.TxQLen)
	}
	// With -4 or -6, ip leaves out the link layer (as its text does).
	if p.Family == 0 || p.Details {
		o.Set("link_type", p.linkType(l.Type))
		if l.HardwareAddr != nil {
			o.Set("address", l.HardwareAddr.String())
		}
		if l.Broadcast != nil {
			if l.Flags&unix.IFF_POINTOPOINT != 0 {
				o.Set("link_pointtopoint", true)
			}
			o.Set("broadcast", l.Broadcast.String())
		}
		if l.LinkNetNSID >= 0 {
			o.Set("link_netnsid", l.LinkNetNSID)
		}
	}
	if l.ProtoDown {
		o.Set("proto_down", true)
	}
	if reasons := p.protoDownReasons(l); reasons != nil {
		o.Set("proto_down_reason", reasons)
	}
	if p.Details {
		r := &record{json: true, obj: o}
		p.details(r, l, names)
		o = r.obj
	}
	if l.Alias != "" && (!p.addrs || p.Details) {
		o.Set("ifalias", l.Alias)
	}
	if p.Stats > 0 && l.Stats != nil && !p.addrs {
		o.Set("stats64", p.statsJSON(l))
	}
	return o
}

// movedTo prints where a link that left for another namespace went, and
// its index there: what the RTM_DELLINK of the move says.
func (p *Printer) movedTo(w io.Writer, l *rtnl.Link) {
	a := nl.Index(l.Attrs, unix.IFLA_NEW_IFINDEX)
	if b := a[unix.IFLA_NEW_NETNSID]; len(b) == 4 {
		id := int32(binary.NativeEndian.Uint32(b))
		if name, ok := p.NetnsNames[id]; ok {
			fmt.Fprintf(w, " new-netns %s", name)
		} else {
			fmt.Fprintf(w, " new-netnsid %d", id)
		}
	}
	if b := a[unix.IFLA_NEW_IFINDEX]; len(b) == 4 {
		fmt.Fprintf(w, " new-ifindex %d", int32(binary.NativeEndian.Uint32(b)))
	}
}

// protoDownReasons names the bits of l.ProtoDownReason, or is nil. ip 6.1
// shows bits 0..7 only (it reads the value as a byte), and only for a
// link with a broadcast address (it looks the value up in the link's
// attributes): a listed deviation.
func (p *Printer) protoDownReasons(l *rtnl.Link) []string {
	var names []string
	for i := uint32(0); i < 32; i++ {
		if l.ProtoDownReason&(1<<i) != 0 {
			names = append(names, p.named(ProtoDownReasons, i))
		}
	}
	return names
}

// statsFields appends vals to o under keys, in ip's order; a key ending
// in ? is left out when its value is zero. Not inlined: statsJSON calls
// it four times.
//
//go:noinline
func statsFields(o Object, keys string, vals ...uint64) Object {
	for i, k := range fields(keys) {
		if k[len(k)-1] == '?' {
			if vals[i] == 0 {
				continue
			}
			k = k[:len(k)-1]
		}
		o = append(o, Field{Key: k, Value: vals[i]})
	}
	return o
}

// statsJSON is print_stats64 of iproute2 6.1, JSON: with -s -s the error
// counters too; optional counters only where not zero.
func (p *Printer) statsJSON(l *rtnl.Link) Object {
	s := l.Stats
	rx := statsFields(nil, "bytes packets errors dropped over_errors multicast compressed?",
		s.RxBytes, s.RxPackets, s.RxErrors, s.RxDropped, s.RxOverErrors, s.Multicast, s.RxCompressed)
	tx := statsFields(nil, "bytes packets errors dropped carrier_errors collisions compressed?",
		s.TxBytes, s.TxPackets, s.TxErrors, s.TxDropped, s.TxCarrierErrors, s.Collisions, s.TxCompressed)
	if p.Stats > 1 {
		rx = statsFields(rx, "length_errors crc_errors frame_errors fifo_errors missed_errors nohandler? otherhost?",
			s.RxLengthErrors, s.RxCRCErrors, s.RxFrameErrors, s.RxFIFOErrors, s.RxMissedErrors, s.RxNoHandler, s.RxOtherhostDropped)
		tx = statsFields(tx, "aborted_errors fifo_errors window_errors heartbeat_errors carrier_changes",
			s.TxAbortedErrors, s.TxFIFOErrors, s.TxWindowErrors, s.TxHeartbeatErrors, uint64(l.CarrierChanges))
	}
	return Object{{Key: "rx", Value: rx}, {Key: "tx", Value: tx}}
}
