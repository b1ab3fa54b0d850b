package rtnl_test

import (
	"fmt"
	"log"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// A veth pair with its far end in another namespace, addressed and up,
// and a default route: what the seed tutorials do first. As root.
func Example() {
	red, err := ns.Add(ns.DefaultDir, "red") // nsnet netns add red
	if err != nil {
		log.Fatal(err)
	}
	defer red.Close()
	c, err := rtnl.Dial(nil, nil) // here; rtnl.Dial(red, nil) works in red
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// nsnet link add veth-host type veth peer name veth-red netns red
	v, err := c.LinkAdd(&rtnl.Link{Name: "veth-host", Info: &rtnl.Veth{Peer: rtnl.Link{Name: "veth-red", NetNS: red}}})
	if err != nil {
		log.Fatal(err)
	}
	err = c.AddrAdd(&rtnl.Addr{Prefix: netaddr.MustParsePrefix("10.0.0.1/24"), Index: v.Index}) // addr add ... dev veth-host
	if err == nil {
		err = c.LinkSetUp(v.Index) // nsnet link set veth-host up
	}
	if err == nil { // nsnet route add default via 10.0.0.2: table, protocol and scope as ip sets them
		err = c.RouteAdd(&rtnl.Route{Gateway: netaddr.MustParseAddr("10.0.0.2")})
	}
	if err != nil {
		log.Fatal(err)
	}
}

// Read the routing tables, as `ip route show table all`.
func ExampleConn_Routes() {
	c, err := rtnl.Dial(nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	routes, err := c.Routes(rtnl.RouteFilter{}) // every family and table; restarts if interrupted
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range routes {
		fmt.Println(r.Dst, "via", r.Gateway, "dev", r.OIF, "table", r.Table)
	}
}

// Stream the addresses of one link without holding them all, as
// `ip addr show dev lo`.
func ExampleConn_AllAddrs() {
	c, err := rtnl.Dial(nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	lo, err := c.LinkByName("lo")
	if err != nil {
		log.Fatal(err)
	}
	for a, err := range c.AllAddrs(rtnl.AddrFilter{Index: lo.Index}) {
		if err != nil {
			log.Fatal(err) // nl.ErrDumpInterrupted: the set changed while read
		}
		fmt.Println(a.Prefix)
	}
}

// Watch links and routes come and go, as `ip monitor link route`, until
// a bridge named br-demo appears.
func ExampleNewMonitor() {
	m, err := rtnl.NewMonitor(nil, rtnl.LinkEvents|rtnl.RouteEvents)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	for {
		evs, err := m.Next()
		if err != nil {
			log.Fatal(err) // ENOBUFS: events were lost; Next may be called again
		}
		for _, ev := range evs {
			switch {
			case ev.Link != nil:
				fmt.Println("link", ev.Link.Name, "deleted:", ev.Deleted)
				if ev.Link.Name == "br-demo" {
					return
				}
			case ev.Route != nil:
				fmt.Println("route", ev.Route.Dst, "deleted:", ev.Deleted)
			}
		}
	}
}

// A veth end as a bridge's port, with hairpin on: frames may go back out
// of the port they came in by, which a container needs to reach itself
// through a port forward on the host. As `ip link set veth-c master br0`
// then `ip link set veth-c type bridge_slave hairpin on`.
func ExampleBridgePort() {
	c, err := rtnl.Dial(nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	br, err := c.LinkAdd(&rtnl.Link{Name: "br0", Info: &rtnl.Bridge{}})
	if err != nil {
		log.Fatal(err)
	}
	v, err := c.LinkAdd(&rtnl.Link{Name: "veth-c", Info: &rtnl.Veth{Peer: rtnl.Link{Name: "eth0"}}})
	if err == nil { // a port's settings need its master set first
		err = c.LinkSet(&rtnl.Link{Index: v.Index, Master: br.Index})
	}
	if err == nil {
		hairpin := rtnl.PortSetting{Attr: unix.IFLA_BRPORT_MODE, Value: 1}
		err = c.LinkSet(&rtnl.Link{Index: v.Index, Port: &rtnl.BridgePort{Settings: []rtnl.PortSetting{hairpin}}})
	}
	if err == nil {
		v, err = c.LinkByName("veth-c")
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("hairpin:", v.Port.Hairpin) // hairpin: true
}

// A tap device that outlives this program, for a virtual machine to
// attach to later; only user 1000 may. As `ip tuntap add dev tap-vm mode
// tap user 1000`. It is made through /dev/net/tun, then read back like
// any link.
func ExampleTunAdd() {
	owner := uint32(1000)
	name, err := rtnl.TunAdd("tap-vm", &rtnl.Tun{Flags: unix.IFF_TAP | unix.IFF_NO_PI, Owner: &owner})
	if err != nil {
		log.Fatal(err)
	}
	c, err := rtnl.Dial(nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	l, err := c.LinkByName(name)
	if err != nil {
		log.Fatal(err)
	}
	t := l.Info.(*rtnl.Tun)
	fmt.Println(l.Name, "tap:", t.Flags&unix.IFF_TAP != 0, "persist:", t.Flags&unix.IFF_PERSIST != 0, "user:", *t.Owner)
	// tap-vm tap: true persist: true user: 1000
}
