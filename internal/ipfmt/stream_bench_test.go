package ipfmt

import (
	"io"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/rtnl"
)

// Printing a route, as route show streams 100,000 of them.
func BenchmarkStreamRoute(b *testing.B) {
	r := &rtnl.Route{Family: unix.AF_INET, Dst: netaddr.MustParsePrefix("172.16.1.2/32"), Gateway: netaddr.MustParseAddr("10.0.0.2"),
		OIF: 2, Table: unix.RT_TABLE_MAIN, Protocol: unix.RTPROT_BOOT, Type: unix.RTN_UNICAST}
	names := map[int32]string{2: "v0"}
	for _, json := range []bool{false, true} {
		name := "text"
		if json {
			name = "json"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			s := (&Printer{W: io.Discard, JSON: json}).Begin()
			for b.Loop() {
				s.Route(r, names)
			}
			s.End()
		})
	}
}
