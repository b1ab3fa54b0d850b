package nl_test

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
)

// dial opens a NETLINK_ROUTE socket in a fresh namespace.
func dial(t testing.TB, cfg *nl.Config) *nl.Conn {
	t.Helper()
	return dialIn(t, testns.New(t), cfg)
}

// dialIn opens a NETLINK_ROUTE socket in namespace h.
func dialIn(t testing.TB, h *ns.Handle, cfg *nl.Config) *nl.Conn {
	t.Helper()
	var c *nl.Conn
	err := ns.Do(h, func() (err error) {
		c, err = nl.Dial(unix.NETLINK_ROUTE, cfg)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// getLinks is RTM_GETLINK with an ifinfomsg of family AF_UNSPEC: `ip link`.
func getLinks() nl.Message {
	return nl.Message{Header: nl.Header{Type: unix.RTM_GETLINK}, Data: make([]byte, unix.SizeofIfInfomsg)}
}

func TestDumpFreshNamespaceHasOnlyLoopback(t *testing.T) {
	c := dial(t, nil)
	msgs, err := c.DumpAll(getLinks())
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Header.Type != unix.RTM_NEWLINK {
		t.Fatalf("fresh namespace: want one RTM_NEWLINK (lo), got %d messages", len(msgs))
	}
}

func TestExecuteErrorCarriesErrnoAndExtAck(t *testing.T) {
	c := dial(t, nil)
	// RTM_NEWLINK for a kind the kernel does not know: ip link add x type nosuchkind
	e := nl.NewEncoder(make([]byte, unix.SizeofIfInfomsg))
	e.String(unix.IFLA_IFNAME, "x")
	e.Nest(unix.IFLA_LINKINFO)
	e.String(unix.IFLA_INFO_KIND, "nosuchkind")
	e.End()
	b, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Execute(nl.Message{Header: nl.Header{Type: unix.RTM_NEWLINK, Flags: unix.NLM_F_CREATE | unix.NLM_F_EXCL}, Data: b})
	var ne *nl.Error
	if !errors.As(err, &ne) {
		t.Fatalf("want *nl.Error, got %v", err)
	}
	if !errors.Is(err, unix.EOPNOTSUPP) || ne.Msg == "" {
		t.Fatalf("want EOPNOTSUPP with kernel text, got errno %v msg %q", ne.Errno, ne.Msg)
	}
	t.Logf("kernel said: %v", err)
}

// addAddr is `ip addr add 10.X.Y.Z/32 dev lo` (lo is ifindex 1 in a fresh
// namespace): struct ifaddrmsg + IFA_LOCAL + IFA_ADDRESS.
func addAddr(i int) nl.Message {
	ip := []byte{10, byte(i >> 16), byte(i >> 8), byte(i)}
	e := nl.NewEncoder([]byte{unix.AF_INET, 32, 0, 0, 1, 0, 0, 0})
	e.Bytes(unix.IFA_LOCAL, ip)
	e.Bytes(unix.IFA_ADDRESS, ip)
	b, _ := e.Encode()
	return nl.Message{Header: nl.Header{Type: unix.RTM_NEWADDR, Flags: unix.NLM_F_CREATE | unix.NLM_F_EXCL}, Data: b}
}

func getAddrs() nl.Message {
	return nl.Message{Header: nl.Header{Type: unix.RTM_GETADDR}, Data: []byte{unix.AF_INET, 0, 0, 0, 0, 0, 0, 0}}
}

func countAddrs(t *testing.T, c *nl.Conn) int {
	t.Helper()
	msgs, err := c.DumpAll(getAddrs())
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

func TestBatchAttributesEachError(t *testing.T) {
	c := dial(t, nil)
	var reqs []nl.Message
	for i := range 3000 {
		reqs = append(reqs, addAddr(i%2900)) // the last 100 repeat earlier ones
	}
	errs, err := c.Batch(reqs)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if want := i >= 2900; (e != nil) != want || (want && !errors.Is(e, unix.EEXIST)) {
			t.Fatalf("request %d: got %v, want failure=%v (EEXIST)", i, e, want)
		}
	}
	if n := countAddrs(t, c); n != 2900 {
		t.Fatalf("want 2900 addresses, dump shows %d", n)
	}
}

// With a tiny receive buffer, a burst of refusals overflows it. Batch must
// then say the outcome is unknown, not that requests failed — and the
// requests that were valid must all be in place.
func TestBatchOverflowIsNotFailure(t *testing.T) {
	c := dial(t, &nl.Config{RecvBuffer: 4096})
	var reqs []nl.Message
	for i := range 400 {
		reqs = append(reqs, addAddr(i))
	}
	if _, err := c.Batch(reqs); err != nil {
		t.Fatal(err)
	}
	// Now 400 duplicates (all refused) interleaved with 400 new ones.
	reqs = reqs[:0]
	for i := range 400 {
		reqs = append(reqs, addAddr(i), addAddr(1000+i))
	}
	errs, err := c.Batch(reqs)
	if !errors.Is(err, nl.ErrAcksLost) {
		t.Fatalf("want ErrAcksLost from an overflowing receive buffer, got %v", err)
	}
	for i, e := range errs {
		if i%2 == 1 && e != nil {
			t.Fatalf("request %d (valid) reported as failed: %v", i, e)
		}
	}
	if n := countAddrs(t, c); n != 800 {
		t.Fatalf("want all 800 addresses applied, dump shows %d", n)
	}
}

// A message sent to our port by another process must never be taken for
// the kernel's answer, even with the right sequence number.
func TestRepliesFromOtherPortsAreIgnored(t *testing.T) {
	h := testns.New(t)
	var c *nl.Conn
	var spoofer int
	var lastSeq uint32 // the sequence number of the last request sent
	trace := func(dir nl.Direction, _ int, msg []byte) {
		if dir == nl.Sent {
			lastSeq = binary.NativeEndian.Uint32(msg[8:12])
		}
	}
	err := ns.Do(h, func() (err error) {
		if c, err = nl.Dial(unix.NETLINK_ROUTE, &nl.Config{Timeout: time.Second, Trace: trace}); err != nil {
			return err
		}
		spoofer, err = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer unix.Close(spoofer)
	if _, err = c.Execute(addAddr(1)); err != nil {
		t.Fatalf("first add: %v", err)
	}
	// A forged "success" carrying the very port id and sequence number the
	// next request will use, queued before the kernel can answer it: only
	// the sender check (port 0 is the kernel) can tell it apart.
	for seq := lastSeq + 1; seq <= lastSeq+4; seq++ {
		ack := nl.Message{Header: nl.Header{Type: unix.NLMSG_ERROR, PortID: c.PortID(), Sequence: seq}, Data: make([]byte, 20)}
		binary.NativeEndian.PutUint32(ack.Data[12:], seq) // the echoed request header's nlmsg_seq
		if err := unix.Sendto(spoofer, ack.Append(nil), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: c.PortID()}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.Execute(addAddr(1)) // must fail: only the kernel's EEXIST counts
	if !errors.Is(err, unix.EEXIST) {
		t.Fatalf("duplicate add: want EEXIST from the kernel, got %v", err)
	}
}

func TestReceiveDeadline(t *testing.T) {
	c := dial(t, &nl.Config{Timeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := c.Receive() // nothing will ever arrive: no groups joined
	if !errors.Is(err, nl.ErrTimeout) {
		t.Fatalf("want ErrTimeout, got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("deadline of 200ms took %v", d)
	}
}

// Addresses dumped while another socket adds and removes addresses: the
// kernel flags the dump NLM_F_DUMP_INTR, and Dump must say so.
func TestDumpInterruptedIsReported(t *testing.T) {
	h := testns.New(t)
	c := dialIn(t, h, nil)
	var reqs []nl.Message
	for i := range 3000 {
		reqs = append(reqs, addAddr(i))
	}
	if _, err := c.Batch(reqs); err != nil {
		t.Fatal(err)
	}
	quiet := c.Dump(getAddrs(), func(nl.Message) error { return nil })
	if quiet != nil {
		t.Fatalf("dump without concurrent changes: %v", quiet)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	mut := dialIn(t, h, nil)
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			m := addAddr(5000 + i%50)
			if i%100 >= 50 {
				m.Header.Type = unix.RTM_DELADDR
				m.Header.Flags = 0
			}
			mut.Execute(m)
		}
	}()
	interrupted := false
	for range 50 {
		if err := c.Dump(getAddrs(), func(nl.Message) error { return nil }); errors.Is(err, nl.ErrDumpInterrupted) {
			interrupted = true
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	<-done
	if !interrupted {
		t.Fatal("50 dumps racing with address changes: none reported NLM_F_DUMP_INTR")
	}
}

// Get returns the one reply without asking for an ACK, and an error as an
// *nl.Error.
func TestGet(t *testing.T) {
	c := dial(t, nil)
	// ip link show lo: RTM_GETLINK with ifi_index 1
	m, err := c.Get(nl.Message{Header: nl.Header{Type: unix.RTM_GETLINK}, Data: []byte{0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}})
	if err != nil || m.Header.Type != unix.RTM_NEWLINK {
		t.Fatalf("get lo: %v %v", m.Header, err)
	}
	_, err = c.Get(nl.Message{Header: nl.Header{Type: unix.RTM_GETLINK}, Data: []byte{0, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}})
	if !errors.Is(err, unix.ENODEV) {
		t.Fatalf("get ifindex 99: want ENODEV, got %v", err)
	}
	// The connection is still in step: the next request gets its own answer.
	if _, err := c.Execute(addAddr(1)); err != nil {
		t.Fatal(err)
	}
}

// The tracer sees each datagram sent and each received, whole.
func TestTracerSeesBothDirections(t *testing.T) {
	var sent, received []uint16
	c := dial(t, &nl.Config{Trace: func(dir nl.Direction, proto int, datagram []byte) {
		msgs, err := nl.ParseMessages(datagram)
		if err != nil || len(msgs) != 1 || proto != unix.NETLINK_ROUTE {
			t.Errorf("traced %d bytes that are not one message: %v", len(datagram), err)
			return
		}
		if dir == nl.Sent {
			sent = append(sent, msgs[0].Header.Type)
		} else {
			received = append(received, msgs[0].Header.Type)
		}
	}})
	if _, err := c.Execute(addAddr(7)); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0] != unix.RTM_NEWADDR || len(received) != 1 || received[0] != unix.NLMSG_ERROR {
		t.Fatalf("sent %v, received %v", sent, received)
	}
}

// A subscription's Close ends a Receive waiting for events: close(2) alone
// would not wake a recv(2) blocked on a netlink socket.
func TestCloseEndsWaitingReceive(t *testing.T) {
	c := dial(t, &nl.Config{Groups: []uint32{unix.RTNLGRP_LINK}})
	done := make(chan error)
	go func() {
		_, err := c.Receive()
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let it wait (if it has not yet, Receive after Close fails the same)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, nl.ErrClosed) {
			t.Fatalf("Receive after Close: %v, want nl.ErrClosed", err)
		}
	case <-time.After(5 * time.Second): // a liveness bound, not a measurement
		t.Fatal("Receive still waiting 5 s after Close")
	}
	if _, err := c.Receive(); !errors.Is(err, nl.ErrClosed) {
		t.Fatalf("Receive on a closed subscription: %v", err)
	}
	// Nothing is written to its old descriptor number, which may be another
	// file's by now.
	if _, err := c.Execute(getLinks()); !errors.Is(err, nl.ErrClosed) {
		t.Fatalf("a request on a closed subscription: %v", err)
	}
}
