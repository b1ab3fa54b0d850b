package rtnl

import (
	"github.com/nsnet/nsnet/nl"
)

// NETCONFA_* (linux/netconf.h), which x/sys/unix does not have.
const (
	NetconfIndex                = 1  // NETCONFA_IFINDEX
	NetconfForwarding           = 2  // NETCONFA_FORWARDING
	NetconfRPFilter             = 3  // NETCONFA_RP_FILTER
	NetconfMCForwarding         = 4  // NETCONFA_MC_FORWARDING
	NetconfProxyNeigh           = 5  // NETCONFA_PROXY_NEIGH
	NetconfIgnoreLinkDown       = 6  // NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN
	NetconfInput                = 7  // NETCONFA_INPUT
	NetconfBCForwarding         = 8  // NETCONFA_BC_FORWARDING
	NetconfAll            int32 = -1 // NETCONFA_IFINDEX_ALL: net.ipv4.conf.all
	NetconfDefault        int32 = -2 // NETCONFA_IFINDEX_DEFAULT: net.ipv4.conf.default
)

// Netconf is one family's configuration of one interface, of all of them
// or of the defaults for new ones: the sysctls under net.ipv4.conf.DEV
// that routing depends on, which the kernel announces (RTM_NEWNETCONF) when
// a device comes or one of them changes, and forgets (RTM_DELNETCONF)
// when the device goes.
type Netconf struct {
	Family uint8 // ncm_family: AF_INET, AF_INET6, AF_MPLS
	// Index is NETCONFA_IFINDEX: a link's index, NetconfAll or
	// NetconfDefault; HasIndex says whether the message named one.
	Index    int32
	HasIndex bool
	// Settings are the NETCONFA_* values the message carried: a change of
	// one sysctl announces that one only, a deletion none.
	Settings map[uint16]uint32
}

// DecodeNetconf reads an RTM_NEWNETCONF or RTM_DELNETCONF payload: struct
// netconfmsg (one byte, padded to four) and its attributes.
func DecodeNetconf(b []byte) (*Netconf, error) {
	const hdrLen = 4 // struct netconfmsg: one byte, padded to NLMSG_ALIGNTO
	if len(b) < hdrLen {
		return nil, lengthError("netconf message", len(b))
	}
	c := &Netconf{Family: b[0], Settings: map[uint16]uint32{}}
	d := nl.NewDecoder(b[hdrLen:])
	for d.Next() {
		if d.Type() == NetconfIndex {
			c.Index, c.HasIndex = d.Int32(), true
		} else {
			c.Settings[d.Type()] = d.Uint32()
		}
	}
	return c, d.Err()
}
