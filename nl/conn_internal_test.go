package nl

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// A datagram larger than the receive buffer must grow the buffer, never be
// cut: shrink the buffer to 64 bytes and dump lo's link (about 1.5 KiB).
func TestReceiveGrowsBuffer(t *testing.T) {
	if os.Getenv("NSNET_TEST_SANDBOX") != "1" {
		t.Skip("KERNEL TEST NOT RUN: needs the sandbox (root)")
	}
	// Both transports: the blocking one, and the polled one of subscribers.
	for _, cfg := range []*Config{nil, {Groups: []uint32{unix.RTNLGRP_LINK}}} {
		c, err := Dial(unix.NETLINK_ROUTE, cfg) // the sandbox's own namespace: read-only use
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var buf *[]byte
		switch s := c.t.(type) {
		case *socket:
			buf = &s.buf
		case *blockingSocket:
			buf = &s.buf
		}
		*buf = make([]byte, 64)
		msgs, err := c.DumpAll(Message{Header: Header{Type: unix.RTM_GETLINK}, Data: make([]byte, unix.SizeofIfInfomsg)})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 || len(msgs[0].Data) < 500 || len(*buf) < 500 {
			t.Fatalf("%T: got %d messages, buffer %d bytes", c.t, len(msgs), len(*buf))
		}
	}
}
