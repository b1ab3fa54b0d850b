package main

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// rawRoutes is the reference client: what adding n routes costs with
// nothing but x/sys/unix between the program and the kernel. Messages are
// built by hand into one fixed buffer, 1,024 to a write, an ACK asked for
// on the last of each write only; the answers are read into a fixed
// buffer. nsnet's -batch is measured as a multiple of it.
func rawRoutes(n int, gw [4]byte) error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	const perWrite, msgLen = 1024, unix.NLMSG_HDRLEN + unix.SizeofRtMsg + 8 + 8
	out := make([]byte, 0, perWrite*msgLen)
	in := make([]byte, 1<<16)
	ne := binary.NativeEndian
	for sent := 0; sent < n; {
		out = out[:0]
		batch := min(perWrite, n-sent)
		for i := range batch {
			flags := uint16(unix.NLM_F_REQUEST | unix.NLM_F_CREATE | unix.NLM_F_EXCL)
			if i == batch-1 {
				flags |= unix.NLM_F_ACK
			}
			k := sent + i
			out = ne.AppendUint32(out, msgLen)
			out = ne.AppendUint16(out, unix.RTM_NEWROUTE)
			out = ne.AppendUint16(out, flags)
			out = ne.AppendUint32(out, uint32(k+1)) // sequence
			out = ne.AppendUint32(out, 0)
			// rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
			out = append(out, unix.AF_INET, 32, 0, 0, unix.RT_TABLE_MAIN, unix.RTPROT_BOOT, unix.RT_SCOPE_UNIVERSE, unix.RTN_UNICAST)
			out = ne.AppendUint32(out, 0)
			out = ne.AppendUint16(out, 8)
			out = ne.AppendUint16(out, unix.RTA_DST)
			out = append(out, 172, byte(16+k>>16), byte(k>>8), byte(k))
			out = ne.AppendUint16(out, 8)
			out = ne.AppendUint16(out, unix.RTA_GATEWAY)
			out = append(out, gw[:]...)
		}
		if err := unix.Sendto(fd, out, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
			return err
		}
		last := uint32(sent + batch)
		sent += batch
		for done := false; !done; {
			m, _, err := unix.Recvfrom(fd, in, 0)
			if err != nil {
				return err
			}
			for b := in[:m]; len(b) >= unix.NLMSG_HDRLEN; {
				l := ne.Uint32(b)
				if l < unix.NLMSG_HDRLEN || int(l) > len(b) {
					return errors.New("malformed answer")
				}
				if ne.Uint16(b[4:]) == unix.NLMSG_ERROR {
					if e := int32(ne.Uint32(b[16:])); e != 0 {
						return fmt.Errorf("route %d: %w", ne.Uint32(b[8:]), unix.Errno(-e))
					}
					done = done || ne.Uint32(b[8:]) == last
				}
				b = b[(l+3)&^3:]
			}
		}
	}
	return nil
}
