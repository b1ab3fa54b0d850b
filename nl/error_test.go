package nl

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// errorMessage builds an NLMSG_ERROR as the kernel's netlink_ack does.
func errorMessage(errno int32, flags uint16, echoed []byte, tlvs []byte) Message {
	b := binary.NativeEndian.AppendUint32(nil, uint32(-errno))
	b = append(b, echoed...)
	b = append(b, tlvs...)
	return Message{Header: Header{Type: unix.NLMSG_ERROR, Flags: flags, Sequence: 9}, Data: b}
}

func extAck(msg string, off uint32) []byte {
	e := NewEncoder(nil)
	e.String(unix.NLMSGERR_ATTR_MSG, msg)
	e.Uint32(unix.NLMSGERR_ATTR_OFFS, off)
	b, _ := e.Encode()
	return b
}

func TestParseErrorShapes(t *testing.T) {
	req := goldenBridgeAdd // the refused request, echoed whole unless capped
	cases := []struct {
		name   string
		m      Message
		msg    string
		offset int
	}{
		{"ack", errorMessage(0, unix.NLM_F_CAPPED, req[:16], nil), "", -1},
		{"capped, no tlvs", errorMessage(int32(unix.EEXIST), unix.NLM_F_CAPPED, req[:16], nil), "", -1},
		{"uncapped, no tlvs", errorMessage(int32(unix.EEXIST), 0, req, nil), "", -1},
		{"capped with tlvs", errorMessage(int32(unix.EOPNOTSUPP), unix.NLM_F_CAPPED|unix.NLM_F_ACK_TLVS, req[:16], extAck("Unknown device type", 40)), "Unknown device type", 40},
		{"uncapped with tlvs", errorMessage(int32(unix.EINVAL), unix.NLM_F_ACK_TLVS, req, extAck("bad", 44)), "bad", 44},
		{"tlvs flag, truncated echo", errorMessage(int32(unix.EINVAL), unix.NLM_F_ACK_TLVS, req[:10], nil), "", -1},
		{"tlvs garbage", errorMessage(int32(unix.EINVAL), unix.NLM_F_CAPPED|unix.NLM_F_ACK_TLVS, req[:16], []byte{200, 0, 1}), "", -1},
	}
	for _, c := range cases {
		e, err := parseError(c.m)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if c.name == "ack" {
			if e != nil {
				t.Errorf("ack parsed as error %v", e)
			}
			continue
		}
		errno := int32(binary.NativeEndian.Uint32(c.m.Data)) * -1
		if e == nil || e.Errno != unix.Errno(errno) || e.Msg != c.msg || e.Offset != c.offset || e.Seq != 9 {
			t.Errorf("%s: got %+v, want errno %d msg %q offset %d", c.name, e, errno, c.msg, c.offset)
		}
	}
}

func TestErrorUnwrapsAndExplains(t *testing.T) {
	e := &Error{Errno: unix.EEXIST, Offset: -1}
	if !errors.Is(e, unix.EEXIST) || !errors.Is(e, fs.ErrExist) {
		t.Fatal("does not unwrap to the errno")
	}
	// The reason once: "file exists", not "file exists (it already exists)".
	if e.Error() != "file exists" {
		t.Fatalf("EEXIST reads %q", e.Error())
	}
	if p := (&Error{Errno: unix.EPERM, Offset: -1}).Error(); !strings.Contains(p, "CAP_NET_ADMIN") {
		t.Fatalf("EPERM without its explanation: %q", p)
	}
	k := &Error{Errno: unix.EOPNOTSUPP, Msg: "Unknown device type", Attr: "IFLA_INFO_KIND", Offset: 40}
	if s := k.Error(); !strings.Contains(s, "kernel: Unknown device type") || !strings.Contains(s, "IFLA_INFO_KIND") {
		t.Fatalf("kernel text or attribute missing: %q", s)
	}
}

func TestParseErrorTooShort(t *testing.T) {
	if _, err := parseError(Message{Header: Header{Type: unix.NLMSG_ERROR}, Data: []byte{1, 2}}); err == nil {
		t.Fatal("2-byte error payload accepted")
	}
}

// A dump that fails part-way ends with an NLMSG_DONE whose payload is the
// negative errno; it must be reported, not taken for a clean end.
func TestParseErrorFromDone(t *testing.T) {
	m := Message{Header: Header{Type: unix.NLMSG_DONE, Sequence: 3}, Data: []byte{0xa6, 0xff, 0xff, 0xff}} // -EMSGSIZE (-90), little-endian
	e, err := parseError(m)
	if err != nil || e == nil || e.Errno != unix.EMSGSIZE {
		t.Fatalf("DONE carrying EMSGSIZE: got %v, %v", e, err)
	}
	ok := Message{Header: Header{Type: unix.NLMSG_DONE}, Data: make([]byte, 4)}
	if e, err := parseError(ok); e != nil || err != nil {
		t.Fatalf("clean DONE reported as %v, %v", e, err)
	}
}

// A dump refused at its start ends with NLMSG_DONE carrying the errno and,
// right after it, the extended-ack TLVs.
func TestParseErrorDoneWithExtAck(t *testing.T) {
	data := append([]byte{0xea, 0xff, 0xff, 0xff}, extAck("Invalid values in header for neighbor dump request", 0)...) // -EINVAL
	e, err := parseError(Message{Header: Header{Type: unix.NLMSG_DONE, Flags: unix.NLM_F_ACK_TLVS}, Data: data})
	if err != nil || e == nil || e.Errno != unix.EINVAL || e.Msg != "Invalid values in header for neighbor dump request" {
		t.Fatalf("got %+v, %v", e, err)
	}
}
