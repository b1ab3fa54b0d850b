package nl

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"
)

// ip link add br0 type bridge — the request iproute2 6.1 sends (strace),
// header and attributes as the kernel headers lay them out (little-endian
// host).
var goldenBridgeAdd = []byte{
	// struct nlmsghdr
	56, 0, 0, 0, // nlmsg_len: 56
	16, 0, // nlmsg_type: RTM_NEWLINK
	0x05, 0x06, // nlmsg_flags: REQUEST|ACK|EXCL|CREATE
	1, 0, 0, 0, // nlmsg_seq: 1
	0, 0, 0, 0, // nlmsg_pid: 0
	// struct ifinfomsg: family, pad, type, index, flags, change
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	8, 0, 3, 0, 'b', 'r', '0', 0, // IFLA_IFNAME "br0\0"
	16, 0, 18, 0, // IFLA_LINKINFO, nested (iproute2 does not set NLA_F_NESTED)
	10, 0, 1, 0, 'b', 'r', 'i', 'd', 'g', 'e', 0, 0, // IFLA_INFO_KIND "bridge" (no NUL), 2 bytes padding
}

func TestEncoderGoldenBridgeAdd(t *testing.T) {
	e := NewEncoder(make([]byte, unix.SizeofIfInfomsg))
	e.String(unix.IFLA_IFNAME, "br0")
	e.Nest(unix.IFLA_LINKINFO)
	e.Bytes(unix.IFLA_INFO_KIND, []byte("bridge"))
	e.End()
	data, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	m := Message{Header: Header{Type: unix.RTM_NEWLINK, Flags: 0x605, Sequence: 1}, Data: data}
	got := m.Append(nil)
	if !bytes.Equal(got, goldenBridgeAdd) {
		t.Fatalf("encoded\n% x\nwant\n% x", got, goldenBridgeAdd)
	}
	// The length excludes the padding of the last attribute (54 bytes of
	// message, 2 bytes padding): the kernel accepts both, we match ip.
	msgs, err := ParseMessages(got)
	if err != nil || len(msgs) != 1 || !bytes.Equal(msgs[0].Data, data) {
		t.Fatalf("round trip: %v %v", msgs, err)
	}
}

func TestEncoderByteOrder(t *testing.T) {
	e := NewEncoder(nil)
	e.Uint32(1, 0x01020304)
	e.Uint32BE(2, 0x01020304)
	e.Uint16BE(3, 0x0a0b)
	b, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		8, 0, 1, 0, 4, 3, 2, 1, // host order (little-endian here)
		8, 0, 2, 0, 1, 2, 3, 4, // network order
		6, 0, 3, 0, 0x0a, 0x0b, 0, 0, // 2-byte value, padded; length 6
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("got % x\nwant % x", b, want)
	}
	d := NewDecoder(b)
	var got []uint32
	for d.Next() {
		switch d.Type() {
		case 1:
			got = append(got, d.Uint32())
		case 2:
			got = append(got, d.Uint32BE())
		case 3:
			got = append(got, uint32(d.Uint16BE()))
		}
	}
	if d.Err() != nil || len(got) != 3 || got[0] != 0x01020304 || got[1] != 0x01020304 || got[2] != 0x0a0b {
		t.Fatalf("decoded %x, err %v", got, d.Err())
	}
}

func TestEncoderErrorsStick(t *testing.T) {
	e := NewEncoder(nil)
	e.Bytes(1, make([]byte, 70000)) // does not fit nla_len
	e.Uint32(2, 7)
	if _, err := e.Encode(); err == nil {
		t.Fatal("oversized attribute accepted")
	}
	e = NewEncoder(nil)
	e.Nest(1)
	if _, err := e.Encode(); err == nil {
		t.Fatal("unclosed nest accepted")
	}
	e = NewEncoder(nil)
	e.End()
	if _, err := e.Encode(); err == nil {
		t.Fatal("End without Nest accepted")
	}
}

func TestDecoderRejectsMalformed(t *testing.T) {
	cases := map[string][]byte{
		"short header":     {4, 0, 1},
		"length too small": {2, 0, 1, 0},
		"length too large": {9, 0, 1, 0, 1, 2, 3, 4},
	}
	for name, b := range cases {
		d := NewDecoder(b)
		for d.Next() {
		}
		if d.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A value of the wrong size is an error, and reads as zero.
	d := NewDecoder([]byte{6, 0, 1, 0, 1, 2, 0, 0})
	d.Next()
	if v := d.Uint32(); v != 0 || d.Err() == nil {
		t.Fatalf("2-byte value read as uint32: %d, err %v", v, d.Err())
	}
}

func TestDecoderAcceptsUnpaddedLast(t *testing.T) {
	d := NewDecoder([]byte{5, 0, 1, 0, 'x'}) // no padding after the last attribute
	if !d.Next() || d.String() != "x" || d.Next() || d.Err() != nil {
		t.Fatalf("unpadded last attribute: %v", d.Err())
	}
}

func TestDecoderNested(t *testing.T) {
	d := NewDecoder(goldenBridgeAdd[headerLen+unix.SizeofIfInfomsg:])
	var name, kind string
	for d.Next() {
		switch d.Type() {
		case unix.IFLA_IFNAME:
			name = d.String()
		case unix.IFLA_LINKINFO:
			d.Nested(func(nd *Decoder) error {
				for nd.Next() {
					if nd.Type() == unix.IFLA_INFO_KIND {
						kind = nd.String()
					}
				}
				return nil
			})
		}
	}
	if d.Err() != nil || name != "br0" || kind != "bridge" {
		t.Fatalf("name %q kind %q err %v", name, kind, d.Err())
	}
}

// Index keeps the first attribute of each type, as parse_rtattr does,
// tells an empty payload from an absent one, and ignores types past max.
func TestIndex(t *testing.T) {
	e := NewEncoder(nil)
	e.Uint32(3, 7)
	e.Flag(1)
	e.Uint32(3, 9)
	e.Uint8(9, 1)
	b, _ := e.Encode()
	tb := Index(b, 4)
	if len(tb) != 5 || tb[0] != nil || tb[1] == nil || len(tb[1]) != 0 || tb[2] != nil || len(tb[3]) != 4 || tb[3][0] != 7 {
		t.Fatalf("Index: %v", tb)
	}
	if tb := Index(append(b, 9, 0), 4); tb[3] == nil {
		t.Fatal("a malformed tail dropped what came before it")
	}
}
