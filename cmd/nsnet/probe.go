package main

import (
	"cmp"
	"time"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/netaddr"

	"github.com/nsnet/nsnet/ns"
	"golang.org/x/sys/unix"
)

// runProbe checks reachability with TCP or UDP, for systems without ping
// (an initramfs, a container image): a listener that reports who connected,
// and a client that reports the address it connected from. Run with -n,
// the socket is opened inside that namespace.
//
//	nsnet -n blue probe listen tcp 8080 [count N] [timeout SECS]
//	nsnet -n red probe connect tcp 192.168.15.2 8080 [timeout SECS]
func runProbe(e *env, args []string) error {
	if len(args) == 0 || matches(args[0], "help") {
		fmt.Fprint(e.stdout, "Usage: nsnet [-n NS] probe listen tcp|udp PORT [count N] [timeout SECS]\n"+
			"       nsnet [-n NS] probe connect tcp|udp ADDR PORT [timeout SECS]\n")
		return nil
	}
	p, err := parseProbe(args)
	if err != nil {
		return err
	}
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	defer h.Close()
	if p.listen {
		return e.probeListen(h, p)
	}
	return e.probeConnect(h, p)
}

type probe struct {
	_       noCompare
	listen  bool
	proto   string // "tcp" or "udp"
	addr    netaddr.Addr
	port    uint16
	count   int
	timeout time.Duration
}

func parseProbe(args []string) (probe, error) {
	p := probe{count: 1, timeout: 5 * time.Second}
	switch {
	case matches(args[0], "listen"):
		p.listen = true
	case matches(args[0], "connect"):
	default:
		return p, usagef("probe: %q is not listen or connect", args[0])
	}
	args = args[1:]
	need := 2 // proto, port
	if !p.listen {
		need = 3 // proto, addr, port
	}
	if len(args) < need {
		return p, usagef("probe: missing arguments (try 'nsnet probe help')")
	}
	p.proto = args[0]
	if p.proto != "tcp" && p.proto != "udp" {
		return p, usagef("probe: protocol %q is not tcp or udp", p.proto)
	}
	if !p.listen {
		a, err := netaddr.ParseAddr(args[1])
		if err != nil {
			return p, usagef("probe: %q is not an IP address", args[1])
		}
		p.addr = a
	}
	port, ok := num.Uint(args[need-1], 10, 16)
	if !ok || port == 0 {
		return p, usagef("probe: %q is not a port (1-65535)", args[need-1])
	}
	p.port = uint16(port)
	for rest := args[need:]; len(rest) > 0; rest = rest[2:] {
		if len(rest) < 2 {
			return p, usagef("probe: %q needs a value", rest[0])
		}
		n, ok := num.Uint(rest[1], 10, 31)
		if !ok || n == 0 {
			return p, usagef("probe: %s %q is not a positive number", rest[0], rest[1])
		}
		switch rest[0] {
		case "count":
			p.count = int(n)
		case "timeout":
			p.timeout = time.Duration(n) * time.Second
		default:
			return p, usagef("probe: unknown option %q", rest[0])
		}
	}
	return p, nil
}

func (e *env) probeListen(h *ns.Handle, p probe) error {
	// One socket per family, the IPv6 one IPV6_V6ONLY: a namespace may
	// have IPv6 switched off, and then IPv4 alone must still work.
	var socks []int
	err := ns.In(h, func() error {
		var firstErr error
		for _, fam := range []int{unix.AF_INET, unix.AF_INET6} {
			fd, err := listenOne(p, fam)
			if err != nil {
				firstErr = cmp.Or(firstErr, err)
				continue
			}
			socks = append(socks, fd)
		}
		if len(socks) == 0 {
			return firstErr
		}
		return nil
	})
	defer func() {
		for _, fd := range socks {
			unix.Close(fd)
		}
	}()
	if err != nil {
		return fmt.Errorf("probe: listen on %s port %d: %w", p.proto, p.port, err)
	}
	// On stderr, so that a script can wait for it and the report stays clean.
	fmt.Fprintf(e.stderr, "listening on %s port %d\n", p.proto, p.port)
	fds := make([]unix.PollFd, len(socks))
	for i, fd := range socks {
		fds[i] = unix.PollFd{Fd: int32(fd), Events: unix.POLLIN}
	}
	deadline := time.Now().Add(p.timeout)
	for seen := 0; seen < p.count; {
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("probe: nothing reached %s port %d within %ds", p.proto, p.port, int64(p.timeout/time.Second))
		}
		if _, err := unix.Poll(fds, int(left.Milliseconds())+1); err != nil && err != unix.EINTR {
			return fmt.Errorf("probe: wait on %s port %d: %w", p.proto, p.port, err)
		}
		for _, f := range fds {
			if f.Revents == 0 || seen == p.count {
				continue
			}
			from, err := answer(p, int(f.Fd))
			if err != nil {
				return fmt.Errorf("probe: wait on %s port %d: %w", p.proto, p.port, err)
			}
			fmt.Fprintf(e.stdout, "%s from %s\n", p.proto, from)
			seen++
		}
	}
	return nil
}

// listenOne opens a listening (TCP) or bound (UDP) socket of one family.
func listenOne(p probe, fam int) (int, error) {
	typ := unix.SOCK_DGRAM
	if p.proto == "tcp" {
		typ = unix.SOCK_STREAM
	}
	fd, err := unix.Socket(fam, typ|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	sa := sockaddr(netaddr.IPv4Unspecified(), p.port)
	if fam == unix.AF_INET6 {
		sa = sockaddr(netaddr.IPv6Unspecified(), p.port)
		err = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1)
	}
	if err == nil {
		err = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	}
	if err == nil {
		err = unix.Bind(fd, sa)
	}
	if err == nil && typ == unix.SOCK_STREAM {
		err = unix.Listen(fd, 16)
	}
	if err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// answer takes the next client on a ready socket, tells it the address
// it was seen as, and returns that address.
func answer(p probe, fd int) (netaddr.AddrPort, error) {
	if p.proto == "tcp" {
		c, sa, err := rawos.Accept4(fd, unix.SOCK_CLOEXEC)
		if err != nil {
			return netaddr.AddrPort{}, err
		}
		defer unix.Close(c)
		from := rawos.AddrPort(&sa)
		unix.Write(c, []byte(from.String()+"\n"))
		return from, nil
	}
	buf := make([]byte, 64)
	_, _, sa, err := rawos.Recvmsg(fd, buf, nil, 0)
	if err != nil {
		return netaddr.AddrPort{}, err
	}
	from := rawos.AddrPort(&sa)
	unix.Sendto(fd, []byte(from.String()+"\n"), 0, sockaddr(from.Addr(), from.Port()))
	return from, nil
}

func (e *env) probeConnect(h *ns.Handle, p probe) error {
	target := netaddr.AddrPortFrom(p.addr, p.port)
	fam, typ := unix.AF_INET, unix.SOCK_DGRAM
	if p.addr.Is6() {
		fam = unix.AF_INET6
	}
	if p.proto == "tcp" {
		typ = unix.SOCK_STREAM
	}
	fd := -1
	err := ns.In(h, func() (err error) {
		fd, err = unix.Socket(fam, typ|unix.SOCK_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("probe: connect to %s %s: %w", p.proto, target, err)
	}
	defer unix.Close(fd)
	// On a blocking socket the send timeout bounds connect(2) too.
	tv := unix.NsecToTimeval(p.timeout.Nanoseconds())
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv)
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	// Go's runtime preempts a goroutine with a signal (SIGURG), and a
	// socket with a timeout is not restarted after one (signal(7)): a read
	// or write is asked again, and an interrupted connect goes on in the
	// kernel, so it is waited for and its result read from SO_ERROR.
	err = unix.Connect(fd, sockaddr(p.addr, p.port))
	if err == unix.EINTR {
		err = awaitConnect(fd, p.timeout)
	}
	if err != nil {
		return fmt.Errorf("probe: connect to %s %s: %w", p.proto, target, timedOut(err))
	}
	if p.proto == "udp" {
		for err = unix.EINTR; err == unix.EINTR; {
			_, err = unix.Write(fd, []byte("nsnet probe\n"))
		}
		if err != nil {
			return fmt.Errorf("probe: send to udp %s: %w", target, err)
		}
	}
	buf := make([]byte, 64)
	n := 0
	for err = unix.EINTR; err == unix.EINTR; {
		n, err = unix.Read(fd, buf)
	}
	if err == nil && n == 0 {
		err = unix.ECONNRESET
	}
	if err != nil {
		return fmt.Errorf("probe: no answer from %s %s: %w", p.proto, target, timedOut(err))
	}
	local, _ := rawos.Getsockname(fd)
	fmt.Fprintf(e.stdout, "%s %s reached from %s; seen as %s", p.proto, target, rawos.AddrPort(&local), buf[:n])
	return nil
}

// awaitConnect waits for the connect a signal interrupted: the socket
// becomes writable when it is done, and SO_ERROR says how it went.
func awaitConnect(fd int, timeout time.Duration) error {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	n, err := 0, error(unix.EINTR)
	for err == unix.EINTR {
		n, err = unix.Poll(fds, int(timeout.Milliseconds()))
	}
	switch {
	case err != nil:
		return err
	case n == 0:
		return unix.ETIMEDOUT
	}
	soErr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err == nil && soErr != 0 {
		err = unix.Errno(soErr)
	}
	return err
}

// timedOut names the errno a socket timeout gives (EAGAIN, or EINPROGRESS
// for connect) for what it is.
func timedOut(err error) error {
	if err == unix.EAGAIN || err == unix.EINPROGRESS {
		return unix.ETIMEDOUT
	}
	return err
}

func sockaddr(a netaddr.Addr, port uint16) unix.Sockaddr {
	if a.Is4() {
		return &unix.SockaddrInet4{Addr: a.As4(), Port: int(port)}
	}
	return &unix.SockaddrInet6{Addr: a.As16(), Port: int(port)}
}
