package rawos

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestSockaddrs(t *testing.T) {
	var sa unix.RawSockaddrAny
	in := (*unix.RawSockaddrInet4)(unsafe.Pointer(&sa))
	in.Family, in.Addr, in.Port = unix.AF_INET, [4]byte{10, 0, 0, 1}, *(*uint16)(unsafe.Pointer(&[2]byte{0x1f, 0x90}))
	if got := AddrPort(&sa).String(); got != "10.0.0.1:8080" {
		t.Errorf("AddrPort of 10.0.0.1 port 8080 in network order: %s", got)
	}
	in6 := (*unix.RawSockaddrInet6)(unsafe.Pointer(&sa))
	in6.Family, in6.Addr, in6.Port = unix.AF_INET6, [16]byte{15: 1}, *(*uint16)(unsafe.Pointer(&[2]byte{0, 53}))
	if got := AddrPort(&sa).String(); got != "[::1]:53" {
		t.Errorf("AddrPort of [::1]:53: %s", got)
	}
	if _, ok := NetlinkPort(&sa); ok {
		t.Errorf("NetlinkPort of an IPv6 address")
	}

	// A netlink socket's own address: the port the kernel gave it.
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatal(err)
	}
	sa, err = Getsockname(fd)
	want, _ := unix.Getsockname(fd)
	if port, ok := NetlinkPort(&sa); err != nil || !ok || port != want.(*unix.SockaddrNetlink).Pid || port == 0 {
		t.Errorf("Getsockname: port %d %v %v, x/sys says %d", port, ok, err, want.(*unix.SockaddrNetlink).Pid)
	}
	if AddrPort(&sa).IsValid() {
		t.Errorf("AddrPort of a netlink address")
	}
}
