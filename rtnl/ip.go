package rtnl

import (
	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"

	"golang.org/x/sys/unix"
)

// family is AF_INET or AF_INET6 for a, 0 for the zero Addr.
//
//go:noinline
func family(a netaddr.Addr) uint8 {
	switch {
	case a.Is4():
		return unix.AF_INET
	case a.Is6():
		return unix.AF_INET6
	}
	return 0
}

// lengthError says that a message or attribute (what) came with n bytes:
// too few, or too many, to read. One place: inlined at each decoder, the
// call to Errorf cost a hundred bytes of binary.
//
//go:noinline
func lengthError(what string, n int) error { return fmt.Errorf("rtnl: %s of %d bytes", what, n) }

// addrFrom decodes an address attribute of family fam; a value of the
// wrong size is an error, not a panic.
func addrFrom(b []byte, fam uint8) (netaddr.Addr, error) {
	want := 0 // another family: nothing is an address
	switch fam {
	case unix.AF_INET, FamilyIPMR:
		want = 4
	case unix.AF_INET6, FamilyIP6MR:
		want = 16
	}
	if len(b) != want {
		return netaddr.Addr{}, fmt.Errorf("rtnl: address of %d bytes for family %d", len(b), fam)
	}
	a, _ := netaddr.AddrFromSlice(b)
	return a, nil
}

// prefixFrom builds a prefix, refusing a length the family cannot have.
func prefixFrom(a netaddr.Addr, bits uint8) (netaddr.Prefix, error) {
	p := netaddr.PrefixFrom(a, int(bits))
	if !p.IsValid() {
		return netaddr.Prefix{}, fmt.Errorf("rtnl: prefix length %d for %v", bits, a)
	}
	return p, nil
}
