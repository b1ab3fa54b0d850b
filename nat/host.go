package nat

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nft"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

// forwardingKey is the sysctl that lets a namespace route packets of
// family fam between its links.
func forwardingKey(fam uint8) string {
	if fam == nft.FamilyIP6 {
		return "net.ipv6.conf.all.forwarding"
	}
	return "net.ipv4.ip_forward"
}

// ensureSysctl sets a boolean sysctl to 1 in h and reports whether it was
// off.
func ensureSysctl(h *ns.Handle, key string) (bool, error) {
	v, err := ns.Sysctl(h, key)
	if err != nil || v != "0" {
		return false, err
	}
	return true, ns.SetSysctl(h, key, "1")
}

// localSubnet finds the prefix of h's address on the link that leads to
// a, if a is on such a subnet: the clients that need hairpin NAT. A server
// behind a router, or unreachable now, has none.
func localSubnet(c *rtnl.Conn, a netaddr.Addr) (netaddr.Prefix, error) {
	r, err := c.RouteGet(a)
	if err != nil || r.Gateway.IsValid() {
		return netaddr.Prefix{}, nil
	}
	addrs, err := c.Addrs(rtnl.AddrFilter{Index: r.OIF})
	if err != nil {
		return netaddr.Prefix{}, err
	}
	for _, ad := range addrs {
		if p := ad.Prefix.Masked(); p.Contains(a) && ad.Scope != unix.RT_SCOPE_LINK {
			return p, nil
		}
	}
	return netaddr.Prefix{}, nil
}
