package nl

import (
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
)

// Describe renders one message in wire format for a human: the header
// fields, then the payload as offset-labelled hex rows (offsets count from
// the start of the message, as the kernel's NLMSGERR_ATTR_OFFS does). It
// never fails: a malformed message is described as such.
func Describe(msg []byte) string {
	var b strings.Builder
	m, _, err := parseMessage(msg)
	if err != nil {
		fmt.Fprintf(&b, "malformed message (%v): % x\n", err, msg)
		return b.String()
	}
	h := m.Header
	fmt.Fprintf(&b, "nlmsghdr len=%d type=%d flags=%#x seq=%d pid=%d\n", h.Length, h.Type, h.Flags, h.Sequence, h.PortID)
	for off := 0; off < len(m.Data); off += 16 {
		end := min(off+16, len(m.Data))
		fmt.Fprintf(&b, "  %04x  % x\n", headerLen+off, m.Data[off:end])
	}
	return b.String()
}
