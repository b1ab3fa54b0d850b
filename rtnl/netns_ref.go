package rtnl

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
)

// encodeNetNS writes IFLA_NET_NS_FD for a link or peer to be moved to, or
// created in, namespace h; nil means here. A process's namespace is
// named the same way, by a handle: ns.OpenPID.
func encodeNetNS(e *nl.Encoder, h *ns.Handle) {
	if h != nil {
		e.Uint32(unix.IFLA_NET_NS_FD, uint32(h.FD()))
	}
}
