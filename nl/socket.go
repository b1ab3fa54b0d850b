package nl

import (
	"encoding/binary"
	"errors"
	"sync"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"golang.org/x/sys/unix"
)

// socket is the Transport of a netlink socket that joined multicast
// groups: a subscription, which waits for events as long as it is open.
// It waits in poll(2) on the socket and on an eventfd that Close writes:
// close(2) does not interrupt a recv(2) blocked on a netlink socket, and
// a monitor must stop when closed. (Go's poller would do the same, at the
// cost of package os in the binary.)
type socket struct {
	fd, wake int    // the socket, non-blocking; the eventfd
	buf      []byte // one reused receive buffer, grown for a larger datagram
	timeout  int64  // nanoseconds; not a time.Duration, whose String (reachable from a type in an interface) costs 2 KB
	sndbuf   int    // SO_SNDBUF as set; 0: the kernel's default
	oob      []byte // with ListenAllNSID: room for the cmsg naming the source namespace
	nsid     int32  // the last datagram's source namespace, from oob; -1: this one

	mu        sync.Mutex
	closed    bool
	receiving int // Receives under way: the last one out closes the descriptors
}

// ErrClosed is what a closed subscription's Receive returns.
var ErrClosed = errors.New("nl: connection closed")

func newSocket(fd int, buf []byte, timeout int64) (*socket, error) {
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("nl: eventfd: %w", err)
	}
	return &socket{fd: fd, wake: wake, buf: buf, timeout: timeout}, nil
}

func (s *socket) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	unix.Write(s.wake, one[:]) // wakes a Receive waiting in poll
	if s.receiving == 0 {
		s.release()
	}
	return nil
}

func (s *socket) release() {
	unix.Close(s.fd)
	unix.Close(s.wake)
}

func (s *socket) Send(b []byte) error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed { // its number may be another file's by now
		return ErrClosed
	}
	if err := fitSendBuffer(s.fd, &s.sndbuf, len(b)); err != nil {
		return err
	}
	for {
		err := sendmsg(s.fd, b)
		if err != unix.EAGAIN {
			return err
		}
		if err := s.poll(unix.POLLOUT); err != nil {
			return err
		}
	}
}

func (s *socket) Receive(wait bool) ([]byte, uint32, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, 0, ErrClosed
	}
	s.receiving++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.receiving--; s.closed && s.receiving == 0 {
			s.release()
		}
		s.mu.Unlock()
	}()
	for {
		b, port, oobn, err := readDatagram(s.fd, &s.buf, s.oob, unix.MSG_DONTWAIT)
		if err != unix.EAGAIN {
			if s.oob != nil {
				s.nsid = sourceNSID(s.oob[:oobn])
			}
			return b, port, err
		}
		if !wait {
			return nil, 0, nil
		}
		if err := s.poll(unix.POLLIN); err != nil {
			return nil, 0, err
		}
	}
}

// poll waits until the socket is ready for events (POLLIN, POLLOUT), the
// timeout passes (ErrTimeout), or Close is called (ErrClosed).
func (s *socket) poll(events int16) error {
	ms := -1
	if s.timeout > 0 {
		ms = int(max(s.timeout/1e6, 1))
	}
	for {
		fds := []unix.PollFd{{Fd: int32(s.fd), Events: events}, {Fd: int32(s.wake), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, ms)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return fmt.Errorf("nl: poll: %w", err)
		case fds[1].Revents != 0:
			return ErrClosed
		case n == 0:
			return ErrTimeout
		}
		return nil
	}
}

// blockingSocket is the Transport of a netlink socket used for requests
// and their answers. Its receives block in the kernel, with SO_RCVTIMEO as
// the deadline: an answer wakes the thread that waits for it, where Go's
// poller would wake another thread to hand it over (measured: two thirds
// of all context switches of a batch, and 1.5x its time). A subscription
// (Config.Groups) cannot be one: close(2) does not interrupt a recv(2)
// blocked on a netlink socket, and a monitor must stop when closed.
type blockingSocket struct {
	fd     int
	buf    []byte
	sndbuf int // SO_SNDBUF as set; 0: the kernel's default
}

func (s *blockingSocket) Close() error {
	if s.fd < 0 {
		return nil
	}
	err := unix.Close(s.fd)
	s.fd = -1
	return err
}

func (s *blockingSocket) Send(b []byte) error {
	if err := fitSendBuffer(s.fd, &s.sndbuf, len(b)); err != nil {
		return err
	}
	if err := sendmsg(s.fd, b); err != unix.EAGAIN {
		return err
	}
	return ErrTimeout // SO_SNDTIMEO passed
}

// sendmsg sends datagram b to the kernel, retried on EINTR, which Go's
// preemption signals cause.
func sendmsg(fd int, b []byte) error {
	for {
		err := unix.Sendmsg(fd, b, nil, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}, 0)
		if err != unix.EINTR {
			return err
		}
	}
}

func (s *blockingSocket) Receive(wait bool) ([]byte, uint32, error) {
	flags := 0
	if !wait {
		flags = unix.MSG_DONTWAIT
	}
	b, port, _, err := readDatagram(s.fd, &s.buf, nil, flags)
	if err == unix.EAGAIN {
		if wait {
			return nil, 0, ErrTimeout // SO_RCVTIMEO passed
		}
		return nil, 0, nil
	}
	return b, port, err
}

// fitSendBuffer makes the socket's send buffer hold a datagram of n
// bytes: netlink refuses a write larger than the buffer (EMSGSIZE), and
// the default (net.core.wmem_default, ~200 KB) is less than an nftables
// batch of a thousand rules. SO_SNDBUFFORCE passes net.core.wmem_max for
// a privileged caller, as nft does. *cur caches the size (0: not read
// yet); the kernel reports and checks twice what was set, for its
// bookkeeping.
func fitSendBuffer(fd int, cur *int, n int) error {
	if *cur == 0 {
		*cur, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF)
	}
	if n+64 <= *cur {
		return nil
	}
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, n+64) != nil {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, n+64); err != nil {
			return fmt.Errorf("nl: grow the send buffer to %d bytes: %w", n, err)
		}
	}
	*cur, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF)
	return nil
}

// readDatagram reads one datagram into *buf, growing it for a larger one,
// and returns it with the sender's port and the length of the control
// messages read into oob.
func readDatagram(fd int, buf *[]byte, oob []byte, flags int) ([]byte, uint32, int, error) {
	// Peek first, with the whole buffer: MSG_TRUNC makes the kernel return
	// the datagram's real size, so a large one grows the buffer instead of
	// being cut. Offering the whole buffer (not a few bytes) also tells the
	// kernel it may send dumps in large datagrams (netlink_recvmsg records
	// max_recvmsg_len).
	n, _, _, err := rawos.Recvmsg(fd, *buf, nil, flags|unix.MSG_PEEK|unix.MSG_TRUNC)
	if err != nil {
		return nil, 0, 0, err
	}
	if n > len(*buf) {
		*buf = make([]byte, align(n))
	}
	n, oobn, from, err := rawos.Recvmsg(fd, *buf, oob, flags)
	if err != nil {
		return nil, 0, 0, err
	}
	port, ok := rawos.NetlinkPort(&from)
	if !ok {
		return nil, 0, 0, errors.New("a datagram from a non-netlink address")
	}
	return (*buf)[:n], port, oobn, nil
}

// sourceNSID reads the NETLINK_LISTEN_ALL_NSID control message: the id of
// the namespace a notification came from, which the kernel sends when
// that namespace has one in the socket's. None: -1, the socket's own.
func sourceNSID(oob []byte) int32 {
	cms, _ := unix.ParseSocketControlMessage(oob)
	for _, cm := range cms {
		if cm.Header.Level == unix.SOL_NETLINK && cm.Header.Type == unix.NETLINK_LISTEN_ALL_NSID && len(cm.Data) >= 4 {
			return int32(binary.NativeEndian.Uint32(cm.Data))
		}
	}
	return -1
}
