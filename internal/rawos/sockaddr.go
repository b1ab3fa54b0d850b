package rawos

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/netaddr"
)

// The calls that return a socket address, with the address as the kernel
// writes it. x/sys/unix's Recvmsg, Recvfrom, Accept4 and Getsockname turn
// it into one of its Sockaddr types through a switch over every family,
// which links in all of them (unix, packet, CAN, Bluetooth, VSOCK...):
// nsnet reads netlink and IP addresses only.

// Recvmsg is recvmsg(2), retried on EINTR (which Go's preemption
// signals cause): the bytes read (the datagram's whole length, with
// MSG_TRUNC), the bytes of control messages read into oob, and the
// sender.
func Recvmsg(fd int, b, oob []byte, flags int) (n, oobn int, from unix.RawSockaddrAny, err error) {
	var iov unix.Iovec
	if len(b) > 0 {
		iov.Base = &b[0]
		iov.SetLen(len(b))
	}
	msg := unix.Msghdr{Name: (*byte)(unsafe.Pointer(&from)), Namelen: unix.SizeofSockaddrAny, Iov: &iov, Iovlen: 1}
	if len(oob) > 0 {
		msg.Control = &oob[0]
		msg.SetControllen(len(oob))
	}
	for {
		r, _, errno := unix.Syscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), uintptr(flags))
		if errno != unix.EINTR {
			if errno != 0 {
				return 0, 0, from, errno
			}
			return int(r), int(msg.Controllen), from, nil
		}
	}
}

// Accept4 is accept4(2): the new socket and its peer.
func Accept4(fd, flags int) (int, unix.RawSockaddrAny, error) {
	var from unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	for {
		r, _, errno := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), uintptr(unsafe.Pointer(&from)), uintptr(unsafe.Pointer(&n)), uintptr(flags), 0, 0)
		if errno != unix.EINTR {
			if errno != 0 {
				return -1, from, errno
			}
			return int(r), from, nil
		}
	}
}

// Getsockname is getsockname(2).
func Getsockname(fd int) (unix.RawSockaddrAny, error) {
	var sa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	_, _, errno := unix.RawSyscall(unix.SYS_GETSOCKNAME, uintptr(fd), uintptr(unsafe.Pointer(&sa)), uintptr(unsafe.Pointer(&n)))
	if errno != 0 {
		return sa, errno
	}
	return sa, nil
}

// NetlinkPort is the port ID of a netlink address (0: the kernel), and
// false for another family's.
func NetlinkPort(sa *unix.RawSockaddrAny) (uint32, bool) {
	if sa.Addr.Family != unix.AF_NETLINK {
		return 0, false
	}
	return (*unix.RawSockaddrNetlink)(unsafe.Pointer(sa)).Pid, true
}

// AddrPort is the address and port of an IPv4 or IPv6 socket address; the
// zero AddrPort for another family's.
func AddrPort(sa *unix.RawSockaddrAny) netaddr.AddrPort {
	switch sa.Addr.Family {
	case unix.AF_INET:
		in := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		return netaddr.AddrPortFrom(netaddr.AddrFrom4(in.Addr), portOf(in.Port))
	case unix.AF_INET6:
		in := (*unix.RawSockaddrInet6)(unsafe.Pointer(sa))
		return netaddr.AddrPortFrom(netaddr.AddrFrom16(in.Addr), portOf(in.Port))
	}
	return netaddr.AddrPort{}
}

// portOf reads a port, which the kernel keeps in network byte order.
func portOf(p uint16) uint16 {
	return binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&p))[:])
}
