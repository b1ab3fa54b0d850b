package rtnl

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
)

// NexthopObject is a nexthop object (`ip nexthop`, Linux 5.3): a gateway and
// device, a blackhole, or a group of other nexthops, kept by the kernel
// under an id that routes name (Route.NHID) instead of carrying their
// own. Changing the object moves every route that uses it at once, which
// is why routing daemons (FRR) use them. struct nhmsg and NHA_*.
type NexthopObject struct {
	ID        uint32       // NHA_ID; 0 on add: the kernel picks one
	Family    uint8        // AF_INET, AF_INET6 (from the gateway if zero); AF_UNSPEC for a group
	Scope     uint8        // nh_scope, as the kernel sets it (link for a device without gateway)
	Protocol  uint8        // nh_protocol: who made it (`proto`)
	Flags     uint32       // nh_flags: RTNH_F_ONLINK on add; DEAD, LINKDOWN as the kernel sees it
	Gateway   netaddr.Addr // NHA_GATEWAY: `via`
	OIF       int32        // NHA_OIF: `dev`
	Blackhole bool         // NHA_BLACKHOLE: drop what is routed here
	FDB       bool         // NHA_FDB: for a bridge's or vxlan's forwarding database, not routes
	Group     []NexthopGroupMember
	GroupType uint16 // NHA_GROUP_TYPE: NexthopGroupMpath (ECMP by hash) or NexthopGroupResilient
	// Resilient is a resilient group's buckets and timers
	// (NHA_RES_GROUP); nil for others.
	Resilient *ResilientGroup
}

// NexthopGroupMember is one entry of NHA_GROUP (struct nexthop_grp): a
// nexthop's id and its weight, 1 to 256 (0 on add is 1).
type NexthopGroupMember struct {
	ID     uint32
	Weight uint16
}

// The group types of NHA_GROUP_TYPE.
const (
	NexthopGroupMpath     = 0
	NexthopGroupResilient = 1
)

// ResilientGroup is NHA_RES_GROUP: a resilient group spreads flows over
// Buckets and moves a bucket to another member only when it has been idle
// for IdleTimer, or unbalanced for UnbalancedTimer, so that flows keep
// their path when members come and go. Times are in hundredths of a
// second (clock_t, USER_HZ), as the kernel counts them here.
type ResilientGroup struct {
	Buckets         uint16
	IdleTimer       uint32
	UnbalancedTimer uint32
	UnbalancedTime  uint64 // read only: how long the group has been unbalanced
}

// Attributes x/sys does not name yet (linux/nexthop.h).
const (
	nhaFDB      = 11
	nhaResGroup = 12

	nhaResGroupBuckets         = 1
	nhaResGroupIdleTimer       = 2
	nhaResGroupUnbalancedTimer = 3
	nhaResGroupUnbalancedTime  = 4

	nhaResBucket         = 13
	nhaResBucketIndex    = 1
	nhaResBucketIdleTime = 2
	nhaResBucketNHID     = 3
)

func (n *NexthopObject) family() uint8 {
	switch {
	case n.Family != 0:
		return n.Family
	case n.Gateway.IsValid():
		return family(n.Gateway)
	case n.OIF != 0 || n.Blackhole:
		return unix.AF_INET // as ip: the kernel wants a family for these
	}
	return unix.AF_UNSPEC
}

// encodeNexthop is the payload of RTM_NEWNEXTHOP.
func encodeNexthop(n *NexthopObject) ([]byte, error) {
	fam := n.family()
	if n.Gateway.IsValid() && family(n.Gateway) != fam {
		return nil, fmt.Errorf("gateway %s is not of the nexthop's family", n.Gateway)
	}
	e := nl.NewEncoder(binary.NativeEndian.AppendUint32([]byte{fam, n.Scope, n.Protocol, 0}, n.Flags))
	if n.ID != 0 {
		e.Uint32(unix.NHA_ID, n.ID)
	}
	if len(n.Group) > 0 {
		var g []byte
		for _, m := range n.Group {
			w := max(m.Weight, 1) - 1 // the kernel keeps weight-1 in a byte
			g = binary.NativeEndian.AppendUint32(g, m.ID)
			g = append(g, uint8(w), uint8(w>>8), 0, 0) // weight, then weight_high (Linux 6.12)
		}
		e.Bytes(unix.NHA_GROUP, g)
		e.Uint16(unix.NHA_GROUP_TYPE, n.GroupType)
	}
	if r := n.Resilient; r != nil {
		e.Nest(nhaResGroup | unix.NLA_F_NESTED) // nexthop's policy checks the flag
		if r.Buckets != 0 {
			e.Uint16(nhaResGroupBuckets, r.Buckets)
		}
		e.Uint32(nhaResGroupIdleTimer, r.IdleTimer)
		e.Uint32(nhaResGroupUnbalancedTimer, r.UnbalancedTimer)
		e.End()
	}
	if n.Blackhole {
		e.Flag(unix.NHA_BLACKHOLE)
	}
	if n.OIF != 0 {
		e.Uint32(unix.NHA_OIF, uint32(n.OIF))
	}
	if n.Gateway.IsValid() {
		e.Addr(unix.NHA_GATEWAY, n.Gateway)
	}
	if n.FDB {
		e.Flag(nhaFDB)
	}
	return e.Encode()
}

// DecodeNexthopObject reads an RTM_NEWNEXTHOP (or DEL) payload.
func DecodeNexthopObject(b []byte) (*NexthopObject, error) {
	if len(b) < 8 { // struct nhmsg
		return nil, lengthError("nexthop message", len(b))
	}
	n := &NexthopObject{Family: b[0], Scope: b[1], Protocol: b[2], Flags: binary.NativeEndian.Uint32(b[4:8])}
	d := nl.NewDecoder(b[8:])
	for d.Next() {
		var err error
		switch d.Type() {
		case unix.NHA_ID:
			n.ID = d.Uint32()
		case unix.NHA_OIF:
			n.OIF = d.Int32()
		case unix.NHA_GATEWAY:
			n.Gateway, err = addrFrom(d.Bytes(), n.Family)
		case unix.NHA_BLACKHOLE:
			n.Blackhole = true
		case nhaFDB:
			n.FDB = true
		case unix.NHA_GROUP_TYPE:
			n.GroupType = d.Uint16()
		case unix.NHA_GROUP:
			v := d.Bytes()
			if len(v) == 0 || len(v)%8 != 0 {
				err = lengthError("nexthop group", len(v))
				break
			}
			for ; len(v) >= 8; v = v[8:] {
				n.Group = append(n.Group, NexthopGroupMember{ID: binary.NativeEndian.Uint32(v), Weight: uint16(v[4]) | uint16(v[5])<<8 + 1})
			}
		case nhaResGroup:
			r := &ResilientGroup{}
			n.Resilient = r
			d.Nested(func(d *nl.Decoder) error {
				for d.Next() {
					switch d.Type() {
					case nhaResGroupBuckets:
						r.Buckets = d.Uint16()
					case nhaResGroupIdleTimer:
						r.IdleTimer = d.Uint32()
					case nhaResGroupUnbalancedTimer:
						r.UnbalancedTimer = d.Uint32()
					case nhaResGroupUnbalancedTime:
						r.UnbalancedTime = d.Uint64()
					}
				}
				return d.Err()
			})
		}
		d.Fail(err)
	}
	return n, d.Err()
}

// nexthopError says what failed: "add nexthop 5: ...".
func nexthopError(id uint32, what string, err error) error {
	if err == nil {
		return nil
	}
	return &OpError{Op: what + " nexthop", Object: fmt.Sprintf("id %d", id), Err: err}
}

func (c *Conn) nexthopRequest(flags uint16, n *NexthopObject, what string) error {
	b, err := encodeNexthop(n)
	if err == nil {
		_, err = c.nl.Execute(nl.Message{Header: nl.Header{Type: unix.RTM_NEWNEXTHOP, Flags: flags}, Data: b})
	}
	return nexthopError(n.ID, what, err)
}

// NexthopAdd is `ip nexthop add id ID ...`; it fails if the id is taken.
func (c *Conn) NexthopAdd(n *NexthopObject) error {
	return c.nexthopRequest(unix.NLM_F_CREATE|unix.NLM_F_EXCL, n, "add")
}

// NexthopReplace is `ip nexthop replace`: adds, or changes the nexthop
// with that id, and with it every route that uses it.
func (c *Conn) NexthopReplace(n *NexthopObject) error {
	return c.nexthopRequest(unix.NLM_F_CREATE|unix.NLM_F_REPLACE, n, "replace")
}

// nexthopID is a request naming one nexthop: nhmsg and NHA_ID.
func nexthopID(typ uint16, id uint32) nl.Message {
	e := nl.NewEncoder(make([]byte, 8))
	e.Uint32(unix.NHA_ID, id)
	b, _ := e.Encode() // one fixed attribute: cannot fail
	return nl.Message{Header: nl.Header{Type: typ}, Data: b}
}

// NexthopDel deletes nexthop id (`ip nexthop del id ID`); the routes that
// use it go with it, and it leaves the groups it is in.
func (c *Conn) NexthopDel(id uint32) error {
	_, err := c.nl.Execute(nexthopID(unix.RTM_DELNEXTHOP, id))
	return nexthopError(id, "delete", err)
}

// NexthopGet gets nexthop id (`ip nexthop get id ID`).
func (c *Conn) NexthopGet(id uint32) (*NexthopObject, error) {
	m, err := c.nl.Get(nexthopID(unix.RTM_GETNEXTHOP, id))
	if err != nil {
		return nil, nexthopError(id, "get", err)
	}
	return DecodeNexthopObject(m.Data)
}

// NexthopFilter selects what Nexthops lists; the kernel filters.
type NexthopFilter struct {
	Family uint8 // AF_INET, AF_INET6; 0: all
	OIF    int32 // NHA_OIF: those on this device
	Master int32 // NHA_MASTER: those on the devices of this master (a VRF)
	Groups bool  // NHA_GROUPS: groups only
	FDB    bool  // NHA_FDB: FDB nexthops only
}

// Nexthops lists the nexthop objects: `ip nexthop show`.
func (c *Conn) Nexthops(f NexthopFilter) (out []NexthopObject, err error) {
	e := nl.NewEncoder([]byte{f.Family, 0, 0, 0, 0, 0, 0, 0})
	for _, a := range []struct {
		typ uint16
		v   int32
	}{{unix.NHA_OIF, f.OIF}, {unix.NHA_MASTER, f.Master}} {
		if a.v != 0 {
			e.Uint32(a.typ, uint32(a.v))
		}
	}
	if f.Groups {
		e.Flag(unix.NHA_GROUPS)
	}
	if f.FDB {
		e.Flag(nhaFDB)
	}
	b, _ := e.Encode() // fixed attributes: cannot fail
	req := nl.Message{Header: nl.Header{Type: unix.RTM_GETNEXTHOP}, Data: b}
	err = c.collect("nexthops", req, func() { out = out[:0] }, func(b []byte) error {
		n, err := DecodeNexthopObject(b)
		if err == nil {
			out = append(out, *n)
		}
		return err
	})
	return out, err
}

// NexthopBucket is one bucket of a resilient group (RTM_NEWNEXTHOPBUCKET,
// Linux 5.13): the group hashes each flow to a bucket, and the bucket to
// one member, so a flow keeps its member until the bucket moves.
type NexthopBucket struct {
	ID        uint32 // NHA_ID: the group
	Index     uint16 // NHA_RES_BUCKET_INDEX
	IdleTime  uint64 // NHA_RES_BUCKET_IDLE_TIME: hundredths of a second since a packet used it
	NexthopID uint32 // NHA_RES_BUCKET_NH_ID: the member it sends to
	Flags     uint32 // nh_flags: RTNH_F_OFFLOAD, RTNH_F_TRAP, as a driver sets them
}

// DecodeNexthopBucket reads an RTM_NEWNEXTHOPBUCKET payload.
func DecodeNexthopBucket(b []byte) (*NexthopBucket, error) {
	if len(b) < 8 { // struct nhmsg
		return nil, lengthError("nexthop bucket message", len(b))
	}
	k := &NexthopBucket{Flags: binary.NativeEndian.Uint32(b[4:8])}
	d := nl.NewDecoder(b[8:])
	for d.Next() {
		switch d.Type() {
		case unix.NHA_ID:
			k.ID = d.Uint32()
		case nhaResBucket:
			d.Nested(func(d *nl.Decoder) error {
				for d.Next() {
					switch d.Type() {
					case nhaResBucketIndex:
						k.Index = d.Uint16()
					case nhaResBucketIdleTime:
						k.IdleTime = d.Uint64()
					case nhaResBucketNHID:
						k.NexthopID = d.Uint32()
					}
				}
				return d.Err()
			})
		}
	}
	return k, d.Err()
}

// NexthopBucketFilter selects buckets; the kernel filters.
type NexthopBucketFilter struct {
	Family    uint8  // AF_INET, AF_INET6: of groups of this family's nexthops; 0: all
	ID        uint32 // NHA_ID: of this group only
	NexthopID uint32 // NHA_RES_BUCKET_NH_ID: those that send to this member
	OIF       int32  // NHA_OIF: those whose member is on this device
	Master    int32  // NHA_MASTER: those whose member's device is a port of this master
}

// NexthopBuckets lists the buckets of resilient groups: `ip nexthop
// bucket show`.
func (c *Conn) NexthopBuckets(f NexthopBucketFilter) (out []NexthopBucket, err error) {
	e := nl.NewEncoder([]byte{f.Family, 0, 0, 0, 0, 0, 0, 0})
	for _, a := range []struct {
		typ uint16
		v   uint32
	}{{unix.NHA_OIF, uint32(f.OIF)}, {unix.NHA_MASTER, uint32(f.Master)}, {unix.NHA_ID, f.ID}} {
		if a.v != 0 {
			e.Uint32(a.typ, a.v)
		}
	}
	if f.NexthopID != 0 {
		e.Nest(nhaResBucket | unix.NLA_F_NESTED)
		e.Uint32(nhaResBucketNHID, f.NexthopID)
		e.End()
	}
	b, _ := e.Encode() // fixed attributes: cannot fail
	req := nl.Message{Header: nl.Header{Type: unix.RTM_GETNEXTHOPBUCKET}, Data: b}
	err = c.collect("nexthop buckets", req, func() { out = out[:0] }, func(b []byte) error {
		k, err := DecodeNexthopBucket(b)
		if err == nil {
			out = append(out, *k)
		}
		return err
	})
	return out, err
}

// NexthopBucketGet gets bucket index of group id: `ip nexthop bucket get
// id ID index INDEX`.
func (c *Conn) NexthopBucketGet(id uint32, index uint16) (*NexthopBucket, error) {
	e := nl.NewEncoder(make([]byte, 8))
	e.Uint32(unix.NHA_ID, id)
	e.Nest(nhaResBucket | unix.NLA_F_NESTED)
	e.Uint16(nhaResBucketIndex, index)
	e.End()
	b, _ := e.Encode() // fixed attributes: cannot fail
	m, err := c.nl.Get(nl.Message{Header: nl.Header{Type: unix.RTM_GETNEXTHOPBUCKET}, Data: b})
	if err != nil {
		return nil, nexthopError(id, fmt.Sprintf("get bucket %d of", index), err)
	}
	return DecodeNexthopBucket(m.Data)
}
