package nltest_test

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/nl/nltest"
)

// A peer that refuses every request as the kernel refuses a duplicate
// link, with its extended-ack text: what nl.Conn makes of it, no root
// needed.
func ExampleDial() {
	c := nltest.Dial(func(req []nl.Message) []nltest.Reply {
		return []nltest.Reply{{Msgs: []nl.Message{nltest.Error(req[0], unix.EEXIST, "Link already exists")}}}
	})
	_, err := c.Execute(nl.Message{Header: nl.Header{Type: unix.RTM_NEWLINK}, Data: make([]byte, unix.SizeofIfInfomsg)})
	fmt.Println(err)
	fmt.Println(errors.Is(err, unix.EEXIST))
	// Output:
	// file exists (kernel: Link already exists)
	// true
}
