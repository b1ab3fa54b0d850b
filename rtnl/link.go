package rtnl

import (
	"encoding/binary"
	"errors"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
)

// Link is a network interface: struct ifinfomsg and its IFLA_* attributes.
// In a request, a zero field is an attribute left out, except where Set
// says to send it: `txqueuelen 0` and `alias ""` are values a user asks
// for, and `mtu 0` must reach the kernel's own check.
type Link struct {
	Index  int32  // ifi_index
	Type   uint16 // ifi_type: ARPHRD_*
	Flags  uint32 // ifi_flags: IFF_*
	Change uint32 // ifi_change: which Flags bits a request changes

	Name           string       // IFLA_IFNAME
	MTU            uint32       // IFLA_MTU
	TxQLen         uint32       // IFLA_TXQLEN
	HardwareAddr   HardwareAddr // IFLA_ADDRESS
	Broadcast      HardwareAddr // IFLA_BROADCAST
	Master         int32        // IFLA_MASTER: the bridge this link is a port of
	NoMaster       bool         // request only: send IFLA_MASTER 0 (`nomaster`)
	ParentIndex    int32        // IFLA_LINK: a veth's peer, a macvlan's lower device
	LinkNetNSID    int32        // IFLA_LINK_NETNSID: where ParentIndex lives; -1 when here
	OperState      uint8        // IFLA_OPERSTATE: IF_OPER_*
	LinkMode       uint8        // IFLA_LINKMODE
	Group          uint32       // IFLA_GROUP
	Alias          string       // IFLA_IFALIAS
	Qdisc          string       // IFLA_QDISC
	Promiscuity    uint32       // IFLA_PROMISCUITY
	CarrierChanges uint32       // IFLA_CARRIER_CHANGES
	Stats          *LinkStats   // IFLA_STATS64
	Info           LinkInfo     // IFLA_LINKINFO: kind and kind-specific data
	SlaveKind      string       // IFLA_INFO_SLAVE_KIND: "bridge" for a bridge port
	Port           *BridgePort  // IFLA_INFO_SLAVE_DATA of a bridge port; in a request, its Settings
	NetNS          *ns.Handle   // request only: move the link there (IFLA_NET_NS_FD); nil: stay
	NumTxQueues    uint32       // request only, on creation: IFLA_NUM_TX_QUEUES; 0: the kernel's default
	NumRxQueues    uint32       // request only, on creation: IFLA_NUM_RX_QUEUES; 0: the kernel's default
	GSOMaxSize     uint32       // IFLA_GSO_MAX_SIZE: the largest packet the stack hands the driver to segment
	GSOMaxSegs     uint32       // IFLA_GSO_MAX_SEGS: the most segments in one such packet
	GROMaxSize     uint32       // IFLA_GRO_MAX_SIZE: the largest packet GRO builds from those received
	ProtoDown      bool         // IFLA_PROTO_DOWN: held down by a control protocol (send with SetProtoDown)
	// IFLA_PROTO_DOWN_REASON: the reasons (bits 0..31, named by
	// /etc/iproute2/protodown_reasons.d) a link is held down for; in a
	// request, the bits in ProtoDownReasonChange are set to these.
	ProtoDownReason       uint32
	ProtoDownReasonChange uint32
	Set                   LinkFields // request: fields sent even when zero; decoded: those that came, of SetGroup, SetTxQLen, SetProtoDown

	// Attrs are the message's IFLA_* attributes as the kernel sent them
	// (decoded only, a copy): what the fields above leave out, such as
	// the queue counts, GSO limits and every setting of a kind that ip -d
	// prints. nl.Index looks them up by type.
	Attrs []byte
}

// LinkFields names the Link fields whose zero value can be asked for.
type LinkFields uint16

// The fields of LinkFields.
const (
	SetMTU        LinkFields = 1 << 0 // IFLA_MTU
	SetTxQLen     LinkFields = 1 << 1 // IFLA_TXQLEN
	SetAlias      LinkFields = 1 << 2 // IFLA_IFALIAS ("" removes the alias)
	SetGroup      LinkFields = 1 << 3 // IFLA_GROUP
	SetGSOMaxSize LinkFields = 1 << 4 // IFLA_GSO_MAX_SIZE
	SetGSOMaxSegs LinkFields = 1 << 5 // IFLA_GSO_MAX_SEGS
	SetGROMaxSize LinkFields = 1 << 6 // IFLA_GRO_MAX_SIZE
	SetProtoDown  LinkFields = 1 << 7 // IFLA_PROTO_DOWN (false clears it)
)

// Kind is the link's kind ("veth", "bridge"), or "" for a physical device
// or loopback.
//
//go:noinline
func (l *Link) Kind() string {
	if l.Info == nil {
		return ""
	}
	return l.Info.Kind()
}

// ifinfomsg encodes struct ifinfomsg: family, pad, type, index, flags,
// change, in host byte order.
func ifinfomsg(l *Link) []byte {
	b := make([]byte, 4, unix.SizeofIfInfomsg)
	binary.NativeEndian.PutUint16(b[2:], l.Type)
	b = binary.NativeEndian.AppendUint32(b, uint32(l.Index))
	b = binary.NativeEndian.AppendUint32(b, l.Flags)
	return binary.NativeEndian.AppendUint32(b, l.Change)
}

// encodeLink builds the payload of an RTM_NEWLINK/RTM_SETLINK request.
func encodeLink(l *Link) ([]byte, error) {
	if l.Name != "" {
		if err := ValidLinkName(l.Name); err != nil {
			return nil, err
		}
	}
	e := nl.NewEncoder(ifinfomsg(l))
	if l.Name != "" {
		e.String(unix.IFLA_IFNAME, l.Name)
	}
	// The 32-bit settings: each sent when not zero, or when asked for.
	for _, u := range [...]struct {
		attr uint16
		v    uint32
		set  LinkFields
	}{
		{unix.IFLA_MTU, l.MTU, SetMTU}, {unix.IFLA_TXQLEN, l.TxQLen, SetTxQLen},
		{unix.IFLA_GROUP, l.Group, SetGroup}, {unix.IFLA_NUM_TX_QUEUES, l.NumTxQueues, 0},
		{unix.IFLA_NUM_RX_QUEUES, l.NumRxQueues, 0}, {unix.IFLA_GSO_MAX_SIZE, l.GSOMaxSize, SetGSOMaxSize},
		{unix.IFLA_GSO_MAX_SEGS, l.GSOMaxSegs, SetGSOMaxSegs}, {unix.IFLA_GRO_MAX_SIZE, l.GROMaxSize, SetGROMaxSize},
	} {
		if u.v != 0 || l.Set&u.set != 0 {
			e.Uint32(u.attr, u.v)
		}
	}
	if l.ProtoDown {
		e.Uint8(unix.IFLA_PROTO_DOWN, 1)
	} else if l.Set&SetProtoDown != 0 {
		e.Uint8(unix.IFLA_PROTO_DOWN, 0)
	}
	// The kernel applies the reasons first, and refuses to clear
	// protodown while any is left.
	if l.ProtoDownReasonChange != 0 {
		e.Nest(unix.IFLA_PROTO_DOWN_REASON | unix.NLA_F_NESTED) // as ip sends it
		e.Uint32(unix.IFLA_PROTO_DOWN_REASON_MASK, l.ProtoDownReasonChange)
		e.Uint32(unix.IFLA_PROTO_DOWN_REASON_VALUE, l.ProtoDownReason&l.ProtoDownReasonChange)
		e.End()
	}
	if l.HardwareAddr != nil {
		e.Bytes(unix.IFLA_ADDRESS, l.HardwareAddr)
	}
	if l.Master != 0 || l.NoMaster {
		e.Uint32(unix.IFLA_MASTER, uint32(l.Master))
	}
	if l.ParentIndex != 0 {
		e.Uint32(unix.IFLA_LINK, uint32(l.ParentIndex))
	}
	if l.Alias != "" || l.Set&SetAlias != 0 {
		// Without a NUL, as ip sends it: an empty one deletes the alias.
		e.Bytes(unix.IFLA_IFALIAS, []byte(l.Alias))
	}
	encodeNetNS(e, l.NetNS)
	if l.Info != nil || l.Port != nil && len(l.Port.Settings) > 0 {
		e.Nest(unix.IFLA_LINKINFO)
		// ip sends kinds without their NUL; the kernel accepts both.
		if l.Info != nil {
			e.Bytes(unix.IFLA_INFO_KIND, []byte(l.Info.Kind()))
			if err := l.Info.encode(e); err != nil {
				return nil, err
			}
		}
		// A port's settings, under its master's kind as ip sends them:
		// the kernel reads them by the master the link has.
		if l.Port != nil && len(l.Port.Settings) > 0 {
			e.Bytes(unix.IFLA_INFO_SLAVE_KIND, []byte("bridge"))
			if err := l.Port.encode(e); err != nil {
				return nil, err
			}
		}
		e.End()
	}
	return e.Encode()
}

// DecodeLink decodes the payload of an RTM_NEWLINK message.
func DecodeLink(b []byte) (*Link, error) {
	if len(b) < unix.SizeofIfInfomsg {
		return nil, fmt.Errorf("rtnl: link message of %d bytes, want at least %d", len(b), unix.SizeofIfInfomsg)
	}
	l := &Link{
		Type:        binary.NativeEndian.Uint16(b[2:4]),
		Index:       int32(binary.NativeEndian.Uint32(b[4:8])),
		Flags:       binary.NativeEndian.Uint32(b[8:12]),
		Change:      binary.NativeEndian.Uint32(b[12:16]),
		LinkNetNSID: -1,
		Attrs:       append([]byte(nil), b[unix.SizeofIfInfomsg:]...),
	}
	d := nl.NewDecoder(l.Attrs)
	for d.Next() {
		switch d.Type() {
		case unix.IFLA_IFNAME:
			l.Name = d.String()
		case unix.IFLA_MTU:
			l.MTU = d.Uint32()
		case unix.IFLA_TXQLEN:
			l.Set |= SetTxQLen
			l.TxQLen = d.Uint32()
		case unix.IFLA_ADDRESS:
			l.HardwareAddr = HardwareAddr(append([]byte(nil), d.Bytes()...))
		case unix.IFLA_BROADCAST:
			l.Broadcast = HardwareAddr(append([]byte(nil), d.Bytes()...))
		case unix.IFLA_MASTER:
			l.Master = d.Int32()
		case unix.IFLA_LINK:
			l.ParentIndex = d.Int32()
		case unix.IFLA_LINK_NETNSID:
			l.LinkNetNSID = d.Int32()
		case unix.IFLA_OPERSTATE:
			l.OperState = d.Uint8()
		case unix.IFLA_LINKMODE:
			l.LinkMode = d.Uint8()
		case unix.IFLA_GROUP:
			l.Group = d.Uint32()
			l.Set |= SetGroup // the message has one: a family's own dump may not
		case unix.IFLA_IFALIAS:
			l.Alias = d.String()
		case unix.IFLA_QDISC:
			l.Qdisc = d.String()
		case unix.IFLA_PROMISCUITY:
			l.Promiscuity = d.Uint32()
		case unix.IFLA_CARRIER_CHANGES:
			l.CarrierChanges = d.Uint32()
		case unix.IFLA_GSO_MAX_SIZE:
			l.GSOMaxSize = d.Uint32()
		case unix.IFLA_GSO_MAX_SEGS:
			l.GSOMaxSegs = d.Uint32()
		case unix.IFLA_GRO_MAX_SIZE:
			l.GROMaxSize = d.Uint32()
		case unix.IFLA_PROTO_DOWN:
			l.ProtoDown, l.Set = d.Uint8() != 0, l.Set|SetProtoDown
		case unix.IFLA_PROTO_DOWN_REASON:
			d.Nested(func(nd *nl.Decoder) error {
				for nd.Next() {
					if nd.Type() == unix.IFLA_PROTO_DOWN_REASON_VALUE {
						l.ProtoDownReason = nd.Uint32()
					}
				}
				return nil
			})
		case unix.IFLA_STATS64:
			l.Stats = decodeStats64(d)
		case unix.IFLA_LINKINFO:
			d.Nested(func(nd *nl.Decoder) error { return decodeLinkInfo(nd, l) })
		}
	}
	return l, d.Err()
}

// linkRequest sends one link request and wraps a refusal with what was done.
func (c *Conn) linkRequest(typ, flags uint16, l *Link, op, object string) error {
	b, err := encodeLink(l)
	if err == nil {
		_, err = c.nl.Execute(nl.Message{Header: nl.Header{Type: typ, Flags: flags}, Data: b})
	}
	if err != nil {
		return &OpError{Op: op, Object: object, Err: err, Hint: linkHint(flags, l, err)}
	}
	return nil
}

// kindModules are the modules of the kinds whose module is not named
// after the kind (KIND:MODULE), for the hint when a kernel lacks one.
const kindModules = " vlan:8021q bond:bonding gre:ip_gre gretap:ip_gre erspan:ip_gre ip6gre:ip6_gre ip6gretap:ip6_gre ip6tnl:ip6_tunnel vti:ip_vti vti6:ip6_vti"

// linkHint explains the errors whose cause the request tells.
func linkHint(flags uint16, l *Link, err error) string {
	// A request naming a group and no link is LinkDelGroup's: the kernel
	// refuses it whole when one link of the group cannot go.
	if l.Index == 0 && l.Name == "" && l.Set&SetGroup != 0 && (errors.Is(err, unix.EPERM) || errors.Is(err, unix.EOPNOTSUPP)) {
		return "or a link of the group cannot be deleted, such as lo or a physical device"
	}
	if !errors.Is(err, unix.EOPNOTSUPP) {
		return ""
	}
	switch {
	case flags&unix.NLM_F_CREATE != 0 && l.Info != nil:
		k := l.Info.Kind()
		mod := k
		if _, rest, ok := strings.Cut(kindModules, " "+k+":"); ok {
			mod, _, _ = strings.Cut(rest, " ")
		}
		return fmt.Sprintf("this kernel has no %s links: module %s is not loaded, or not built", k, mod)
	case l.Master != 0:
		return "only a bridge, bond, team or vrf can be a master"
	case l.Port != nil && len(l.Port.Settings) > 0:
		return "bridge port settings need the link to be a bridge's port: set its master first"
	}
	return ""
}

func linkName(l *Link) string {
	if l.Name != "" {
		return fmt.Sprintf("%q", l.Name)
	}
	return fmt.Sprintf("index %d", l.Index)
}

// LinkAdd creates a link and returns it as the kernel made it (its index
// above all): `ip link add NAME type KIND ...`. Kernels from 6.2 echo the
// new link (NLM_F_ECHO); before, it is looked up by name. A link added
// without a name (the kernel picks "veth0"), or into another namespace
// (NetNS), is returned as nil when no echo came.
func (c *Conn) LinkAdd(l *Link) (*Link, error) {
	b, err := encodeLink(l)
	var msgs []nl.Message
	if err == nil {
		msgs, err = c.nl.Execute(nl.Message{Header: nl.Header{Type: unix.RTM_NEWLINK, Flags: unix.NLM_F_CREATE | unix.NLM_F_EXCL | unix.NLM_F_ECHO}, Data: b})
	}
	if err != nil {
		return nil, &OpError{Op: "add link", Object: linkName(l), Err: err, Hint: linkHint(unix.NLM_F_CREATE, l, err)}
	}
	for _, m := range msgs {
		if m.Header.Type == unix.RTM_NEWLINK {
			return DecodeLink(m.Data)
		}
	}
	if l.Name == "" || l.NetNS != nil {
		return nil, nil
	}
	return c.LinkByName(l.Name)
}

// LinkSet changes the link l.Index to what l says, in one request:
// `ip link set DEV ...`. Zero fields are left as they are; Flags change
// only in the bits set in Change.
func (c *Conn) LinkSet(l *Link) error {
	return c.linkRequest(unix.RTM_NEWLINK, 0, l, "set link", fmt.Sprintf("index %d", l.Index))
}

// LinkSetUp is `ip link set DEV up`.
func (c *Conn) LinkSetUp(index int32) error {
	l := &Link{Index: index}
	l.SetUp(true)
	return c.LinkSet(l)
}

// LinkSetDown is `ip link set DEV down`.
func (c *Conn) LinkSetDown(index int32) error {
	l := &Link{Index: index}
	l.SetUp(false)
	return c.LinkSet(l)
}

// SetUp makes a request bring the link up or down (IFF_UP, and the same
// bit in ifi_change so that no other flag changes).
func (l *Link) SetUp(up bool) { l.SetFlag(unix.IFF_UP, up) }

// SetFlag makes a request set (on) or clear the IFF_* flag bit, and no
// other: ifi_change names the bits ifi_flags carries.
func (l *Link) SetFlag(bit uint32, on bool) {
	l.Change |= bit
	if on {
		l.Flags |= bit
	} else {
		l.Flags &^= bit
	}
}

// IsUp reports whether the link is administratively up (IFF_UP).
func (l *Link) IsUp() bool { return l.Flags&unix.IFF_UP != 0 }

// LinkDel deletes a link: `ip link del DEV`. Deleting one end of a veth
// pair deletes both.
func (c *Conn) LinkDel(index int32) error {
	return c.linkRequest(unix.RTM_DELLINK, 0, &Link{Index: index}, "delete link", fmt.Sprintf("index %d", index))
}

// LinkDelGroup deletes every link of a group: `ip link del group G`.
// The kernel deletes them all or, when one of them cannot be deleted (a
// physical device, lo), none.
func (c *Conn) LinkDelGroup(group uint32) error {
	return c.linkRequest(unix.RTM_DELLINK, 0, &Link{Group: group, Set: SetGroup}, "delete links", fmt.Sprintf("of group %d", group))
}

// linkGetRequest is RTM_GETLINK for the link or links l describes.
// IFLA_EXT_MASK RTEXT_FILTER_VF is what ip sends: with it the kernel
// reports the number of virtual functions but not each one's details,
// which can make one link's message huge.
func linkGetRequest(l *Link, extMask uint32) nl.Message {
	e := nl.NewEncoder(ifinfomsg(l))
	e.Uint32(unix.IFLA_EXT_MASK, extMask)
	if l.Name != "" {
		e.String(unix.IFLA_IFNAME, l.Name)
	}
	if l.Master != 0 {
		e.Uint32(unix.IFLA_MASTER, uint32(l.Master))
	}
	if l.Info != nil {
		e.Nest(unix.IFLA_LINKINFO)
		e.Bytes(unix.IFLA_INFO_KIND, []byte(l.Info.Kind()))
		e.End()
	}
	b, _ := e.Encode() // only fixed-size attributes and a name: cannot fail
	return nl.Message{Header: nl.Header{Type: unix.RTM_GETLINK}, Data: b}
}

const (
	rtextFilterVF        = 1 << 0 // RTEXT_FILTER_VF, linux/rtnetlink.h
	rtextFilterSkipStats = 1 << 3 // RTEXT_FILTER_SKIP_STATS
)

// ErrNoLink is what LinkByName and LinkByIndex return for a missing link;
// it matches unix.ENODEV.
var ErrNoLink = unix.ENODEV

// LinkByName returns the link called name: `ip link show NAME`.
func (c *Conn) LinkByName(name string) (*Link, error) {
	return c.linkGet(&Link{Name: name}, fmt.Sprintf("%q", name))
}

// LinkIndex returns the ifindex of the link called name: what
// if_nametoindex(3) answers. It asks the kernel to leave statistics out
// (RTEXT_FILTER_SKIP_STATS, as ip does before changing a link), which
// makes the lookup much cheaper for the kernel.
func (c *Conn) LinkIndex(name string) (int32, error) {
	m, err := c.nl.Get(linkGetRequest(&Link{Name: name}, rtextFilterVF|rtextFilterSkipStats))
	if errors.Is(err, unix.ENODEV) {
		return 0, fmt.Errorf("rtnl: link %q: %w", name, ErrNoLink)
	}
	if err != nil {
		return 0, fmt.Errorf("rtnl: get link %q: %w", name, err)
	}
	if len(m.Data) < unix.SizeofIfInfomsg {
		return 0, fmt.Errorf("rtnl: get link %q: short reply", name)
	}
	return int32(binary.NativeEndian.Uint32(m.Data[4:8])), nil
}

// LinkByIndex returns the link with ifindex index.
func (c *Conn) LinkByIndex(index int32) (*Link, error) {
	return c.linkGet(&Link{Index: index}, fmt.Sprintf("index %d", index))
}

func (c *Conn) linkGet(l *Link, what string) (*Link, error) {
	m, err := c.nl.Get(linkGetRequest(l, rtextFilterVF))
	if errors.Is(err, unix.ENODEV) {
		return nil, fmt.Errorf("rtnl: link %s: %w", what, ErrNoLink)
	}
	if err != nil {
		return nil, fmt.Errorf("rtnl: get link %s: %w", what, err)
	}
	if m.Header.Type != unix.RTM_NEWLINK {
		return nil, fmt.Errorf("rtnl: get link %s: reply of type %d", what, m.Header.Type)
	}
	return DecodeLink(m.Data)
}
