package ipfmt

import (
	"io"
	"strconv"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

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

// MarkMasterDown sets flagMasterDown on links whose parent, in this
// namespace, is down.
func MarkMasterDown(links []rtnl.Link, all []rtnl.Link) {
	up := map[int32]bool{}
	for _, l := range all {
		up[l.Index] = l.Flags&unix.IFF_UP != 0
	}
	for i := range links {
		l := &links[i]
		if p := l.ParentIndex; p != 0 && p != l.Index && l.LinkNetNSID < 0 && !up[p] {
			l.Flags |= flagMasterDown
		}
	}
}

// flagNames is ip's list: NO-CARRIER first for a link that is up without
// carrier (IFF_RUNNING is never printed).
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

func operState(s uint8) string {
	if int(s) < len(operStates) {
		return operStates[s]
	}
	return fmt.Sprint(s)
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

func linkMode(m uint8) string {
	if int(m) < len(linkModes) {
		return linkModes[m]
	}
	return fmt.Sprint(m)
}

// hasGroup is whether the link's message had IFLA_GROUP, which ip prints.
func hasGroup(l *rtnl.Link) bool { return l.Set&rtnl.SetGroup != 0 || l.Group != 0 }

// bridgePortStates are BR_STATE_* (linux/if_bridge.h).
var bridgePortStates = []string{"disabled", "listening", "learning", "forwarding", "blocking"}

// Links prints links as ip link does, in the chosen format.
// all are every link of the namespace, for the names of peers and masters.
func (p *Printer) Links(links, all []rtnl.Link) error {
	names := LinkNames(all)
	MarkMasterDown(links, all)
	if p.JSON {
		out := []Object{}
		for i := range links {
			if p.Brief {
				out = append(out, briefJSON(&links[i], names, nil, false))
				continue
			}
			out = append(out, p.LinkJSON(&links[i], names))
		}
		return p.PrintJSON(out)
	}
	for i := range links {
		l := &links[i]
		if p.Brief {
			line := fmt.Sprintf("%-16s %-14s ", l.Name+peerSuffix(l, names), operState(l.OperState))
			if len(l.HardwareAddr) > 0 {
				line += l.HardwareAddr.String() + " "
			}
			io.WriteString(p.W, line+"<"+strings.Join(flagNames(l.Flags), ",")+"> \n")
			continue
		}
		var b strings.Builder
		p.linkText(&b, l, names)
		io.WriteString(p.W, p.oneline(b.String()))
	}
	return nil
}

// peerSuffix is ip's "@peer": the parent's name when it is in this
// namespace, "@ifN" when it is in another one.
func peerSuffix(l *rtnl.Link, names map[int32]string) string {
	switch {
	case l.ParentIndex == 0 || l.ParentIndex == l.Index:
		return ""
	case l.LinkNetNSID >= 0:
		return fmt.Sprintf("@if%d", l.ParentIndex)
	case names[l.ParentIndex] != "":
		return "@" + names[l.ParentIndex]
	}
	return "@NONE"
}

func (p *Printer) linkText(w io.Writer, l *rtnl.Link, names map[int32]string) {
	fmt.Fprintf(w, "%d: %s%s: <%s> mtu %d", l.Index, l.Name, peerSuffix(l, names), strings.Join(flagNames(l.Flags), ","), l.MTU)
	if l.Qdisc != "" {
		fmt.Fprintf(w, " qdisc %s", l.Qdisc)
	}
	if l.Master != 0 {
		fmt.Fprintf(w, " master %s", names[l.Master])
	}
	fmt.Fprintf(w, " state %s", operState(l.OperState))
	if !p.addrs {
		fmt.Fprintf(w, " mode %s", linkMode(l.LinkMode))
	}
	if hasGroup(l) {
		fmt.Fprintf(w, " group %s", p.named(Groups, l.Group))
	}
	if l.TxQLen != 0 {
		fmt.Fprintf(w, " qlen %d", l.TxQLen)
	}
	// ip writes the blank after the type whether an address follows or
	// not: a tun device's line is "link/none ".
	fmt.Fprintf(w, "\n    link/%s ", p.linkType(l.Type))
	if l.HardwareAddr != nil {
		fmt.Fprintf(w, "%s", l.HardwareAddr)
	}
	if l.Broadcast != nil { // IPv6's own link dump has none
		word := " brd "
		if l.Flags&unix.IFF_POINTOPOINT != 0 { // a point-to-point link's "broadcast" is its peer
			word = " peer "
		}
		fmt.Fprintf(w, "%s%s", word, l.Broadcast)
	}
	if l.LinkNetNSID >= 0 {
		if name, ok := p.NetnsNames[l.LinkNetNSID]; ok {
			fmt.Fprintf(w, " link-netns %s", name)
		} else {
			fmt.Fprintf(w, " link-netnsid %d", l.LinkNetNSID)
		}
	}
	if p.Details {
		r := p.newRecord()
		p.details(r, l, names)
		w.Write(r.line)
	}
	fmt.Fprintln(w)
	if l.Alias != "" && (!p.addrs || p.Details) {
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
	cc := uint64(l.CarrierChanges)
	cols := []int{len("*X errors:"), len("packets"), len("errors"), len("dropped"), len("heartbt"), len("overrun"), len("compressed"), len("otherhost")}
	size := func(vals ...uint64) {
		for i, v := range vals {
			if !p.Human { // size_columns: human-readable columns keep their headers' widths
				cols[i] = max(cols[i], len(utoa(v)))
			}
		}
	}
	size(s.RxBytes, s.RxPackets, s.RxErrors, s.RxDropped, s.RxMissedErrors, s.Multicast, s.RxCompressed, 0)
	if more {
		size(0, s.RxLengthErrors, s.RxCRCErrors, s.RxFrameErrors, s.RxFIFOErrors, s.RxOverErrors, s.RxNoHandler, s.RxOtherhostDropped)
	}
	size(s.TxBytes, s.TxPackets, s.TxErrors, s.TxDropped, s.TxCarrierErrors, s.Collisions, s.TxCompressed, 0)
	if more {
		size(0, 0, s.TxAbortedErrors, s.TxFIFOErrors, s.TxWindowErrors, s.TxHeartbeatErrors, cc, 0)
	}
	var sb strings.Builder
	b := &statsWriter{&sb, p.Human, p.IEC}
	pad, num := b.pad, b.num
	header := func(dir string, names []string, compressed uint64) {
		b.WriteString("    " + dir + ": ")
		pad(cols[0]-4, "bytes")
		for i, n := range names {
			b.WriteByte(' ')
			pad(cols[i+1], n)
		}
		b.WriteByte(' ')
		pad(cols[6], when(compressed, "compressed"))
		b.WriteString("\n    ")
	}
	header("RX", []string{"packets", "errors", "dropped", "missed", "mcast"}, s.RxCompressed)
	for i, v := range []uint64{s.RxBytes, s.RxPackets, s.RxErrors, s.RxDropped, s.RxMissedErrors, s.Multicast} {
		num(cols[i], v)
	}
	if s.RxCompressed != 0 {
		num(cols[6], s.RxCompressed)
	}
	if more {
		b.WriteString("\n    RX errors:")
		pad(cols[0]-10, "")
		for i, n := range []string{"length", "crc", "frame", "fifo", "overrun"} {
			b.WriteByte(' ')
			pad(cols[i+1], n)
		}
		if s.RxNoHandler != 0 {
			pad(cols[6]+1, " nohandler")
		}
		if s.RxOtherhostDropped != 0 {
			pad(cols[7]+1, " otherhost")
		}
		b.WriteString("\n")
		pad(cols[0]+5, "")
		for i, v := range []uint64{s.RxLengthErrors, s.RxCRCErrors, s.RxFrameErrors, s.RxFIFOErrors, s.RxOverErrors} {
			num(cols[i+1], v)
		}
		if s.RxNoHandler != 0 {
			num(cols[6], s.RxNoHandler)
		}
		if s.RxOtherhostDropped != 0 {
			num(cols[7], s.RxOtherhostDropped)
		}
	}
	b.WriteString("\n")
	header("TX", []string{"packets", "errors", "dropped", "carrier", "collsns"}, s.TxCompressed)
	for i, v := range []uint64{s.TxBytes, s.TxPackets, s.TxErrors, s.TxDropped, s.TxCarrierErrors, s.Collisions} {
		num(cols[i], v)
	}
	if s.TxCompressed != 0 {
		num(cols[6], s.TxCompressed)
	}
	if more {
		b.WriteString("\n    TX errors:")
		pad(cols[0]-10, "")
		for i, n := range []string{"aborted", "fifo", "window", "heartbt", when(1, "transns")} {
			b.WriteByte(' ')
			pad(cols[i+1], n)
		}
		b.WriteString("\n")
		pad(cols[0]+5, "")
		for i, v := range []uint64{s.TxAbortedErrors, s.TxFIFOErrors, s.TxWindowErrors, s.TxHeartbeatErrors, cc} {
			num(cols[i+1], v)
		}
	}
	b.WriteString("\n")
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
func (b statsWriter) pad(width int, s string) {
	b.WriteString(strings.Repeat(" ", max(0, width-len(s))) + s)
}

// num writes v right-aligned in width, and a blank.
//
//go:noinline
func (b statsWriter) num(width int, v uint64) {
	b.pad(width, humanNum(v, b.human, b.iec))
	b.WriteByte(' ')
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
	if l.ParentIndex != 0 && l.ParentIndex != l.Index {
		if l.LinkNetNSID >= 0 || names[l.ParentIndex] == "" {
			o.Set("link_index", l.ParentIndex)
		} else {
			o.Set("link", names[l.ParentIndex])
		}
	}
	return append(o, Field{"ifname", l.Name})
}

// briefJSON is print_linkinfo_brief in JSON; with addrs (ip -j -br addr)
// the addresses, else (ip -j -br link) the link-layer address and flags.
func briefJSON(l *rtnl.Link, names map[int32]string, addrs []rtnl.Addr, withAddrs bool) Object {
	o := append(nameAndLink(l, names), Field{"operstate", operState(l.OperState)})
	if !withAddrs {
		if len(l.HardwareAddr) > 0 {
			o.Set("address", l.HardwareAddr.String())
		}
		return append(o, Field{"flags", flagNames(l.Flags)})
	}
	info := []Object{}
	for _, a := range addrs {
		info = append(info, Object{{"local", a.Prefix.Addr().String()}, {"prefixlen", a.Prefix.Bits()}})
	}
	return append(o, Field{"addr_info", info})
}

// linkJSON has the keys and value shapes of ip -j link.
func (p *Printer) LinkJSON(l *rtnl.Link, names map[int32]string) Object {
	// ip's print_linkinfo order; its JSON names the parent before the
	// link itself.
	o := append(Object{{"ifindex", l.Index}}, nameAndLink(l, names)...)
	o = append(o, Field{"flags", flagNames(l.Flags)}, Field{"mtu", l.MTU})
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

// statsJSON is print_stats64 of iproute2 6.1, JSON: with -s -s the error
// counters too; optional counters only where not zero.
func (p *Printer) statsJSON(l *rtnl.Link) Object {
	s := l.Stats
	more := p.Stats > 1
	rx := Object{{"bytes", s.RxBytes}, {"packets", s.RxPackets}, {"errors", s.RxErrors}, {"dropped", s.RxDropped},
		{"over_errors", s.RxOverErrors}, {"multicast", s.Multicast}}
	tx := Object{{"bytes", s.TxBytes}, {"packets", s.TxPackets}, {"errors", s.TxErrors}, {"dropped", s.TxDropped},
		{"carrier_errors", s.TxCarrierErrors}, {"collisions", s.Collisions}}
	optional := func(o *Object, key string, v uint64) {
		if v != 0 {
			o.Set(key, v)
		}
	}
	optional(&rx, "compressed", s.RxCompressed)
	if more {
		rx = append(rx, Field{"length_errors", s.RxLengthErrors}, Field{"crc_errors", s.RxCRCErrors},
			Field{"frame_errors", s.RxFrameErrors}, Field{"fifo_errors", s.RxFIFOErrors}, Field{"missed_errors", s.RxMissedErrors})
		optional(&rx, "nohandler", s.RxNoHandler)
		optional(&rx, "otherhost", s.RxOtherhostDropped)
	}
	optional(&tx, "compressed", s.TxCompressed)
	if more {
		tx = append(tx, Field{"aborted_errors", s.TxAbortedErrors}, Field{"fifo_errors", s.TxFIFOErrors},
			Field{"window_errors", s.TxWindowErrors}, Field{"heartbeat_errors", s.TxHeartbeatErrors},
			Field{"carrier_changes", l.CarrierChanges})
	}
	return Object{{"rx", rx}, {"tx", tx}}
}
