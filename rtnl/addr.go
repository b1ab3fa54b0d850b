package rtnl

import (
	"encoding/binary"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Addr is an address on a link: struct ifaddrmsg and its IFA_* attributes.
type Addr struct {
	Prefix    netaddr.Prefix // IFA_LOCAL and ifa_prefixlen: 10.0.0.1/24
	Peer      netaddr.Addr   // IFA_ADDRESS when it differs from IFA_LOCAL (point-to-point)
	Index     int32          // ifa_index: the link
	Flags     uint32         // ifa_flags, or IFA_FLAGS when wider: IFA_F_*
	Scope     uint8          // ifa_scope: RT_SCOPE_*
	Label     string         // IFA_LABEL (IPv4 only): "eth0:1"
	Broadcast netaddr.Addr   // IFA_BROADCAST
	// Lifetimes in seconds (IFA_CACHEINFO); LifetimeForever is infinite. In
	// a request, both zero means "not given" (forever) unless SetLifetimes.
	ValidLft, PreferredLft uint32
	SetLifetimes           bool // request only: send IFA_CACHEINFO even if both are zero
}

// LifetimeForever is INFINITY_LIFE_TIME.
const LifetimeForever = 0xffffffff

// ifa_cacheinfo is 4 × u32: ifa_prefered, ifa_valid, cstamp, tstamp.
const sizeofIfaCacheinfo = 16

func ifaddrmsg(fam, prefixLen uint8, flags uint32, scope uint8, index int32) []byte {
	b := []byte{fam, prefixLen, uint8(flags), scope}
	return binary.NativeEndian.AppendUint32(b, uint32(index))
}

func encodeAddr(a *Addr) ([]byte, error) {
	ip := a.Prefix.Addr()
	if !ip.IsValid() {
		return nil, fmt.Errorf("no address")
	}
	fam := family(ip)
	// ip refuses these ("inet prefix is expected"); sent, an IPv6 peer of
	// an IPv4 address is cut to its first four bytes.
	for _, o := range []struct {
		what string
		addr netaddr.Addr
	}{{"peer", a.Peer}, {"broadcast", a.Broadcast}} {
		if o.addr.IsValid() && family(o.addr) != fam {
			return nil, fmt.Errorf("%s %s is not of the address's family", o.what, o.addr)
		}
	}
	if a.Broadcast.IsValid() && !ip.Is4() {
		return nil, fmt.Errorf("a broadcast address is IPv4 only")
	}
	e := nl.NewEncoder(ifaddrmsg(fam, uint8(a.Prefix.Bits()), a.Flags, a.Scope, a.Index))
	e.Addr(unix.IFA_LOCAL, ip)
	peer := ip
	if a.Peer.IsValid() {
		peer = a.Peer
	}
	e.Addr(unix.IFA_ADDRESS, peer)
	if a.Broadcast.IsValid() {
		e.Addr(unix.IFA_BROADCAST, a.Broadcast)
	}
	if a.Label != "" {
		e.String(unix.IFA_LABEL, a.Label)
	}
	if a.Flags > 0xff { // ifa_flags has 8 bits; IFA_F_NOPREFIXROUTE and up need IFA_FLAGS
		e.Uint32(unix.IFA_FLAGS, a.Flags)
	}
	if a.ValidLft != 0 || a.PreferredLft != 0 || a.SetLifetimes {
		ci := binary.NativeEndian.AppendUint32(nil, a.PreferredLft)
		ci = binary.NativeEndian.AppendUint32(ci, a.ValidLft)
		e.Bytes(unix.IFA_CACHEINFO, append(ci, make([]byte, 8)...))
	}
	return e.Encode()
}

// DecodeAddr decodes the payload of an RTM_NEWADDR message.
func DecodeAddr(b []byte) (*Addr, error) {
	if len(b) < unix.SizeofIfAddrmsg {
		return nil, lengthError("address message", len(b))
	}
	fam, bits := b[0], b[1]
	a := &Addr{Flags: uint32(b[2]), Scope: b[3], Index: int32(binary.NativeEndian.Uint32(b[4:8]))}
	var local, address netaddr.Addr
	d := nl.NewDecoder(b[unix.SizeofIfAddrmsg:])
	for d.Next() {
		var err error
		switch d.Type() {
		case unix.IFA_LOCAL:
			local, err = addrFrom(d.Bytes(), fam)
		case unix.IFA_ADDRESS:
			address, err = addrFrom(d.Bytes(), fam)
		case unix.IFA_BROADCAST:
			a.Broadcast, err = addrFrom(d.Bytes(), fam)
		case unix.IFA_LABEL:
			a.Label = d.String()
		case unix.IFA_FLAGS:
			a.Flags = d.Uint32()
		case unix.IFA_CACHEINFO:
			if v := d.Bytes(); len(v) == sizeofIfaCacheinfo {
				a.PreferredLft = binary.NativeEndian.Uint32(v[0:4])
				a.ValidLft = binary.NativeEndian.Uint32(v[4:8])
			} else {
				d.Fail(lengthError("IFA_CACHEINFO", len(v)))
			}
		}
		d.Fail(err)
	}
	if d.Err() != nil {
		return nil, d.Err()
	}
	// IPv6 sends only IFA_ADDRESS; IPv4 sends both, IFA_ADDRESS being the
	// peer on point-to-point links.
	if !local.IsValid() {
		local = address
	} else if address.IsValid() && address != local {
		a.Peer = address
	}
	if !local.IsValid() {
		return nil, fmt.Errorf("rtnl: address message without an address")
	}
	var err error
	a.Prefix, err = prefixFrom(local, bits)
	return a, err
}

func (c *Conn) addrRequest(typ, flags uint16, a *Addr, what string) error {
	m, err := addrMessage(typ, flags, a)
	if err == nil {
		_, err = c.nl.Execute(m)
	}
	return addrError(a, what, err)
}

func addrMessage(typ, flags uint16, a *Addr) (nl.Message, error) {
	b, err := encodeAddr(a)
	return nl.Message{Header: nl.Header{Type: typ, Flags: flags}, Data: b}, err
}

// addrError says which address a request that failed was about. Not
// inlined: every address request returns through it.
//
//go:noinline
func addrError(a *Addr, what string, err error) error {
	if err == nil {
		return nil
	}
	return &OpError{Op: what + " address", Object: a.Prefix.String(), Err: err}
}

// AddrAdd is `ip addr add PREFIX dev DEV`.
func (c *Conn) AddrAdd(a *Addr) error {
	return c.addrRequest(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, a, "add")
}

// AddrReplace is `ip addr replace PREFIX dev DEV`.
func (c *Conn) AddrReplace(a *Addr) error {
	return c.addrRequest(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_REPLACE, a, "replace")
}

// AddrDel is `ip addr del PREFIX dev DEV`.
func (c *Conn) AddrDel(a *Addr) error {
	return c.addrRequest(unix.RTM_DELADDR, 0, a, "delete")
}
