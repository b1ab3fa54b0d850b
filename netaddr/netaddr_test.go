package netaddr_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/netaddr"
)

// The standard library's netip is the oracle: netaddr must read what it
// reads and mean the same address, except zones (refused here) and the
// text of ::a.b.c.d, which ip (inet_ntop) writes dotted and netip in hex.
func agree(t *testing.T, s string) {
	t.Helper()
	a, err := netaddr.ParseAddr(s)
	want, werr := netip.ParseAddr(s)
	if strings.Contains(s, "%") {
		if err == nil {
			t.Errorf("ParseAddr(%q) took a zone", s)
		}
		return
	}
	if (err == nil) != (werr == nil) {
		t.Fatalf("ParseAddr(%q): error %v, netip's %v", s, err, werr)
	}
	if err != nil {
		return
	}
	if a.AsSlice() == nil || string(a.AsSlice()) != string(want.AsSlice()) || a.Is4() != want.Is4() || a.BitLen() != want.BitLen() {
		t.Fatalf("ParseAddr(%q) = %v (% x), netip %v", s, a, a.AsSlice(), want)
	}
	if got, w := a.String(), want.String(); got != w && !v4compatible(want) {
		t.Errorf("ParseAddr(%q).String() = %q, netip %q", s, got, w)
	}
	if back, err := netaddr.ParseAddr(a.String()); err != nil || back != a {
		t.Errorf("%q does not read back: %v %v", a.String(), back, err)
	}
	if a.Next().AsSlice() == nil != (want.Next() == netip.Addr{}) || want.Next().IsValid() && string(a.Next().AsSlice()) != string(want.Next().AsSlice()) {
		t.Errorf("%v.Next() = %v, netip %v", a, a.Next(), want.Next())
	}
	if a.IsUnspecified() != want.IsUnspecified() || a.IsMulticast() != want.IsMulticast() || a.As16() != want.As16() {
		t.Errorf("%v: predicates or As16 differ from netip's", a)
	}
	for bits := -1; bits <= a.BitLen()+1; bits++ {
		p, wp := netaddr.PrefixFrom(a, bits), netip.PrefixFrom(want, bits)
		if p.IsValid() != wp.IsValid() || p.Bits() != wp.Bits() {
			t.Fatalf("PrefixFrom(%v, %d): valid %v bits %d, netip %v %d", a, bits, p.IsValid(), p.Bits(), wp.IsValid(), wp.Bits())
		}
		m, wm := p.Masked(), wp.Masked()
		if m.IsValid() && string(m.Addr().AsSlice()) != string(wm.Addr().AsSlice()) {
			t.Fatalf("%v.Masked() = %v, netip %v", p, m, wm)
		}
		if p.Contains(a) != wp.Contains(want) {
			t.Fatalf("%v.Contains(%v) = %v, netip %v", p, a, p.Contains(a), wp.Contains(want))
		}
		if p.Contains(a.Next()) != wp.Contains(want.Next()) {
			t.Fatalf("%v.Contains(%v) = %v, netip %v", p, a.Next(), p.Contains(a.Next()), wp.Contains(want.Next()))
		}
		if p.IsValid() && !v4compatible(want) {
			if p.String() != wp.String() {
				t.Errorf("%v, netip %v", p, wp)
			}
			if q, err := netaddr.ParsePrefix(p.String()); err != nil || q != p {
				t.Errorf("ParsePrefix(%q) = %v, %v", p.String(), q, err)
			}
		}
	}
}

// v4compatible is ::a.b.c.d, other than :: and ::1.
func v4compatible(a netip.Addr) bool {
	b := a.As16()
	return a.Is6() && [12]byte(b[:12]) == [12]byte{} && (b[12] != 0 || b[13] != 0)
}

var addrs = []string{
	"0.0.0.0", "1.2.3.4", "255.255.255.255", "192.168.15.1", "224.0.0.1",
	"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1..3.4", "", ".", "1.2.3.4 ",
	"::", "::1", "fe80::1", "2001:db8::8:800:200c:417a", "ff02::1", "::ffff:1.2.3.4", "::1.2.3.4",
	"::ffff:0:0", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:0:0:2:0:0:0:3",
	"1:0:0:0:2:0:0:3", "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "12345::", "fe80::1%eth0", "1:2:3:4:5:6:1.2.3.4",
	"1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3", ":1::", "1::", "FE80::ABCD", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	"0:0:0:0:0:0:0:1", "1:0::", "::0:1", "1:2::1.2.3.4", "::ffff:255.255.255.255",
}

func TestAgreesWithNetip(t *testing.T) {
	for _, s := range addrs {
		agree(t, s)
	}
}

func FuzzAgreesWithNetip(f *testing.F) {
	for _, s := range addrs {
		f.Add(s)
	}
	f.Fuzz(agree)
}

func TestText(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"::1.2.3.4", "::1.2.3.4"}, // inet_ntop's, as ip prints it; netip: ::102:304
		{"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
		{"::0.0.0.1", "::1"},
		{"1:0:0:2:0:0:0:3", "1:0:0:2::3"},
		{"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"},
		{"1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"},
		{"FE80::ABCD", "fe80::abcd"},
	} {
		if got := netaddr.MustParseAddr(c.in).String(); got != c.out {
			t.Errorf("%s: %s, want %s", c.in, got, c.out)
		}
	}
	if s := (netaddr.Addr{}).String(); s != "invalid IP" {
		t.Errorf("zero Addr: %q", s)
	}
}

func TestPrefix(t *testing.T) {
	for _, s := range []string{"10.0.0.1/24", "10.0.0.1/0", "10.0.0.1/32", "10.0.0.1/33", "10.0.0.1/024", "10.0.0.1/",
		"10.0.0.1", "fd00::1/64", "fd00::1/129", "::ffff:10.0.0.1/96", "10.0.0.1/+8", "/8", "fe80::1%eth0/64"} {
		p, err := netaddr.ParsePrefix(s)
		want, werr := netip.ParsePrefix(s)
		if (err == nil) != (werr == nil) || err == nil && (p.String() != want.String() || p.Masked().String() != want.Masked().String()) {
			t.Errorf("ParsePrefix(%q) = %v, %v; netip %v, %v", s, p, err, want, werr)
		}
	}
	p := netaddr.MustParsePrefix("192.168.15.0/24")
	for _, c := range []struct {
		a    string
		want bool
	}{{"192.168.15.7", true}, {"192.168.16.7", false}, {"::ffff:192.168.15.7", false}} {
		if got := p.Contains(netaddr.MustParseAddr(c.a)); got != c.want {
			t.Errorf("%v contains %s: %v", p, c.a, got)
		}
	}
}

func TestAddrPort(t *testing.T) {
	for _, s := range []string{"1.2.3.4:80", "[fd00::2]:8080", "[::ffff:1.2.3.4]:1", "1.2.3.4:65536", "1.2.3.4:", "fd00::2:80",
		"[1.2.3.4]:80", "1.2.3.4", "[fd00::2]", "1.2.3.4:080", ":80", "[fd00::2%x]:1"} {
		ap, err := netaddr.ParseAddrPort(s)
		want, werr := netip.ParseAddrPort(s)
		if strings.Contains(s, "%") { // zones are refused
			werr = err
		}
		if (err == nil) != (werr == nil) || err == nil && (ap.String() != want.String() || ap.Port() != want.Port()) {
			t.Errorf("ParseAddrPort(%q) = %v, %v; netip %v, %v", s, ap, err, want, werr)
		}
	}
}

func TestLast(t *testing.T) {
	for _, c := range []struct{ p, want string }{
		{"10.1.0.7/16", "10.1.255.255"}, {"10.1.2.3/23", "10.1.3.255"}, {"10.0.0.5/32", "10.0.0.5"},
		{"0.0.0.0/0", "255.255.255.255"}, {"fd00::1/120", "fd00::ff"}, {"fd00::/121", "fd00::7f"},
	} {
		if got := netaddr.MustParsePrefix(c.p).Last().String(); got != c.want {
			t.Errorf("%s: last %s, want %s", c.p, got, c.want)
		}
	}
	if (netaddr.Prefix{}).Last().IsValid() {
		t.Errorf("the zero Prefix has a last address")
	}
}
