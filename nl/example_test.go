package nl_test

import (
	"fmt"
	"log"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Attributes are appended to one buffer, 4-byte aligned, with their length
// and type in front: here an ifinfomsg (16 zero bytes) and IFLA_IFNAME.
func ExampleEncoder() {
	e := nl.NewEncoder(make([]byte, unix.SizeofIfInfomsg))
	e.String(unix.IFLA_IFNAME, "v0")
	e.Nest(unix.IFLA_LINKINFO)
	e.Bytes(unix.IFLA_INFO_KIND, []byte("veth"))
	e.End()
	b, err := e.Encode()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("% x\n", b[unix.SizeofIfInfomsg:])
	// Output: 07 00 03 00 76 30 00 00 0c 00 12 00 08 00 01 00 76 65 74 68
}

// A Decoder walks attributes; its first error sticks and Err reports it.
func ExampleDecoder() {
	d := nl.NewDecoder([]byte{7, 0, 3, 0, 'v', '0', 0, 0, 8, 0, 4, 0, 0xdc, 5, 0, 0})
	for d.Next() {
		switch d.Type() {
		case unix.IFLA_IFNAME:
			fmt.Println("name", d.String())
		case unix.IFLA_MTU:
			fmt.Println("mtu", d.Uint32())
		}
	}
	if err := d.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// name v0
	// mtu 1500
}

// A request the kernel answers with an ACK or an error: RTM_NEWLINK for a
// bridge, as `ip link add br0 type bridge`. As root.
func ExampleConn_Execute() {
	c, err := nl.Dial(unix.NETLINK_ROUTE, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	e := nl.NewEncoder(make([]byte, unix.SizeofIfInfomsg))
	e.String(unix.IFLA_IFNAME, "br0")
	e.Nest(unix.IFLA_LINKINFO)
	e.Bytes(unix.IFLA_INFO_KIND, []byte("bridge"))
	e.End()
	b, _ := e.Encode()
	req := nl.Message{Header: nl.Header{Type: unix.RTM_NEWLINK, Flags: unix.NLM_F_CREATE | unix.NLM_F_EXCL}, Data: b}
	if _, err := c.Execute(req); err != nil {
		log.Fatal(err) // an *nl.Error: errno, the kernel's message, the attribute at fault
	}
}
