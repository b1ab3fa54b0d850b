package ipfmt_test

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/rtnl"
)

// Routes as `ip route` and `ip -j route` print them, keys in ip's order.
func ExamplePrinter_Routes() {
	routes := []rtnl.Route{
		{Family: unix.AF_INET, Gateway: netaddr.MustParseAddr("10.0.0.1"), OIF: 2, Table: unix.RT_TABLE_MAIN, Protocol: unix.RTPROT_BOOT, Type: unix.RTN_UNICAST},
		{Family: unix.AF_INET, Dst: netaddr.MustParsePrefix("10.0.0.0/24"), OIF: 2, Table: unix.RT_TABLE_MAIN, Protocol: unix.RTPROT_KERNEL,
			Scope: unix.RT_SCOPE_LINK, Type: unix.RTN_UNICAST, PrefSrc: netaddr.MustParseAddr("10.0.0.5")},
	}
	names := map[int32]string{2: "eth0"}
	var text strings.Builder
	(&ipfmt.Printer{W: &text}).Routes(routes, names)
	// Like ip, every item is followed by a blank: lines end in one.
	fmt.Print(strings.ReplaceAll(text.String(), " \n", "|\n"))
	(&ipfmt.Printer{W: os.Stdout, JSON: true}).Routes(routes[:1], names)
	// Output:
	// default via 10.0.0.1 dev eth0|
	// 10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.5|
	// [{"dst":"default","gateway":"10.0.0.1","dev":"eth0","flags":[]}]
}
