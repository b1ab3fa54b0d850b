package rtnl

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
)

// Prefix is an IPv6 prefix a router advertised on a link (RTM_NEWPREFIX,
// struct prefixmsg). The kernel announces one to monitors (PrefixEvents)
// each time it takes a prefix information option from an advertisement:
// there is no table of them to list.
type Prefix struct {
	Family uint8 // AF_INET6
	Index  int32
	Type   uint8        // the ND option it came in: 3, prefix information
	Addr   netaddr.Addr // PREFIX_ADDRESS
	Len    uint8
	Flags  uint8 // PrefixOnLink, PrefixAutoconf: the option's L and A bits
	// PREFIX_CACHEINFO, when sent: the lifetimes the option gave, in
	// seconds.
	HasLifetimes     bool
	Valid, Preferred uint32
}

// The bits of Prefix.Flags (IF_PREFIX_*, include/net/if_inet6.h).
const (
	PrefixOnLink   = 0x01
	PrefixAutoconf = 0x02
)

// DecodePrefix reads an RTM_NEWPREFIX payload.
func DecodePrefix(b []byte) (*Prefix, error) {
	if len(b) < 12 { // struct prefixmsg
		return nil, lengthError("prefix message", len(b))
	}
	p := &Prefix{Family: b[0], Index: int32(binary.NativeEndian.Uint32(b[4:])), Type: b[8], Len: b[9], Flags: b[10]}
	d := nl.NewDecoder(b[12:])
	for d.Next() {
		switch v := d.Bytes(); d.Type() {
		case unix.PREFIX_ADDRESS:
			var err error
			p.Addr, err = addrFrom(v, p.Family)
			d.Fail(err)
		case unix.PREFIX_CACHEINFO:
			if len(v) < 8 {
				d.Fail(lengthError("prefix cacheinfo", len(v)))
				break
			}
			p.HasLifetimes = true
			p.Preferred, p.Valid = binary.NativeEndian.Uint32(v), binary.NativeEndian.Uint32(v[4:])
		}
	}
	return p, d.Err()
}
