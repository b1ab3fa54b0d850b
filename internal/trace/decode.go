package trace

import (
	"encoding/binary"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/names"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nft"
	"github.com/nsnet/nsnet/nl"
)

// header is a struct nlmsghdr.
type header struct {
	len        uint32
	typ, flags uint16
	seq, pid   uint32
}

// msg is one message of a datagram, decoded for a person.
type msg struct {
	off       int // in the datagram
	hdr       header
	typeName  string // RTM_NEWLINK, or "type 99"
	flags     string // REQUEST|ACK|EXCL|CREATE
	fixedName string // the family header: "ifinfomsg"...
	fixed     []field
	attrs     []node
	ctrl      *control // NLMSG_ERROR and NLMSG_DONE
	bad       string   // what is malformed, if anything
}

// control is what an NLMSG_ERROR or NLMSG_DONE says.
type control struct {
	errno   int32
	req     *header // NLMSG_ERROR: the request's header, echoed
	capped  bool    // ... without its payload
	payload []byte  // ... or with it
	tlvOff  int     // offset of the ext-ack attributes in the message
}

// field is one field of a fixed header.
type field struct {
	_           [0]func() // incomparable: no equality function in the binary
	name, value string
	zero        bool
}

// node is one attribute: where it is, its name, its value, what it nests.
type node struct {
	off, length, pad int // offset in the message, nla_len, padding after it
	typ              uint16
	name             string // IFLA_IFNAME, or "" when the headers have none
	prefixLen        int    // of name: the space's ("IFLA_")
	flagBits         string // NLA_F_NESTED, NLA_F_NET_BYTEORDER
	value            string
	vt               valueType
	kids             []node
	bad              string
}

// valueType says what a node's value is: JSON writes numbers bare, and
// text shows strings in quotes.
type valueType uint8

const (
	vText   valueType = iota // an address, names of flags, hex...
	vNumber                  // decimal digits, perhaps signed
	vString                  // the attribute's string, unquoted
	vHex                     // bytes in hex: in brief, only their count
)

// decode splits a datagram of protocol proto into messages and decodes
// each. It never panics: what is malformed is said in bad.
func decode(proto int, b []byte) []msg {
	var out []msg
	for off := 0; off < len(b); {
		m := msg{off: off}
		rest := b[off:]
		if len(rest) < unix.NLMSG_HDRLEN {
			m.bad = itoa(len(rest)) + " bytes left: too few for a message header"
			return append(out, m)
		}
		ne := binary.NativeEndian
		m.hdr = header{ne.Uint32(rest), ne.Uint16(rest[4:]), ne.Uint16(rest[6:]), ne.Uint32(rest[8:]), ne.Uint32(rest[12:])}
		if m.hdr.len < unix.NLMSG_HDRLEN || int(m.hdr.len) > len(rest) {
			m.bad = "nlmsg_len " + itoa(int(m.hdr.len)) + " out of range: " + itoa(len(rest)) + " bytes left"
			m.typeName = typeName(proto, m.hdr.typ)
			return append(out, m)
		}
		m.decodeBody(proto, rest[unix.NLMSG_HDRLEN:m.hdr.len])
		out = append(out, m)
		off += align(int(m.hdr.len))
	}
	return out
}

//go:noinline
func align(n int) int { return (n + 3) &^ 3 }

// typeName names message type t of protocol proto.
func typeName(proto int, t uint16) string {
	var n string
	switch {
	case t < unix.NLMSG_MIN_TYPE:
		n = name(names.Ctrl, int(t))
	case proto == unix.NETLINK_ROUTE:
		n = name(names.RTM, int(t))
	case proto == unix.NETLINK_NETFILTER && t == unix.NFNL_MSG_BATCH_BEGIN:
		n = "NFNL_MSG_BATCH_BEGIN"
	case proto == unix.NETLINK_NETFILTER && t == unix.NFNL_MSG_BATCH_END:
		n = "NFNL_MSG_BATCH_END"
	case proto == unix.NETLINK_NETFILTER && t>>8 == unix.NFNL_SUBSYS_NFTABLES:
		n = name(names.NFT, int(t&0xff))
	}
	if n == "" {
		return "type " + itoa(int(t))
	}
	return n
}

// flagNames names nlmsg_flags as the kernel's headers do. The upper byte
// means what the request asks: NEW (and SET), DEL or GET.
func flagNames(typeName string, f uint16) string {
	op, _ := strings.CutPrefix(typeName, "RTM_")
	op, _ = strings.CutPrefix(op, "NFT_MSG_")
	upper := ""
	switch op[:min(3, len(op))] {
	case "GET":
		upper = "ROOT MATCH ATOMIC"
	case "NEW", "SET":
		upper = "REPLACE EXCL CREATE APPEND"
	case "DEL":
		upper = "NONREC BULK"
	}
	if typeName == "NLMSG_ERROR" || typeName == "NLMSG_DONE" {
		upper = "CAPPED ACK_TLVS"
	}
	s := bitNames("REQUEST MULTI ACK ECHO DUMP_INTR DUMP_FILTERED", uint32(f&0xff), "")
	if up := bitNames(upper, uint32(f>>8), ""); up != "" {
		if s != "" {
			s += "|"
		}
		s += up
	}
	return s
}

// bitNames names the set bits of v from list (bit 0 first, space
// separated, "-" for none), each after prefix; a bit without a name in hex.
func bitNames(list string, v uint32, prefix string) string {
	var out []string
	for bit := 0; v>>bit != 0; bit++ {
		if v&(1<<bit) == 0 {
			continue
		}
		if n, ok := names.Nth(list, bit); ok && n != "-" {
			out = append(out, prefix+n)
		} else {
			out = append(out, "0x"+strconv.FormatUint(1<<bit, 16))
		}
	}
	return strings.Join(out, "|")
}

// Fixed family headers, each field's size in bytes (4 as int32/uint32,
// 2 as uint16, 1 as uint8), in the kernel's layout.
type fixedSpec struct {
	name   string
	fields []struct {
		name string
		size uint8
	}
}

type fs = struct {
	name string
	size uint8
}

var (
	ifinfomsg  = fixedSpec{"ifinfomsg", []fs{{"family", 1}, {"pad", 1}, {"type", 2}, {"index", 4}, {"flags", 4}, {"change", 4}}}
	ifaddrmsg  = fixedSpec{"ifaddrmsg", []fs{{"family", 1}, {"prefixlen", 1}, {"flags", 1}, {"scope", 1}, {"index", 4}}}
	rtmsg      = fixedSpec{"rtmsg", []fs{{"family", 1}, {"dst_len", 1}, {"src_len", 1}, {"tos", 1}, {"table", 1}, {"protocol", 1}, {"scope", 1}, {"type", 1}, {"flags", 4}}}
	fibRuleHdr = fixedSpec{"fib_rule_hdr", []fs{{"family", 1}, {"dst_len", 1}, {"src_len", 1}, {"tos", 1}, {"table", 1}, {"res1", 1}, {"res2", 1}, {"action", 1}, {"flags", 4}}}
	ndmsg      = fixedSpec{"ndmsg", []fs{{"family", 1}, {"pad1", 1}, {"pad2", 2}, {"ifindex", 4}, {"state", 2}, {"flags", 1}, {"type", 1}}}
	rtgenmsg   = fixedSpec{"rtgenmsg", []fs{{"family", 1}, {"pad", 1}, {"pad", 2}}}
	nhmsg      = fixedSpec{"nhmsg", []fs{{"family", 1}, {"scope", 1}, {"protocol", 1}, {"resvd", 1}, {"flags", 4}}}
	nfgenmsg   = fixedSpec{"nfgenmsg", []fs{{"family", 1}, {"version", 1}, {"res_id", 2}}}
)

// size is the header's length, padded as the kernel pads it.
//
//go:noinline
func (f *fixedSpec) size() int {
	n := 0
	for _, x := range f.fields {
		n += int(x.size)
	}
	return align(n)
}

// layout says which fixed header and attribute space a message carries.
func layout(proto int, t uint16) (*fixedSpec, space) {
	if t < unix.NLMSG_MIN_TYPE {
		return nil, spaceNone // NOOP, OVERRUN: nothing after the header
	}
	switch proto {
	case unix.NETLINK_ROUTE:
		switch {
		case t >= unix.RTM_NEWLINK && t <= unix.RTM_SETLINK:
			return &ifinfomsg, names.Link
		case t >= unix.RTM_NEWADDR && t <= unix.RTM_GETADDR:
			return &ifaddrmsg, names.Addr
		case t >= unix.RTM_NEWROUTE && t <= unix.RTM_GETROUTE:
			return &rtmsg, names.Route
		case t >= unix.RTM_NEWNEIGH && t <= unix.RTM_GETNEIGH:
			return &ndmsg, names.Neigh
		case t >= unix.RTM_NEWRULE && t <= unix.RTM_GETRULE:
			return &fibRuleHdr, names.Rule
		case t >= unix.RTM_NEWNEXTHOP && t <= unix.RTM_GETNEXTHOP,
			t >= unix.RTM_NEWNEXTHOPBUCKET && t <= unix.RTM_GETNEXTHOPBUCKET:
			return &nhmsg, names.Nexthop
		case t >= unix.RTM_NEWNSID && t <= unix.RTM_GETNSID:
			return &rtgenmsg, names.NSID
		case t >= unix.RTM_NEWNETCONF && t <= unix.RTM_GETNETCONF:
			return &rtgenmsg, names.Netconf // struct netconfmsg: the family, padded
		}
	case unix.NETLINK_NETFILTER:
		if t == unix.NFNL_MSG_BATCH_BEGIN || t == unix.NFNL_MSG_BATCH_END {
			return &nfgenmsg, names.Batch // res_id: the subsystem the batch is for
		}
		if t>>8 != unix.NFNL_SUBSYS_NFTABLES {
			return &nfgenmsg, spaceNone
		}
		switch t & 0xff {
		case unix.NFT_MSG_NEWTABLE, unix.NFT_MSG_GETTABLE, unix.NFT_MSG_DELTABLE:
			return &nfgenmsg, names.Table
		case unix.NFT_MSG_NEWCHAIN, unix.NFT_MSG_GETCHAIN, unix.NFT_MSG_DELCHAIN:
			return &nfgenmsg, names.Chain
		case unix.NFT_MSG_NEWRULE, unix.NFT_MSG_GETRULE, unix.NFT_MSG_DELRULE, unix.NFT_MSG_GETRULE_RESET:
			return &nfgenmsg, names.RuleNFT
		case unix.NFT_MSG_NEWGEN, unix.NFT_MSG_GETGEN:
			return &nfgenmsg, names.Gen
		}
		return &nfgenmsg, spaceNone
	}
	return nil, spaceNone
}

func (m *msg) decodeBody(proto int, body []byte) {
	m.typeName = typeName(proto, m.hdr.typ)
	m.flags = flagNames(m.typeName, m.hdr.flags)
	if m.hdr.typ == unix.NLMSG_ERROR || m.hdr.typ == unix.NLMSG_DONE {
		m.decodeControl(body)
		return
	}
	f, sp := layout(proto, m.hdr.typ)
	if f == nil {
		if len(body) > 0 {
			m.attrs = []node{{off: unix.NLMSG_HDRLEN, length: len(body), value: hexBytes(body)}}
		}
		return
	}
	if len(body) < f.size() {
		m.bad = f.name + " needs " + itoa(f.size()) + " bytes, the message has " + itoa(len(body))
		return
	}
	m.fixedName, m.fixed = f.name, f.decode(body)
	m.attrs = walk(body[f.size():], unix.NLMSG_HDRLEN+f.size(), sp)
}

// decode reads the fields of a fixed header; body holds at least size().
func (f *fixedSpec) decode(b []byte) []field {
	var out []field
	off := 0
	for _, x := range f.fields {
		var v uint64
		switch x.size {
		case 1:
			v = uint64(b[off])
		case 2:
			v = uint64(binary.NativeEndian.Uint16(b[off:]))
			if f.name == "nfgenmsg" {
				v = uint64(binary.BigEndian.Uint16(b[off:]))
			}
		case 4:
			v = uint64(binary.NativeEndian.Uint32(b[off:]))
		}
		off += int(x.size)
		if x.name == "pad" || x.name == "pad1" || x.name == "pad2" || x.name == "res1" || x.name == "res2" {
			continue
		}
		out = append(out, field{name: x.name, value: fieldValue(f.name, x.name, v), zero: v == 0})
	}
	return out
}

// fieldNames names the values of fixed header fields: bit names (bits)
// or the names of numbers 0, 1, 2... ("-" for none), after prefix.
var fieldNames = []struct {
	header, field string
	bits          bool
	prefix, names string
}{
	{"ifinfomsg", "flags", true, "", iffNames},
	{"ndmsg", "state", true, "NUD_", nudNames},
	{"ndmsg", "flags", true, "NTF_", ntfNames},
	{"ifaddrmsg", "flags", true, "IFA_F_", ifaFlagNames},
	{"rtmsg", "flags", true, "RTM_F_", "- - - - - - - - NOTIFY CLONED EQUALIZE PREFIX LOOKUP_TABLE FIB_MATCH OFFLOAD TRAP"},
	{"rtmsg", "type", false, "RTN_", rtnNames},
	{"rtmsg", "protocol", false, "RTPROT_", "UNSPEC REDIRECT KERNEL BOOT STATIC"},
	{"fib_rule_hdr", "action", false, "FR_ACT_", "UNSPEC TO_TBL GOTO NOP RES3 RES4 BLACKHOLE UNREACHABLE PROHIBIT"},
}

// fieldValue shows a fixed header's field, by name where the headers give
// its numbers names.
func fieldValue(header, field string, v uint64) string {
	switch field {
	case "index", "ifindex":
		return itoa(int(int32(v)))
	case "change":
		return "0x" + strconv.FormatUint(v, 16)
	case "family":
		if header == "nfgenmsg" {
			return enumName("NFPROTO_", "UNSPEC INET IPV4 ARP - NETDEV - BRIDGE - - IPV6", v)
		}
		return enumName("AF_", "UNSPEC UNIX INET - - - - BRIDGE - - INET6 - - - - - NETLINK - - - - - - - - - - - - MPLS", v)
	case "table":
		switch v {
		case unix.RT_TABLE_MAIN:
			return "RT_TABLE_MAIN"
		case unix.RT_TABLE_LOCAL:
			return "RT_TABLE_LOCAL"
		case unix.RT_TABLE_DEFAULT:
			return "RT_TABLE_DEFAULT"
		case unix.RT_TABLE_COMPAT: // the byte's value when RTA_TABLE holds a table above 255
			return "RT_TABLE_COMPAT"
		}
	case "scope":
		switch v {
		case unix.RT_SCOPE_UNIVERSE:
			return "RT_SCOPE_UNIVERSE"
		case unix.RT_SCOPE_LINK:
			return "RT_SCOPE_LINK"
		case unix.RT_SCOPE_HOST:
			return "RT_SCOPE_HOST"
		case unix.RT_SCOPE_SITE:
			return "RT_SCOPE_SITE"
		case unix.RT_SCOPE_NOWHERE:
			return "RT_SCOPE_NOWHERE"
		}
	}
	if header == "fib_rule_hdr" {
		header = "rtmsg" // the same layout, the same numbers
	}
	for _, f := range fieldNames {
		if f.header == header && f.field == field {
			if f.bits {
				return orZero(bitNames(f.names, uint32(v), f.prefix))
			}
			return enumName(f.prefix, f.names, v)
		}
	}
	return strconv.FormatUint(v, 10)
}

// enumName is prefix and the vth name of list, or v's digits.
//
//go:noinline
func enumName(prefix, list string, v uint64) string {
	if n, ok := names.Nth(list, int(v)); ok && n != "-" && v < 64 {
		return prefix + n
	}
	return strconv.FormatUint(v, 10)
}

//go:noinline
func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// nlaTypeMask keeps an attribute's number from nla_type: the top two bits
// are NLA_F_NESTED and NLA_F_NET_BYTEORDER.
const nlaTypeMask = 0x3fff

// Bit names, bit 0 first, from the kernel's uapi headers.
const (
	iffNames     = "UP BROADCAST DEBUG LOOPBACK POINTOPOINT NOTRAILERS RUNNING NOARP PROMISC ALLMULTI MASTER SLAVE MULTICAST PORTSEL AUTOMEDIA DYNAMIC LOWER_UP DORMANT ECHO"
	nudNames     = "INCOMPLETE REACHABLE STALE DELAY PROBE FAILED NOARP PERMANENT"
	ntfNames     = "USE SELF MASTER PROXY EXT_LEARNED OFFLOADED STICKY ROUTER"
	ifaFlagNames = "SECONDARY NODAD OPTIMISTIC DADFAILED HOMEADDRESS DEPRECATED TENTATIVE PERMANENT MANAGETEMPADDR NOPREFIXROUTE MCAUTOJOIN STABLE_PRIVACY"
	nlaFlagNames = "NET_BYTEORDER NESTED" // bits 14 and 15 of nla_type
	rtnNames     = "UNSPEC UNICAST LOCAL BROADCAST ANYCAST MULTICAST BLACKHOLE UNREACHABLE PROHIBIT THROW NAT XRESOLVE"
	operStates   = "UNKNOWN NOTPRESENT DOWN LOWERLAYERDOWN TESTING DORMANT UP"
)

// decodeControl reads an NLMSG_ERROR (errno, the request's header, its
// payload unless capped, then ext-ack attributes if ACK_TLVS) or an
// NLMSG_DONE (the dump's status, then ext-ack attributes).
func (m *msg) decodeControl(body []byte) {
	if len(body) < 4 {
		if m.hdr.typ == unix.NLMSG_ERROR || len(body) != 0 {
			m.bad = "an error code needs 4 bytes, the message has " + itoa(len(body))
		}
		return
	}
	c := &control{errno: int32(binary.NativeEndian.Uint32(body))}
	m.ctrl = c
	rest := body[4:]
	tlv := 4
	if m.hdr.typ == unix.NLMSG_ERROR {
		if len(rest) < unix.NLMSG_HDRLEN {
			m.bad = "the request's header is cut short: " + itoa(len(rest)) + " bytes"
			return
		}
		ne := binary.NativeEndian
		c.req = &header{ne.Uint32(rest), ne.Uint16(rest[4:]), ne.Uint16(rest[6:]), ne.Uint32(rest[8:]), ne.Uint32(rest[12:])}
		c.capped = m.hdr.flags&unix.NLM_F_CAPPED != 0
		tlv += unix.NLMSG_HDRLEN
		if !c.capped && c.req.len > unix.NLMSG_HDRLEN {
			n := int(c.req.len) - unix.NLMSG_HDRLEN
			if n > len(rest)-unix.NLMSG_HDRLEN {
				m.bad = "the echoed request is cut short"
				return
			}
			c.payload = rest[unix.NLMSG_HDRLEN : unix.NLMSG_HDRLEN+n]
			tlv += align(n)
		}
	}
	c.tlvOff = unix.NLMSG_HDRLEN + tlv
	if m.hdr.flags&unix.NLM_F_ACK_TLVS != 0 && tlv <= len(body) {
		m.attrs = walk(body[tlv:], c.tlvOff, names.ExtAck)
	}
}

// walk decodes the attributes in b, which starts at byte base of its
// message, as attributes of space sp.
func walk(b []byte, base int, sp space) []node {
	var out []node
	for off := 0; off < len(b); {
		n := node{off: base + off}
		if len(b)-off < unix.NLA_HDRLEN {
			n.bad = itoa(len(b)-off) + " bytes left: too few for an attribute header"
			return append(out, n)
		}
		l := int(binary.NativeEndian.Uint16(b[off:]))
		raw := binary.NativeEndian.Uint16(b[off+2:])
		n.typ, n.length = raw&nlaTypeMask, l
		n.name = name(sp, int(n.typ))
		if n.name != "" && sp != spAFSpec {
			n.prefixLen = names.PrefixLen(sp)
		} else if n.name != "" {
			n.prefixLen = len("AF_")
		}
		n.flagBits = bitNames(nlaFlagNames, uint32(raw>>14), "NLA_F_")
		if l < unix.NLA_HDRLEN || l > len(b)-off {
			n.bad = "nla_len " + itoa(l) + " out of range: " + itoa(len(b)-off) + " bytes left"
			return append(out, n)
		}
		n.pad = min(align(l), len(b)-off) - l
		n.decodeValue(b[off+unix.NLA_HDRLEN:off+l], b, sp)
		out = append(out, n)
		off += l + n.pad
	}
	return out
}

// decodeValue shows attribute n's value v; siblings are the attributes
// around it (IFLA_INFO_DATA's space is named by IFLA_INFO_KIND).
func (n *node) decodeValue(v, siblings []byte, sp space) {
	inner := n.off + unix.NLA_HDRLEN
	s := spec(sp, n.typ)
	switch s.kind {
	case kNest:
		n.kids = walk(v, inner, s.sub)
	case kKindData:
		n.kids = walk(v, inner, spaceOfKind(siblingString(siblings, unix.IFLA_INFO_KIND)))
	case kSlaveData:
		sub := spaceNone
		if siblingString(siblings, unix.IFLA_INFO_SLAVE_KIND) == "bridge" {
			sub = names.BridgePort
		}
		n.kids = walk(v, inner, sub)
	case kExprData:
		n.kids = walk(v, inner, spaceOfKind(siblingString(siblings, unix.NFTA_EXPR_NAME)))
	case kExpr:
		if x, err := nft.DecodeExpr(v); err == nil && x != nil {
			n.value = "[ " + x.String() + " ]"
		}
		n.kids = walk(v, inner, names.Expr)
	case kVethPeer:
		if len(v) < ifinfomsg.size() {
			n.bad = "ifinfomsg cut short"
			return
		}
		n.value = "ifinfomsg " + fieldsText(ifinfomsg.decode(v))
		n.kids = walk(v[ifinfomsg.size():], inner+ifinfomsg.size(), names.Link)
	case kMultipath:
		n.kids = nexthops(v, inner)
	default:
		n.value, n.vt = value(s.kind, v, sp >= names.Table && sp <= names.Batch) // nftables: network order
	}
}

// nexthops decodes RTA_MULTIPATH: struct rtnexthop (len, flags, hops,
// ifindex), each followed by its own route attributes.
func nexthops(v []byte, base int) []node {
	var out []node
	for off := 0; off < len(v); {
		n := node{off: base + off, name: "rtnexthop"}
		if len(v)-off < unix.SizeofRtNexthop {
			n.bad = "rtnexthop cut short"
			return append(out, n)
		}
		l := int(binary.NativeEndian.Uint16(v[off:]))
		if l < unix.SizeofRtNexthop || l > len(v)-off {
			n.bad = "rtnh_len " + itoa(l) + " out of range"
			return append(out, n)
		}
		n.length = l
		n.value = "ifindex=" + itoa(int(int32(binary.NativeEndian.Uint32(v[off+4:])))) +
			" hops=" + itoa(int(v[off+3])) + " flags=" + orZero(bitNames("DEAD PERVASIVE ONLINK OFFLOAD LINKDOWN UNRESOLVED TRAP", uint32(v[off+2]), ""))
		n.kids = walk(v[off+unix.SizeofRtNexthop:off+l], n.off+unix.SizeofRtNexthop, names.Route)
		out = append(out, n)
		off += align(l)
	}
	return out
}

// siblingString is the string value of the attribute typ in b, if any.
func siblingString(b []byte, typ uint16) string {
	for off := 0; off+unix.NLA_HDRLEN <= len(b); {
		l := int(binary.NativeEndian.Uint16(b[off:]))
		if l < unix.NLA_HDRLEN || l > len(b)-off {
			return ""
		}
		if binary.NativeEndian.Uint16(b[off+2:])&nlaTypeMask == typ {
			return nl.CString(b[off+unix.NLA_HDRLEN : off+l])
		}
		off += align(l)
	}
	return ""
}

// value shows v as k says; big: integers in network order.
func value(k kind, v []byte, big bool) (string, valueType) {
	var order binary.ByteOrder = binary.NativeEndian
	if big || k == kBE16 {
		order = binary.BigEndian
	}
	s := strings.TrimSuffix(string(v), "\x00")
	switch {
	case k == kBytes:
		return hexBytes(v), vHex
	case k == kIP && (len(v) == 4 || len(v) == 16):
		a, _ := netaddr.AddrFromSlice(v)
		return a.String(), vText
	case k == kMAC && len(v) > 0:
		return macString(v), vText
	case k == kI32 && len(v) == 4:
		return itoa(int(int32(order.Uint32(v)))), vNumber
	case k == kIFAFlags && len(v) == 4:
		return orZero(bitNames(ifaFlagNames, order.Uint32(v), "IFA_F_")), vText
	case k == kOperState && len(v) == 1:
		return enumName("IF_OPER_", operStates, uint64(v[0])), vText
	case k == kStr && printable(s), k == kAuto && isString(v):
		return s, vString
	case k == kComment:
		return nft.Comment(v), vString
	case len(v) == 0:
		return "", vText
	}
	switch len(v) {
	case 1:
		return itoa(int(v[0])), vNumber
	case 2:
		return itoa(int(order.Uint16(v))), vNumber
	case 4:
		return strconv.FormatUint(uint64(order.Uint32(v)), 10), vNumber
	case 8:
		return strconv.FormatUint(order.Uint64(v), 10), vNumber
	}
	return hexBytes(v), vHex
}

// isString: what kAuto shows as a string: printable bytes ended by a
// NUL (NLA_NUL_STRING), or printable and of no integer's size (NLA_STRING
// need not end in one: ip sends IFLA_INFO_KIND without).
func isString(v []byte) bool {
	s := string(v)
	if strings.HasSuffix(s, "\x00") {
		return len(s) > 1 && printable(s[:len(s)-1])
	}
	return len(v) != 1 && len(v) != 2 && len(v) != 4 && len(v) != 8 && printable(s)
}

//go:noinline
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

func hexBytes(v []byte) string {
	const most = 32
	var b strings.Builder
	for i, c := range v {
		if i == most {
			put(&b, " … ("+itoa(len(v))+" bytes)")
			break
		}
		if i > 0 {
			put(&b, " ")
		}
		put(&b, strconv.FormatUint(uint64(c)|0x100, 16)[1:])
	}
	return b.String()
}

func macString(v []byte) string {
	var b strings.Builder
	for i, c := range v {
		if i > 0 {
			put(&b, ":")
		}
		put(&b, strconv.FormatUint(uint64(c)|0x100, 16)[1:])
	}
	return b.String()
}

func fieldsText(fs []field) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.name+"="+f.value)
	}
	return strings.Join(parts, " ")
}

// kind says how an attribute's value is shown. Most need no entry in the
// schema: kAuto reads printable bytes as a string (see isString), and
// 1, 2, 4 or 8 bytes as an integer, in the host's order for rtnetlink
// and in network order for nftables, which sends every integer
// big-endian whatever its registers hold.
type kind uint8

const (
	kAuto      kind = iota
	kStr            // a string, NUL-terminated or not
	kBytes          // hex
	kI32            // signed: nsids, netconf values, priorities
	kIP             // 4 or 16 bytes
	kMAC            // 6 bytes as aa:bb:...
	kIndex          // an ifindex
	kBE16           // network order in an rtnetlink message (ports)
	kNest           // attributes of space sub
	kKindData       // IFLA_INFO_DATA: the space of the sibling IFLA_INFO_KIND
	kSlaveData      // IFLA_INFO_SLAVE_DATA: of IFLA_INFO_SLAVE_KIND
	kVethPeer       // VETH_INFO_PEER: an ifinfomsg, then link attributes
	kMultipath      // RTA_MULTIPATH: rtnexthop records
	kExprData       // NFTA_EXPR_DATA: the space of the sibling NFTA_EXPR_NAME
	kExpr           // NFTA_LIST_ELEM of a rule: one expression
	kIFAFlags       // IFA_FLAGS: IFA_F_* names
	kOperState      // IFLA_OPERSTATE
	kComment        // NFTA_RULE_USERDATA: libnftnl's records, the comment shown
)

type attrSpec struct {
	sp   space
	typ  uint16
	kind kind
	sub  space // for kNest
}

// schema lists the attributes that kAuto would show wrongly, by space: one
// array of plain values, not a slice a space (a slice's header is writable
// data the binary carries).
var schema = [...]attrSpec{
	{names.Link, unix.IFLA_IFNAME, kStr, 0}, {names.Link, unix.IFLA_QDISC, kStr, 0}, {names.Link, unix.IFLA_IFALIAS, kStr, 0},
	{names.Link, unix.IFLA_ALT_IFNAME, kStr, 0}, {names.Link, unix.IFLA_ADDRESS, kMAC, 0}, {names.Link, unix.IFLA_BROADCAST, kMAC, 0},
	{names.Link, unix.IFLA_PERM_ADDRESS, kMAC, 0}, {names.Link, unix.IFLA_LINK, kIndex, 0}, {names.Link, unix.IFLA_MASTER, kIndex, 0},
	{names.Link, unix.IFLA_LINKINFO, kNest, names.LinkInfo}, {names.Link, unix.IFLA_AF_SPEC, kNest, spAFSpec}, {names.Link, unix.IFLA_PROP_LIST, kNest, names.Link},
	{names.Link, unix.IFLA_LINK_NETNSID, kI32, 0}, {names.Link, unix.IFLA_NEW_NETNSID, kI32, 0}, {names.Link, unix.IFLA_TARGET_NETNSID, kI32, 0},
	{names.Link, unix.IFLA_NEW_IFINDEX, kI32, 0}, {names.Link, unix.IFLA_STATS, kBytes, 0}, {names.Link, unix.IFLA_STATS64, kBytes, 0},
	{names.Link, unix.IFLA_MAP, kBytes, 0}, {names.Link, unix.IFLA_XDP, kNest, names.XDP}, {names.Link, unix.IFLA_OPERSTATE, kOperState, 0},
	{names.Link, unix.IFLA_PROTO_DOWN_REASON, kNest, names.ProtoDownReason},
	{names.LinkInfo, unix.IFLA_INFO_KIND, kStr, 0}, {names.LinkInfo, unix.IFLA_INFO_SLAVE_KIND, kStr, 0}, {names.LinkInfo, unix.IFLA_INFO_DATA, kKindData, 0},
	{names.LinkInfo, unix.IFLA_INFO_SLAVE_DATA, kSlaveData, 0},
	{names.Bridge, unix.IFLA_BR_GROUP_ADDR, kMAC, 0}, {names.Bridge, unix.IFLA_BR_ROOT_ID, kBytes, 0}, {names.Bridge, unix.IFLA_BR_BRIDGE_ID, kBytes, 0},
	{names.BridgePort, unix.IFLA_BRPORT_ROOT_ID, kBytes, 0}, {names.BridgePort, unix.IFLA_BRPORT_BRIDGE_ID, kBytes, 0},
	{names.Vxlan, unix.IFLA_VXLAN_GROUP, kIP, 0}, {names.Vxlan, unix.IFLA_VXLAN_LOCAL, kIP, 0}, {names.Vxlan, unix.IFLA_VXLAN_GROUP6, kIP, 0},
	{names.Vxlan, unix.IFLA_VXLAN_LOCAL6, kIP, 0}, {names.Vxlan, unix.IFLA_VXLAN_LINK, kIndex, 0}, {names.Vxlan, unix.IFLA_VXLAN_PORT, kBE16, 0},
	{names.Vxlan, unix.IFLA_VXLAN_PORT_RANGE, kBytes, 0}, {names.Vxlan, 33, kBytes, 0}, // IFLA_VXLAN_RESERVED_BITS: the header's bits a packet may set
	{names.Macvlan, unix.IFLA_MACVLAN_MACADDR, kMAC, 0},
	{names.Veth, 1, kVethPeer, 0}, // VETH_INFO_PEER
	{names.Inet, unix.IFLA_INET_CONF, kBytes, 0},
	{names.Inet6, unix.IFLA_INET6_CONF, kBytes, 0}, {names.Inet6, unix.IFLA_INET6_STATS, kBytes, 0}, {names.Inet6, unix.IFLA_INET6_ICMP6STATS, kBytes, 0},
	{names.Inet6, unix.IFLA_INET6_CACHEINFO, kBytes, 0}, {names.Inet6, unix.IFLA_INET6_TOKEN, kIP, 0},
	{names.Addr, unix.IFA_ADDRESS, kIP, 0}, {names.Addr, unix.IFA_LOCAL, kIP, 0}, {names.Addr, unix.IFA_BROADCAST, kIP, 0},
	{names.Addr, unix.IFA_ANYCAST, kIP, 0}, {names.Addr, unix.IFA_MULTICAST, kIP, 0}, {names.Addr, unix.IFA_CACHEINFO, kBytes, 0},
	{names.Addr, unix.IFA_FLAGS, kIFAFlags, 0}, {names.Addr, unix.IFA_LABEL, kStr, 0},
	{names.Route, unix.RTA_DST, kIP, 0}, {names.Route, unix.RTA_SRC, kIP, 0}, {names.Route, unix.RTA_GATEWAY, kIP, 0},
	{names.Route, unix.RTA_PREFSRC, kIP, 0}, {names.Route, unix.RTA_NEWDST, kIP, 0}, {names.Route, unix.RTA_IIF, kIndex, 0},
	{names.Route, unix.RTA_OIF, kIndex, 0}, {names.Route, unix.RTA_METRICS, kNest, names.Metrics}, {names.Route, unix.RTA_MULTIPATH, kMultipath, 0},
	{names.Route, unix.RTA_CACHEINFO, kBytes, 0}, {names.Route, unix.RTA_VIA, kBytes, 0}, {names.Route, unix.RTA_SPORT, kBE16, 0},
	{names.Route, unix.RTA_DPORT, kBE16, 0},
	{names.Metrics, unix.RTAX_CC_ALGO, kStr, 0},
	{names.Neigh, unix.NDA_DST, kIP, 0}, {names.Neigh, unix.NDA_LLADDR, kMAC, 0}, {names.Neigh, unix.NDA_CACHEINFO, kBytes, 0},
	{names.Neigh, unix.NDA_IFINDEX, kIndex, 0}, {names.Neigh, unix.NDA_MASTER, kIndex, 0}, {names.Neigh, unix.NDA_PORT, kBE16, 0},
	{names.Rule, unix.FRA_IIFNAME, kStr, 0}, {names.Rule, unix.FRA_OIFNAME, kStr, 0}, {names.Rule, unix.FRA_DST, kIP, 0},
	{names.Rule, unix.FRA_SRC, kIP, 0}, {names.Rule, unix.FRA_UID_RANGE, kBytes, 0}, {names.Rule, unix.FRA_SPORT_RANGE, kBytes, 0},
	{names.Rule, unix.FRA_DPORT_RANGE, kBytes, 0},
	// NHA_GROUP: struct nexthop_grp records (id, weight-1).
	{names.Nexthop, unix.NHA_GATEWAY, kIP, 0}, {names.Nexthop, unix.NHA_OIF, kIndex, 0}, {names.Nexthop, unix.NHA_MASTER, kIndex, 0},
	{names.Nexthop, unix.NHA_GROUP, kBytes, 0}, {names.Nexthop, 12, kNest, names.ResGroup},
	{names.Nexthop, 13, kNest, names.ResBucket},
	{names.NSID, unix.NETNSA_NSID, kI32, 0}, {names.NSID, unix.NETNSA_TARGET_NSID, kI32, 0}, {names.NSID, unix.NETNSA_CURRENT_NSID, kI32, 0},
	{names.Netconf, 1, kI32, 0}, {names.Netconf, 2, kI32, 0}, {names.Netconf, 3, kI32, 0},
	{names.Netconf, 4, kI32, 0}, {names.Netconf, 5, kI32, 0}, {names.Netconf, 6, kI32, 0},
	{names.Netconf, 7, kI32, 0}, {names.Netconf, 8, kI32, 0},
	{names.ExtAck, unix.NLMSGERR_ATTR_MSG, kStr, 0}, {names.ExtAck, unix.NLMSGERR_ATTR_COOKIE, kBytes, 0}, {names.ExtAck, 4, kNest, spaceNone}, // NLMSGERR_ATTR_POLICY
	{names.Table, unix.NFTA_TABLE_NAME, kStr, 0}, {names.Table, 6, kBytes, 0}, // 6: NFTA_TABLE_USERDATA
	{names.Chain, unix.NFTA_CHAIN_TABLE, kStr, 0}, {names.Chain, unix.NFTA_CHAIN_NAME, kStr, 0}, {names.Chain, unix.NFTA_CHAIN_TYPE, kStr, 0},
	{names.Chain, unix.NFTA_CHAIN_HOOK, kNest, names.Hook}, {names.Chain, unix.NFTA_CHAIN_COUNTERS, kNest, names.Counter},
	{names.Hook, unix.NFTA_HOOK_PRIORITY, kI32, 0}, {names.Hook, unix.NFTA_HOOK_DEV, kStr, 0},
	{names.RuleNFT, unix.NFTA_RULE_TABLE, kStr, 0}, {names.RuleNFT, unix.NFTA_RULE_CHAIN, kStr, 0}, {names.RuleNFT, unix.NFTA_RULE_EXPRESSIONS, kNest, names.List},
	{names.RuleNFT, unix.NFTA_RULE_USERDATA, kComment, 0},
	{names.List, unix.NFTA_LIST_ELEM, kExpr, 0},
	{names.Expr, unix.NFTA_EXPR_NAME, kStr, 0}, {names.Expr, unix.NFTA_EXPR_DATA, kExprData, 0},
	{names.Data, unix.NFTA_DATA_VALUE, kBytes, 0}, {names.Data, unix.NFTA_DATA_VERDICT, kNest, names.Verdict},
	{names.Verdict, unix.NFTA_VERDICT_CODE, kI32, 0}, {names.Verdict, unix.NFTA_VERDICT_CHAIN, kStr, 0},
	{names.Gen, unix.NFTA_GEN_PROC_NAME, kStr, 0},
	{names.Cmp, unix.NFTA_CMP_DATA, kNest, names.Data},
	{names.Immediate, unix.NFTA_IMMEDIATE_DATA, kNest, names.Data},
	{names.Bitwise, unix.NFTA_BITWISE_MASK, kNest, names.Data}, {names.Bitwise, unix.NFTA_BITWISE_XOR, kNest, names.Data},
}

const (
	// spaceNone marks a nest whose attributes nsnet has no names for.
	spaceNone space = 0xff
	// spAFSpec is IFLA_AF_SPEC's nest: one nest per address family,
	// numbered by it.
	spAFSpec space = 0xfe
)

// kindSpaces: the space of IFLA_INFO_DATA by IFLA_INFO_KIND, and of
// NFTA_EXPR_DATA by NFTA_EXPR_NAME, the kinds named in kindNames' order.
// (A table of names as strings would be writable data: their headers.)
var kindSpaces = [...]space{
	names.Bridge, names.Vxlan, names.Macvlan, names.Macvlan, names.Veth,
	names.Payload, names.Cmp, names.Immediate, names.Meta, names.Ct, names.Nat, names.Masq, names.Redir, names.Bitwise, names.Fib, names.Counter, names.Lookup,
}

const kindNames = "bridge vxlan macvlan macvtap veth " +
	"payload cmp immediate meta ct nat masq redir bitwise fib counter lookup"

func spaceOfKind(name string) space {
	for i, sp := range kindSpaces {
		if w, _ := names.Nth(kindNames, i); w == name {
			return sp
		}
	}
	return spaceNone
}

// spec is what the schema says of attribute typ in space sp.
func spec(sp space, typ uint16) attrSpec {
	if sp == spAFSpec {
		switch typ {
		case unix.AF_INET:
			return attrSpec{sp, typ, kNest, names.Inet}
		case unix.AF_INET6:
			return attrSpec{sp, typ, kNest, names.Inet6}
		}
		return attrSpec{sp, typ, kNest, spaceNone}
	}
	for _, a := range schema {
		if a.sp == sp && a.typ == typ {
			return a
		}
	}
	return attrSpec{sp: sp, typ: typ}
}

// name is the constant's name for number n in space sp, or "" when the
// headers x/sys was generated from had none.
//
//go:noinline
func name(sp space, n int) string {
	if sp == spAFSpec {
		switch n {
		case unix.AF_INET:
			return "AF_INET"
		case unix.AF_INET6:
			return "AF_INET6"
		}
	}
	return names.Name(sp, n)
}
