package rtnl

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestAttrNameFindsNestedKind(t *testing.T) {
	b, err := encodeLink(&Link{Name: "x", MTU: 1400, Info: &GenericInfo{KindName: "nosuch"}})
	if err != nil {
		t.Fatal(err)
	}
	// ifinfomsg 16, IFLA_IFNAME 8 (16..24), IFLA_MTU 8 (24..32),
	// IFLA_LINKINFO at 32: its IFLA_INFO_KIND at 36.
	cases := map[int]string{16: "IFLA_IFNAME", 26: "IFLA_MTU", 36: "IFLA_LINKINFO/IFLA_INFO_KIND", 2: "", 400: ""}
	for off, want := range cases {
		if got := attrName(unix.RTM_NEWLINK, b, off); got != want {
			t.Errorf("offset %d: got %q, want %q", off, got, want)
		}
	}
	if got := attrName(unix.RTM_NEWADDR, b, 16); got == "IFLA_IFNAME" {
		t.Error("address request named with link table")
	}
}
