package nl_test

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
)

// dial opens a NETLINK_ROUTE socket in a fresh namespace.
func dial(t *testing.T, cfg *nl.Config) *nl.Conn {
	t.Helper()
	h := testns.New(t)
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
