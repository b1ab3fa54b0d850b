package nat_test

import (
	"log"

	"github.com/nsnet/nsnet/nat"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

// must and check stand for a program's own error handling.
func must[T any](v T, err error) T {
	check(err)
	return v
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// The seed tutorials' topology with nsnet's packages alone: two named
// namespaces joined by a veth pair, addressed and up; red's default route
// goes through blue, which masquerades red's subnet. As root.
func Example_seedTopology() {
	red, blue := must(ns.Add(ns.DefaultDir, "red")), must(ns.Add(ns.DefaultDir, "blue")) // netns add
	r, b := must(rtnl.Dial(red, nil)), must(rtnl.Dial(blue, nil))
	// nsnet -n red link add veth-red type veth peer name veth-blue netns blue
	vr := must(r.LinkAdd(&rtnl.Link{Name: "veth-red", Info: &rtnl.Veth{Peer: rtnl.Link{Name: "veth-blue", NetNS: blue}}}))
	vb := must(b.LinkByName("veth-blue"))
	check(r.AddrAdd(&rtnl.Addr{Prefix: netaddr.MustParsePrefix("192.168.15.1/24"), Index: vr.Index}))
	check(b.AddrAdd(&rtnl.Addr{Prefix: netaddr.MustParsePrefix("192.168.15.2/24"), Index: vb.Index}))
	check(r.LinkSetUp(vr.Index)) // nsnet -n red link set veth-red up
	check(b.LinkSetUp(vb.Index))
	check(r.RouteAdd(&rtnl.Route{Gateway: netaddr.MustParseAddr("192.168.15.2")})) // default via blue
	// nsnet -n blue nat masquerade add 192.168.15.0/24 (turns on forwarding in blue)
	must(nat.Add(blue, nat.Masquerade{Prefix: netaddr.MustParsePrefix("192.168.15.0/24")}, nil))
}

// Port forwarding: connections to port 8080 on this host's addresses go
// to a server in a namespace, from outside, from this host, and from the
// server's neighbours (hairpin), as `nsnet nat forward add tcp 8080 to
// 192.168.15.2:80`. As root.
func ExampleAdd_forward() {
	res, err := nat.Add(nil, nat.Forward{Proto: nat.TCP, Port: 8080, To: netaddr.MustParseAddrPort("192.168.15.2:80")}, nil)
	if err != nil {
		log.Fatal(err) // fs.ErrExist when it is there already
	}
	if res.Forwarding != "" {
		log.Printf("turned on %s", res.Forwarding)
	}
}
