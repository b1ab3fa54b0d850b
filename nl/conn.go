package nl

import (
	"errors"
	"sync"
	"time"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"

	"golang.org/x/sys/unix"
)

// Namespace is where a socket is opened: a network namespace that can run
// a function on a thread inside it (*ns.Handle; a nil one runs it here).
// A socket belongs to the namespace it was opened in for its whole life.
type Namespace interface {
	Run(fn func() error) error
}

// Config sets up a Conn. The zero value is good.
type Config struct {
	// NetNS is the namespace to open the socket in; nil: the caller's.
	NetNS Namespace
	// Groups are multicast groups (RTNLGRP_*, NFNLGRP_*) to join at once.
	Groups []uint32
	// Timeout bounds each wait for the kernel's reply; 0 waits forever.
	Timeout time.Duration
	// RecvBuffer sets SO_RCVBUF(FORCE) in bytes; 0 keeps the default.
	RecvBuffer int
	// ListenAllNSID, with Groups, receives the groups' notifications from
	// every namespace that has an id in the socket's own too
	// (NETLINK_LISTEN_ALL_NSID); SourceNSID tells where each came from.
	ListenAllNSID bool
	// Trace, if set, sees every datagram sent and received.
	Trace Tracer
	// AttrName names the attribute at byte offset off of a request's
	// payload, for the text of an extended-ack error ("IFLA_MTU").
	AttrName func(msgType uint16, payload []byte, off int) string
}

// Direction says whether a traced message was sent or received.
type Direction int

const (
	Sent     Direction = 1
	Received Direction = 2
)

// Tracer sees one whole datagram (one or more messages), in wire format,
// each time it is called; the datagram is the caller's again when it
// returns.
type Tracer func(dir Direction, protocol int, datagram []byte)

// Conn is a netlink socket of one protocol, bound in the network namespace
// of the thread that called Dial, for its whole life. Its methods may be
// called from any goroutine; requests are serialized.
type Conn struct {
	mu    sync.Mutex
	proto int
	t     Transport
	port  uint32 // our port id, assigned by the kernel at bind
	seq   uint32
	cfg   Config
	msgs  []Message // the last datagram's messages, valid until the next receive
	out   []byte    // the last datagram sent: its room is reused by the next

	// A Batch's write and its outcomes, kept for the next: a batch of
	// 100,000 routes then allocates nothing per request here.
	chunk    []Message
	outcomes []Outcome
}

// Transport carries a Conn's datagrams: a netlink socket (Dial), or an
// in-memory peer that answers as the kernel would (package nltest), so
// that protocol logic can be tested without root.
type Transport interface {
	// Send writes one datagram: one or more messages. The datagram is
	// the caller's again when Send returns.
	Send(datagram []byte) error
	// Receive returns the next datagram, whole, and its sender's port id
	// (0 is the kernel). The datagram is valid until the next Receive.
	// With wait false it returns a nil datagram at once when none is
	// queued. A receive buffer overflow is unix.ENOBUFS.
	Receive(wait bool) (datagram []byte, from uint32, err error)
	Close() error
}

// NewConn makes a Conn that speaks protocol over t, as port id port.
func NewConn(t Transport, protocol int, port uint32, cfg *Config) *Conn {
	c := &Conn{proto: protocol, t: t, port: port, seq: uint32(time.Now().UnixNano())}
	if cfg != nil {
		c.cfg = *cfg
	}
	return c
}

// Dial opens a netlink socket for protocol (unix.NETLINK_ROUTE,
// unix.NETLINK_NETFILTER, ...). It turns on extended acknowledgements, capped
// acknowledgements and strict checking where the kernel has them.
func Dial(protocol int, cfg *Config) (*Conn, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	var fd int
	open := func() (err error) {
		typ := unix.SOCK_RAW | unix.SOCK_CLOEXEC
		if len(c.Groups) != 0 {
			typ |= unix.SOCK_NONBLOCK // waits in poll(2): see socket
		}
		fd, err = unix.Socket(unix.AF_NETLINK, typ, protocol)
		return err
	}
	var err error
	if c.NetNS != nil {
		err = c.NetNS.Run(open)
	} else {
		err = open()
	}
	if err != nil {
		return nil, fmt.Errorf("nl: open netlink socket (protocol %d): %w", protocol, err)
	}
	port, err := setup(fd, &c)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	buf := make([]byte, 32*1024)
	if len(c.Groups) != 0 {
		s, err := newSocket(fd, buf, int64(c.Timeout))
		if err != nil {
			unix.Close(fd)
			return nil, err
		}
		if c.ListenAllNSID {
			s.oob = make([]byte, unix.CmsgSpace(4))
		}
		return NewConn(s, protocol, port, &c), nil
	}
	if c.Timeout > 0 {
		tv := unix.NsecToTimeval(c.Timeout.Nanoseconds())
		for _, opt := range []int{unix.SO_RCVTIMEO, unix.SO_SNDTIMEO} {
			if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, opt, &tv); err != nil {
				unix.Close(fd)
				return nil, fmt.Errorf("nl: set socket timeout: %w", err)
			}
		}
	}
	return NewConn(&blockingSocket{fd: fd, buf: buf}, protocol, port, &c), nil
}

// setup binds the socket, sets the options cfg and nsnet want, and
// returns the port id the kernel assigned.
func setup(fd int, cfg *Config) (uint32, error) {
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, fmt.Errorf("nl: bind netlink socket: %w", err)
	}
	sa, err := rawos.Getsockname(fd)
	if err != nil {
		return 0, fmt.Errorf("nl: read netlink port id: %w", err)
	}
	port, _ := rawos.NetlinkPort(&sa)
	// Each option exists only on newer kernels; ENOPROTOOPT just means
	// "not here", and the conn works without it.
	for _, opt := range []int{unix.NETLINK_EXT_ACK, unix.NETLINK_CAP_ACK, unix.NETLINK_GET_STRICT_CHK} {
		if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, opt, 1); err != nil && err != unix.ENOPROTOOPT {
			return 0, fmt.Errorf("nl: set netlink socket option %d: %w", opt, err)
		}
	}
	if n := cfg.RecvBuffer; n > 0 {
		// FORCE passes rmem_max when we are privileged; else settle for the cap.
		if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n) != nil {
			if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, n); err != nil {
				return 0, fmt.Errorf("nl: set receive buffer to %d bytes: %w", n, err)
			}
		}
	}
	for _, g := range cfg.Groups {
		if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(g)); err != nil {
			return 0, fmt.Errorf("nl: join multicast group %d: %w", g, err)
		}
	}
	if cfg.ListenAllNSID {
		if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_LISTEN_ALL_NSID, 1); err != nil {
			return 0, fmt.Errorf("nl: listen to every namespace with an id (NETLINK_LISTEN_ALL_NSID): %w", err)
		}
	}
	return port, nil
}

// For returns a copy of cfg (nil: the zero Config) for a socket in
// netns (a nil one: here), whose errors name attributes with attrName
// unless cfg names them already: how a family package (rtnl, nft) dials.
//
//go:noinline
func (cfg *Config) For(netns Namespace, attrName func(msgType uint16, payload []byte, off int) string) *Config {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if netns != nil {
		c.NetNS = netns
	}
	if c.AttrName == nil {
		c.AttrName = attrName
	}
	return &c
}

// PortID is the socket's netlink port id.
func (c *Conn) PortID() uint32 { return c.port }

// Close closes the socket. A second Close does nothing.
//
//go:noinline
func (c *Conn) Close() error {
	if c == nil || c.t == nil {
		return nil
	}
	return c.t.Close()
}

// nextSeq returns a fresh sequence number; the caller holds c.mu.
func (c *Conn) nextSeq() uint32 {
	c.seq++
	return c.seq
}

// send writes msgs in one datagram. The caller holds c.mu.
func (c *Conn) send(msgs []Message) error {
	b := c.out[:0]
	for _, m := range msgs {
		b = m.Append(b)
	}
	c.out = b
	if c.cfg.Trace != nil {
		c.cfg.Trace(Sent, c.proto, b)
	}
	if err := c.t.Send(b); err != nil {
		return fmt.Errorf("nl: send: %w", err)
	}
	return nil
}

// ErrTimeout is returned when the kernel does not answer within
// Config.Timeout.
var ErrTimeout = errors.New("nl: timed out waiting for the kernel")

// errWouldBlock is what a non-waiting receive returns when nothing is queued.
var errWouldBlock = errors.New("nl: no datagram queued")

// receive reads one datagram and returns the messages in it that come from
// the kernel (sender port 0). The messages are views into c.buf, valid until
// the next receive. The caller holds c.mu.
func (c *Conn) receive() ([]Message, error) { return c.receiveMaybeWait(true) }

// receiveMaybeWait is receive; with wait false it returns errWouldBlock at
// once when no datagram is queued.
func (c *Conn) receiveMaybeWait(wait bool) ([]Message, error) {
	for {
		b, from, err := c.t.Receive(wait)
		if err != nil {
			return nil, c.receiveError(err)
		}
		if b == nil {
			return nil, errWouldBlock
		}
		if from != 0 {
			continue // not from the kernel: another process may write to our port
		}
		return c.parse(b)
	}
}

func (c *Conn) receiveError(err error) error {
	if err == ErrTimeout {
		return err
	}
	return fmt.Errorf("nl: receive: %w", err)
}

// parse traces datagram b and splits it into c.msgs.
func (c *Conn) parse(b []byte) ([]Message, error) {
	if c.cfg.Trace != nil {
		c.cfg.Trace(Received, c.proto, b)
	}
	msgs, err := appendMessages(c.msgs[:0], b)
	c.msgs = msgs
	return msgs, err
}

// ours reports whether m answers the request numbered seq on this socket.
func (c *Conn) ours(m Message, seq uint32) bool {
	return m.Header.Sequence == seq && m.Header.PortID == c.port
}

// Receive waits for the next datagram and returns copies of its messages:
// multicast notifications for a Conn that joined groups.
func (c *Conn) Receive() ([]Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	msgs, err := c.receive()
	return cloneMessages(msgs), err
}

// SourceNSID is, for a Conn with ListenAllNSID, the id (in the socket's
// namespace) of the namespace the datagram Receive last returned came
// from; -1 when it came from the socket's own, which has no id for
// itself (the kernel then leaves the id out).
func (c *Conn) SourceNSID() int32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.t.(*socket); ok && s.oob != nil {
		return s.nsid
	}
	return -1
}

// cloneMessages copies msgs out of the receive buffer, which the next
// read reuses.
//
//go:noinline
func cloneMessages(msgs []Message) []Message {
	out := make([]Message, len(msgs))
	for i, m := range msgs {
		out[i] = Message{Header: m.Header, Data: append([]byte(nil), m.Data...)}
	}
	return out
}

// kernelError turns an NLMSG_ERROR or NLMSG_DONE payload into an error,
// naming the attribute at fault when the family can.
func (c *Conn) kernelError(m Message, req *Message) error {
	e, err := parseError(m)
	if err != nil {
		return err
	}
	if e == nil {
		return nil
	}
	if req != nil && e.Offset >= headerLen && c.cfg.AttrName != nil {
		e.Attr = c.cfg.AttrName(req.Header.Type, req.Data, e.Offset-headerLen)
	}
	return e
}
