package rtnl

import (
	"encoding/binary"
	"errors"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Route is a routing table entry: struct rtmsg and its RTA_* attributes.
type Route struct {
	Family   uint8          // rtm_family: AF_INET or AF_INET6 (set from Dst or Gateway if zero)
	Dst      netaddr.Prefix // RTA_DST and rtm_dst_len; the zero Prefix is the default route
	Src      netaddr.Prefix // RTA_SRC and rtm_src_len (decoded only): source routing, IPv6
	Gateway  netaddr.Addr   // RTA_GATEWAY
	OIF      int32          // RTA_OIF: output link
	IIF      int32          // RTA_IIF (decoded only): the input link of a route get with iif
	Mark     uint32         // RTA_MARK (decoded only): the firewall mark of a route get with mark
	PrefSrc  netaddr.Addr   // RTA_PREFSRC: `src`
	Priority uint32         // RTA_PRIORITY: `metric`
	Table    uint32         // rtm_table, or RTA_TABLE above 255: RT_TABLE_MAIN is 254
	Protocol uint8          // rtm_protocol: RTPROT_*
	Scope    uint8          // rtm_scope: RT_SCOPE_*
	Type     uint8          // rtm_type: RTN_UNICAST, RTN_LOCAL...
	TOS      uint8          // rtm_tos: the TOS byte (DS field) of the packets the route is for (IPv4); 0: any
	Flags    uint32         // rtm_flags: RTNH_F_ONLINK...
	Nexthops []Nexthop      // RTA_MULTIPATH
	Pref     *uint8         // RTA_PREF: IPv6 router preference (ICMPV6_ROUTER_PREF_*), when sent (`pref high`)
	UID      *uint32        // RTA_UID: the user a route get was asked for, when sent
	Metrics  []Metric       // RTA_METRICS: per-route TCP and path settings (`mtu 1400`)
	Locked   uint32         // RTAX_LOCK: bit RTAX_* set: that metric is not to be learned (`mtu lock 1400`)
	CongCtl  string         // RTAX_CC_ALGO in RTA_METRICS: the TCP congestion control (`congctl reno`)
	Realms   uint32         // RTA_FLOW (IPv4): from<<16 | to, the realms a route classifies traffic into (`realms 1/2`)
	NHID     uint32         // RTA_NH_ID: the nexthop object (`ip nexthop`) the route goes by, in place of a gateway
	Cache    RouteCache     // RTA_CACHEINFO (decoded only): the route's life and use; zero when not sent
	Expires  uint32         // RTA_EXPIRES (request only): seconds the route lives, IPv6 (`expires 60`); a dump tells Cache.Expires
	MFC      *MFCStats      // RTA_MFC_STATS and RTA_EXPIRES of a multicast route (decoded only), when sent
	Set      RouteFields    // request only: fields sent as given even when zero
}

// RouteCache is what struct rta_cacheinfo still carries: the kernel sends
// it for IPv6 routes and cached IPv4 ones, times in hundredths of a
// second (USER_HZ). Its ipid and timestamps have been 0 since Linux 3.6.
type RouteCache struct {
	Users   uint32 // rta_clntref: references held
	LastUse uint32 // since the route was last used
	Expires int32  // until the route goes (an advertisement gave it a lifetime); 0: never
	Error   uint32 // the errno a route of an error type returns
	Used    uint32 // times used
}

// The families of multicast routes (RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR):
// the kernel's multicast forwarding caches, which a multicast routing
// daemon fills through its mroute socket (MRT_ADD_MFC), reported as
// routes (`ip mroute`). Src is the source (0.0.0.0 for any), Dst the
// group, IIF the link packets must come in by, and each of Nexthops a
// link they go out of, its Weight-1 the TTL a packet needs to be sent
// there (rtnh_hops); Flags has RTNH_F_UNRESOLVED while the kernel waits
// for the daemon to resolve the entry.
const (
	FamilyIPMR  = 128
	FamilyIP6MR = 129
)

// MFCStats is what the kernel counts of a multicast route.
type MFCStats struct {
	Packets, Bytes uint64
	WrongIf        uint64 // packets that came in by another link than the route's
	LastUse        uint64 // hundredths of a second since a packet used the route (its RTA_EXPIRES)
}

// rtaNHID is RTA_NH_ID (linux/rtnetlink.h, 5.3), which x/sys lacks.
const rtaNHID = 30

// Metric is one RTAX_* value of a route, in the order given.
type Metric struct {
	Type  uint16 // RTAX_MTU, RTAX_ADVMSS...
	Value uint32
}

// RouteFields names the Route fields whose zero value can be asked for.
type RouteFields uint8

// SetScope sends Scope as given: RT_SCOPE_UNIVERSE (0) asked for, not
// left to the default.
const SetScope RouteFields = 1 << 0

// Onlink is the RTNH_F_ONLINK flag (Route.Flags, Nexthop.Flags): the
// gateway is on the link even if no prefix there says so.
const Onlink = unix.RTNH_F_ONLINK

// routeDefaults is r with what ip fills in where r leaves it out, so that
// a route needs no more than ip needs: `RouteAdd(&Route{Dst: d, Gateway:
// g})` is `ip route add D via G`. For a new route: table main (local for
// local, broadcast, nat and anycast types), protocol boot, type unicast,
// and a scope by type: host for local and nat, link for broadcast,
// multicast, anycast and for an IPv4 unicast route without a gateway,
// universe otherwise. For a deletion: table main, and scope nowhere
// (any) for unicast routes, so that the first route that matches goes.
func routeDefaults(r *Route, del bool) *Route {
	q := *r
	q.applyDefaults(del)
	return &q
}

// applyDefaults is routeDefaults in place.
func (q *Route) applyDefaults(del bool) {
	if q.Table == 0 {
		q.Table = unix.RT_TABLE_MAIN
		switch q.Type {
		case unix.RTN_LOCAL, unix.RTN_BROADCAST, unix.RTN_NAT, unix.RTN_ANYCAST:
			q.Table = unix.RT_TABLE_LOCAL
		}
	}
	if !del {
		if q.Protocol == 0 {
			q.Protocol = unix.RTPROT_BOOT
		}
		if q.Type == 0 {
			q.Type = unix.RTN_UNICAST
		}
	}
	if q.Scope != 0 || q.Set&SetScope != 0 {
		return
	}
	switch q.Type {
	case unix.RTN_LOCAL, unix.RTN_NAT:
		q.Scope = unix.RT_SCOPE_HOST
	case unix.RTN_BROADCAST, unix.RTN_MULTICAST, unix.RTN_ANYCAST:
		q.Scope = unix.RT_SCOPE_LINK
	case unix.RTN_UNICAST, 0:
		switch {
		case del:
			q.Scope = unix.RT_SCOPE_NOWHERE
		case q.AddressFamily() == unix.AF_INET6:
		case !q.Gateway.IsValid() && len(q.Nexthops) == 0 && q.NHID == 0:
			q.Scope = unix.RT_SCOPE_LINK
		}
	}
}

// Nexthop is one path of a multipath route (struct rtnexthop).
type Nexthop struct {
	Gateway netaddr.Addr // RTA_GATEWAY inside the rtnexthop
	OIF     int32        // rtnh_ifindex
	Weight  int          // rtnh_hops+1
	Flags   uint8        // rtnh_flags
	Realms  uint32       // RTA_FLOW inside the rtnexthop, as Route.Realms
}

// AddressFamily is Family, or the family of Dst, Gateway or the first
// nexthop when Family is zero; AF_INET when nothing says.
func (r *Route) AddressFamily() uint8 {
	switch {
	case r.Family != 0:
		return r.Family
	case r.Dst.IsValid():
		return family(r.Dst.Addr())
	case r.Gateway.IsValid():
		return family(r.Gateway)
	case len(r.Nexthops) > 0:
		return family(r.Nexthops[0].Gateway)
	}
	return unix.AF_INET
}

func rtmsg(r *Route) []byte {
	table := r.Table
	if table > 255 {
		table = unix.RT_TABLE_UNSPEC // the real number goes in RTA_TABLE, as ip does
	}
	dstLen := uint8(r.Dst.Bits())
	if !r.Dst.IsValid() {
		dstLen = 0
	}
	// Room for the usual attributes too (destination, gateway, table,
	// metric, output link): one allocation per route of a batch.
	b := append(make([]byte, 0, 64), r.AddressFamily(), dstLen, 0, r.TOS, uint8(table), r.Protocol, r.Scope, r.Type)
	return binary.NativeEndian.AppendUint32(b, r.Flags)
}

func encodeRoute(r *Route) ([]byte, error) {
	e := nl.NewEncoder(rtmsg(r))
	// ip's order: destination, table, gateway, metric, then the output link.
	if r.Dst.IsValid() {
		e.Addr(unix.RTA_DST, r.Dst.Addr())
	}
	if r.Table > 255 {
		e.Uint32(unix.RTA_TABLE, r.Table)
	}
	if r.PrefSrc.IsValid() {
		e.Addr(unix.RTA_PREFSRC, r.PrefSrc)
	}
	if r.Gateway.IsValid() {
		e.Addr(unix.RTA_GATEWAY, r.Gateway)
	}
	if r.NHID != 0 {
		e.Uint32(rtaNHID, r.NHID)
	}
	if r.Priority != 0 {
		e.Uint32(unix.RTA_PRIORITY, r.Priority)
	}
	if r.Realms != 0 {
		e.Uint32(unix.RTA_FLOW, r.Realms)
	}
	if r.Expires != 0 {
		e.Uint32(unix.RTA_EXPIRES, r.Expires)
	}
	if r.Pref != nil {
		e.Uint8(unix.RTA_PREF, *r.Pref)
	}
	if len(r.Nexthops) > 0 {
		mp, err := encodeNexthops(r.Nexthops)
		if err != nil {
			return nil, err
		}
		e.Bytes(unix.RTA_MULTIPATH, mp)
	}
	if r.OIF != 0 {
		e.Uint32(unix.RTA_OIF, uint32(r.OIF))
	}
	if len(r.Metrics) > 0 || r.Locked != 0 || r.CongCtl != "" {
		e.Nest(unix.RTA_METRICS) // ip sends it without NLA_F_NESTED, and so does Nest
		if r.Locked != 0 {
			e.Uint32(unix.RTAX_LOCK, r.Locked)
		}
		for _, m := range r.Metrics {
			e.Uint32(m.Type, m.Value)
		}
		if r.CongCtl != "" {
			e.Bytes(unix.RTAX_CC_ALGO, []byte(r.CongCtl)) // no NUL: the kernel copies it with nla_strscpy
		}
		e.End()
	}
	return e.Encode()
}

// encodeNexthops builds RTA_MULTIPATH: rtnexthop structs, each followed
// by its own attributes, its rtnh_len covering both.
func encodeNexthops(nhs []Nexthop) ([]byte, error) {
	var b []byte
	for _, nh := range nhs {
		e := nl.NewEncoder(nil)
		if nh.Gateway.IsValid() {
			e.Addr(unix.RTA_GATEWAY, nh.Gateway)
		}
		if nh.Realms != 0 {
			e.Uint32(unix.RTA_FLOW, nh.Realms)
		}
		attrs, err := e.Encode()
		if err != nil {
			return nil, err
		}
		hops := max(nh.Weight, 1) - 1
		if hops > 255 {
			return nil, fmt.Errorf("nexthop weight %d above 256", nh.Weight)
		}
		b = binary.NativeEndian.AppendUint16(b, uint16(unix.SizeofRtNexthop+len(attrs)))
		b = append(b, nh.Flags, uint8(hops))
		b = binary.NativeEndian.AppendUint32(b, uint32(nh.OIF))
		b = append(b, attrs...)
	}
	return b, nil
}

// DecodeRoute decodes the payload of an RTM_NEWROUTE message.
//
//go:noinline
func DecodeRoute(b []byte) (*Route, error) {
	r := new(Route)
	if err := decodeRoute(r, b); err != nil {
		return nil, err
	}
	return r, nil
}

// decodeRoute decodes into r, which a stream reuses for every route.
func decodeRoute(r *Route, b []byte) error {
	if len(b) < unix.SizeofRtMsg {
		return lengthError("route message", len(b))
	}
	*r = Route{Family: b[0], TOS: b[3], Table: uint32(b[4]), Protocol: b[5], Scope: b[6], Type: b[7],
		Flags: binary.NativeEndian.Uint32(b[8:12])}
	dstLen, srcLen := b[1], b[2]
	d := nl.NewDecoder(b[unix.SizeofRtMsg:])
	for d.Next() {
		var err error
		switch d.Type() {
		case unix.RTA_DST:
			var a netaddr.Addr
			if a, err = addrFrom(d.Bytes(), r.Family); err == nil {
				r.Dst, err = prefixFrom(a, dstLen)
			}
		case unix.RTA_SRC:
			var a netaddr.Addr
			if a, err = addrFrom(d.Bytes(), r.Family); err == nil {
				r.Src, err = prefixFrom(a, srcLen)
			}
		case unix.RTA_GATEWAY:
			r.Gateway, err = addrFrom(d.Bytes(), r.Family)
		case unix.RTA_OIF:
			r.OIF = d.Int32()
		case unix.RTA_IIF:
			r.IIF = d.Int32()
		case unix.RTA_MARK:
			r.Mark = d.Uint32()
		case unix.RTA_PREFSRC:
			r.PrefSrc, err = addrFrom(d.Bytes(), r.Family)
		case unix.RTA_PRIORITY:
			r.Priority = d.Uint32()
		case unix.RTA_FLOW:
			r.Realms = d.Uint32()
		case rtaNHID:
			r.NHID = d.Uint32()
		case unix.RTA_TABLE:
			r.Table = d.Uint32()
		case unix.RTA_MULTIPATH:
			r.Nexthops, err = decodeNexthops(d.Bytes(), r.Family)
		case unix.RTA_MFC_STATS, unix.RTA_EXPIRES: // of a multicast route
			if r.MFC == nil {
				r.MFC = &MFCStats{}
			}
			if d.Type() == unix.RTA_EXPIRES {
				r.MFC.LastUse = d.Uint64()
			} else if v := d.Bytes(); len(v) == 24 {
				r.MFC.Packets, r.MFC.Bytes, r.MFC.WrongIf = binary.NativeEndian.Uint64(v), binary.NativeEndian.Uint64(v[8:]), binary.NativeEndian.Uint64(v[16:])
			} else {
				err = lengthError("RTA_MFC_STATS", len(v))
			}
		case unix.RTA_PREF:
			p := d.Uint8()
			r.Pref = &p
		case unix.RTA_UID:
			u := d.Uint32()
			r.UID = &u
		case unix.RTA_CACHEINFO:
			v := d.Bytes()
			if len(v) < 20 {
				err = lengthError("RTA_CACHEINFO", len(v))
				break
			}
			var u [5]uint32
			for i := range u {
				u[i] = binary.NativeEndian.Uint32(v[4*i:])
			}
			r.Cache = RouteCache{u[0], u[1], int32(u[2]), u[3], u[4]}
		case unix.RTA_METRICS:
			d.Nested(func(m *nl.Decoder) error {
				for m.Next() {
					switch t := m.Type(); {
					case t == unix.RTAX_LOCK:
						r.Locked = m.Uint32()
					case t == unix.RTAX_CC_ALGO:
						r.CongCtl = nl.CString(m.Bytes())
					default:
						r.Metrics = append(r.Metrics, Metric{t, m.Uint32()})
					}
				}
				return m.Err()
			})
		}
		d.Fail(err)
	}
	return d.Err()
}

func decodeNexthops(b []byte, fam uint8) ([]Nexthop, error) {
	var nhs []Nexthop
	for len(b) > 0 {
		if len(b) < unix.SizeofRtNexthop {
			return nil, fmt.Errorf("rtnl: truncated rtnexthop")
		}
		n := int(binary.NativeEndian.Uint16(b[0:2]))
		if n < unix.SizeofRtNexthop || n > len(b) {
			return nil, fmt.Errorf("rtnl: rtnexthop length %d out of range", n)
		}
		nh := Nexthop{Flags: b[2], Weight: int(b[3]) + 1, OIF: int32(binary.NativeEndian.Uint32(b[4:8]))}
		d := nl.NewDecoder(b[unix.SizeofRtNexthop:n])
		for d.Next() {
			switch d.Type() {
			case unix.RTA_GATEWAY:
				var err error
				nh.Gateway, err = addrFrom(d.Bytes(), fam)
				d.Fail(err)
			case unix.RTA_FLOW:
				nh.Realms = d.Uint32()
			}
		}
		if d.Err() != nil {
			return nil, d.Err()
		}
		nhs = append(nhs, nh)
		b = b[min((n+3)&^3, len(b)):]
	}
	return nhs, nil
}

func (c *Conn) routeRequest(typ, flags uint16, r *Route, what string) error {
	m, err := routeMessage(typ, flags, r)
	if err == nil {
		_, err = c.nl.Execute(m)
	}
	return routeError(r, what, err)
}

// routeMessage is the request for r, after ip's defaults and checks.
func routeMessage(typ, flags uint16, r *Route) (nl.Message, error) {
	d := *r // a copy on the stack: no allocation per route of a batch
	d.applyDefaults(typ == unix.RTM_DELROUTE)
	if err := checkRoute(&d); err != nil {
		return nl.Message{}, err
	}
	b, err := encodeRoute(&d)
	return nl.Message{Header: nl.Header{Type: typ, Flags: flags}, Data: b}, err
}

// routeError says what failed: "add route 10.0.0.0/24: ...".
func routeError(r *Route, what string, err error) error {
	if err == nil {
		return nil
	}
	hint := ""
	if errors.Is(err, unix.ENETUNREACH) && r.Gateway.IsValid() {
		hint = "no route to the gateway: add an address on its subnet, or use onlink"
	}
	return &OpError{Op: what + " route", Object: routeDst(r), Err: err, Hint: hint}
}

// checkRoute refuses what the kernel would refuse with a misleading
// message, or take to mean something else: addresses of two families in
// one route ("Attribute failed policy validation"), and an IPv4
// destination with host bits set, which ip and the kernel refuse (IPv6
// masks them silently, and so does nsnet by sending them).
func checkRoute(r *Route) error {
	fam := r.Family
	if r.Dst.IsValid() {
		fam = family(r.Dst.Addr())
		if r.Dst.Addr().Is4() && r.Dst != r.Dst.Masked() {
			return fmt.Errorf("%s has host bits set: the prefix is %s", r.Dst, r.Dst.Masked())
		}
	}
	for _, a := range []struct {
		what string
		addr netaddr.Addr
	}{{"gateway", r.Gateway}, {"src", r.PrefSrc}} {
		if !a.addr.IsValid() {
			continue
		}
		if fam == 0 {
			fam = family(a.addr)
		}
		if family(a.addr) != fam {
			return fmt.Errorf("%s %s is not of the route's family (%s): nsnet sends no RTA_VIA", a.what, a.addr, familyName(fam))
		}
	}
	return nil
}

func familyName(fam uint8) string {
	if fam == unix.AF_INET6 {
		return "IPv6"
	}
	return "IPv4"
}

func routeDst(r *Route) string {
	if !r.Dst.IsValid() {
		return "default"
	}
	return r.Dst.String()
}

// RouteAdd is `ip route add ...`. Set Table, Protocol, Scope and Type as
// ip would (NewRoute does).
func (c *Conn) RouteAdd(r *Route) error {
	return c.routeRequest(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, r, "add")
}

// RouteReplace is `ip route replace ...`.
func (c *Conn) RouteReplace(r *Route) error {
	return c.routeRequest(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_REPLACE, r, "replace")
}

// RouteChange is `ip route change ...`: the route must exist.
func (c *Conn) RouteChange(r *Route) error {
	return c.routeRequest(unix.RTM_NEWROUTE, unix.NLM_F_REPLACE, r, "change")
}

// RouteAppend is `ip route append ...`: another route to the same
// destination after those there (IPv6 makes them one multipath route).
func (c *Conn) RouteAppend(r *Route) error {
	return c.routeRequest(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_APPEND, r, "append")
}

// RoutePrepend is `ip route prepend ...`: another route to the same
// destination, before those there.
func (c *Conn) RoutePrepend(r *Route) error {
	return c.routeRequest(unix.RTM_NEWROUTE, unix.NLM_F_CREATE, r, "prepend")
}

// RouteDel is `ip route del ...`: the kernel deletes the first route that
// matches every field given.
func (c *Conn) RouteDel(r *Route) error {
	return c.routeRequest(unix.RTM_DELROUTE, 0, r, "delete")
}

// RouteGet asks the kernel which route it would use to reach dst:
// `ip route get ADDR`.
func (c *Conn) RouteGet(dst netaddr.Addr) (*Route, error) {
	return c.RouteLookup(&RouteQuery{Dst: dst})
}

// RouteQuery is what `ip route get` can ask about a packet: to Dst, from
// Src, arriving on IIF (which needs Src), leaving by OIF, with Mark;
// FibMatch asks for the table entry that matched instead of the result.
type RouteQuery struct {
	Dst, Src     netaddr.Addr
	IIF, OIF     int32
	Mark         uint32
	UID          *uint32
	FibMatch     bool
	TOS          uint8        // rtm_tos: `tos`
	IPProto      uint8        // RTA_IP_PROTO: the flow's protocol, for rules and multipath hashing: `ipproto`
	SPort, DPort uint16       // RTA_SPORT, RTA_DPORT: its ports (with IPProto TCP, UDP...)
	NewDst       netaddr.Addr // RTA_NEWDST: `as` (MPLS: the label to swap to; IP refuses it)
}

// RouteLookup asks the kernel which route a packet would take:
// `ip route get ADDR [from ADDR] [iif DEV] [oif DEV] [mark N] [uid N]
// [fibmatch]`.
func (c *Conn) RouteLookup(q *RouteQuery) (*Route, error) {
	dst := q.Dst
	req := &Route{Dst: netaddr.PrefixFrom(dst, dst.BitLen()), OIF: q.OIF, TOS: q.TOS}
	// For IPv4, RTM_F_LOOKUP_TABLE as ip sends: report the table the route
	// was found in. IPv6 refuses the flag ("Invalid flags for get route
	// request").
	if dst.Is4() {
		req.Flags = unix.RTM_F_LOOKUP_TABLE
	}
	if q.FibMatch {
		req.Flags |= unix.RTM_F_FIB_MATCH
	}
	e := nl.NewEncoder(rtmsg(req))
	if q.Src.IsValid() {
		e.Addr(unix.RTA_SRC, q.Src)
	}
	e.Addr(unix.RTA_DST, dst)
	if q.UID != nil {
		e.Uint32(unix.RTA_UID, *q.UID)
	}
	if q.IIF != 0 {
		e.Uint32(unix.RTA_IIF, uint32(q.IIF))
	}
	if q.OIF != 0 {
		e.Uint32(unix.RTA_OIF, uint32(q.OIF))
	}
	if q.Mark != 0 {
		e.Uint32(unix.RTA_MARK, q.Mark)
	}
	if q.NewDst.IsValid() {
		e.Addr(unix.RTA_NEWDST, q.NewDst)
	}
	if q.SPort != 0 {
		e.Uint16BE(unix.RTA_SPORT, q.SPort)
	}
	if q.DPort != 0 {
		e.Uint16BE(unix.RTA_DPORT, q.DPort)
	}
	if q.IPProto != 0 {
		e.Uint8(unix.RTA_IP_PROTO, q.IPProto)
	}
	b, err := e.Encode()
	if err != nil {
		return nil, err
	}
	if q.Src.IsValid() {
		b[2] = uint8(q.Src.BitLen()) // rtm_src_len
	}
	msgs, err := c.nl.Execute(nl.Message{Header: nl.Header{Type: unix.RTM_GETROUTE}, Data: b})
	if err != nil {
		return nil, fmt.Errorf("rtnl: get route to %s: %w", dst, err)
	}
	for _, m := range msgs {
		if m.Header.Type == unix.RTM_NEWROUTE {
			return DecodeRoute(m.Data)
		}
	}
	return nil, fmt.Errorf("rtnl: get route to %s: no reply", dst)
}
