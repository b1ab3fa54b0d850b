package rtnl

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// NetNS names a network namespace in a link request: by an open namespace
// file descriptor (IFLA_NET_NS_FD) or by a process inside it
// (IFLA_NET_NS_PID). The zero value means "here".
type NetNS struct {
	kind uint16 // 0, or the attribute type to send
	v    uint32
}

// NetNSFD names the namespace open as fd (an ns.Handle's FD).
func NetNSFD(fd int) NetNS { return NetNS{unix.IFLA_NET_NS_FD, uint32(fd)} }

// NetNSPID names the namespace of process pid.
func NetNSPID(pid int) NetNS { return NetNS{unix.IFLA_NET_NS_PID, uint32(pid)} }

// IsZero reports whether n means "here".
func (n NetNS) IsZero() bool { return n.kind == 0 }

func (n NetNS) encode(e *nl.Encoder) {
	if n.kind != 0 {
		e.Uint32(n.kind, n.v)
	}
}
