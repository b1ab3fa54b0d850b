package rtnl

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nl"
	"golang.org/x/sys/unix"
)

// fuzzCodec checks a decoder never panics, and that what it decodes
// re-encodes to bytes that decode and re-encode to the same bytes.
func fuzzCodec[T any](f *testing.F, decode func([]byte) (*T, error), encode func(*T) ([]byte, error)) {
	for _, g := range goldens {
		b, _ := hex.DecodeString(g.hex)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := decode(b)
		if err != nil {
			return
		}
		b1, err := encode(v)
		if err != nil {
			return // decodable but not a valid request (a dump-only field)
		}
		v2, err := decode(b1)
		if err != nil {
			t.Fatalf("re-encoded value does not decode: %v\n% x", err, b1)
		}
		b2, err := encode(v2)
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("decode→encode→decode unstable (%v):\n% x\n% x", err, b1, b2)
		}
	})
}

func FuzzLink(f *testing.F) {
	// A tun device as a dump has it: IFLA_TUN_* in IFLA_INFO_DATA.
	e := nl.NewEncoder(make([]byte, unix.SizeofIfInfomsg))
	e.String(unix.IFLA_IFNAME, "tun0")
	e.Nest(unix.IFLA_LINKINFO)
	e.String(unix.IFLA_INFO_KIND, "tun")
	e.Nest(unix.IFLA_INFO_DATA)
	e.Uint8(unix.IFLA_TUN_TYPE, unix.IFF_TUN)
	e.Uint8(unix.IFLA_TUN_PI, 1)
	e.Uint8(unix.IFLA_TUN_MULTI_QUEUE, 1)
	e.Uint32(unix.IFLA_TUN_OWNER, 1000)
	e.Uint32(unix.IFLA_TUN_NUM_QUEUES, 2)
	e.End()
	e.End()
	if b, err := e.Encode(); err == nil {
		f.Add(b)
	}
	fuzzCodec(f, DecodeLink, encodeLink)
}
func FuzzAddr(f *testing.F) { fuzzCodec(f, DecodeAddr, encodeAddr) }
func FuzzRoute(f *testing.F) {
	// A route with RTA_METRICS (mtu locked, advmss), nested as ip sends it.
	if b, err := encodeRoute(&Route{Family: 2, Table: 254, Type: 1, Metrics: []Metric{{2, 1400}, {8, 1360}}, Locked: 1 << 2}); err == nil {
		f.Add(b)
	}
	// Realms on the route and in a nexthop, a congestion control by name.
	if b, err := encodeRoute(&Route{Family: 2, Table: 254, Type: 1, Realms: 1<<16 | 2, CongCtl: "reno",
		Nexthops: []Nexthop{{Weight: 1, OIF: 2, Realms: 5}}}); err == nil {
		f.Add(b)
	}
	f.Add(routeWithCache())
	f.Add(mrouteMessage())
	fuzzCodec(f, DecodeRoute, encodeRoute)
}
func FuzzNeigh(f *testing.F) { fuzzCodec(f, DecodeNeigh, encodeNeigh) }

// routeWithCache is an IPv6 route as a router's advertisement leaves it:
// RTA_CACHEINFO with its lifetime (360000 hundredths: 3600 s), the
// rta_cacheinfo of Linux 6.x (ipid and timestamps 0).
func routeWithCache() []byte {
	e := nl.NewEncoder([]byte{unix.AF_INET6, 64, 0, 0, unix.RT_TABLE_MAIN, unix.RTPROT_RA, 0, unix.RTN_UNICAST, 0, 0, 0, 0})
	e.Addr(unix.RTA_DST, netaddr.MustParseAddr("2001:db8:1::"))
	ci := make([]byte, 0, 32)
	for _, v := range []uint32{1, 250, 360000, 0, 7, 0, 0, 0} { // clntref, lastuse, expires, error, used, id, ts, tsage
		ci = binary.NativeEndian.AppendUint32(ci, v)
	}
	e.Bytes(unix.RTA_CACHEINFO, ci)
	b, _ := e.Encode()
	return b
}

// mrouteMessage is an IPv4 multicast route as a dump of RTNL_FAMILY_IPMR
// has it: (10.1.0.5, 239.1.1.1) in by link 2, out by 3 (TTL threshold 1)
// and 4 (3), with its counts and time since last use.
func mrouteMessage() []byte {
	e := nl.NewEncoder([]byte{FamilyIPMR, 32, 32, 0, unix.RT_TABLE_DEFAULT, unix.RTPROT_STATIC, 0, unix.RTN_MULTICAST, 0, 0, 0, 0})
	e.Uint32(unix.RTA_TABLE, unix.RT_TABLE_DEFAULT)
	e.Addr(unix.RTA_SRC, netaddr.MustParseAddr("10.1.0.5"))
	e.Addr(unix.RTA_DST, netaddr.MustParseAddr("239.1.1.1"))
	e.Uint32(unix.RTA_IIF, 2)
	e.Bytes(unix.RTA_MULTIPATH, []byte{8, 0, 0, 1, 3, 0, 0, 0, 8, 0, 0, 3, 4, 0, 0, 0}) // rtnexthop: len, flags, hops, ifindex
	stats := binary.NativeEndian.AppendUint64(nil, 6)
	stats = binary.NativeEndian.AppendUint64(stats, 204)
	e.Bytes(unix.RTA_MFC_STATS, binary.NativeEndian.AppendUint64(stats, 4))
	e.Uint64(unix.RTA_EXPIRES, 1234)
	b, _ := e.Encode()
	return b
}

func TestDecodeMRoute(t *testing.T) {
	r, err := DecodeRoute(mrouteMessage())
	if err != nil {
		t.Fatal(err)
	}
	if r.Src.Addr() != netaddr.MustParseAddr("10.1.0.5") || r.Dst.Addr() != netaddr.MustParseAddr("239.1.1.1") || r.IIF != 2 ||
		len(r.Nexthops) != 2 || r.Nexthops[1] != (Nexthop{OIF: 4, Weight: 4}) || r.MFC == nil ||
		*r.MFC != (MFCStats{Packets: 6, Bytes: 204, WrongIf: 4, LastUse: 1234}) {
		t.Errorf("got %+v (MFC %+v)", r, r.MFC)
	}
}

func TestDecodeRouteCache(t *testing.T) {
	b := routeWithCache()
	r, err := DecodeRoute(b)
	want := RouteCache{Users: 1, LastUse: 250, Expires: 360000, Used: 7}
	if err != nil || r.Cache != want {
		t.Fatalf("got %+v, %v; want %+v", r.Cache, err, want)
	}
	short := append(b[:len(b)-36:len(b)-36], 20, 0, unix.RTA_CACHEINFO, 0) // 16 bytes of cacheinfo
	if _, err := DecodeRoute(append(short, b[len(b)-32:len(b)-16]...)); err == nil || !strings.Contains(err.Error(), "RTA_CACHEINFO") {
		t.Errorf("a cacheinfo of 16 bytes: %v", err)
	}
}

func FuzzNexthop(f *testing.F) {
	// A group of two, weights 1 and 3, resilient with 32 buckets.
	b, _ := hex.DecodeString("000000000000000008000100050000001400020001000000000000000200000002000000060003000100000018000c800600010020000000080002007017000008000300000000")
	f.Add(b)
	fuzzCodec(f, DecodeNexthopObject, encodeNexthop)
}

func FuzzRule(f *testing.F) {
	// Rules with most attributes, as ip sends them.
	mask := uint32(0xff)
	for _, r := range []*Rule{
		{Src: netaddr.MustParsePrefix("10.0.0.0/8"), Table: 100, Priority: 100, Action: unix.FR_ACT_TO_TBL},
		{Dst: netaddr.MustParsePrefix("fd00::/8"), IIF: "v0", OIF: "v1", Mark: 0x10, Mask: &mask, Invert: true, Action: unix.FR_ACT_PROHIBIT},
		{IPProto: unix.IPPROTO_TCP, SPort: [2]uint16{1000, 2000}, DPort: [2]uint16{80, 80}, UIDRange: &[2]uint32{100, 200}, Table: 7},
		{Priority: 50, Goto: 100, Action: unix.FR_ACT_GOTO, Protocol: unix.RTPROT_STATIC},
	} {
		if b, err := encodeRule(r); err == nil {
			f.Add(b)
		}
	}
	fuzzCodec(f, DecodeRule, encodeRule)
}

// bucketMessage is an RTM_NEWNEXTHOPBUCKET payload as the kernel sends it:
// group 10, bucket 3, idle 1.5 s, member 2, RTNH_F_TRAP.
func bucketMessage() []byte {
	e := nl.NewEncoder([]byte{0, 0, 0, 0, unix.RTNH_F_TRAP, 0, 0, 0})
	e.Uint32(unix.NHA_ID, 10)
	e.Nest(nhaResBucket | unix.NLA_F_NESTED)
	e.Uint16(nhaResBucketIndex, 3)
	e.Uint64(nhaResBucketIdleTime, 150)
	e.Uint32(nhaResBucketNHID, 2)
	e.End()
	b, _ := e.Encode()
	return b
}

func TestDecodeNexthopBucket(t *testing.T) {
	k, err := DecodeNexthopBucket(bucketMessage())
	want := NexthopBucket{ID: 10, Index: 3, IdleTime: 150, NexthopID: 2, Flags: unix.RTNH_F_TRAP}
	if err != nil || *k != want {
		t.Fatalf("got %+v, %v; want %+v", k, err, want)
	}
}

// Buckets are read, never sent: the decoder only has to hold.
func FuzzNexthopBucket(f *testing.F) {
	f.Add(bucketMessage())
	f.Fuzz(func(t *testing.T, b []byte) { DecodeNexthopBucket(b) })
}

func TestDecodePrefix(t *testing.T) {
	// fd00:1::/64 on link 2, on-link and autonomous, valid 3600 s and
	// preferred 1800 s, as the kernel announces a prefix it took.
	e := nl.NewEncoder([]byte{unix.AF_INET6, 0, 0, 0, 2, 0, 0, 0, 3, 64, PrefixOnLink | PrefixAutoconf, 0})
	e.Addr(unix.PREFIX_ADDRESS, netaddr.MustParseAddr("fd00:1::"))
	e.Bytes(unix.PREFIX_CACHEINFO, []byte{0x08, 0x07, 0, 0, 0x10, 0x0e, 0, 0})
	b, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodePrefix(b)
	want := Prefix{Family: unix.AF_INET6, Index: 2, Type: 3, Addr: netaddr.MustParseAddr("fd00:1::"), Len: 64,
		Flags: PrefixOnLink | PrefixAutoconf, HasLifetimes: true, Valid: 3600, Preferred: 1800}
	if err != nil || *p != want {
		t.Fatalf("got %+v, %v; want %+v", p, err, want)
	}
	if _, err := DecodePrefix(append(b[:len(b)-12:len(b)-12], 8, 0, 2, 0, 1, 2, 3, 4)); err == nil {
		t.Errorf("a cacheinfo of 4 bytes decoded")
	}
}

// Prefixes are read, never sent: the decoder only has to hold.
func FuzzPrefix(f *testing.F) {
	f.Add([]byte{10, 0, 0, 0, 2, 0, 0, 0, 3, 64, 3, 0})
	f.Fuzz(func(t *testing.T, b []byte) { DecodePrefix(b) })
}
