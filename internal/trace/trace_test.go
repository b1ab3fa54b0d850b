package trace

import (
	"encoding/binary"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// msgBytes is one message: header then data.
func msgBytes(typ, flags uint16, seq uint32, data []byte) []byte {
	return nl.Message{Header: nl.Header{Type: typ, Flags: flags, Sequence: seq}, Data: data}.Append(nil)
}

// A request and the kernel's refusal pointing into it: the brief line
// names the attribute; the full trace puts a caret under it.
func TestErrorPointsAtAttribute(t *testing.T) {
	e := nl.NewEncoder(make([]byte, unix.SizeofIfInfomsg))
	e.String(unix.IFLA_IFNAME, "br0")
	e.Uint32(unix.IFLA_MTU, 70000)
	body, _ := e.Encode()
	req := msgBytes(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 7, body)
	// NLMSG_ERROR: errno, the request's header (capped), then ext-ack.
	einval := -int32(unix.EINVAL)
	ack := binary.NativeEndian.AppendUint32(nil, uint32(einval))
	ack = append(ack, req[:unix.NLMSG_HDRLEN]...)
	binary.NativeEndian.PutUint32(ack[4:], unix.NLMSG_HDRLEN)
	x := nl.NewEncoder(ack)
	x.String(unix.NLMSGERR_ATTR_MSG, "mtu greater than device maximum")
	x.Uint32(unix.NLMSGERR_ATTR_OFFS, 16+unix.SizeofIfInfomsg+8) // IFLA_MTU
	ack, _ = x.Encode()
	answer := msgBytes(unix.NLMSG_ERROR, unix.NLM_F_CAPPED|unix.NLM_F_ACK_TLVS, 7, ack)

	for _, c := range []struct {
		mode Mode
		want []string
	}{
		{Brief, []string{
			"→ RTM_NEWLINK seq=7 REQUEST|ACK ifname=br0 mtu=70000\n",
			`← ERROR seq=7 EINVAL: invalid argument kernel: "mtu greater than device maximum" (at IFLA_MTU) 1.5 ms` + "\n"}},
		{Full, []string{
			"  0020 IFLA_IFNAME len=8 \"br0\"\n",
			"  0010 error -22 EINVAL: invalid argument\n",
			"       0028 IFLA_MTU len=8 70000\n            ^^^^^^^^ here\n"}},
		{JSON, []string{`"points_at":"IFLA_MTU"`, `"us":1500`, `{"name":"IFLA_MTU","type":4,"offset":40,"len":8,"value":70000}`}},
	} {
		var b strings.Builder
		tr := New(&b, c.mode, nil)
		now := time.Unix(1000, 0)
		tr.Now = func() time.Time { return now }
		tr.Datagram(nl.Sent, unix.NETLINK_ROUTE, req)
		now = now.Add(1500 * time.Microsecond)
		tr.Datagram(nl.Received, unix.NETLINK_ROUTE, answer)
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("mode %d: want %q in:\n%s", c.mode, w, b.String())
			}
		}
	}
}

// Malformed input is said to be malformed, never a panic.
func FuzzDecode(f *testing.F) {
	e := nl.NewEncoder(make([]byte, unix.SizeofIfInfomsg))
	e.String(unix.IFLA_IFNAME, "v0")
	e.Nest(unix.IFLA_LINKINFO)
	e.String(unix.IFLA_INFO_KIND, "veth")
	e.Nest(unix.IFLA_INFO_DATA)
	e.Nest(1)
	e.Raw(make([]byte, unix.SizeofIfInfomsg))
	e.String(unix.IFLA_IFNAME, "v1")
	e.End()
	e.End()
	e.End()
	link, _ := e.Encode()
	f.Add(unix.NETLINK_ROUTE, msgBytes(unix.RTM_NEWLINK, unix.NLM_F_REQUEST, 1, link))
	r := nl.NewEncoder(make([]byte, unix.SizeofRtMsg))
	r.Nest(unix.RTA_MULTIPATH)
	r.Raw([]byte{16, 0, 0, 0, 2, 0, 0, 0})
	r.Bytes(unix.RTA_GATEWAY, []byte{10, 0, 0, 1})
	r.End()
	route, _ := r.Encode()
	f.Add(unix.NETLINK_ROUTE, msgBytes(unix.RTM_NEWROUTE, unix.NLM_F_REQUEST, 2, route))
	n := nl.NewEncoder([]byte{2, 0, 0, 0})
	n.String(unix.NFTA_RULE_TABLE, "nsnet")
	n.Nest(unix.NFTA_RULE_EXPRESSIONS | unix.NLA_F_NESTED)
	n.Nest(unix.NFTA_LIST_ELEM | unix.NLA_F_NESTED)
	n.String(unix.NFTA_EXPR_NAME, "cmp")
	n.Nest(unix.NFTA_EXPR_DATA | unix.NLA_F_NESTED)
	n.Uint32BE(unix.NFTA_CMP_SREG, 1)
	n.End()
	n.End()
	n.End()
	rule, _ := n.Encode()
	f.Add(unix.NETLINK_NETFILTER, msgBytes(unix.NFNL_SUBSYS_NFTABLES<<8|unix.NFT_MSG_NEWRULE, unix.NLM_F_REQUEST, 3, rule))
	f.Add(unix.NETLINK_ROUTE, msgBytes(unix.NLMSG_ERROR, unix.NLM_F_ACK_TLVS, 4, make([]byte, 24)))
	f.Fuzz(func(t *testing.T, proto int, b []byte) {
		for _, mode := range []Mode{Brief, Full, JSON} {
			var out strings.Builder
			tr := New(&out, mode, nil)
			tr.Datagram(nl.Sent, proto, b)
			tr.Datagram(nl.Received, proto, b)
		}
	})
}

// The generated errno names are unix.ErrnoName's on this architecture.
func TestErrnoNames(t *testing.T) {
	for e := syscall.Errno(0); e < 200; e++ {
		if got, want := errnoName(e), unix.ErrnoName(e); got != want {
			t.Errorf("errno %d: %q, unix.ErrnoName says %q", int(e), got, want)
		}
	}
}
