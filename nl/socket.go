package nl

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// socket is the Transport of a real netlink socket.
type socket struct {
	f       *os.File // non-blocking, so reads wait in Go's poller and honour deadlines
	buf     []byte   // one reused receive buffer, grown for a larger datagram
	timeout time.Duration
}

func (s *socket) Close() error {
	err := s.f.Close()
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}

func (s *socket) Send(b []byte) error {
	rc, err := s.f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = rc.Write(func(fd uintptr) bool {
		for {
			serr = unix.Sendmsg(int(fd), b, nil, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}, 0)
			if serr != unix.EINTR { // Go's preemption signals interrupt syscalls
				return serr != unix.EAGAIN
			}
		}
	})
	if err == nil {
		err = serr
	}
	return err
}

func (s *socket) Receive(wait bool) ([]byte, uint32, error) {
	if s.timeout > 0 {
		s.f.SetReadDeadline(time.Now().Add(s.timeout))
	} else {
		s.f.SetReadDeadline(time.Time{})
	}
	rc, err := s.f.SyscallConn()
	if err != nil {
		return nil, 0, err
	}
	var n int
	var from unix.Sockaddr
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		// Peek first, with the whole buffer: MSG_TRUNC makes the kernel
		// return the datagram's real size, so a large one grows the buffer
		// instead of being cut. Offering the whole buffer (not a few bytes)
		// also tells the kernel it may send dumps in large datagrams
		// (netlink_recvmsg records max_recvmsg_len).
		n, _, _, _, rerr = recvmsg(int(fd), s.buf, unix.MSG_PEEK|unix.MSG_TRUNC)
		if rerr == nil && n > len(s.buf) {
			s.buf = make([]byte, align(n))
		}
		if rerr == nil {
			n, _, _, from, rerr = recvmsg(int(fd), s.buf, 0)
		}
		return rerr != unix.EAGAIN || !wait
	})
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, 0, ErrTimeout
	}
	if err == nil {
		err = rerr
	}
	if err == unix.EAGAIN {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	sa, ok := from.(*unix.SockaddrNetlink)
	if !ok {
		return nil, 0, errors.New("a datagram from a non-netlink address")
	}
	return s.buf[:n], sa.Pid, nil
}

// recvmsg is unix.Recvmsg retried on EINTR, which Go's preemption signals
// cause and which must never reach a caller.
func recvmsg(fd int, b []byte, flags int) (n, oobn, rflags int, from unix.Sockaddr, err error) {
	for {
		n, oobn, rflags, from, err = unix.Recvmsg(fd, b, nil, flags)
		if err != unix.EINTR {
			return
		}
	}
}
